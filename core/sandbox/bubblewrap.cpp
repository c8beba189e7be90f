#include "bubblewrap.h"

#include "childprocess.h"
#include "seccompfilter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QVersionNumber>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace fn {

namespace {

QString findBwrap()
{
    QString path = resolveExecutable(QStringLiteral("bwrap"));
    if (path.isEmpty())
        path =
            resolveExecutable(QStringLiteral("bwrap"), {QStringLiteral("/usr/bin"), QStringLiteral("/usr/local/bin")});
    return path;
}

// A symbolic link's own text (relative stays relative); empty when `path` is not a link.
QByteArray linkText(const QString &path)
{
    QByteArray buffer(4096, Qt::Uninitialized);
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer.data(), size_t(buffer.size()));
    return n > 0 ? buffer.left(n) : QByteArray();
}

QString queryVersion()
{
    const QString bwrap = Bubblewrap::executable();
    if (bwrap.isEmpty())
        return {};
    ChildProcess process;
    ProcessSpec spec;
    spec.program = bwrap;
    spec.arguments = {QStringLiteral("--version")};
    if (!process.start(spec, nullptr))
        return {};
    QByteArray output;
    char buf[256];
    for (;;) {
        pollfd p{process.outputFd(), POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            break;
        const ssize_t n = ::read(process.outputFd(), buf, sizeof buf);
        if (n <= 0)
            break;
        output.append(buf, n);
    }
    process.waitForExit(5000);
    // "bubblewrap 0.8.0"
    const QList<QByteArray> words = output.trimmed().split(' ');
    return words.size() == 2 ? QString::fromLatin1(words[1]) : QString();
}

// Regular files of a few KiB (the loader cache ~50): copied rather than bound.
constexpr const char *SmallSystemFiles[] = {"/etc/ld.so.cache", "/etc/ld.so.conf",    "/etc/resolv.conf",
                                            "/etc/hosts",       "/etc/nsswitch.conf", "/etc/host.conf",
                                            "/etc/gai.conf",    "/etc/passwd",        "/etc/group"};

// --perms for the next --file: bubblewrap 0.5 and later.
bool hasPerms()
{
    static const bool has = QVersionNumber::fromString(Bubblewrap::version()) >= QVersionNumber(0, 5, 0);
    return has;
}

bool supportsOverlay()
{
    return QVersionNumber::fromString(Bubblewrap::version()) >= QVersionNumber(0, 11, 0);
}

} // namespace

QString Bubblewrap::executable()
{
    static const QString path = findBwrap();
    return path;
}

QString Bubblewrap::version()
{
    static const QString v = queryVersion();
    return v;
}

QStringList Bubblewrap::copiedSystemFiles()
{
    QStringList files;
    for (const char *etc : SmallSystemFiles) {
        const QFileInfo info{QLatin1String(etc)};
        if (info.isFile() && !info.isSymLink() && info.size() <= 1024 * 1024)
            files << info.filePath();
    }
    return files;
}

QStringList Bubblewrap::readOnlyKernelPaths()
{
    // bubblewrap covers /proc/irq and /proc/bus itself, and /proc/sys only where it cannot write it,
    // which a studio running as root can. Bound from the host's /proc: the values a function reads
    // are still its own namespaces' (the kernel answers for the reader's uts and ipc namespaces).
    static const QStringList paths = [] {
        QStringList found;
        for (const char *path : {"/proc/sys", "/proc/sysrq-trigger"}) {
            if (QFileInfo::exists(QLatin1String(path)))
                found << QLatin1String(path);
        }
        return found;
    }();
    return paths;
}

QByteArray Bubblewrap::generatedSystemFile(const QString &path)
{
    // Lambda's user has no group entry of its own: `id` says "uid=993(sbx_user1051) gid=990 groups=990".
    if (path == QLatin1String("/etc/passwd"))
        return QByteArrayLiteral("root:x:0:0:root:/root:/bin/bash\n"
                                 "sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n"
                                 "nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n");
    if (path == QLatin1String("/etc/group"))
        return QByteArrayLiteral("root:x:0:\nnobody:x:65534:\n");
    return {};
}

