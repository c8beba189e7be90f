#pragma once
// A resource group in cgroup v1 hierarchies (memory + freezer required, cpu and pids when
// mounted), with CgroupV1Backend, which finds the hierarchies and creates the groups.

#include "cgroupfile.h"
#include "resourcegroup.h"

namespace fn {

class CgroupV1Group final : public ResourceGroup
{
public:
    struct Dirs
    {
        QString memory, freezer, cpu, pids; // cpu and pids empty when not mounted
    };
    CgroupV1Group(const Dirs &dirs, qint64 memoryLimit);
    ~CgroupV1Group() override;

    bool isValid() const { return m_usage.isOpen() && m_freezerState.isOpen(); }

    QStringList procFiles() const override;
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
    Dirs m_dirs;
    qint64 m_memoryLimit = 0;
    pid_t m_leader = -1;
    bool m_frozen = false;
    CgroupFile m_usage;        // memory.usage_in_bytes
    CgroupFile m_maxUsage;     // memory.max_usage_in_bytes (write 0 to reset)
    CgroupFile m_oomControl;   // memory.oom_control ("oom_kill N" since 4.13)
    CgroupFile m_failcnt;      // memory.failcnt, for kernels without oom_kill
    CgroupFile m_freezerState; // freezer.state
};

class CgroupV1Backend final : public SandboxBackend
{
public:
    // Null (with the reason) unless the memory and freezer hierarchies are writable here.
    static std::unique_ptr<CgroupV1Backend> create(QString *whyNot);
    ~CgroupV1Backend() override;

    QString name() const override { return QStringLiteral("cgroup v1"); }
    QString isolation() const override;
    bool enforcesMemory() const override { return true; }
    std::unique_ptr<ResourceGroup> createGroup(const QString &id, const ResourceLimits &limits,
                                               QString *error) override;
    int removeStaleGroups() override;

private:
    CgroupV1Group::Dirs m_bases; // <hierarchy>/<our cgroup>/fnstudio
    QString m_freezerPin;        // an empty group kept FROZEN while the backend lives (see create())
};

} // namespace fn
