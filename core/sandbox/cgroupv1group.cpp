#include "cgroupv1group.h"

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

// Creates <dir>/fnstudio and checks, by making a group in it, that it is ours to write (a folder
// that root made earlier exists for a normal user too); empty with the reason otherwise.
QString prepareBase(const QString &controller, QString *whyNot)
{
    const QString dir = CgroupHierarchy::v1Dir(controller);
    if (dir.isEmpty()) {
        *whyNot = QStringLiteral("no cgroup v1 %1 hierarchy is mounted").arg(controller);
        return {};
    }
    const QString base = dir + QStringLiteral("/fnstudio");
    if (!QDir().mkpath(base)) {
        *whyNot = QStringLiteral("cannot create %1: %2").arg(base, errnoText(errno));
        return {};
    }
    const QString problem = CgroupHierarchy::probe(base, {});
    if (!problem.isEmpty()) {
        *whyNot = problem;
        return {};
    }
    return base;
}

} // namespace

CgroupV1Group::CgroupV1Group(const Dirs &dirs, qint64 memoryLimit)
    : m_dirs(dirs)
    , m_memoryLimit(memoryLimit)
{
    m_usage.open(m_dirs.memory, "memory.usage_in_bytes");
    m_maxUsage.open(m_dirs.memory, "memory.max_usage_in_bytes");
    m_oomControl.open(m_dirs.memory, "memory.oom_control");
    m_failcnt.open(m_dirs.memory, "memory.failcnt");
    m_freezerState.open(m_dirs.freezer, "freezer.state");
}

CgroupV1Group::~CgroupV1Group()
{
    killAll();
    m_usage.close();
    m_maxUsage.close();
    m_oomControl.close();
    m_failcnt.close();
    m_freezerState.close();
    for (const QString &dir : {m_dirs.memory, m_dirs.freezer, m_dirs.cpu, m_dirs.pids}) {
        if (!dir.isEmpty())
            CgroupHierarchy::removeDir(dir, 2000); // a leftover is swept by removeStaleGroups()
    }
}

QStringList CgroupV1Group::procFiles() const
{
    QStringList files;
    for (const QString &dir : {m_dirs.memory, m_dirs.freezer, m_dirs.cpu, m_dirs.pids}) {
        if (!dir.isEmpty())
            files.append(dir + QStringLiteral("/tasks")); // see ChildProcess: "0" into tasks skips a global lock
    }
    return files;
}

// v1 freezing is asynchronous (FREEZING until every task reached the refrigerator). We do not wait:
// nothing on the warm path needs the state to have settled, and a later THAWED cancels a pending
// freeze. Thawing wakes every task synchronously inside the write, so thaw() never waits either.
bool CgroupV1Group::freeze()
{
    m_frozen = m_freezerState.write("FROZEN");
    return m_frozen;
}

bool CgroupV1Group::setCpuLimit(double cpus)
{
    if (m_dirs.cpu.isEmpty())
        return false;
    const QByteArray quota = cpus > 0 ? QByteArray::number(std::max<qint64>(1000, qint64(cpus * 100000.0))) : "-1";
    return writeCgroupValue(m_dirs.cpu, "cpu.cfs_quota_us", quota) == 0;
}

qint64 CgroupV1Group::residentBytes()
{
    return CgroupHierarchy::residentBytes(m_dirs.memory + QStringLiteral("/cgroup.procs"));
}

bool CgroupV1Group::thaw()
{
    const bool ok = m_freezerState.write("THAWED");
    if (ok)
        m_frozen = false;
    return ok;
}

qint64 CgroupV1Group::memoryCurrent()
{
    return m_usage.readInt();
}

qint64 CgroupV1Group::memoryPeak()
{
    return m_maxUsage.readInt();
}

void CgroupV1Group::resetPeak()
{
    m_maxUsage.write("0");
}

bool CgroupV1Group::oomKilled()
{
    const qint64 kills = m_oomControl.readKeyed("oom_kill");
    if (kills >= 0)
        return kills > 0;
    // Kernels before 4.13 do not count kills; hitting the limit is the closest signal there is.
    return m_failcnt.readInt() > 0;
}

void CgroupV1Group::killAll()
{
    const QList<qint64> pids = CgroupHierarchy::pids(m_dirs.memory + QStringLiteral("/cgroup.procs"));
    for (qint64 pid : pids)
        ::kill(pid_t(pid), SIGKILL);
    if (m_leader > 0)
        ::kill(-m_leader, SIGKILL);
    // A v1-frozen task only dies once thawed.
    if (m_frozen)
        thaw();
}

std::unique_ptr<CgroupV1Backend> CgroupV1Backend::create(QString *whyNot)
{
    QString reason;
    auto backend = std::unique_ptr<CgroupV1Backend>(new CgroupV1Backend);
    backend->m_bases.memory = prepareBase(QStringLiteral("memory"), &reason);
    if (!backend->m_bases.memory.isEmpty())
        backend->m_bases.freezer = prepareBase(QStringLiteral("freezer"), &reason);
    if (backend->m_bases.memory.isEmpty() || backend->m_bases.freezer.isEmpty()) {
        if (whyNot)
            *whyNot = reason;
        return nullptr;
    }
    // The kernel enables its freezer code paths with a static key while any v1 group is frozen, and
    // patching that key costs ~150 us on each 0<->1 transition, i.e. on every freeze and every thaw of
    // an idle machine. One empty group that stays frozen keeps the key on: freeze()+thaw() measured
    // ~350 us without it and ~2 us with it.
    backend->m_freezerPin = backend->m_bases.freezer + QStringLiteral("/.pin-%1").arg(::getpid());
    if (::mkdir(QFile::encodeName(backend->m_freezerPin).constData(), 0755) == 0 || errno == EEXIST)
        writeCgroupValue(backend->m_freezerPin, "freezer.state", "FROZEN");
    else
        backend->m_freezerPin.clear();
    // The limit itself must be writable, not only the folder.
    const QString problem = CgroupHierarchy::probe(backend->m_bases.memory, {{"memory.limit_in_bytes", "67108864"}});
    if (!problem.isEmpty()) {
        if (whyNot)
            *whyNot = problem;
        return nullptr;
    }

    // cpu and pids are optional; isolation() names only what is in force.
    QString ignored;
    backend->m_bases.cpu = prepareBase(QStringLiteral("cpu"), &ignored);
    backend->m_bases.pids = prepareBase(QStringLiteral("pids"), &ignored);
    return backend;
}