bool Bubblewrap::prepare(ProcessSpec &spec, SandboxLayout &layout, int firstFd, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    spec.program = executable();
    if (spec.program.isEmpty())
        return fail(QStringLiteral("bubblewrap (bwrap) is not installed"));
    spec.maxOpenFiles = SandboxIdentity::MaxOpenFiles;
    int next = firstFd;
    const SeccompFilter &filter = SeccompFilter::instance();
    if (!filter.isValid())
        return fail(QStringLiteral("cannot build the sandbox's seccomp filter: ") + filter.error());
    const int seccomp = filter.openProgram();
    if (seccomp < 0)
        return fail(QStringLiteral("cannot pass the seccomp filter to bubblewrap: %1")
                        .arg(QString::fromLocal8Bit(strerror(errno))));
    spec.passFds.push_back({seccomp, next});
    layout.seccompFd = next++;
    for (const QString &file : copiedSystemFiles()) {
        const QByteArray generated = generatedSystemFile(file);
        const int fd = generated.isEmpty() ? ::open(QFile::encodeName(file).constData(), O_RDONLY | O_CLOEXEC)
                                           : openReadableData(generated, "fnstudio-etc");
        if (fd < 0)
            continue; // gone since: not in the sandbox either
        spec.passFds.push_back({fd, next});
        layout.copiedFiles.append({file, next++});
    }
    return true;
}

