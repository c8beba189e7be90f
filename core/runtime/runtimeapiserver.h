#pragma once
// The Lambda Runtime API (2018-06-01) for one execution environment. The engine hands it events and
// waits for outcomes; the runtime inside the sandbox long-polls /next and posts /response or
// /error. Two ways in, one protocol:
// - HTTP on a loopback port (cpp-httplib), for any runtime that connects to AWS_LAMBDA_RUNTIME_API
//   (provided bootstraps, AWS's runtime interface clients);
// - a channel: one end of a socket pair handed to the runtime at start (runtime.json
//   "runtimeApiFd"). Its requests are read and answered by the engine's own waiting thread, so an
//   invocation costs two wake-ups (engine → runtime → engine) instead of four through a server
//   thread — on this 2-core VM a wake-up across cores is ~25 us.
// All methods are thread-safe.

#include "runtime/runtimeapichannel.h"
#include "runtime/runtimeapimessage.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace fn {

class RuntimeApiServer final
{
public:
    using Clock = std::chrono::steady_clock;

    struct Invocation
    {
        QByteArray requestId;
        QByteArray payload;
        qint64 deadlineMs = 0;      // Unix epoch ms (Lambda-Runtime-Deadline-Ms)
        QByteArray functionArn;     // Lambda-Runtime-Invoked-Function-Arn
        QByteArray traceId;         // Lambda-Runtime-Trace-Id
        QByteArray clientContext;   // sent only when non-empty
        QByteArray cognitoIdentity; // sent only when non-empty
    };

    enum class Signal {
        None,
        Ready,            // the runtime is waiting in GET /next
        Response,         // POST /response for the current request
        Error,            // POST /error for the current request
        InitError,        // POST /runtime/init/error
        ResponseTooLarge, // POST /response over 6 MiB + 100 bytes (413 sent to the runtime)
        Aborted,          // abort() was called (the process died, the engine gave up)
        TimedOut,         // the wait's deadline passed
    };

    struct Outcome
    {
        Signal signal = Signal::None;
        QByteArray body;      // response body, or the error body
        QByteArray errorType; // Lambda-Runtime-Function-Error-Type header of /error and /init/error
        qint64 bodySize = 0;  // for ResponseTooLarge: the size the runtime tried to send
    };

    static constexpr qint64 MaxResponseBytes = 6 * 1024 * 1024 + 100;

    RuntimeApiServer();
    ~RuntimeApiServer();
    RuntimeApiServer(const RuntimeApiServer &) = delete;
    RuntimeApiServer &operator=(const RuntimeApiServer &) = delete;

    // Binds 127.0.0.1 on an ephemeral port and starts serving.
    bool start(QString *error);
    // Serves on a listening socket made elsewhere (inside the environment's own network namespace,
    // where it is 127.0.0.1:9001); takes the descriptor. address() then names that address.
    bool start(int listenerFd, const QString &address, QString *error);
    void stop();
    QString address() const; // host:port for AWS_LAMBDA_RUNTIME_API

    // Opens the channel (once, before the runtime starts): returns the runtime's end of a connected
    // Unix stream socket pair, blocking, close-on-exec (the caller passes it and closes its copy),
    // or -1 with a message.
    int openChannel(QString *error);

    // Init: blocks until the runtime first waits in /next (Ready), reports an init error, is
    // aborted, or the deadline passes. Our bootstraps' POST /fnstudio/runtime-started is recorded, not
    // returned: see runtimeStartedAt().
    Outcome waitUntilReady(Clock::time_point deadline);
    std::optional<Clock::time_point> runtimeStartedAt() const;

    // Invoke: hands the event to the runtime (now if it waits in /next, else when it next asks),
    // then blocks until /response, /error, abort() or the deadline.
    Outcome invoke(const Invocation &invocation, Clock::time_point deadline);

    // Wakes every waiter with Aborted (the runtime process died); later calls return Aborted at once
    // until reset is impossible: a server serves one environment's life.
    void abort();

    // Whether the runtime is parked in /next with nothing to do (safe to freeze).
    bool runtimeWaiting();

private:
    using Request = RuntimeApiRequest; // from either way in
    using Reply = RuntimeApiReply;
    enum class Dispatch { Reply, Park }; // Park: a /next that waits for an event

    // The protocol, under m_mutex; the ways in only carry requests and replies.
    Dispatch dispatchLocked(const Request &req, Reply &reply);
    void deliverLocked(Reply &reply); // the parked /next gets the current event
    void notifyEngine();

    bool startServer(int adopt, QString *error);
    // `body` as read (empty past MaxResponseBytes), `bodySize` as sent.
    void serveHttp(const httplib::Request &req, httplib::Response &res, std::string body, qint64 bodySize);

    // Channel: reads and answers the runtime's requests on the waiting engine thread until
    // `done` (checked under m_mutex) or the deadline. Holds m_channelMutex.
    bool serveChannel(Clock::time_point deadline, const std::function<bool()> &done);
    void readChannel();
    bool writeChannel(const Reply &reply, Clock::time_point deadline);

    enum class State { Initializing, Waiting, Invoking, Done };

    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    QString m_address; // set when serving an adopted listener

    mutable std::mutex m_mutex;
    std::condition_variable m_runtimeCv; // wakes an HTTP /next
    std::condition_variable m_engineCv;  // wakes the engine's waits
    State m_state = State::Initializing;
    bool m_nextPending = false; // a GET /next is parked
    bool m_hasEvent = false;    // m_current is waiting to be delivered
    bool m_delivered = false;   // m_current was delivered and not answered
    bool m_aborted = false;
    bool m_stopping = false;
    Invocation m_current;
    Outcome m_outcome; // the latest signal for the engine
    std::optional<Clock::time_point> m_runtimeStartedAt;

    // The channel: its I/O under m_channelMutex (taken before m_mutex), by the engine's waiting thread.
    std::mutex m_channelMutex;
    RuntimeApiChannel m_channel{MaxResponseBytes};
    bool m_channelParked = false; // the /next parked is the channel's (under m_mutex)
};

} // namespace fn
