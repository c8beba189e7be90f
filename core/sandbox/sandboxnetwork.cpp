#include "sandboxnetwork.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

namespace {

QString systemError(const QString &what)
{
    return what + QStringLiteral(": ") + QString::fromLocal8Bit(strerror(errno));
}

int msUntil(SandboxNetwork::Clock::time_point deadline)
{
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SandboxNetwork::Clock::now()).count();
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

SandboxNetwork::~SandboxNetwork()
{
    shutdown();
}

QString SandboxNetwork::initProgram()
{
    static const QString path = [] {
        QStringList candidates;
        if (const QString env = qEnvironmentVariable("FN_SANDBOX_INIT"); !env.isEmpty())
            candidates << env;
        if (QCoreApplication::instance())
            candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../libexec/fnstudio-sandbox-init")
                       << QCoreApplication::applicationDirPath()
                              + QStringLiteral("/../libexec/fnstudio/fnstudio-sandbox-init");
        candidates << QString::fromUtf8(FN_SANDBOX_INIT_BUILD_PATH) << QString::fromUtf8(FN_SANDBOX_INIT_INSTALL_PATH);
        for (const QString &candidate : std::as_const(candidates)) {
            const QFileInfo info(candidate);
            if (info.isFile() && info.isExecutable())
                return info.canonicalFilePath();
        }
        return QString();
    }();
    return path;
}

QString SandboxNetwork::pastaExecutable()
{
    static const QString path = [] {
        // Not resolved to its target: pasta is a link to passt, which picks its mode by the name it runs as.
        QString found = QStandardPaths::findExecutable(QStringLiteral("pasta"));
        if (found.isEmpty())
            found = QStandardPaths::findExecutable(QStringLiteral("pasta"),
                                                   {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")});
        return found;
    }();
    return path;
}

QStringList SandboxNetwork::wrapCommand(int handshakeFd, const QStringList &command)
{
    return QStringList{QLatin1String(InitPathInSandbox), QString::number(handshakeFd), QString::number(RuntimeApiPort),
                       QStringLiteral("--")}
           + command;
}

QStringList SandboxNetwork::pastaArguments(const NetworkPolicy &policy, int netnsFd, int usernsFd, int readyFd)
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

int SandboxNetwork::openHandshake(QString *error)
{
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        if (error)
            *error = systemError(QStringLiteral("cannot open the sandbox's network handshake"));
        return -1;
    }
    m_handshake = pair[0];
    return pair[1];
}

int SandboxNetwork::receiveListener(Clock::time_point deadline, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return -1;
    };
    pollfd p{m_handshake, POLLIN, 0};
    int ready;
    do {
        ready = ::poll(&p, 1, msUntil(deadline));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0)
        return fail(QStringLiteral("the sandbox did not set up its network in time"));
    char tag = 0;
    iovec iov{&tag, 1};
    int fds[2] = {-1, -1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n;
    do {
        n = ::recvmsg(m_handshake, &message, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    closeFd(m_handshake);
    const cmsghdr *header = n == 1 ? CMSG_FIRSTHDR(&message) : nullptr;
    if (!header || header->cmsg_type != SCM_RIGHTS || header->cmsg_len != CMSG_LEN(sizeof fds))
        return fail(QStringLiteral("the sandbox ended before it set up its network"));
    std::memcpy(fds, CMSG_DATA(header), sizeof fds);
    m_netns = fds[1];
    return fds[0];
}

bool SandboxNetwork::startOutbound(const NetworkPolicy &policy, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (policy.reach == NetworkPolicy::Reach::Vpc && policy.endpointPorts.isEmpty()) {
        m_outboundReady = true; // nothing to reach: the namespace's loopback is all there is
        return true;
    }
    if (m_netns < 0)
        return fail(QStringLiteral("no network namespace to connect"));
    ProcessSpec spec;
    spec.program = pastaExecutable();
    if (spec.program.isEmpty())
        return fail(QStringLiteral("pasta (Debian package passt) is not installed: the function's network "
                                   "cannot reach the host or the internet"));
    // Unprivileged, pasta must enter the user namespace that owns the environment's network namespace
    // (bubblewrap's outermost), which only the studio, outside, may ask the kernel for.
    int userns = -1;
    if (::geteuid() != 0) {
        userns = ::ioctl(m_netns, NS_GET_USERNS);
        if (userns < 0)
            return fail(systemError(QStringLiteral("cannot find the sandbox's user namespace")));
        ::fcntl(userns, F_SETFD, FD_CLOEXEC);
    }
    int pipe[2];
    if (::pipe2(pipe, O_CLOEXEC) != 0) {
        closeFd(userns);
        return fail(systemError(QStringLiteral("cannot open pasta's readiness pipe")));
    }
    spec.passFds.push_back({m_netns, 3});
    spec.passFds.push_back({pipe[1], 4});
    if (userns >= 0)
        spec.passFds.push_back({userns, 5});
    spec.arguments = pastaArguments(policy, 3, userns >= 0 ? 5 : -1, 4);
    const bool started = m_pasta.start(spec, error);
    ::close(pipe[1]);
    closeFd(userns);
    if (!started) {
        ::close(pipe[0]);
        return false;
    }
    m_ready = pipe[0];
    return true;
}

bool SandboxNetwork::waitOutboundReady(Clock::time_point deadline, QString *error)
{
    if (m_outboundReady)
        return true;
    if (m_ready < 0)
        return true; // never started: nothing to wait for
    char buffer[32];
    for (;;) {
        pollfd p{m_ready, POLLIN, 0};
        const int ready = ::poll(&p, 1, msUntil(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            if (error)
                *error = QStringLiteral("pasta did not set up the function's network in time");
            return false;
        }
        const ssize_t n = ::read(m_ready, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        closeFd(m_ready);
        if (n <= 0) { // it exited without writing its pid: say why if it said
            QByteArray said;
            if (m_pasta.outputFd() >= 0) {
                const ssize_t r = ::read(m_pasta.outputFd(), buffer, sizeof buffer - 1);
                if (r > 0)
                    said = QByteArray(buffer, int(r)).trimmed();
            }
            if (error)
                *error = QStringLiteral("pasta could not set up the function's network")
                         + (said.isEmpty() ? QString() : QStringLiteral(": ") + QString::fromLocal8Bit(said));
            return false;
        }
        m_outboundReady = true;
        return true;
    }
}

void SandboxNetwork::shutdown()
{
    closeFd(m_handshake);
    closeFd(m_ready);
    closeFd(m_netns);
    if (m_pasta.pid() > 0 && m_pasta.isRunning())
        m_pasta.shutdown(200);
}

} // namespace fn