QStringList Bubblewrap::arguments(const SandboxLayout &layout, const QStringList &command)
{
    QStringList args;
    auto roBind = [&args](const QString &from, const QString &to) {
        args << QStringLiteral("--ro-bind") << from << to;
    };

    // A user namespace of its own, as Lambda's non-root user: no capability over the host even for a
    // studio running as root (whose uid the sandbox's maps to, so the project's files stay readable).
    args << QStringLiteral("--unshare-user") << QStringLiteral("--uid") << QString::number(SandboxIdentity::Uid)
         << QStringLiteral("--gid") << QString::number(SandboxIdentity::Gid);
    // A network of its own: the environment's (see NetworkSlot), where the Runtime API listens and
    // pasta gives the reach the function may have, or else a new one with only a loopback.
    if (!layout.networkJoined)
        args << QStringLiteral("--unshare-net");
    args << QStringLiteral("--unshare-pid") << QStringLiteral("--unshare-ipc") << QStringLiteral("--unshare-uts")
         << QStringLiteral("--unshare-cgroup-try") << QStringLiteral("--die-with-parent")
         << QStringLiteral("--new-session");
    // bubblewrap keeps every capability when the studio runs as root: drop them, or the function could
    // remount the read-only binds writable.
    args << QStringLiteral("--cap-drop") << QStringLiteral("ALL");

    // A host path at the same place: a symlink as a symlink, anything else bound (if it exists).
    auto mirror = [&args, &roBind](const QString &path) {
        const QFileInfo info(path);
        if (info.isSymLink())
            args << QStringLiteral("--symlink") << QFile::symLinkTarget(path) << path;
        else if (info.exists())
            roBind(path, path);
    };

    // The root is bubblewrap's own empty tmpfs; nothing of the host appears unless bound here, so the
    // user's home stays invisible.
    roBind(QStringLiteral("/usr"), QStringLiteral("/usr"));
    for (const char *top : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"})
        mirror(QLatin1String(top));

    // The few files of /etc a runtime needs: the loader cache, TLS roots, name resolution, time zone,
    // users. Small files are copied where the caller opened them (see copiedSystemFiles()).
    for (const char *etc : {"/etc/ssl", "/etc/pki", "/etc/alternatives", "/etc/localtime"})
        mirror(QLatin1String(etc));
    for (const char *etc : SmallSystemFiles) {
        const QString path = QLatin1String(etc);
        const auto copied = std::find_if(layout.copiedFiles.cbegin(), layout.copiedFiles.cend(),
                                         [&path](const QPair<QString, int> &c) { return c.first == path; });
        if (copied == layout.copiedFiles.cend()) {
            mirror(path);
            continue;
        }
        if (hasPerms())
            args << QStringLiteral("--perms") << QStringLiteral("0644");
        args << QStringLiteral("--file") << QString::number(copied->second) << path;
    }

    args << QStringLiteral("--dir") << QStringLiteral("/var");
    roBind(layout.codeDir, QStringLiteral("/var/task"));
    if (!layout.runtimeDir.isEmpty())
        roBind(layout.runtimeDir, QStringLiteral("/var/runtime"));

    if (layout.layerDirs.size() == 1) {
        roBind(layout.layerDirs.first(), QStringLiteral("/opt"));
    } else if (layout.layerDirs.size() > 1 && supportsOverlay()) {
        // Later layers win, as when Lambda extracts them into /opt in order.
        for (const QString &layer : layout.layerDirs)
            args << QStringLiteral("--overlay-src") << layer;
        args << QStringLiteral("--ro-overlay") << QStringLiteral("/opt");
    } else if (layout.layerDirs.size() > 1) {
        // No overlayfs in this bubblewrap (< 0.11): merge at the first level. A later layer's entry
        // (python/, nodejs/, bin/, lib/, a file) replaces an earlier one of the same name whole.
        QMap<QString, QString> entries;
        for (const QString &layer : layout.layerDirs) {
            const QStringList names = QDir(layer).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
            for (const QString &name : names)
                entries.insert(name, layer + QLatin1Char('/') + name);
        }
        args << QStringLiteral("--dir") << QStringLiteral("/opt");
        for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
            // A link stays a link, read inside the sandbox as in an overlay: binding it would mount
            // whatever host folder it names (a layer's "python -> /home/ada").
            if (const QByteArray target = linkText(it.value()); !target.isEmpty())
                args << QStringLiteral("--symlink") << QFile::decodeName(target) << QStringLiteral("/opt/") + it.key();
            else
                roBind(it.value(), QStringLiteral("/opt/") + it.key());
        }
    } else {
        args << QStringLiteral("--dir") << QStringLiteral("/opt");
    }

    for (const QString &path : layout.extraReadOnly)
        roBind(path, path);

    // /tmp on disk, as on Lambda; a tmpfs (charged to the memory limit) only when no folder could be had.
    if (!layout.tmpDir.isEmpty())
        args << QStringLiteral("--bind") << layout.tmpDir << QStringLiteral("/tmp");
    else
        args << QStringLiteral("--size") << QString::number(qint64(layout.tmpSizeMb) << 20) << QStringLiteral("--tmpfs")
             << QStringLiteral("/tmp");
    args << QStringLiteral("--proc") << QStringLiteral("/proc");
    // The uid a root studio's sandbox maps to is the host's root, which the kernel lets write its
    // settings whatever the capabilities: only a read-only mount stops that.
    for (const QString &knob : readOnlyKernelPaths())
        roBind(knob, knob);
    args << QStringLiteral("--dev") << QStringLiteral("/dev");
    // Bounded, and charged to the memory limit as any tmpfs page is to the cgroup of whoever wrote it.
    if (hasPerms())
        args << QStringLiteral("--perms") << QStringLiteral("1777");
    args << QStringLiteral("--size") << QString::number(qint64(layout.shmSizeMb) << 20) << QStringLiteral("--tmpfs")
         << QStringLiteral("/dev/shm");
    // The folders bubblewrap created on its root tmpfs (/etc, /var, /opt) belong to the user running
    // the studio and would be writable to a function running as that user: only /tmp may be.
    args << QStringLiteral("--remount-ro") << QStringLiteral("/");
    args << QStringLiteral("--chdir") << QStringLiteral("/var/task");
    if (layout.seccompFd >= 0)
        args << QStringLiteral("--seccomp") << QString::number(layout.seccompFd);
    args << QStringLiteral("--");
    args << command;
    return args;
}

} // namespace fn
