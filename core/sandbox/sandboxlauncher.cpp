#include "sandboxlauncher.h"

#include "helperprogram.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fn {

SandboxLauncher::~SandboxLauncher()
{
    cancel();
}

QString SandboxLauncher::program()
{
    static const QString path = helperProgram(QStringLiteral("fnstudio-launch"), "FN_LAUNCH_HELPER");
    return path;
}

void SandboxLauncher::cancel()
{
    if (m_pipe >= 0)
        ::close(m_pipe);
    m_pipe = -1;
}

bool SandboxLauncher::prepare(ProcessSpec &spec, int &nextFd, QStringList *command, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const QString path = program();
    if (path.isEmpty())
        return fail(QStringLiteral("fnstudio-launch is missing: the runtime cannot be started in its sandbox"));
    // The program is run from its descriptor (/proc/self/fd/N), so the sandbox's filesystem has no
    // trace of it; it closes the descriptor before it becomes the runtime.
    const int self = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return fail(QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
    // A socket rather than a pipe: a write to a launcher that died fails instead of raising SIGPIPE.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        const int saved = errno;
        ::close(self);
        return fail(QStringLiteral("cannot make the launcher's pipe: %1").arg(QString::fromLocal8Bit(strerror(saved))));
    }
    cancel();
    m_pipe = fds[1];
    const int pipeAs = nextFd++;
    const int selfAs = nextFd++;
    spec.passFds.push_back({fds[0], pipeAs});
    spec.passFds.push_back({self, selfAs});
    *command = {QStringLiteral("/proc/self/fd/%1").arg(selfAs), QString::number(pipeAs), QString::number(selfAs)};
    return true;
}

bool SandboxLauncher::launch(const QStringList &command, const QStringList &environment, QString *error)
{
    QByteArray message = QByteArray::number(command.size());
    message.append('\0');
    for (const QString &s : command)
        message.append(QFile::encodeName(s)).append('\0');
    for (const QString &s : environment)
        message.append(s.toUtf8()).append('\0');
    qsizetype written = 0;
    while (m_pipe >= 0 && written < message.size()) {
        const ssize_t n = ::send(m_pipe, message.constData() + written, size_t(message.size() - written), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (error)
                *error = QStringLiteral("cannot start the runtime in its sandbox: %1")
                             .arg(QString::fromLocal8Bit(strerror(errno)));
            cancel();
            return false;
        }
        written += n;
    }
    const bool sent = m_pipe >= 0;
    if (!sent && error)
        *error = QStringLiteral("the sandbox was not made for a runtime");
    cancel(); // the end of the message
    return sent;
}

} // namespace fn
