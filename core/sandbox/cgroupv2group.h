#pragma once
// A resource group in the unified cgroup v2 hierarchy (memory, pids, cpu, freeze), with
// CgroupV2Backend, which finds the subtree this process may use, makes it usable and creates the groups.

#include "cgroupfile.h"
#include "resourcegroup.h"

#include <atomic>

namespace fn {

class CgroupV2Group final : public ResourceGroup
{
public:
    CgroupV2Group(const QString &dir, qint64 memoryLimit);
    ~CgroupV2Group() override;

    bool isValid() const { return m_current.isOpen() && m_freeze.isOpen() && m_state.isOpen(); }

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

    // How long freeze() waits for the kernel to report the group frozen before it gives up.
    static constexpr int FreezeTimeoutMs = 200;

private:
    QString m_dir;
    qint64 m_memoryLimit = 0;
    pid_t m_leader = -1;
    bool m_peakResettable = false; // memory.peak accepts a per-fd reset (Linux 6.12+)
    // Where memory.peak cannot be reset, resetPeak() notes the group's high-water mark and memory
    // events, and memoryPeak() compares (see there); samples of memory.current cover the rest.
    qint64 m_peakAtReset = 0; // a new group: its high-water mark so far is this period's
    qint64 m_maxEventsAtReset = 0;
    qint64 m_oomKillsAtReset = 0;
    std::atomic<qint64> m_samplePeak{0}; // memoryCurrent() is sampled from another thread
    CgroupFile m_current;                // memory.current
    CgroupFile m_peak;                   // memory.peak (5.19+)
    CgroupFile m_events;                 // memory.events ("max N", "oom_kill N")
    CgroupFile m_freeze;                 // cgroup.freeze
    CgroupFile m_state;                  // cgroup.events ("frozen 0|1", "populated 0|1")
    CgroupFile m_kill;                   // cgroup.kill (5.14+)
};

class CgroupV2Backend final : public SandboxBackend
{
public:
    // Null (with the reason) unless a group can be made here, tried with a probe group: this
    // process's own cgroup2 subtree, writable (root, or delegated as systemd's user@UID.service),
    // with the memory and pids controllers. Moves the processes of that cgroup into a leaf beside
    // fnstudio's groups, as v2's no-internal-process rule requires.
    static std::unique_ptr<CgroupV2Backend> create(QString *whyNot);

    // The name of the leaf the processes of the delegated cgroup are moved into.
    static QString leafName() { return QStringLiteral("fnstudio-leaf"); }

    QString name() const override { return QStringLiteral("cgroup v2"); }
    QString isolation() const override;
    bool enforcesMemory() const override { return true; }
    std::unique_ptr<ResourceGroup> createGroup(const QString &id, const ResourceLimits &limits,
                                               QString *error) override;
    int removeStaleGroups() override;

    QString base() const { return m_base; }

private:
    QString m_base;     // <delegated cgroup>/fnstudio
    bool m_cpu = false; // cpu controller delegated
};

} // namespace fn
