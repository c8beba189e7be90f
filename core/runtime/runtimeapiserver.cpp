#include "runtime/runtimeapiserver.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace fn {

namespace {

constexpr const char *Accepted = R"({"status":"OK"})";

constexpr std::string_view NextPath = "/2018-06-01/runtime/invocation/next";
constexpr std::string_view InitErrorPath = "/2018-06-01/runtime/init/error";
constexpr std::string_view InvocationPrefix = "/2018-06-01/runtime/invocation/"; // {id}/response, {id}/error

const char *stateName(int state)
{
    static const char *names[] = {"Initializing", "Waiting", "Invoking", "Done"};
    return names[state];
}

} // namespace

RuntimeApiServer::RuntimeApiServer() = default;

RuntimeApiServer::~RuntimeApiServer()
{
    stop();
}

bool RuntimeApiServer::start(int listenerFd, const QString &address, QString *error)
{
    m_address = address;
    const bool started = startServer(listenerFd, error);
    ::close(listenerFd);
    return started;
}

bool RuntimeApiServer::start(QString *error)
{
    return startServer(-1, error);
}

bool RuntimeApiServer::startServer(int adopt, QString *error)
{
    m_server = std::make_unique<httplib::Server>();
    auto &svr = *m_server;
    svr.set_tcp_nodelay(true);
    // One runtime keeps one connection for its whole life, frozen for minutes at a time.
    svr.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
    svr.set_keep_alive_timeout(24 * 3600);
    // A runtime's loop needs one thread; the rest serve misbehaving runtimes' extra connections.
    svr.new_task_queue = [] { return new httplib::ThreadPool(4); };
    // Every path goes to the one dispatcher (it answers 404 itself).
    svr.Get(".*", [this](const httplib::Request &req, httplib::Response &res) { serveHttp(req, res, {}, 0); });
    // A body is kept up to the limit a response may have; past it only its size counts (the runtime
    // is told 413). httplib would hold it all, and copying it held 6 MB twice: the soak saw glibc
    // keep those blocks (~165 MB after 20,000 invocations with oversized responses).
    svr.Post(".*", [this](const httplib::Request &req, httplib::Response &res, const httplib::ContentReader &reader) {
        std::string body;
        qint64 size = 0;
        reader([&body, &size](const char *data, size_t length) {
            size += qint64(length);
            if (size <= MaxResponseBytes)
                body.append(data, length);
            else if (!body.empty())
                std::string().swap(body);
            return true;
        });
        serveHttp(req, res, std::move(body), size);
    });

    // cpp-httplib serves only a socket it made: to serve an adopted listener, let it make one, then
    // put the listener in its place under the same number. Nothing ever accepts on the short-lived
    // loopback one; whatever reached it is reset when dup3 closes it.
    int made = -1;
    if (adopt >= 0)
        svr.set_socket_options([&made](int sock) { made = sock; });
    m_port = svr.bind_to_any_port("127.0.0.1");
    if (m_port <= 0) {
        if (error)
            *error = QStringLiteral("Runtime API: cannot listen on a loopback port: %1")
                         .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (adopt >= 0 && (made < 0 || ::dup3(adopt, made, O_CLOEXEC) != made)) {
        if (error)
            *error = QStringLiteral("Runtime API: cannot serve the environment's listener: %1")
                         .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    // stop() only stops a server that is already listening: wait for it, it takes microseconds.
    while (!m_server->is_running())
        std::this_thread::yield();
    return true;
}

void RuntimeApiServer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
        m_aborted = true;
    }
    m_runtimeCv.notify_all();
    notifyEngine();
    if (m_server)
        m_server->stop();
    if (m_thread.joinable())
        m_thread.join();
}

