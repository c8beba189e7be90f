#include "services/httplistener.h"

#include <httplib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <limits>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace fn {

namespace {

int localPort(const sockaddr_storage &address)
{
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
    return -1;
}

// httplib 0.11 lets a worker wait out the whole keep-alive timeout on an idle connection, so a
// client that keeps its connection open (an SDK's pool, a browser) would hold stop() for 30 s.
// Every connection accepted on our port is this process's socket with that local port and a peer.
// Shutting down their reading side ends an idle wait at once (it reads end of file), while a
// request in progress still writes its response.
void shutdownAcceptedConnections(int port)
{
    DIR *fds = ::opendir("/proc/self/fd");
    if (!fds)
        return;
    while (const dirent *entry = ::readdir(fds)) {
        char *end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == ::dirfd(fds))
            continue;
        sockaddr_storage local = {};
        sockaddr_storage peer = {};
        socklen_t localSize = sizeof(local);
        socklen_t peerSize = sizeof(peer);
        if (::getsockname(int(fd), reinterpret_cast<sockaddr *>(&local), &localSize) != 0 || localPort(local) != port)
            continue;
        if (::getpeername(int(fd), reinterpret_cast<sockaddr *>(&peer), &peerSize) == 0)
            ::shutdown(int(fd), SHUT_RD);
    }
    ::closedir(fds);
}

} // namespace

// httplib parses multipart bodies into parts, but a service must get the bytes as sent. The request
// object is the server's own (non-const) one; its content type is hidden from httplib only while the
// body is read, then restored.
RawBody readRawBody(const httplib::Request &req, const httplib::ContentReader &reader, size_t limit)
{
    std::string body;
    auto &headers = const_cast<httplib::Headers &>(req.headers);
    auto type = headers.find("Content-Type");
    const bool hide = type != headers.end() && type->second.rfind("multipart/form-data", 0) == 0;
    if (hide)
        type->second.insert(0, "raw:");
    const bool whole = reader([&body, limit](const char *data, size_t length) {
        body.append(data, length);
        return body.size() <= limit; // a chunked body has no length to check first
    });
    if (hide)
        type->second.erase(0, 4);
    if (whole)
        return {std::move(body), false};
    const bool overByLength = QByteArray::fromStdString(req.get_header_value("Content-Length")).toULongLong() > limit;
    return {std::nullopt, overByLength || body.size() > limit};
}

HttpListener::HttpListener() = default;

HttpListener::~HttpListener()
{
    stop();
}

QString HttpListener::displayAddress(const QString &host, int port)
{
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

httplib::Server &HttpListener::reset(size_t maxPayloadBytes, int threads)
{
    stop();
    m_server = std::make_unique<httplib::Server>();
    auto &svr = *m_server;
    svr.set_tcp_nodelay(true);
    svr.set_socket_options([this](int socket) {
        m_socket = socket; // the listening one: its backlog is raised once httplib has listened
        const int yes = 1;
        // Not httplib's default SO_REUSEPORT: that would let a second server share the port silently.
        ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    });
    svr.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
    svr.set_keep_alive_timeout(30);
    svr.set_payload_max_length(maxPayloadBytes);
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    // Request smuggling's shapes: a length given twice, or a length beside Transfer-Encoding, is
    // read differently by different servers. Refused before the body is read (httplib 0.11 keeps the
    // connection: what follows on it is refused as a malformed request in turn); the service's error
    // handler gives the 400 its own shape.
    svr.set_pre_routing_handler([](const httplib::Request &req, httplib::Response &res) {
        const size_t lengths = req.headers.count("Content-Length");
        const bool chunked = req.has_header("Transfer-Encoding");
        if (lengths > 1 || (lengths == 1 && chunked)) {
            res.status = 400;
            return httplib::Server::HandlerResponse::Handled;
        }
        // HTTP/1.1: a request with neither has no body. httplib would read one until the client
        // closes (a POST without Content-Length waited for its read timeout, then answered 400).
        // The request is the server's own object, const only in this signature.
        const bool mayHaveBody =
            req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
        if (lengths == 0 && !chunked && mayHaveBody)
            const_cast<httplib::Request &>(req).set_header("Content-Length", "0");
        return httplib::Server::HandlerResponse::Unhandled;
    });
    return svr;
}

bool HttpListener::listen(const QString &host, int port, QString *error)
{
    if (!m_server)
        return false;
    auto &svr = *m_server;
    errno = 0;
    const std::string h = host.toStdString();
    const int bound = port == 0 ? svr.bind_to_any_port(h) : (svr.bind_to_port(h, port) ? port : -1);
    if (bound <= 0) {
        const int err = errno;
        if (error) {
            const QString where = displayAddress(host, port);
            if (err == EADDRINUSE)
                *error = QStringLiteral("%1 is already in use").arg(where);
            else
                *error = QStringLiteral("cannot listen on %1: %2")
                             .arg(where, err ? QString::fromLocal8Bit(strerror(err))
                                             : QStringLiteral("the address does not resolve to a local interface"));
        }
        m_server.reset();
        return false;
    }
    // httplib listens with a backlog of 5: a burst of connections (50 SDK calls during cold starts)
    // would see resets. Listening again on the bound socket only raises it.
    if (m_socket >= 0)
        ::listen(m_socket, SOMAXCONN);
    m_host = host;
    m_port = bound;
    m_thread = std::thread([&svr] { svr.listen_after_bind(); });
    // stop() only stops a server that is already listening: wait for it, it takes microseconds.
    while (!svr.is_running())
        std::this_thread::yield();
    return true;
}

void HttpListener::stop()
{
    if (!m_server)
        return;
    m_server->stop();
    if (m_port > 0)
        shutdownAcceptedConnections(m_port);
    if (m_thread.joinable())
        m_thread.join();
    m_server.reset();
    m_socket = -1;
}

bool HttpListener::isRunning() const
{
    return m_server && m_server->is_running();
}

} // namespace fn
