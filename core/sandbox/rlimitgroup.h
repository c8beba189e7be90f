#pragma once
// The fallback where no cgroup is writable: the process tree under the leader is found through
// /proc, its resident memory summed on each sample (and killed past the limit), frozen with SIGSTOP.

#include "resourcegroup.h"

#include <QList>

namespace fn {

class RlimitGroup final : public ResourceGroup
{
public:
    explicit RlimitGroup(const ResourceLimits &limits);
    ~RlimitGroup() override;

    QStringList procFiles() const override { return {}; }
    void applyTo(ProcessSpec &spec) const override;
    void setLeader(pid_t pid) override;
    bool freeze() override;
    bool setCpuLimit(double) override { return false; } // no CPU quota without a cgroup
    bool thaw() override;
    qint64 residentBytes() override { return memoryCurrent(); }
    // Each sample also enforces the memory limit: over it, the tree is killed and oomKilled() is set.
    qint64 memoryCurrent() override;
    qint64 memoryPeak() override;
    void resetPeak() override;
    bool oomKilled() override { return m_oomKilled; }
    void killAll() override;

    // The leader and all its descendants, leader first.
    QList<pid_t> processTree() const;

private:
    void signalTree(int sig);

    ResourceLimits m_limits;
    pid_t m_leader = -1;
    QByteArray m_leaderStart; // start time from /proc/<pid>/stat: a reused pid is not our leader
    qint64 m_peak = 0;
    bool m_oomKilled = false;
};

class RlimitBackend final : public SandboxBackend
{
public:
    explicit RlimitBackend(const QString &whyNoCgroup)
        : m_whyNoCgroup(whyNoCgroup)
    {
    }

    QString name() const override { return QStringLiteral("rlimits + RSS polling"); }
    QString isolation() const override;
    bool enforcesMemory() const override { return false; }
    std::unique_ptr<ResourceGroup> createGroup(const QString &id, const ResourceLimits &limits,
                                               QString *error) override;

private:
    QString m_whyNoCgroup;
};

} // namespace fn
