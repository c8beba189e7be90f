#include "runtime/runtimeapiserver.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

namespace {

constexpr const char *JsonType = "application/json";
constexpr const char *Accepted = R"({"status":"OK"})";

void renderError(httplib::Response &res, int status, const char *type, const std::string &message)
{
    res.status = status;
    nlohmann::json body{{"errorMessage", message}, {"errorType", type}};
    res.set_content(body.dump(), JsonType);
}

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

bool RuntimeApiServer::start(QString *error)
{
    m_server = std::make_unique<httplib::Server>();
    auto &svr = *m_server;
    svr.set_tcp_nodelay(true);
    // One runtime keeps one connection for its whole life, frozen for minutes at a time.
    svr.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
    svr.set_keep_alive_timeout(24 * 3600);
    // A runtime's loop needs one thread; the rest serve misbehaving runtimes' extra connections.
    svr.new_task_queue = [] { return new httplib::ThreadPool(4); };

    svr.Get("/2018-06-01/runtime/invocation/next",
            [this](const httplib::Request &req, httplib::Response &res) { handleNext(req, res); });
    svr.Post(R"(/2018-06-01/runtime/invocation/([^/]*)/response)",
             [this](const httplib::Request &req, httplib::Response &res) { handleResponse(req, res); });
    svr.Post(R"(/2018-06-01/runtime/invocation/([^/]*)/error)",
             [this](const httplib::Request &req, httplib::Response &res) { handleError(req, res); });
    svr.Post("/2018-06-01/runtime/init/error",
             [this](const httplib::Request &req, httplib::Response &res) { handleInitError(req, res); });
    svr.Post("/fnstudio/runtime-started", [this](const httplib::Request &, httplib::Response &res) {
        {
            std::lock_guard lock(m_mutex);
            if (!m_runtimeStartedAt)
                m_runtimeStartedAt = Clock::now();
        }
        res.status = 202;
        res.set_content(Accepted, JsonType);
    });

    m_port = svr.bind_to_any_port("127.0.0.1");
    if (m_port <= 0) {
        if (error)
            *error = QStringLiteral("Runtime API: cannot listen on a loopback port: %1")
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
    m_engineCv.notify_all();
    if (m_server)
        m_server->stop();
    if (m_thread.joinable())
        m_thread.join();
}

int RuntimeApiServer::connectClient(QString *error) const
{
    const auto fail = [error](const char *what) {
        if (error)
            *error = QStringLiteral("Runtime API: cannot %1 a connection for the runtime: %2")
                         .arg(QLatin1String(what), QString::fromLocal8Bit(strerror(errno)));
        return -1;
    };
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail("open");
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(quint16(m_port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do {
        rc = ::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int e = errno;
        ::close(fd);
        errno = e;
        return fail("make");
    }
    return fd;
}

QString RuntimeApiServer::address() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

std::optional<RuntimeApiServer::Clock::time_point> RuntimeApiServer::runtimeStartedAt() const
{
    std::lock_guard lock(m_mutex);
    return m_runtimeStartedAt;
}

bool RuntimeApiServer::runtimeWaiting() const
{
    std::lock_guard lock(m_mutex);
    return m_nextPending && !m_hasEvent;
}

RuntimeApiServer::Outcome RuntimeApiServer::waitUntilReady(Clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    const bool done = m_engineCv.wait_until(lock, deadline, [this] {
        return m_aborted || m_state != State::Initializing || m_outcome.signal == Signal::InitError;
    });
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
    std::unique_lock lock(m_mutex);
    if (m_aborted)
        return {Signal::Aborted, {}, {}, 0};
    m_current = invocation;
    m_hasEvent = true;
    m_delivered = false;
    m_outcome = {};
    lock.unlock();
    m_runtimeCv.notify_one();
    lock.lock();
    const auto answered = [this] {
        return m_aborted || m_outcome.signal == Signal::Response || m_outcome.signal == Signal::Error
               || m_outcome.signal == Signal::ResponseTooLarge;
    };
    if (!m_engineCv.wait_until(lock, deadline, answered)) {
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
    m_engineCv.notify_all();
}

void RuntimeApiServer::handleNext(const httplib::Request &, httplib::Response &res)
{
    std::unique_lock lock(m_mutex);
    if (m_nextPending || m_delivered || m_state == State::Done) {
        const char *to = m_state == State::Invoking ? "Invoking" : "Waiting";
        renderError(res, 403, "InvalidStateTransition",
                    std::string("State transition from ") + stateName(int(m_state)) + " to " + to
                        + " failed for runtime. Error: " + (m_nextPending ? "a /next request is already waiting"
                        : m_delivered ? "the current invocation has not been answered" : "the runtime failed to initialize"));
        return;
    }
    const bool wasInit = m_state == State::Initializing;
    m_state = State::Waiting;
    m_nextPending = true;
    if (wasInit) {
        lock.unlock();
        m_engineCv.notify_all();
        lock.lock();
    }
    m_runtimeCv.wait(lock, [this] { return m_hasEvent || m_stopping || m_aborted; });
    m_nextPending = false;
    if (!m_hasEvent) {
        renderError(res, 500, "InternalServerError", "Internal Server Error");
        return;
    }
    m_hasEvent = false;
    m_delivered = true;
    m_state = State::Invoking;
    const Invocation &inv = m_current;
    res.status = 200;
    res.set_header("Lambda-Runtime-Aws-Request-Id", inv.requestId.toStdString());
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(inv.deadlineMs));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn", inv.functionArn.toStdString());
    if (!inv.traceId.isEmpty())
        res.set_header("Lambda-Runtime-Trace-Id", inv.traceId.toStdString());
    if (!inv.clientContext.isEmpty())
        res.set_header("Lambda-Runtime-Client-Context", inv.clientContext.toStdString());
    if (!inv.cognitoIdentity.isEmpty())
        res.set_header("Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity.toStdString());
    res.set_content(inv.payload.constData(), size_t(inv.payload.size()), JsonType);
}

// Shared checks of /response and /error: the request id must name the invocation in flight.
// Returns false after rendering the error.
static bool checkInvocation(const httplib::Request &req, httplib::Response &res, bool initializing,
                            bool delivered, const QByteArray &current)
{
    if (initializing) {
        renderError(res, 403, "InvalidStateTransition",
                    "State transition from Initializing to InvocationResponse failed for runtime. Error: "
                    "no invocation has been delivered");
        return false;
    }
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    if (id.empty() || !delivered || current != QByteArray::fromStdString(id)) {
        renderError(res, 400, "InvalidRequestID", "Invalid request ID");
        return false;
    }
    return true;
}

void RuntimeApiServer::handleResponse(const httplib::Request &req, httplib::Response &res)
{
    std::unique_lock lock(m_mutex);
    if (!checkInvocation(req, res, m_state == State::Initializing, m_delivered, m_current.requestId))
        return;
    if (req.has_header("Lambda-Runtime-Function-Response-Mode")
        && req.get_header_value("Lambda-Runtime-Function-Response-Mode") != "streaming") {
        renderError(res, 400, "InvalidFunctionResponseMode", "Invalid function response mode");
        m_outcome = {Signal::Error, R"({"errorMessage":"Invalid response mode header","errorType":"Runtime.InvalidResponseModeHeader"})",
                     "Runtime.InvalidResponseModeHeader", 0};
    } else if (qint64(req.body.size()) > MaxResponseBytes) {
        renderError(res, 413, "RequestEntityTooLarge",
                    "Exceeded maximum allowed payload size (" + std::to_string(MaxResponseBytes) + " bytes).");
        m_outcome = {Signal::ResponseTooLarge, {}, {}, qint64(req.body.size())};
    } else {
        res.status = 202;
        res.set_content(Accepted, JsonType);
        m_outcome = {Signal::Response, QByteArray(req.body.data(), qsizetype(req.body.size())), {}, 0};
    }
    m_delivered = false;
    m_state = State::Waiting;
    lock.unlock();
    m_engineCv.notify_all();
}

void RuntimeApiServer::handleError(const httplib::Request &req, httplib::Response &res)
{
    std::unique_lock lock(m_mutex);
    if (!checkInvocation(req, res, m_state == State::Initializing, m_delivered, m_current.requestId))
        return;
    res.status = 202;
    res.set_content(Accepted, JsonType);
    m_outcome = {Signal::Error, QByteArray(req.body.data(), qsizetype(req.body.size())),
                 QByteArray::fromStdString(req.get_header_value("Lambda-Runtime-Function-Error-Type")), 0};
    m_delivered = false;
    m_state = State::Waiting;
    lock.unlock();
    m_engineCv.notify_all();
}

void RuntimeApiServer::handleInitError(const httplib::Request &req, httplib::Response &res)
{
    std::unique_lock lock(m_mutex);
    if (m_state != State::Initializing) {
        renderError(res, 403, "InvalidStateTransition",
                    std::string("State transition from ") + stateName(int(m_state))
                        + " to InitError failed for runtime. Error: the runtime already initialized");
        return;
    }
    res.status = 202;
    res.set_content(Accepted, JsonType);
    m_outcome = {Signal::InitError, QByteArray(req.body.data(), qsizetype(req.body.size())),
                 QByteArray::fromStdString(req.get_header_value("Lambda-Runtime-Function-Error-Type")), 0};
    m_state = State::Done;
    lock.unlock();
    m_engineCv.notify_all();
}

} // namespace fn
