#include "cgroupv2group.h"

#include "cgrouphierarchy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <chrono>
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

bool writable(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), W_OK) == 0;
}

// Enables the controllers for the children of dir; the "no internal processes" rule makes this fail
// with EBUSY while dir itself holds processes (except in the root cgroup).
int enableControllers(const QString &dir, bool cpu)
{
    const QByteArray wanted = cpu ? QByteArray("+memory +pids +cpu") : QByteArray("+memory +pids");
    const int e = writeCgroupValue(dir, "cgroup.subtree_control", wanted);
    // The io controller too where it is given: without it the kernel cannot write a group's dirty
    // pages back as that group's (cgroup writeback needs memory and io), so a function filling its
    // /tmp on disk is throttled by nothing and killed at its memory limit instead.
    if (e == 0 && hasWord(readSmall(dir + QStringLiteral("/cgroup.controllers")), "io"))
        writeCgroupValue(dir, "cgroup.subtree_control", "+io");
    return e;
}

// Moves every process of dir into its leaf (the studio itself and whatever shared its cgroup: the
// shell and terminal it was started from), so dir may hand controllers down to fnstudio's groups.
// Moving needs write access to the cgroup.procs of dir, the common ancestor, which delegation gives.
void moveProcessesIntoLeaf(const QString &dir)
{
    const QString leaf = dir + QLatin1Char('/') + CgroupV2Backend::leafName();
    if (::mkdir(QFile::encodeName(leaf).constData(), 0755) != 0 && errno != EEXIST)
        return;
    for (const qint64 pid : CgroupHierarchy::pids(dir + QStringLiteral("/cgroup.procs")))
        writeCgroupValue(leaf, "cgroup.procs", QByteArray::number(pid)); // one that exited meanwhile: ESRCH
}

void raiseTo(std::atomic<qint64> &peak, qint64 value)
{
    qint64 seen = peak.load(std::memory_order_relaxed);
    while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

} // namespace

CgroupV2Group::CgroupV2Group(const QString &dir, qint64 memoryLimit)
    : m_dir(dir)
    , m_memoryLimit(memoryLimit)
{
    m_current.open(m_dir, "memory.current");
    m_peak.open(m_dir, "memory.peak");
    m_events.open(m_dir, "memory.events");
    m_freeze.open(m_dir, "cgroup.freeze");
    m_state.open(m_dir, "cgroup.events");
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
    m_state.close();
    m_kill.close();
    CgroupHierarchy::removeDir(m_dir, 2000); // a leftover is swept by removeStaleGroups()
}

// cgroup.freeze is asynchronous: the write returns at once and each task stops when it next passes
// the freezer's trap, after which cgroup.events says "frozen 1". A task in an uninterruptible wait can
// hold that up; past FreezeTimeoutMs the freeze is cancelled and reported as failed, so an environment
// is never called frozen while it still runs (the pool tries again on its next round).
bool CgroupV2Group::freeze()
{
    if (!m_freeze.write("1"))
        return false;
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + milliseconds(FreezeTimeoutMs);
    for (;;) {
        if (m_state.readKeyed("frozen") == 1)
            return true;
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0)
            break;
        m_state.waitForChange(int(left) + 1);
    }
    m_freeze.write("0");
    return false;
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

// Thawing wakes every task inside the write: nothing to wait for.
bool CgroupV2Group::thaw()
{
    return m_freeze.write("0");
}

qint64 CgroupV2Group::memoryCurrent()
{
    const qint64 current = m_current.readInt();
    raiseTo(m_samplePeak, current);
    return current;
}

// Without a resettable memory.peak (before Linux 6.12) the group's high-water mark still answers
// exactly when this invocation set a new one, which is the case that matters: the first invocation,
// a growing leak, an allocation up to the limit. Reaching the limit shows in memory.events ("max",
// "oom_kill") even when an earlier invocation had already been there. Otherwise the invocation stayed
// below an earlier peak, and the samples of memory.current (its start, the memory graph's samples
// while it ran, its end) are the measure: a short spike between samples goes unseen there.
qint64 CgroupV2Group::memoryPeak()
{
    qint64 peak;
    if (m_peakResettable) {
        peak = m_peak.readInt();
    } else {
        const qint64 highWater = m_peak.isOpen() ? m_peak.readInt() : -1;
        qint64 events[2] = {0, 0};
        if (highWater > m_peakAtReset) {
            peak = highWater;
        } else if (m_events.readKeyed({"max", "oom_kill"}, events)
                   && (events[0] > m_maxEventsAtReset || events[1] > m_oomKillsAtReset)) {
            peak = m_memoryLimit;
        } else {
            memoryCurrent();
            peak = m_samplePeak.load(std::memory_order_relaxed);
        }
    }
    return m_memoryLimit > 0 ? std::min(peak, m_memoryLimit) : peak;
}

