#pragma once
// One execution environment's resource limits and counters: a cgroup (v2 or v1), or, where no
// cgroup is writable, rlimits plus RSS polling of the process tree. Destroying it kills what is left.

#include "childprocess.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <sys/types.h>

namespace fn {

struct ResourceLimits
{
    qint64 memoryBytes = 128ll << 20;
    double cpus = 128.0 / 1769.0; // Lambda: 1,769 MB = 1 vCPU; 0: no quota (yet)
    int pidsMax = 1024;
};

class ResourceGroup
{
public:
    virtual ~ResourceGroup() = default;

    // Files the child writes its pid into before exec; empty for the rlimit fallback.
    virtual QStringList procFiles() const = 0;
    // Puts the group's placement (procFiles) and, for the fallback, its rlimits into a spec.
    virtual void applyTo(ProcessSpec &spec) const { spec.cgroupProcFiles = procFiles(); }
    // The environment's root process (its process group leader); needed by the fallback.
    virtual void setLeader(pid_t pid) = 0;

    // CPU quota in vCPUs (Lambda: memory / 1,769 MB); 0 lifts it. False where the backend has none.
    virtual bool setCpuLimit(double cpus) = 0;
    virtual bool freeze() = 0; // cgroup freezer, else SIGSTOP to the process group
    virtual bool thaw() = 0;
    virtual qint64 memoryCurrent() = 0; // bytes
    // Resident set of the group's processes, shared file pages included (which a cgroup charges
    // only to whoever first read them). Reads /proc: not for the warm path.
    virtual qint64 residentBytes() = 0;
    virtual qint64 memoryPeak() = 0; // bytes, since the last resetPeak()
    virtual void resetPeak() = 0;
    virtual bool oomKilled() = 0; // the memory limit killed something since creation
    virtual void killAll() = 0;   // SIGKILL every process in the group
};

// The backend in force, chosen once at start-up by what the machine allows.
class SandboxBackend
{
public:
    virtual ~SandboxBackend() = default;
    static std::unique_ptr<SandboxBackend> detect();
    // What bubblewrap adds, as the first half of isolation(): its namespaces, or that it is missing.
    static QString namespaceIsolation();

    virtual QString name() const = 0;      // "cgroup v2", "cgroup v1", "rlimits + RSS polling"
    virtual QString isolation() const = 0; // full sentence for doctor and the environment snapshot
    virtual bool enforcesMemory() const = 0;
    virtual std::unique_ptr<ResourceGroup> createGroup(const QString &id, const ResourceLimits &limits,
                                                       QString *error) = 0;
    // Removes empty groups left under fnstudio/ by a studio that crashed; returns how many.
    virtual int removeStaleGroups() { return 0; }
};

} // namespace fn
