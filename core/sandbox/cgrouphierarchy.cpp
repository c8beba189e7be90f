#include "cgrouphierarchy.h"

#include "cgroupfile.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include <sys/stat.h>
#include <unistd.h>

namespace fn {

namespace {

struct Mount
{
    QString point;
    QString root;
};

// /proc/self/mountinfo: "id parent maj:min root mountpoint opts ... - fstype source superopts".
Mount findMount(const QString &fsType, const QString &controller)
{
    QFile f(QStringLiteral("/proc/self/mountinfo"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int dash = line.indexOf(" - ");
        if (dash < 0)
            continue;
        const QList<QByteArray> pre = line.left(dash).split(' ');
        const QList<QByteArray> post = line.mid(dash + 3).split(' ');
        if (pre.size() < 5 || post.size() < 3 || QLatin1String(post[0]) != fsType)
            continue;
        if (!controller.isEmpty()) {
            const QList<QByteArray> opts = post[2].split(',');
            if (!opts.contains(controller.toLatin1()))
                continue;
        }
        // mountinfo escapes spaces as \040; cgroup mount points do not contain them in practice.
        return Mount{QString::fromLocal8Bit(pre[4]), QString::fromLocal8Bit(pre[3])};
    }
    return {};
}

// Our cgroup path in the hierarchy whose /proc/self/cgroup line names `controller` ("" = v2's "0::").
QString ownPath(const QString &controller)
{
    QFile f(QStringLiteral("/proc/self/cgroup"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int a = line.indexOf(':');
        const int b = line.indexOf(':', a + 1);
        if (a < 0 || b < 0)
            continue;
        const QByteArray controllers = line.mid(a + 1, b - a - 1);
        const bool match = controller.isEmpty() ? (line.left(a) == "0" && controllers.isEmpty())
                                                : controllers.split(',').contains(controller.toLatin1());
        if (match)
            return QString::fromLocal8Bit(line.mid(b + 1));
    }
    return {};
}

QString join(const Mount &m, QString path)
{
    if (m.point.isEmpty())
        return {};
    // Inside a cgroup namespace the mount's root is a prefix of what /proc/self/cgroup shows, or "/".
    if (m.root != QLatin1String("/") && path.startsWith(m.root))
        path = path.mid(m.root.size());
    QString dir = QDir::cleanPath(m.point + QLatin1Char('/') + path);
    return QDir(dir).exists() ? dir : m.point;
}

} // namespace

QString CgroupHierarchy::v1Dir(const QString &controller)
{
    return join(findMount(QStringLiteral("cgroup"), controller), ownPath(controller));
}

QString CgroupHierarchy::v2Dir()
{
    return join(findMount(QStringLiteral("cgroup2"), QString()), ownPath(QString()));
}

qint64 CgroupHierarchy::residentBytes(const QString &procsFile)
{
    static const long pageSize = ::sysconf(_SC_PAGESIZE);
    qint64 total = 0;
    for (const qint64 pid : pids(procsFile)) {
        QFile statm(QStringLiteral("/proc/%1/statm").arg(pid));
        if (!statm.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> fields = statm.read(128).split(' ');
        if (fields.size() > 1)
            total += fields[1].toLongLong() * pageSize;
    }
    return total;
}

QList<qint64> CgroupHierarchy::pids(const QString &procsFile)
{
    QList<qint64> result;
    QFile f(procsFile);
    if (!f.open(QIODevice::ReadOnly))
        return result;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        bool ok = false;
        const qint64 pid = line.toLongLong(&ok);
        if (ok && pid > 0)
            result.append(pid);
    }
    return result;
}

bool CgroupHierarchy::removeDir(const QString &dir, int timeoutMs)
{
    const QByteArray path = QFile::encodeName(dir);
    timespec start{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (::rmdir(path.constData()) == 0 || errno == ENOENT)
            return true;
        if (errno != EBUSY)
            return false;
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        const long elapsedMs = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsedMs >= timeoutMs)
            return false;
        // Killed tasks leave the group once the kernel has torn them down, usually within a millisecond.
        ::usleep(1000);
    }
}

QString CgroupHierarchy::groupName(const QString &id)
{
    return QString::number(::getpid()) + QLatin1Char('-') + id;
}

QString CgroupHierarchy::probe(const QString &base, std::initializer_list<std::pair<const char *, QByteArray>> writes,
                               std::initializer_list<const char *> needed)
{
    const QString dir = base + QStringLiteral("/.probe-%1").arg(::getpid());
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), 0755) != 0 && errno != EEXIST)
        return QStringLiteral("cannot create a cgroup in %1: %2").arg(base, QString::fromLocal8Bit(strerror(errno)));
    QString problem;
    for (const auto &[file, value] : writes) {
        if (int e = writeCgroupValue(dir, file, value)) {
            problem = QStringLiteral("cannot write %1 of a cgroup in %2: %3")
                          .arg(QLatin1String(file), base, QString::fromLocal8Bit(strerror(e)));
            break;
        }
    }
    for (const char *file : needed) {
        if (problem.isEmpty() && !QFile::exists(dir + QLatin1Char('/') + QLatin1String(file)))
            problem = QStringLiteral("a cgroup in %1 has no %2").arg(base, QLatin1String(file));
    }
    ::rmdir(path.constData());
    return problem;
}

bool CgroupHierarchy::ownerGone(const QString &name)
{
    // "<pid>-<id>" for environments, ".<what>-<pid>" for the backends' own groups.
    const QString owner =
        name.startsWith(QLatin1Char('.')) ? name.section(QLatin1Char('-'), 1, 1) : name.section(QLatin1Char('-'), 0, 0);
    bool ok = false;
    const pid_t pid = pid_t(owner.toLong(&ok));
    return ok && pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

int CgroupHierarchy::removeEmptyChildrenOfGoneOwners(const QString &base)
{
    int removed = 0;
    const QStringList children = QDir(base).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString &child : children) {
        const QString dir = base + QLatin1Char('/') + child;
        if (ownerGone(child) && pids(dir + QStringLiteral("/cgroup.procs")).isEmpty()
            && ::rmdir(QFile::encodeName(dir).constData()) == 0)
            ++removed;
    }
    return removed;
}

} // namespace fn