void CgroupV2Group::resetPeak()
{
    if (m_peakResettable) {
        m_peak.write("reset\n");
        return;
    }
    m_peakAtReset = m_peak.isOpen() ? m_peak.readInt() : -1;
    qint64 events[2] = {0, 0};
    m_events.readKeyed({"max", "oom_kill"}, events);
    m_maxEventsAtReset = events[0];
    m_oomKillsAtReset = events[1];
    m_samplePeak.store(m_current.readInt(), std::memory_order_relaxed);
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
    // A studio started from the leaf an earlier one made uses the same delegated cgroup.
    const QString root = QFileInfo(own).fileName() == leafName() ? QFileInfo(own).path() : own;
    if (!writable(root) || !writable(root + QStringLiteral("/cgroup.procs"))
        || !writable(root + QStringLiteral("/cgroup.subtree_control")))
        return fail(QStringLiteral("this process's cgroup2 group %1 is not delegated to this user (run fnstudio as "
                                   "root, or in a delegated scope: systemd-run --user --scope -p Delegate=yes …)")
                        .arg(root));

    QByteArray available = readSmall(root + QStringLiteral("/cgroup.controllers"));
    if (!hasWord(available, "memory") || !hasWord(available, "pids")) {
        // A delegated parent (user@UID.service above an app's scope) may hand them down itself.
        const QString parent = QFileInfo(root).path();
        if (writable(parent + QStringLiteral("/cgroup.subtree_control")))
            writeCgroupValue(parent, "cgroup.subtree_control", "+memory +pids");
        available = readSmall(root + QStringLiteral("/cgroup.controllers"));
    }
    if (!hasWord(available, "memory") || !hasWord(available, "pids"))
        return fail(QStringLiteral("cgroup2 group %1 is not given the memory and pids controllers (has: %2; systemd "
                                   "delegates them with Delegate=yes)")
                        .arg(root, QString::fromLatin1(available)));

    auto backend = std::unique_ptr<CgroupV2Backend>(new CgroupV2Backend);
    backend->m_cpu = hasWord(available, "cpu");
    int e = enableControllers(root, backend->m_cpu);
    // Processes forking meanwhile can land in root again: a few rounds.
    for (int round = 0; e == EBUSY && round < 5; ++round) {
        moveProcessesIntoLeaf(root);
        e = enableControllers(root, backend->m_cpu);
    }
    if (e != 0 && e != EBUSY && backend->m_cpu) {
        // The cpu controller refuses while a real-time task is in the subtree; go without a quota.
        backend->m_cpu = false;
        e = enableControllers(root, false);
    }
    if (e != 0)
        return fail(QStringLiteral("cannot enable the memory and pids controllers in %1: %2").arg(root, errnoText(e)));
    backend->m_base = root + QStringLiteral("/fnstudio");
    if (::mkdir(QFile::encodeName(backend->m_base).constData(), 0755) != 0 && errno != EEXIST)
        return fail(QStringLiteral("cannot create %1: %2").arg(backend->m_base, errnoText(errno)));
    if (int c = enableControllers(backend->m_base, backend->m_cpu))
        return fail(QStringLiteral("cannot enable controllers in %1: %2").arg(backend->m_base, errnoText(c)));
    const QString problem = CgroupHierarchy::probe(backend->m_base, {{"memory.max", "67108864"}, {"pids.max", "64"}},
                                                   {"cgroup.freeze", "cgroup.events", "memory.events"});
    if (!problem.isEmpty())
        return fail(problem);
    return backend;
}

QString CgroupV2Backend::isolation() const
{
    return namespaceIsolation()
           + (m_cpu ? QStringLiteral(" + cgroup v2 (memory, cpu, pids, freeze) in %1").arg(m_base)
                    : QStringLiteral(" + cgroup v2 (memory, pids, freeze; no cpu controller) in %1").arg(m_base));
}

std::unique_ptr<ResourceGroup> CgroupV2Backend::createGroup(const QString &id, const ResourceLimits &limits,
                                                            QString *error)
{
    auto fail = [error](const QString &message) -> std::unique_ptr<ResourceGroup> {
        if (error)
            *error = message
                     + QStringLiteral(" (`fnstudio-cli doctor` says what this machine allows; "
                                      "FN_SANDBOX_BACKEND=rlimit runs without cgroups)");
        return nullptr;
    };
    const QString dir = m_base + QLatin1Char('/') + CgroupHierarchy::groupName(id);
    if (::mkdir(QFile::encodeName(dir).constData(), 0755) != 0 && errno != EEXIST)
        return fail(QStringLiteral("cannot create cgroup %1: %2").arg(dir, errnoText(errno)));
    auto group = std::make_unique<CgroupV2Group>(dir, limits.memoryBytes);
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
    // What a studio that crashed left: its groups are killed (cgroup.kill, which reaches frozen tasks
    // too) and removed; the groups of a studio still running beside this one are left alone.
    int removed = 0;
    const QStringList children = QDir(m_base).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString &child : children) {
        if (!CgroupHierarchy::ownerGone(child))
            continue;
        const QString dir = m_base + QLatin1Char('/') + child;
        if (writeCgroupValue(dir, "cgroup.kill", "1") != 0) {
            writeCgroupValue(dir, "cgroup.freeze", "0");
            for (const qint64 pid : CgroupHierarchy::pids(dir + QStringLiteral("/cgroup.procs")))
                ::kill(pid_t(pid), SIGKILL);
        }
        if (CgroupHierarchy::removeDir(dir, 2000))
            ++removed;
    }
    return removed;
}

} // namespace fn
