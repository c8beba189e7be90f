#include "cgroupv2group.h"

#include "cgrouphierarchy.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace fn {

namespace {

QString errnoText(int e)
{
    return QString::fromLocal8Bit(strerror(e));
}

QByteArray readSmall(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
}

bool hasWord(const QByteArray &list, const char *word)
{
    return list.split(' ').contains(QByteArray(word));
}

// Enables the controllers for the children of dir; the "no internal processes" rule makes this fail
// with EBUSY while dir itself holds processes.
int enableControllers(const QString &dir, bool cpu)
{
    const QByteArray wanted = cpu ? QByteArray("+memory +pids +cpu") : QByteArray("+memory +pids");
    return writeCgroupValue(dir, "cgroup.subtree_control", wanted);
}

} // namespace

CgroupV2Group::CgroupV2Group(const QString &dir)
    : m_dir(dir)
{
    m_current.open(m_dir, "memory.current");
    m_peak.open(m_dir, "memory.peak");
    m_events.open(m_dir, "memory.events");
    m_freeze.open(m_dir, "cgroup.freeze");
    m_kill.open(m_dir, "cgroup.kill");
    // A write to memory.peak resets the peak seen through this descriptor (6.12+); older kernels refuse.
    m_peakResettable = m_peak.isOpen() && m_peak.write("reset\n");
}

CgroupV2Group::~CgroupV2Group()
{
    killAll();
    m_current.close();
    m_peak.close();
    m_events.close();
    m_freeze.close();
    m_kill.close();
    CgroupHierarchy::removeDir(m_dir, 2000); // a leftover is swept by removeStaleGroups()
}

// cgroup.freeze is asynchronous as well (cgroup.events says "frozen 1" once settled); neither call
// waits, for the same reasons as the v1 group.
bool CgroupV2Group::freeze()
{
    return m_freeze.write("1");
}

bool CgroupV2Group::setCpuLimit(double cpus)
{
    if (!QFile::exists(m_dir + QStringLiteral("/cpu.max")))
        return false;
    const QByteArray quota = cpus > 0 ? QByteArray::number(std::max<qint64>(1000, qint64(cpus * 100000.0))) : "max";
    return writeCgroupValue(m_dir, "cpu.max", quota + " 100000") == 0;
}

qint64 CgroupV2Group::residentBytes()
{
    return CgroupHierarchy::residentBytes(m_dir + QStringLiteral("/cgroup.procs"));
}

bool CgroupV2Group::thaw()
{
    return m_freeze.write("0");
}

qint64 CgroupV2Group::memoryCurrent()
{
    const qint64 current = m_current.readInt();
    m_samplePeak = std::max(m_samplePeak, current);
    return current;
}

qint64 CgroupV2Group::memoryPeak()
{
    if (m_peakResettable)
        return m_peak.readInt();
    return std::max(m_samplePeak, m_current.readInt());
}

void CgroupV2Group::resetPeak()
{
    if (m_peakResettable)
        m_peak.write("reset\n");
    m_samplePeak = m_current.readInt();
}

bool CgroupV2Group::oomKilled()
{
    return m_events.readKeyed("oom_kill") > 0;
}

void CgroupV2Group::killAll()
{
    // cgroup.kill also reaches frozen tasks and forks racing with the kill.
    if (m_kill.isOpen() && m_kill.write("1"))
        return;
    const QList<qint64> pids = CgroupHierarchy::pids(m_dir + QStringLiteral("/cgroup.procs"));
    for (qint64 pid : pids)
        ::kill(pid_t(pid), SIGKILL);
    if (m_leader > 0)
        ::kill(-m_leader, SIGKILL);
    thaw();
}