QString RuntimeApiServer::address() const
{
    if (!m_address.isEmpty())
        return m_address;
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

int RuntimeApiServer::openChannel(QString *error)
{
    std::lock_guard channel(m_channelMutex);
    return m_channel.open(error);
}

std::optional<RuntimeApiServer::Clock::time_point> RuntimeApiServer::runtimeStartedAt() const
{
    std::lock_guard lock(m_mutex);
    return m_runtimeStartedAt;
}

bool RuntimeApiServer::runtimeWaiting()
{
    if (m_channel.isOpen()) {
        // Between invocations nobody reads the channel: the /next the runtime sent after its last
        // answer may still be unread. Read it now, unless an engine thread is serving the channel.
        std::unique_lock channel(m_channelMutex, std::try_to_lock);
        if (!channel.owns_lock())
            return false;
        readChannel();
    }
    std::lock_guard lock(m_mutex);
    return m_nextPending && !m_hasEvent;
}

RuntimeApiServer::Outcome RuntimeApiServer::waitUntilReady(Clock::time_point deadline)
{
    const auto ready = [this] {
        return m_aborted || m_state != State::Initializing || m_outcome.signal == Signal::InitError;
    };
    bool done;
    if (m_channel.isOpen()) {
        std::lock_guard channel(m_channelMutex);
        done = serveChannel(deadline, ready);
    } else {
        std::unique_lock lock(m_mutex);
        done = m_engineCv.wait_until(lock, deadline, ready);
    }
    std::lock_guard lock(m_mutex);
    if (m_outcome.signal == Signal::InitError)
        return m_outcome;
    if (m_aborted)
        return {Signal::Aborted, {}, {}, 0};
    if (!done)
        return {Signal::TimedOut, {}, {}, 0};
    return {Signal::Ready, {}, {}, 0};
}

RuntimeApiServer::Outcome RuntimeApiServer::invoke(const Invocation &invocation, Clock::time_point deadline)
{
    std::unique_lock channel(m_channelMutex, std::defer_lock);
    if (m_channel.isOpen())
        channel.lock();
    Reply event;
    bool deliverOnChannel = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_aborted)
            return {Signal::Aborted, {}, {}, 0};
        m_current = invocation;
        m_hasEvent = true;
        m_delivered = false;
        m_outcome = {};
        if (m_channelParked) {
            m_channelParked = false;
            deliverLocked(event);
            deliverOnChannel = true;
        }
    }
    if (deliverOnChannel)
        writeChannel(event, deadline);
    else
        m_runtimeCv.notify_one(); // an HTTP /next may be parked

    const auto answered = [this] {
        return m_aborted || m_outcome.signal == Signal::Response || m_outcome.signal == Signal::Error
               || m_outcome.signal == Signal::ResponseTooLarge;
    };
    if (m_channel.isOpen()) {
        serveChannel(deadline, answered);
    } else {
        std::unique_lock lock(m_mutex);
        m_engineCv.wait_until(lock, deadline, answered);
    }
    std::lock_guard lock(m_mutex);
    if (!answered()) {
        m_hasEvent = false;
        return {Signal::TimedOut, {}, {}, 0};
    }
    if (m_outcome.signal == Signal::None)
        return {Signal::Aborted, {}, {}, 0};
    return std::exchange(m_outcome, {});
}

void RuntimeApiServer::abort()
{
    {
        std::lock_guard lock(m_mutex);
        m_aborted = true;
    }
    m_runtimeCv.notify_all();
    notifyEngine();
}

void RuntimeApiServer::notifyEngine()
{
    m_engineCv.notify_all();
    m_channel.wake();
}

// ----------------------------------------------------------------------------------------------
// The protocol

namespace {

void renderError(int status, const char *type, const std::string &message, int &outStatus, std::string &body)
{
    outStatus = status;
    body = nlohmann::json{{"errorMessage", message}, {"errorType", type}}.dump();
}

} // namespace