CgroupV1Backend::~CgroupV1Backend()
{
    if (!m_freezerPin.isEmpty()) {
        writeCgroupValue(m_freezerPin, "freezer.state", "THAWED");
        CgroupHierarchy::removeDir(m_freezerPin, 100);
    }
}

QString CgroupV1Backend::isolation() const
{
    QStringList controllers{QStringLiteral("memory")};
    if (!m_bases.cpu.isEmpty())
        controllers << QStringLiteral("cpu");
    if (!m_bases.pids.isEmpty())
        controllers << QStringLiteral("pids");
    controllers << QStringLiteral("freezer");
    return namespaceIsolation() + QStringLiteral(" + cgroup v1 (") + controllers.join(QStringLiteral(", "))
           + QLatin1Char(')');
}

std::unique_ptr<ResourceGroup> CgroupV1Backend::createGroup(const QString &id, const ResourceLimits &limits,
                                                            QString *error)
{
    auto fail = [error](const QString &message) -> std::unique_ptr<ResourceGroup> {
        if (error)
            *error = message;
        return nullptr;
    };
    CgroupV1Group::Dirs dirs;
    QString *slots[] = {&dirs.memory, &dirs.freezer, &dirs.cpu, &dirs.pids};
    const QString bases[] = {m_bases.memory, m_bases.freezer, m_bases.cpu, m_bases.pids};
    for (int i = 0; i < 4; ++i) {
        if (bases[i].isEmpty())
            continue;
        // Named after the owning process: a studio that starts later can tell a dead owner's leftovers.
        const QString dir = bases[i] + QLatin1Char('/') + CgroupHierarchy::groupName(id);
        if (::mkdir(QFile::encodeName(dir).constData(), 0755) != 0 && errno != EEXIST)
            return fail(QStringLiteral("cannot create cgroup %1: %2").arg(dir, errnoText(errno)));
        *slots[i] = dir;
    }
    // From here on the group owns the folders: an early return removes them again.
    auto group = std::make_unique<CgroupV1Group>(dirs, limits.memoryBytes);
    if (!group->isValid())
        return fail(QStringLiteral("cannot open the control files of cgroup %1").arg(dirs.memory));

    const QByteArray memory = QByteArray::number(limits.memoryBytes);
    if (int e = writeCgroupValue(dirs.memory, "memory.limit_in_bytes", memory))
        return fail(QStringLiteral("cannot set the memory limit of %1: %2").arg(dirs.memory, errnoText(e)));
    // With swap accounting, memory+swap gets the same limit so swapping cannot dodge it.
    if (QFile::exists(dirs.memory + QStringLiteral("/memory.memsw.limit_in_bytes"))) {
        if (int e = writeCgroupValue(dirs.memory, "memory.memsw.limit_in_bytes", memory))
            return fail(QStringLiteral("cannot set the memory+swap limit of %1: %2").arg(dirs.memory, errnoText(e)));
    }
    if (!dirs.cpu.isEmpty()) {
        if (int e = writeCgroupValue(dirs.cpu, "cpu.cfs_period_us", "100000"))
            return fail(QStringLiteral("cannot set the CPU period of %1: %2").arg(dirs.cpu, errnoText(e)));
        if (limits.cpus > 0 && !group->setCpuLimit(limits.cpus))
            return fail(QStringLiteral("cannot set the CPU quota of %1").arg(dirs.cpu));
    }
    if (!dirs.pids.isEmpty()) {
        if (int e = writeCgroupValue(dirs.pids, "pids.max", QByteArray::number(limits.pidsMax)))
            return fail(QStringLiteral("cannot set the pids limit of %1: %2").arg(dirs.pids, errnoText(e)));
    }
    return group;
}

int CgroupV1Backend::removeStaleGroups()
{
    // A studio that crashed left its environments behind, and a frozen one cannot even die of
    // bubblewrap's die-with-parent signal: thaw and kill what belongs to owners that are gone.
    // Only dead owners' groups: another studio beside this one keeps its own, even the empty
    // ones it has just made for an environment it is starting.
    const auto ownerGone = &CgroupHierarchy::ownerGone;
    int removed = 0;
    const QString bases[] = {m_bases.freezer, m_bases.memory, m_bases.cpu, m_bases.pids}; // freezer first: thaw
    for (const QString &base : bases) {
        if (base.isEmpty())
            continue;
        const QStringList children = QDir(base).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
        for (const QString &child : children) {
            if (!ownerGone(child))
                continue;
            const QString dir = base + QLatin1Char('/') + child;
            if (base == m_bases.freezer)
                writeCgroupValue(dir, "freezer.state", "THAWED");
            for (const qint64 pid : CgroupHierarchy::pids(dir + QStringLiteral("/cgroup.procs")))
                ::kill(pid_t(pid), SIGKILL);
            if (CgroupHierarchy::removeDir(dir, 2000))
                ++removed;
        }
        removed += CgroupHierarchy::removeEmptyChildrenOfGoneOwners(base);
    }
    return removed;
}

} // namespace fn