std::unique_ptr<CgroupV2Backend> CgroupV2Backend::create(QString *whyNot)
{
    auto fail = [whyNot](const QString &reason) -> std::unique_ptr<CgroupV2Backend> {
        if (whyNot)
            *whyNot = reason;
        return nullptr;
    };
    const QString own = CgroupHierarchy::v2Dir();
    if (own.isEmpty())
        return fail(QStringLiteral("no cgroup2 hierarchy is mounted"));
    const QByteArray available = readSmall(own + QStringLiteral("/cgroup.controllers"));
    if (!hasWord(available, "memory") || !hasWord(available, "pids"))
        return fail(QStringLiteral("cgroup2 at %1 offers no memory and pids controllers (has: %2)")
                        .arg(own, QString::fromLatin1(available)));
    if (::access(QFile::encodeName(own + QStringLiteral("/cgroup.subtree_control")).constData(), W_OK) != 0)
        return fail(QStringLiteral("cgroup2 at %1 is not delegated to this user").arg(own));

    auto backend = std::unique_ptr<CgroupV2Backend>(new CgroupV2Backend);
    backend->m_cpu = hasWord(available, "cpu");
    int e = enableControllers(own, backend->m_cpu);
    if (e == EBUSY) {
        // Our own cgroup holds the studio's threads: move the studio into a leaf beside the groups
        // (as systemd-managed apps do), then the parent may hand controllers down.
        const QString leaf = own + QStringLiteral("/studio");
        QDir().mkpath(leaf);
        if (int m = writeCgroupValue(leaf, "cgroup.procs", QByteArray::number(qint64(::getpid()))))
            return fail(QStringLiteral("cannot move the studio into %1: %2").arg(leaf, errnoText(m)));
        e = enableControllers(own, backend->m_cpu);
    }
    if (e != 0)
        return fail(QStringLiteral("cannot enable controllers in %1: %2").arg(own, errnoText(e)));
    backend->m_base = own + QStringLiteral("/fnstudio");
    if (!QDir().mkpath(backend->m_base))
        return fail(QStringLiteral("cannot create %1").arg(backend->m_base));
    if (int c = enableControllers(backend->m_base, backend->m_cpu))
        return fail(QStringLiteral("cannot enable controllers in %1: %2").arg(backend->m_base, errnoText(c)));
    if (!QFile::exists(backend->m_base + QStringLiteral("/cgroup.freeze"))
        && !QFile::exists(own + QStringLiteral("/cgroup.freeze")))
        return fail(QStringLiteral("cgroup2 at %1 has no freezer (Linux 5.2+ needed)").arg(own));
    return backend;
}

QString CgroupV2Backend::isolation() const
{
    return namespaceIsolation()
           + (m_cpu ? QStringLiteral(" + cgroup v2 (memory, cpu, pids, freeze)")
                    : QStringLiteral(" + cgroup v2 (memory, pids, freeze; no cpu controller)"));
}

std::unique_ptr<ResourceGroup> CgroupV2Backend::createGroup(const QString &id, const ResourceLimits &limits,
                                                            QString *error)
{
    auto fail = [error](const QString &message) -> std::unique_ptr<ResourceGroup> {
        if (error)
            *error = message;
        return nullptr;
    };
    const QString dir = m_base + QLatin1Char('/') + CgroupHierarchy::groupName(id);
    if (::mkdir(QFile::encodeName(dir).constData(), 0755) != 0 && errno != EEXIST)
        return fail(QStringLiteral("cannot create cgroup %1: %2").arg(dir, errnoText(errno)));
    auto group = std::make_unique<CgroupV2Group>(dir);
    if (!group->isValid())
        return fail(QStringLiteral("cannot open the control files of cgroup %1").arg(dir));
    if (int e = writeCgroupValue(dir, "memory.max", QByteArray::number(limits.memoryBytes)))
        return fail(QStringLiteral("cannot set memory.max of %1: %2").arg(dir, errnoText(e)));
    // Without swap accounting the file is absent and swap cannot be used by the group anyway.
    if (QFile::exists(dir + QStringLiteral("/memory.swap.max"))) {
        if (int e = writeCgroupValue(dir, "memory.swap.max", "0"))
            return fail(QStringLiteral("cannot set memory.swap.max of %1: %2").arg(dir, errnoText(e)));
    }
    if (int e = writeCgroupValue(dir, "pids.max", QByteArray::number(limits.pidsMax)))
        return fail(QStringLiteral("cannot set pids.max of %1: %2").arg(dir, errnoText(e)));
    if (m_cpu && limits.cpus > 0 && !group->setCpuLimit(limits.cpus))
        return fail(QStringLiteral("cannot set cpu.max of %1").arg(dir));
    return group;
}

int CgroupV2Backend::removeStaleGroups()
{
    // What a studio that crashed left: its groups are killed (cgroup.kill) and removed; the groups of
    // a studio still running beside this one are left alone.
    int removed = 0;
    const QStringList children = QDir(m_base).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &child : children) {
        if (!CgroupHierarchy::ownerGone(child))
            continue;
        const QString dir = m_base + QLatin1Char('/') + child;
        writeCgroupValue(dir, "cgroup.kill", "1");
        if (CgroupHierarchy::removeDir(dir, 2000))
            ++removed;
    }
    return removed;
}

} // namespace fn
