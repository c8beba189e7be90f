#pragma once
// A resource group in the unified cgroup v2 hierarchy (memory, pids, cpu, freeze), with
// CgroupV2Backend, which checks the delegated subtree and creates the groups.

#include "cgroupfile.h"
#include "resourcegroup.h"

namespace fn {

class CgroupV2Group final : public ResourceGroup
{
public:
    explicit CgroupV2Group(const QString &dir);
    ~CgroupV2Group() override;

    bool isValid() const { return m_current.isOpen() && m_freeze.isOpen(); }

    QStringList procFiles() const override { return {m_dir + QStringLiteral("/cgroup.procs")}; }
    void setLeader(pid_t pid) override { m_leader = pid; }
    bool freeze() override;
    bool setCpuLimit(double cpus) override;
    bool thaw() override;
    qint64 residentBytes() override;
    qint64 memoryCurrent() override;
    qint64 memoryPeak() override;
    void resetPeak() override;
    bool oomKilled() override;
    void killAll() override;

private:
    QString m_dir;
    pid_t m_leader = -1;
    bool m_peakResettable = false; // memory.peak accepts a per-fd reset (Linux 6.12+)
    qint64 m_samplePeak = 0;       // max of samples when memory.peak cannot be reset
    CgroupFile m_current;          // memory.current
    CgroupFile m_peak;             // memory.peak (5.19+)
    CgroupFile m_events;           // memory.events ("oom_kill N")
    CgroupFile m_freeze;           // cgroup.freeze
    CgroupFile m_kill;             // cgroup.kill (5.14+)
};

class CgroupV2Backend final : public SandboxBackend
{
public:
    // Null (with the reason) unless this process's cgroup2 subtree is writable with memory and pids.
    static std::unique_ptr<CgroupV2Backend> create(QString *whyNot);

    QString name() const override { return QStringLiteral("cgroup v2"); }
    QString isolation() const override;
    bool enforcesMemory() const override { return true; }
    std::unique_ptr<ResourceGroup> createGroup(const QString &id, const ResourceLimits &limits,
                                               QString *error) override;
    int removeStaleGroups() override;

private:
    QString m_base;     // <our cgroup>/fnstudio
    bool m_cpu = false; // cpu controller delegated
};

} // namespace fn