RuntimeApiServer::Dispatch RuntimeApiServer::dispatchLocked(const Request &req, Reply &reply)
{
    const auto error = [&reply](int status, const char *type, const std::string &message) {
        renderError(status, type, message, reply.status, reply.body);
        return Dispatch::Reply;
    };
    const auto accepted = [&reply] {
        reply.status = 202;
        reply.body = Accepted;
    };
    const std::string_view path = req.path;

    if (req.method == "GET" && path == NextPath) {
        if (m_nextPending || m_delivered || m_state == State::Done) {
            const char *to = m_state == State::Invoking ? "Invoking" : "Waiting";
            return error(403, "InvalidStateTransition",
                         std::string("State transition from ") + stateName(int(m_state)) + " to " + to
                             + " failed for runtime. Error: "
                             + (m_nextPending ? "a /next request is already waiting"
                                : m_delivered ? "the current invocation has not been answered"
                                              : "the runtime failed to initialize"));
        }
        m_state = State::Waiting;
        if (m_hasEvent) {
            deliverLocked(reply);
            return Dispatch::Reply;
        }
        m_nextPending = true;
        return Dispatch::Park;
    }
    if (req.method != "POST") {
        reply.status = 404;
        return Dispatch::Reply;
    }
    if (path == "/fnstudio/runtime-started") {
        if (!m_runtimeStartedAt)
            m_runtimeStartedAt = Clock::now();
        accepted();
        return Dispatch::Reply;
    }
    if (path == InitErrorPath) {
        if (m_state != State::Initializing)
            return error(403, "InvalidStateTransition",
                         std::string("State transition from ") + stateName(int(m_state))
                             + " to InitError failed for runtime. Error: the runtime already initialized");
        accepted();
        const std::string *type = req.header("lambda-runtime-function-error-type");
        m_outcome = {Signal::InitError, QByteArray::fromStdString(req.body),
                     type ? QByteArray::fromStdString(*type) : QByteArray(), 0};
        m_state = State::Done;
        return Dispatch::Reply;
    }

    // /invocation/{id}/response and /invocation/{id}/error
    if (!path.starts_with(InvocationPrefix)) {
        reply.status = 404;
        return Dispatch::Reply;
    }
    const std::string_view rest = path.substr(InvocationPrefix.size());
    const size_t slash = rest.find('/');
    const std::string_view what = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (what != "response" && what != "error") {
        reply.status = 404;
        return Dispatch::Reply;
    }
    const std::string_view id = rest.substr(0, slash);
    if (m_state == State::Initializing)
        return error(403, "InvalidStateTransition",
                     "State transition from Initializing to InvocationResponse failed for runtime. Error: "
                     "no invocation has been delivered");
    if (id.empty() || !m_delivered || m_current.requestId != QByteArray(id.data(), qsizetype(id.size())))
        return error(400, "InvalidRequestID", "Invalid request ID");

    if (what == "error") {
        accepted();
        const std::string *type = req.header("lambda-runtime-function-error-type");
        m_outcome = {Signal::Error, QByteArray::fromStdString(req.body),
                     type ? QByteArray::fromStdString(*type) : QByteArray(), 0};
    } else if (const std::string *mode = req.header("lambda-runtime-function-response-mode");
               mode && *mode != "streaming") {
        error(400, "InvalidFunctionResponseMode", "Invalid function response mode");
        m_outcome = {
            Signal::Error,
            R"({"errorMessage":"Invalid response mode header","errorType":"Runtime.InvalidResponseModeHeader"})",
            "Runtime.InvalidResponseModeHeader", 0};
    } else if (req.bodySize > MaxResponseBytes) {
        error(413, "RequestEntityTooLarge",
              "Exceeded maximum allowed payload size (" + std::to_string(MaxResponseBytes) + " bytes).");
        m_outcome = {Signal::ResponseTooLarge, {}, {}, req.bodySize};
    } else {
        accepted();
        m_outcome = {Signal::Response, QByteArray::fromStdString(req.body), {}, 0};
    }
    m_delivered = false;
    m_state = State::Waiting;
    return Dispatch::Reply;
}

