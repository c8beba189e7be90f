#include "runtime/runtimeapichannel.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

namespace {

int msUntil(RuntimeApiChannel::Clock::time_point deadline)
{
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - RuntimeApiChannel::Clock::now()).count();
    return int(std::clamp<qint64>(left, 0, INT_MAX));
}

} // namespace

RuntimeApiChannel::RuntimeApiChannel(qint64 maxBodyBytes)
    : m_codec(maxBodyBytes)
{
}

RuntimeApiChannel::~RuntimeApiChannel()
{
    for (const int fd : {m_fd, m_wakeFd}) {
        if (fd >= 0)
            ::close(fd);
    }
}

int RuntimeApiChannel::open(QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = QStringLiteral("Runtime API: cannot open the runtime's channel: %1").arg(message);
        return -1;
    };
    if (m_fd >= 0)
        return fail(QStringLiteral("it is already open"));
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return fail(QString::fromLocal8Bit(strerror(errno)));
    const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        ::close(pair[0]);
        ::close(pair[1]);
        return fail(why);
    }
    ::fcntl(pair[0], F_SETFL, ::fcntl(pair[0], F_GETFL) | O_NONBLOCK);
    m_fd = pair[0];
    m_wakeFd = wake;
    return pair[1];
}

void RuntimeApiChannel::wake()
{
    if (m_wakeFd >= 0) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
    }
}

RuntimeApiChannel::Wait RuntimeApiChannel::wait(Clock::time_point deadline)
{
    const int timeout = msUntil(deadline);
    if (timeout == 0 && Clock::now() >= deadline)
        return Wait::TimedOut;
    pollfd fds[2] = {{m_closed ? -1 : m_fd, POLLIN, 0}, {m_wakeFd, POLLIN, 0}};
    if (::poll(fds, 2, timeout) < 0 && errno != EINTR)
        return Wait::Failed;
    if (fds[1].revents & POLLIN) {
        quint64 count;
        [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
    }
    return fds[0].revents ? Wait::Readable : Wait::Woken;
}

void RuntimeApiChannel::receive()
{
    char buffer[64 * 1024];
    while (!m_closed) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            m_codec.append(buffer, size_t(n));
            if (size_t(n) < sizeof buffer)
                break; // drained for now (poll is level-triggered: anything left wakes it again)
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        m_closed = true; // the runtime closed its end (or the socket failed)
    }
}

RuntimeApiChannelCodec::Next RuntimeApiChannel::next(RuntimeApiRequest *request)
{
    const RuntimeApiChannelCodec::Next next = m_codec.next(request);
    if (next == RuntimeApiChannelCodec::Next::Broken)
        m_closed = true; // stop listening; the deadline or the process's exit ends the wait
    return next;
}

bool RuntimeApiChannel::send(const RuntimeApiReply &reply, Clock::time_point deadline,
                             const std::function<bool()> &abandoned)
{
    const std::string out = RuntimeApiChannelCodec::encode(reply);
    for (size_t at = 0; at < out.size() && !m_closed;) {
        const ssize_t n = ::send(m_fd, out.data() + at, out.size() - at, MSG_NOSIGNAL);
        if (n > 0) {
            at += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd fds[2] = {{m_fd, POLLOUT, 0}, {m_wakeFd, POLLIN, 0}};
            const int timeout = msUntil(deadline);
            if (timeout == 0 || ::poll(fds, 2, timeout) == 0)
                return false;
            if (abandoned())
                return false;
            continue;
        }
        m_closed = true;
    }
    return !m_closed;
}

} // namespace fn
