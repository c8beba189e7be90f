#include "workspace/terminationsignals.h"

#include <QSocketNotifier>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <iterator>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

namespace {

constexpr int Handled[] = {SIGTERM, SIGINT, SIGHUP};

// What the handler may touch: a lock-free atomic and write() on a non-blocking socket.
std::atomic<int> g_received{0};
int g_sockets[2] = {-1, -1}; // [0] written by the handler, [1] read by the notifier
struct sigaction g_previous[std::size(Handled)];
bool g_installed[std::size(Handled)] = {};

void onSignal(int signal)
{
    int none = 0;
    if (!g_received.compare_exchange_strong(none, signal))
        return;
    const int savedErrno = errno;
    const char byte = char(signal);
    [[maybe_unused]] const auto written = ::write(g_sockets[0], &byte, 1);
    errno = savedErrno;
}

} // namespace

TerminationSignals::TerminationSignals(QObject *parent)
    : QObject(parent)
{
    static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free atomic");
    Q_ASSERT_X(g_sockets[0] < 0, "TerminationSignals", "one at a time");
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, g_sockets) != 0) {
        g_sockets[0] = g_sockets[1] = -1;
        return;
    }
    m_notifier = new QSocketNotifier(g_sockets[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        if (::read(g_sockets[1], &byte, 1) != 1)
            return;
        m_notifier->setEnabled(false); // the handler writes once
        Q_EMIT requested(int(byte));
    });

    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    for (const int signal : Handled)
        sigaddset(&action.sa_mask, signal);
    action.sa_flags = SA_RESTART;
    m_installed = true;
    for (size_t i = 0; i < std::size(Handled); ++i) {
        struct sigaction current = {};
        if (::sigaction(Handled[i], nullptr, &current) != 0) {
            m_installed = false;
            continue;
        }
        if (current.sa_handler == SIG_IGN)
            continue; // whoever started us asked for that
        g_previous[i] = current;
        g_installed[i] = ::sigaction(Handled[i], &action, nullptr) == 0;
        m_installed = m_installed && g_installed[i];
    }
}

TerminationSignals::~TerminationSignals()
{
    for (size_t i = 0; i < std::size(Handled); ++i) {
        if (g_installed[i])
            ::sigaction(Handled[i], &g_previous[i], nullptr);
        g_installed[i] = false;
    }
    delete m_notifier; // before its socket closes
    for (int &fd : g_sockets) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
}

int TerminationSignals::received()
{
    return g_received.load();
}

const char *TerminationSignals::name(int signal)
{
    switch (signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "a signal";
    }
}

} // namespace fn