void RuntimeApiServer::deliverLocked(Reply &reply)
{
    m_nextPending = false;
    m_hasEvent = false;
    m_delivered = true;
    m_state = State::Invoking;
    const Invocation &inv = m_current;
    reply.status = 200;
    reply.headers.clear();
    reply.headers.emplace_back("Lambda-Runtime-Aws-Request-Id", inv.requestId.toStdString());
    reply.headers.emplace_back("Lambda-Runtime-Deadline-Ms", std::to_string(inv.deadlineMs));
    reply.headers.emplace_back("Lambda-Runtime-Invoked-Function-Arn", inv.functionArn.toStdString());
    if (!inv.traceId.isEmpty())
        reply.headers.emplace_back("Lambda-Runtime-Trace-Id", inv.traceId.toStdString());
    if (!inv.clientContext.isEmpty())
        reply.headers.emplace_back("Lambda-Runtime-Client-Context", inv.clientContext.toStdString());
    if (!inv.cognitoIdentity.isEmpty())
        reply.headers.emplace_back("Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity.toStdString());
    reply.body.assign(inv.payload.constData(), size_t(inv.payload.size()));
}

// ----------------------------------------------------------------------------------------------
// HTTP: a server thread per connection carries requests to the dispatcher; a /next parks there.

void RuntimeApiServer::serveHttp(const httplib::Request &httpReq, httplib::Response &res, std::string body,
                                 qint64 bodySize)
{
    Request req;
    req.method = httpReq.method;
    req.path = httpReq.path;
    for (const auto &[name, value] : httpReq.headers)
        req.addHeader(name, value);
    req.body = std::move(body);
    req.bodySize = bodySize;

    Reply reply;
    {
        std::unique_lock lock(m_mutex);
        const bool wasInit = m_state == State::Initializing;
        if (dispatchLocked(req, reply) == Dispatch::Park) {
            if (wasInit) {
                lock.unlock();
                notifyEngine(); // Ready
                lock.lock();
            }
            m_runtimeCv.wait(lock, [this] { return m_hasEvent || m_stopping || m_aborted; });
            if (m_hasEvent) {
                deliverLocked(reply);
            } else {
                m_nextPending = false;
                renderError(500, "InternalServerError", "Internal Server Error", reply.status, reply.body);
            }
        }
    }
    notifyEngine();
    res.status = reply.status;
    for (const auto &[name, value] : reply.headers)
        res.set_header(name, value);
    if (!reply.body.empty())
        res.set_content(std::move(reply.body), Reply::ContentType);
}

// ----------------------------------------------------------------------------------------------
// The channel: requests read and answered by the engine thread that waits for them.

bool RuntimeApiServer::serveChannel(Clock::time_point deadline, const std::function<bool()> &done)
{
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (done())
                return true;
        }
        // A closed channel is no longer watched; the process's exit (abort) or the deadline ends the wait.
        switch (m_channel.wait(deadline)) {
        case RuntimeApiChannel::Wait::Readable:
            readChannel();
            break;
        case RuntimeApiChannel::Wait::Woken:
            break;
        case RuntimeApiChannel::Wait::TimedOut: {
            std::lock_guard lock(m_mutex);
            return done();
        }
        case RuntimeApiChannel::Wait::Failed:
            return false;
        }
    }
}

void RuntimeApiServer::readChannel()
{
    m_channel.receive();
    // Every complete request in what has arrived, in order.
    for (;;) {
        Request req;
        if (m_channel.next(&req) != RuntimeApiChannelCodec::Next::Request)
            return; // the rest is still coming, or the channel broke and is closed
        Reply reply;
        bool park;
        {
            std::lock_guard lock(m_mutex);
            park = dispatchLocked(req, reply) == Dispatch::Park;
            if (park)
                m_channelParked = true;
        }
        if (!park && !writeChannel(reply, Clock::now() + std::chrono::seconds(10)))
            return;
    }
}

bool RuntimeApiServer::writeChannel(const Reply &reply, Clock::time_point deadline)
{
    return m_channel.send(reply, deadline, [this] {
        std::lock_guard lock(m_mutex);
        return m_aborted;
    });
}

} // namespace fn
