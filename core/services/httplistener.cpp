#include "services/httplistener.h"

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <limits>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <system_error>
#include <unordered_map>
#include <vector>

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

// Every connection accepted on our port is this process's socket with that local port and a peer:
// its descriptor and the peer's port (which is how a request names its connection: remote_port).
struct Accepted
{
    int fd;
    int peerPort;
};
std::vector<Accepted> acceptedConnections(int port)
{
    std::vector<Accepted> found;
    DIR *fds = ::opendir("/proc/self/fd");
    if (!fds)
        return found;
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
            found.push_back({int(fd), localPort(peer)});
    }
    ::closedir(fds);
    return found;
}

// The descriptor may have been closed and reused since it was listed: shut it down only if it is
// still the same connection.
void shutdownIfStill(const Accepted &connection, int port, int how)
{
    sockaddr_storage local = {};
    sockaddr_storage peer = {};
    socklen_t localSize = sizeof(local);
    socklen_t peerSize = sizeof(peer);
    if (::getsockname(connection.fd, reinterpret_cast<sockaddr *>(&local), &localSize) == 0 && localPort(local) == port
        && ::getpeername(connection.fd, reinterpret_cast<sockaddr *>(&peer), &peerSize) == 0
        && localPort(peer) == connection.peerPort)
        ::shutdown(connection.fd, how);
}

// A worker for each connection, started when none is free, up to `max` (then connections wait).
// httplib's ThreadPool has a fixed count: eight slow clients held the S3 endpoint's eight for good.
// Workers stay until the server stops.
class Workers final : public httplib::TaskQueue
{
public:
    explicit Workers(size_t max)
        : m_max(max)
    {
    }

    void enqueue(std::function<void()> job) override
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
        if (m_idle < m_jobs.size() && m_threads.size() < m_max) {
            try {
                m_threads.emplace_back([this] { work(); });
                return;
            } catch (const std::system_error &) {
                // No thread to be had (a user's process limit): the job waits for a worker.
            }
        }
        m_ready.notify_one();
    }

    void shutdown() override
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_ready.notify_all();
        for (auto &thread : m_threads)
            thread.join();
    }

private:
    void work()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(m_mutex);
                ++m_idle;
                m_ready.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
                --m_idle;
                if (m_jobs.empty())
                    return; // stopping, and nothing left to serve
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            job();
        }
    }

    const size_t m_max;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    size_t m_idle = 0;
    bool m_stopping = false;
};

} // namespace

// Which connections are in a handler, by the peer's port, and a watchdog that closes those that
// have been out of one (idle, or sending their request slowly) past the deadline. It looks at the
// process's sockets on our port once a tick, so a connection is closed within a tick of its
// deadline; a request that is being handled is never cut.
struct HttpListener::Connections
{
    using Clock = std::chrono::steady_clock;
    struct State
    {
        bool handling = false;
        Clock::time_point since;
    };

    explicit Connections(std::chrono::milliseconds deadline)
        : deadline(deadline)
    {
    }
    ~Connections() { stopWatching(); }

    void mark(int peerPort, bool handling)
    {
        if (peerPort <= 0)
            return; // refused before httplib knew its peer (a malformed request line)
        std::lock_guard lock(mutex);
        states[peerPort] = {handling, Clock::now()};
    }

    void watch(int port)
    {
        watcher = std::thread([this, port] {
            const auto tick = std::min<std::chrono::milliseconds>(std::chrono::seconds(1), deadline / 4);
            std::unique_lock lock(mutex);
            while (!stopping) {
                woken.wait_for(lock, tick);
                if (stopping)
                    break;
                lock.unlock();
                const std::vector<Accepted> open = acceptedConnections(port);
                lock.lock();
                const auto now = Clock::now();
                std::unordered_map<int, State> still;
                for (const Accepted &connection : open) {
                    auto known = states.find(connection.peerPort);
                    State state = known == states.end() ? State{false, now} : known->second;
                    if (!state.handling && now - state.since > deadline) {
                        shutdownIfStill(connection, port, SHUT_RDWR);
                        continue;
                    }
                    still.emplace(connection.peerPort, state);
                }
                states = std::move(still);
            }
        });
    }

    void stopWatching()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        woken.notify_all();
        if (watcher.joinable())
            watcher.join();
    }

    const std::chrono::milliseconds deadline;
    Logger logger;
    std::mutex mutex;
    std::condition_variable woken;
    std::unordered_map<int, State> states;
    bool stopping = false;
    std::thread watcher;
};

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

httplib::Server &HttpListener::reset(size_t maxPayloadBytes)
{
    return reset(maxPayloadBytes, Limits{});
}

httplib::Server &HttpListener::reset(size_t maxPayloadBytes, Limits limits)
{
    stop();
    m_server = std::make_unique<httplib::Server>();
    m_connections = std::make_shared<Connections>(limits.requestDeadline);
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
    svr.set_keep_alive_timeout(limits.idleTimeout.count());
    svr.set_payload_max_length(maxPayloadBytes);
    svr.new_task_queue = [] { return new Workers(MaxWorkers); };
    svr.set_logger([connections = m_connections](const httplib::Request &req, const httplib::Response &res) {
        connections->mark(req.remote_port, false);
        if (connections->logger)
            connections->logger(req, res);
    });
    // Request smuggling's shapes: a length given twice, or a length beside Transfer-Encoding, is
    // read differently by different servers. Refused before the body is read (httplib 0.11 keeps the
    // connection: what follows on it is refused as a malformed request in turn); the service's error
    // handler gives the 400 its own shape.
    svr.set_pre_routing_handler([connections = m_connections](const httplib::Request &req, httplib::Response &res) {
        connections->mark(req.remote_port, true); // until its response is written
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

void HttpListener::setLogger(Logger logger)
{
    if (m_connections)
        m_connections->logger = std::move(logger);
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
    m_connections->watch(bound);
    // stop() only stops a server that is already listening: wait for it, it takes microseconds.
    while (!svr.is_running())
        std::this_thread::yield();
    return true;
}

void HttpListener::stop()
{
    if (!m_server)
        return;
    m_connections->stopWatching();
    m_server->stop();
    // An idle connection's worker would wait out its keep-alive before the server could stop.
    // Shutting down their reading side ends an idle wait at once (it reads end of file), while a
    // request in progress still writes its response.
    if (m_port > 0)
        for (const Accepted &connection : acceptedConnections(m_port))
            shutdownIfStill(connection, m_port, SHUT_RD);
    if (m_thread.joinable())
        m_thread.join();
    m_server.reset();
    m_connections.reset();
    m_socket = -1;
}

bool HttpListener::isRunning() const
{
    return m_server && m_server->is_running();
}

} // namespace fn
