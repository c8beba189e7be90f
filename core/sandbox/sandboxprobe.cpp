#include "sandboxprobe.h"

#include "bubblewrap.h"
#include "childprocess.h"

#include <QTemporaryDir>

#include <poll.h>
#include <unistd.h>

namespace fn {

namespace {

// Every line "key value"; nothing is written anywhere (test -w asks the kernel, it does not write).
constexpr const char *Script = R"SH(
echo "uid $(id -u)"; echo "gid $(id -g)"; echo "user $(id -un 2>/dev/null)"
test "$(readlink /proc/self/ns/user)" != "$HOST_USERNS" && echo "userns own"
test -w /proc/sys/kernel/core_uses_pid && echo "knobs writable" || echo "knobs read-only"
echo "seccomp $(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status)"
echo "caps $(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"
echo "nofile $(ulimit -n)"
echo "shm $(df -k /dev/shm | awk 'NR == 2 { print $2 }')"
)SH";

QByteArray readAll(ChildProcess &process, int timeoutMs)
{
    QByteArray output;
    char buf[4096];
    for (;;) {
        pollfd p{process.outputFd(), POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            break;
        const ssize_t n = ::read(process.outputFd(), buf, sizeof buf);
        if (n <= 0)
            break;
        output.append(buf, n);
    }
    return output;
}

} // namespace

SandboxProbe SandboxProbe::run()
{
    SandboxProbe probe;
    QTemporaryDir code;
    if (!code.isValid()) {
        probe.error = QStringLiteral("cannot create a temporary folder");
        return probe;
    }
    SandboxLayout layout;
    layout.codeDir = code.path();
    layout.tmpSizeMb = 1;
    ProcessSpec spec;
    const bool prepared = Bubblewrap::prepare(spec, layout, 3, &probe.error);
    ChildProcess process;
    if (prepared) {
        spec.arguments = Bubblewrap::arguments(
            layout, {QStringLiteral("/bin/sh"), QStringLiteral("-c"), QString::fromLatin1(Script)});
        spec.environment = {QStringLiteral("PATH=/usr/bin:/bin"),
                            QStringLiteral("HOST_USERNS=")
                                + QFile::symLinkTarget(QStringLiteral("/proc/self/ns/user")).section(u'/', -1)};
        process.start(spec, &probe.error);
    }
    for (const ProcessSpec::PassedFd &p : spec.passFds)
        ::close(p.fd);
    if (!probe.error.isEmpty())
        return probe;
    const QByteArray output = readAll(process, 10000);
    process.waitForExit(5000);
    for (const QByteArray &line : output.split('\n')) {
        const qsizetype space = line.indexOf(' ');
        const QByteArray key = line.left(space);
        const QByteArray value = line.mid(space + 1).trimmed();
        if (key == "uid")
            probe.uid = value.toInt();
        else if (key == "gid")
            probe.gid = value.toInt();
        else if (key == "user")
            probe.user = QString::fromUtf8(value);
        else if (key == "userns")
            probe.ownUserNamespace = true;
        else if (key == "knobs")
            probe.kernelKnobsReadOnly = value == "read-only";
        else if (key == "seccomp")
            probe.seccomp = value == "2";
        else if (key == "caps")
            probe.capabilities = value.toULongLong(nullptr, 16);
        else if (key == "nofile")
            probe.openFiles = value.toInt();
        else if (key == "shm")
            probe.shmBytes = value.toLongLong() * 1024;
    }
    probe.ran = probe.uid >= 0;
    // bubblewrap maps the sandbox's uid onto the real uid of whoever started it (through a nested
    // namespace when it runs unprivileged, so the map the function sees names the outer one's uid).
    if (probe.ownUserNamespace)
        probe.hostUid = ::getuid();
    if (!probe.ran)
        probe.error = QStringLiteral("the probe printed nothing: ") + QString::fromLocal8Bit(output.left(500));
    return probe;
}

} // namespace fn
