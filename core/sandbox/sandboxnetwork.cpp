#include "sandboxnetwork.h"

#include "helperprogram.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

namespace {

QString systemError(const QString &what)
{
    return what + QStringLiteral(": ") + QString::fromLocal8Bit(strerror(errno));
}

int msUntil(NetworkSlot::Clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - NetworkSlot::Clock::now()).count();
    return int(std::clamp<qint64>(left, 0, 3600 * 1000));
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace

QList<quint16> NetworkPolicy::loopbackPorts(const QList<QPair<QString, QString>> &variables)
{
    QList<quint16> ports;
    for (const auto &[name, value] : variables) {
        Q_UNUSED(name);
        const QUrl url(value);
        const QString host = url.host();
        const bool loopback =
            host == QLatin1String("127.0.0.1") || host == QLatin1String("localhost") || host == QLatin1String("::1");
        if (!url.isValid() || !loopback || url.port() <= 0)
            continue;
        if (!ports.contains(quint16(url.port())))
            ports << quint16(url.port());
    }
    return ports;
}

NetworkSlot::~NetworkSlot()
{
    closeFd(m_listener);
    closeFd(m_ready);
    closeFd(m_netns);
    closeFd(m_userns);
    if (m_pasta.pid() > 0 && m_pasta.isRunning())
        m_pasta.shutdown(200);
}

QString NetworkSlot::helperProgram()
{
    static const QString path = fn::helperProgram(QStringLiteral("fnstudio-netns"), "FN_NETNS_HELPER");
    return path;
}

QString NetworkSlot::pastaExecutable()
{
    static const QString path = [] {
        // FN_PASTA: another program in its place (the tests' misbehaving one); a path that is not there
        // stands for a machine without pasta.
        if (qEnvironmentVariableIsSet("FN_PASTA")) {
            const QFileInfo chosen(qEnvironmentVariable("FN_PASTA"));
            return chosen.isFile() && chosen.isExecutable() ? chosen.absoluteFilePath() : QString();
        }
        // Not resolved to its target: pasta is a link to passt, which picks its mode by the name it runs as.
        QString found = QStandardPaths::findExecutable(QStringLiteral("pasta"));
        if (found.isEmpty())
            found = QStandardPaths::findExecutable(QStringLiteral("pasta"),
                                                   {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")});
        return found;
    }();
    return path;
}

QStringList NetworkSlot::pastaArguments(const NetworkPolicy &policy, int netnsFd, int usernsFd, int readyFd)
{
    // Foreground (a child the studio ends), quiet; nothing from the host into the namespace (-t, -u
    // default to forwarding every port bound inside, the Runtime API's included), no UDP out.
    QStringList args{QStringLiteral("--foreground"), QStringLiteral("--quiet"), QStringLiteral("-t"),
                     QStringLiteral("none"),         QStringLiteral("-u"),      QStringLiteral("none"),
                     QStringLiteral("-U"),           QStringLiteral("none")};
    QStringList ports;
    for (const quint16 port : policy.endpointPorts) {
        if (port != RuntimeApiPort)
            ports << QString::number(port);
    }
    switch (policy.reach) {
    case NetworkPolicy::Reach::Host:
        // Every port listening on the host's loopback appears on the environment's (rescanned each
        // second), and the interface gets the host's addresses and routes for the internet.
        args << QStringLiteral("--config-net") << QStringLiteral("-T") << QStringLiteral("auto");
        break;
    case NetworkPolicy::Reach::Vpc:
        // No interface configured: no route anywhere but the forwarded loopback ports.
        args << QStringLiteral("-T") << (ports.isEmpty() ? QStringLiteral("none") : ports.join(u','));
        break;
    case NetworkPolicy::Reach::VpcWithNat:
        // The internet through the interface, but the gateway address does not lead to the host.
        args << QStringLiteral("--config-net") << QStringLiteral("--no-map-gw") << QStringLiteral("-T")
             << (ports.isEmpty() ? QStringLiteral("none") : ports.join(u','));
        break;
    }
    args << QStringLiteral("--pid") << QStringLiteral("/proc/self/fd/%1").arg(readyFd);
    if (usernsFd >= 0)
        args << QStringLiteral("--userns") << QStringLiteral("/proc/self/fd/%1").arg(usernsFd);
    else // a root studio: pasta stays root (it would drop to nobody, who cannot enter the namespace)
        args << QStringLiteral("--runas") << QStringLiteral("0") << QStringLiteral("--netns-only");
    args << QStringLiteral("--netns") << QStringLiteral("/proc/self/fd/%1").arg(netnsFd);
    return args;
}

std::unique_ptr<NetworkSlot> NetworkSlot::create(const NetworkPolicy &policy, Clock::time_point deadline,
                                                 QString *error)
{
    std::unique_ptr<NetworkSlot> slot(new NetworkSlot);
    slot->m_policy = policy;
    ProcessSpec spec;
    spec.program = helperProgram();
    if (spec.program.isEmpty()) {
        if (error)
            *error = QStringLiteral("fnstudio-netns is missing: the environment's network cannot be set up");
        return nullptr;
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        if (error)
            *error = systemError(QStringLiteral("cannot open the network helper's socket"));
        return nullptr;
    }
    spec.arguments = {QStringLiteral("3"), QString::number(RuntimeApiPort)};
    spec.passFds.push_back({pair[1], 3});
    ChildProcess helper;
    const bool started = helper.start(spec, error);
    ::close(pair[1]); // the helper's end of file, when it exits, is seen on ours
    const bool received = started && slot->receive(pair[0], deadline, helper, error);
    ::close(pair[0]);
    if (helper.pid() > 0 && helper.isRunning())
        helper.shutdown(0);
    if (!received || !slot->startPasta(error))
        return nullptr;
    return slot;
}

bool NetworkSlot::receive(int channel, Clock::time_point deadline, ChildProcess &helper, QString *error)
{
    const auto fail = [error, &helper](const QString &message) {
        QByteArray said;
        if (helper.outputFd() >= 0) {
            char buffer[512];
            const ssize_t r = ::read(helper.outputFd(), buffer, sizeof buffer);
            if (r > 0)
                said = QByteArray(buffer, int(r)).trimmed();
        }
        if (error)
            *error = said.isEmpty() ? message : message + QStringLiteral(": ") + QString::fromLocal8Bit(said);
        return false;
    };
    pollfd p{channel, POLLIN, 0};
    int ready;
    do {
        ready = ::poll(&p, 1, msUntil(deadline));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0)
        return fail(QStringLiteral("the environment's network was not set up in time"));
    char tag = 0;
    iovec iov{&tag, 1};
    int fds[3] = {-1, -1, -1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n;
    do {
        n = ::recvmsg(channel, &message, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    const cmsghdr *header = n == 1 ? CMSG_FIRSTHDR(&message) : nullptr;
    if (!header || header->cmsg_type != SCM_RIGHTS || header->cmsg_len < CMSG_LEN(2 * sizeof(int))) {
        helper.waitForExit(1000); // so that what it said is there to read
        return fail(QStringLiteral("cannot set up the environment's network"));
    }
    const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    std::memcpy(fds, CMSG_DATA(header), std::min(count, size_t(3)) * sizeof(int));
    m_listener = fds[0];
    m_netns = fds[1];
    m_userns = count >= 3 ? fds[2] : -1;
    return true;
}

bool NetworkSlot::startPasta(QString *error)
{
    // Without pasta the environment still runs, isolated, with nothing to reach but its own Runtime
    // API (waitReady() says why): better than failing every invocation on a machine that is offline.
    const auto unreachable = [this](const QString &why) {
        m_reachProblem = why;
        m_isReady = true;
        return true;
    };
    if (m_policy.reach == NetworkPolicy::Reach::Vpc && m_policy.endpointPorts.isEmpty()) {
        m_isReady = true; // nothing to reach: the namespace's loopback is all there is
        return true;
    }
    ProcessSpec spec;
    spec.program = pastaExecutable();
    if (m_policy.reach == NetworkPolicy::Reach::Host)
        m_hostListeners = hostListeners();
    if (spec.program.isEmpty())
        return unreachable(QStringLiteral("pasta (Debian package passt) is not installed"));
    int pipe[2];
    if (::pipe2(pipe, O_CLOEXEC) != 0) {
        if (error)
            *error = systemError(QStringLiteral("cannot open pasta's readiness pipe"));
        return false;
    }
    spec.passFds.push_back({m_netns, 3});
    spec.passFds.push_back({pipe[1], 4});
    if (m_userns >= 0)
        spec.passFds.push_back({m_userns, 5});
    spec.arguments = pastaArguments(m_policy, 3, m_userns >= 0 ? 5 : -1, 4);
    spec.dieWithStudio = true; // it holds the namespace open: nothing else would end it after a crash
    QString why;
    const bool started = m_pasta.start(spec, &why);
    ::close(pipe[1]);
    if (!started) {
        ::close(pipe[0]);
        return unreachable(why);
    }
    m_ready = pipe[0];
    return true;
}

namespace {

// Listening TCP ports from /proc/net/tcp and tcp6: every connection is listed (milliseconds on a busy
// machine), so only where the kernel's socket diagnostics are missing (tcp_diag not loaded).
QSet<quint16> listenersFromProc()
{
    QSet<quint16> ports;
    for (const char *path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        QFile file(QString::fromLatin1(path));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        file.readLine(); // "  sl  local_address rem_address   st ..."; then "0: 0100007F:0CEA 00000000:0000 0A ..."
        while (!file.atEnd()) {
            const QList<QByteArray> fields = file.readLine().simplified().split(' ');
            if (fields.size() < 4 || fields.at(3) != "0A") // LISTEN
                continue;
            const QByteArray &local = fields.at(1);
            bool ok = false;
            const uint port = local.mid(local.lastIndexOf(':') + 1).toUInt(&ok, 16);
            if (ok)
                ports.insert(quint16(port));
        }
    }
    return ports;
}

} // namespace

QSet<quint16> NetworkSlot::hostListeners()
{
    // The kernel's socket diagnostics, asked for listening TCP sockets only: tens of microseconds.
    QSet<quint16> ports;
    const int sock = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (sock < 0)
        return listenersFromProc();
    bool answered = true;
    for (const int family : {AF_INET, AF_INET6}) {
        struct
        {
            nlmsghdr header;
            inet_diag_req_v2 request;
        } query{};
        query.header.nlmsg_len = sizeof query;
        query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        query.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        query.request.sdiag_family = quint8(family);
        query.request.sdiag_protocol = IPPROTO_TCP;
        query.request.idiag_states = 1u << 10; // TCP_LISTEN
        if (::send(sock, &query, sizeof query, 0) != ssize_t(sizeof query)) {
            answered = false;
            break;
        }
        alignas(nlmsghdr) char buffer[16384];
        bool done = false;
        while (!done) {
            const ssize_t n = ::recv(sock, buffer, sizeof buffer, 0);
            if (n <= 0) {
                answered = false;
                break;
            }
            int left = int(n);
            for (auto *h = reinterpret_cast<nlmsghdr *>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_type == NLMSG_ERROR) // no diagnostics for TCP in this kernel
                    answered = false;
                if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                    done = true;
                    break;
                }
                const auto *socketInfo = static_cast<const inet_diag_msg *>(NLMSG_DATA(h));
                ports.insert(ntohs(socketInfo->id.idiag_sport));
            }
        }
        if (!answered)
            break;
    }
    ::close(sock);
    return answered ? ports : listenersFromProc();
}

int NetworkSlot::takeListener()
{
    const int listener = m_listener;
    m_listener = -1;
    return listener;
}

void NetworkSlot::applyTo(ProcessSpec &spec) const
{
    spec.joinUserNamespace = m_userns;
    spec.joinNetworkNamespace = m_netns;
}

bool NetworkSlot::waitReady(Clock::time_point deadline, QString *error)
{
    const auto unreachable = [this, error](const QString &why) {
        m_reachProblem = why;
        m_isReady = true;
        closeFd(m_ready);
        if (m_pasta.pid() > 0 && m_pasta.isRunning())
            m_pasta.shutdown(0);
        if (error)
            *error = why;
        return false;
    };
    if (m_isReady) {
        if (error && !m_reachProblem.isEmpty())
            *error = m_reachProblem;
        return m_reachProblem.isEmpty();
    }
    if (m_ready < 0)
        return true; // never started: nothing to wait for
    char buffer[32];
    for (;;) {
        pollfd p{m_ready, POLLIN, 0};
        const int ready = ::poll(&p, 1, msUntil(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return unreachable(QStringLiteral("pasta did not set the network up in time"));
        const ssize_t n = ::read(m_ready, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // it exited without writing its pid: say why, as it said (its syslog complaints aside)
            m_pasta.waitForExit(1000);
            QStringList said;
            if (m_pasta.outputFd() >= 0) {
                char text[2048];
                const ssize_t r = ::read(m_pasta.outputFd(), text, sizeof text);
                for (const QByteArray &line : QByteArray(text, int(std::max<ssize_t>(r, 0))).split('\n')) {
                    if (!line.trimmed().isEmpty() && !line.contains("to syslog"))
                        said << QString::fromLocal8Bit(line.trimmed());
                }
            }
            return unreachable(said.isEmpty() ? QStringLiteral("pasta ended without setting the network up")
                                              : QStringLiteral("pasta: ") + said.join(QStringLiteral("; ")));
        }
        closeFd(m_ready);
        m_isReady = true;
        return true;
    }
}

NetworkPool::NetworkPool(int spares)
    : m_target(spares)
{
}

NetworkPool::~NetworkPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_filler.joinable())
        m_filler.join();
}

void NetworkPool::prepare()
{
    std::lock_guard lock(m_mutex);
    startLocked();
}

void NetworkPool::startLocked()
{
    if (!m_filler.joinable() && m_target > 0 && !m_stopping) {
        m_making = true; // from now: a take() waits for the first rather than making another
        m_filler = std::thread([this] { fillLoop(); });
    }
}

int NetworkPool::spares() const
{
    std::lock_guard lock(m_mutex);
    return int(m_spares.size());
}

std::unique_ptr<NetworkSlot> NetworkPool::take(const NetworkPolicy &policy, Clock::time_point deadline, QString *error)
{
    if (policy.reach == NetworkPolicy::Reach::Host) {
        std::unique_lock lock(m_mutex);
        startLocked();
        // One being made now is sooner than one started from nothing.
        m_changed.wait_until(lock, deadline, [this] { return !m_spares.empty() || !m_making || m_stopping; });
        if (!m_spares.empty()) {
            auto slot = std::move(m_spares.front());
            m_spares.pop_front();
            lock.unlock();
            m_changed.notify_all(); // make the next
            // A service that started listening on the host since the spare was made may not be
            // forwarded yet (pasta rescans each second): the function would find it refused. Make a
            // fresh one then, as without a pool.
            if (NetworkSlot::hostListeners().subtract(slot->hostListenersAtStart()).isEmpty()) {
                slot->m_policy = policy;
                return slot;
            }
        }
    }
    return NetworkSlot::create(policy, deadline, error);
}

void NetworkPool::fillLoop()
{
    std::unique_lock lock(m_mutex);
    bool first = true; // startLocked() said it is being made: no pause before it
    for (;;) {
        m_changed.wait(lock, [this] { return m_stopping || (!m_broken && int(m_spares.size()) < m_target); });
        if (m_stopping)
            break;
        if (!first) {
            // Not at the very moment a spare was taken: its environment is starting, and pasta's start
            // (tens of milliseconds of CPU) would slow that cold start down on a small machine. A take()
            // meanwhile makes its own.
            if (m_changed.wait_for(lock, RefillDelay, [this] { return m_stopping; }))
                break;
            m_making = true;
        }
        first = false;
        lock.unlock();
        QString error;
        auto slot = NetworkSlot::create(NetworkPolicy{}, Clock::now() + std::chrono::seconds(10), &error);
        // Ready before it is handed out: whoever takes it then waits for nothing. One without reach
        // (pasta could not run: an offline machine) is handed out as it is, saying why.
        if (slot)
            slot->waitReady(Clock::now() + std::chrono::seconds(10), &error);
        lock.lock();
        m_making = false;
        if (slot)
            m_spares.push_back(std::move(slot));
        else
            m_broken = true;
        m_changed.notify_all();
    }
    m_making = false;
    m_changed.notify_all();
    m_spares.clear(); // ends their pasta
}

} // namespace fn
