#pragma once
// One HTTP server that fnstudio opens to the outside (the Invoke API, the API Gateway front, the S3
// endpoint): the socket options they share, a clear message for a port in use, the thread it
// listens on, and what a client may cost it (workers, time to send a request, idle time).

#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
} // namespace httplib

namespace fn {

// A request's body as the client sent it: bytes, whatever its Content-Type (httplib would parse a
// form or a multipart body, and refuse a form over 8 KB). None when it could not be read whole: over
// `limit`, or cut off by a dropped connection; a service never acts on part of a request.
struct RawBody
{
    std::optional<std::string> bytes;
    bool tooLong = false; // why there are none: over the limit, else cut off
};
RawBody readRawBody(const httplib::Request &req, const httplib::ContentReader &reader, size_t limit);

class HttpListener final
{
public:
    // What a connection may cost. Every connection has a worker of its own while it is open (up to
    // MaxWorkers; beyond that new ones wait for one to close), so a slow or idle client holds only
    // its own. A connection that is not in a handler (idle, or still sending its request line and
    // headers) is closed once it has been so for `requestDeadline`; httplib itself closes an idle
    // one after `idleTimeout` (Node's http server has the same 5 s keep-alive). A handler runs as
    // long as it needs: a synchronous invocation may take 15 minutes.
    struct Limits
    {
        std::chrono::seconds idleTimeout{5};
        std::chrono::milliseconds requestDeadline{10'000};
    };
    static constexpr size_t MaxWorkers = 1024;

    using Logger = std::function<void(const httplib::Request &, const httplib::Response &)>;

    HttpListener();
    ~HttpListener(); // stop()s

    // A fresh server (TCP_NODELAY, SO_REUSEADDR rather than httplib's SO_REUSEPORT so that a port
    // in use is an error, keep-alive, a worker per connection, a listen backlog for bursts, the
    // limits above, and requests with two Content-Lengths or Content-Length beside
    // Transfer-Encoding refused with 400 before their body is read); add routes to it (not another
    // pre-routing handler or logger: setLogger()), then listen().
    httplib::Server &reset(size_t maxPayloadBytes, Limits limits);
    httplib::Server &reset(size_t maxPayloadBytes);
    // Called after each response is written (httplib's logger, which the listener needs too).
    void setLogger(Logger logger);
    // Binds host:port (0: any free port) and serves on a thread of its own. False with a message
    // naming host:port, e.g. "127.0.0.1:3001 is already in use".
    bool listen(const QString &host, int port, QString *error);
    void stop();

    bool isRunning() const;
    QString host() const { return m_host; }
    int port() const { return m_port; }
    QString url() const { return QStringLiteral("http://") + displayAddress(m_host, m_port); }

    static QString displayAddress(const QString &host, int port);

private:
    struct Connections;

    std::unique_ptr<httplib::Server> m_server;
    std::shared_ptr<Connections> m_connections;
    std::thread m_thread;
    QString m_host;
    int m_port = 0;
    int m_socket = -1; // the listening socket, httplib's
};

} // namespace fn
