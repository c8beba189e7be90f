#include "rlimitgroup.h"

#include <QDir>
#include <QFile>
#include <QHash>

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include <unistd.h>

namespace fn {

namespace {

// Fields of /proc/<pid>/stat after the command name, which may contain spaces and parentheses:
// [0] state, [1] ppid, ... [19] starttime.
QList<QByteArray> statFields(const QString &pid)
{
    QFile f(QStringLiteral("/proc/") + pid + QStringLiteral("/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = f.read(1024);
    const int close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    return stat.mid(close + 2).split(' ');
}

pid_t parentOf(const QString &pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return fields.size() > 1 ? pid_t(fields[1].toLong()) : -1;
}

QByteArray startTime(pid_t pid)
{
    const QList<QByteArray> fields = statFields(QString::number(pid));
    return fields.size() > 19 ? fields[19] : QByteArray();
}

// The process's proportional share of what is resident (Pss): pages shared among the tree (a fork's
// copy-on-write pages, the libraries every child maps) count once over the tree, as a cgroup charges
// them, where summing RSS counted them once per process and killed a forking function far below its
// limit. /proc/<pid>/statm's RSS where smaps_rollup (Linux 4.14) is missing.
qint64 processResidentBytes(pid_t pid)
{
    QFile rollup(QStringLiteral("/proc/%1/smaps_rollup").arg(pid));
    if (rollup.open(QIODevice::ReadOnly)) {
        const QByteArray text = rollup.read(4096);
        const qsizetype at = text.indexOf("\nPss:");
        if (at >= 0)
            return text.mid(at + 5, 32).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    QFile f(QStringLiteral("/proc/%1/statm").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.read(128).split(' ');
    static const long pageSize = ::sysconf(_SC_PAGESIZE);
    return fields.size() > 1 ? fields[1].toLongLong() * pageSize : 0;
}

} // namespace

RlimitGroup::RlimitGroup(const ResourceLimits &limits)
    : m_limits(limits)
{
}

RlimitGroup::~RlimitGroup()
{
    killAll();
}

void RlimitGroup::setLeader(pid_t pid)
{
    m_leader = pid;
    m_leaderStart = startTime(pid);
}

void RlimitGroup::applyTo(ProcessSpec &spec) const
{
    spec.cgroupProcFiles.clear();
    // RLIMIT_AS is left alone: V8 and the JVM reserve far more address space than they use, so an
    // address-space cap at the memory size would break them. Memory is enforced by sampling instead.
    spec.maxProcesses = m_limits.pidsMax;
}

QList<pid_t> RlimitGroup::processTree() const
{
    QList<pid_t> tree;
    if (m_leader <= 0)
        return tree;
    QHash<pid_t, QList<pid_t>> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const pid_t pid = pid_t(entry.toLong(&ok));
        if (!ok)
            continue;
        const pid_t parent = parentOf(entry);
        if (parent > 0)
            children[parent].append(pid);
    }
    if (m_leaderStart.isEmpty() || startTime(m_leader) != m_leaderStart)
        return tree;
    tree.append(m_leader);
    for (qsizetype i = 0; i < tree.size(); ++i)
        tree.append(children.value(tree.at(i)));
    return tree;
}

void RlimitGroup::signalTree(int sig)
{
    // The leader's group first (cheap, catches forks in flight), then every descendant: bubblewrap's
    // --new-session puts the sandboxed processes in a session of their own.
    const QList<pid_t> tree = processTree();
    if (tree.isEmpty())
        return;
    ::kill(-m_leader, sig);
    for (pid_t pid : tree)
        ::kill(pid, sig);
}

bool RlimitGroup::freeze()
{
    if (m_leader <= 0)
        return false;
    signalTree(SIGSTOP);
    return true;
}

bool RlimitGroup::thaw()
{
    if (m_leader <= 0)
        return false;
    signalTree(SIGCONT);
    return true;
}

qint64 RlimitGroup::memoryCurrent()
{
    qint64 total = 0;
    const QList<pid_t> tree = processTree();
    for (pid_t pid : tree)
        total += processResidentBytes(pid);
    m_peak = std::max(m_peak, total);
    if (m_limits.memoryBytes > 0 && total > m_limits.memoryBytes) {
        m_oomKilled = true;
        killAll();
    }
    return total;
}

qint64 RlimitGroup::memoryPeak()
{
    memoryCurrent();
    // A sample past the limit killed the tree; Lambda reports the limit itself then.
    return m_limits.memoryBytes > 0 ? std::min(m_peak, m_limits.memoryBytes) : m_peak;
}

// No sample here: it would be taken on the invocation's time (a walk of /proc costs milliseconds on
// a busy machine); memoryPeak() samples at the invocation's end, the memory graph's samples between.
void RlimitGroup::resetPeak()
{
    m_peak = 0;
}

void RlimitGroup::killAll()
{
    signalTree(SIGKILL);
}

QString RlimitBackend::isolation() const
{
    const QString nproc = ::geteuid() == 0 ? QStringLiteral("RLIMIT_NPROC (not enforced for root)")
                                           : QStringLiteral("RLIMIT_NPROC (counts all of this user's processes)");
    return namespaceIsolation()
           + QStringLiteral(" + no cgroup (%1): memory limit enforced by polling the resident memory (PSS) of the "
                            "process tree (a fast allocation can overshoot between samples), no CPU quota, %2, "
                            "freezing by SIGSTOP")
                 .arg(m_whyNoCgroup, nproc);
}

std::unique_ptr<ResourceGroup> RlimitBackend::createGroup(const QString &, const ResourceLimits &limits, QString *)
{
    return std::make_unique<RlimitGroup>(limits);
}

} // namespace fn
