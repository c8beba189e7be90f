#pragma once
// The child's side of ChildProcess::start(): what it does between clone and exec (async-signal-safe
// calls only) and what it reports through the exec-error pipe when a step fails.

#include "childprocess.h"

#include <QtGlobal>

#include <cstddef>

namespace fn::detail {

constexpr size_t MaxPassedFds = 64;

enum class ChildStage : int { CgroupPlacement = 1, Stdio, PassFd, WorkingDirectory, Limits, Namespace, Exec };

// What the child writes to the report pipe when something fails before exec.
struct ChildFailure
{
    int stage;
    int error;
    int index; // which cgroup file or passed descriptor, for those stages
};

// What the child needs between clone and exec, prepared by the parent.
struct ChildSetup
{
    const char *program;
    char *const *argv;
    char *const *envp;
    char *const *procFiles;
    const char *procFileIsTasks;
    size_t procFileCount;
    const char *workDir;               // null: stay
    const int *out;                    // pipe: the child's stdout and stderr
    const int *report;                 // pipe: a ChildFailure if the child cannot exec
    const ProcessSpec::PassedFd *pass; // descriptors to pass, and the numbers they get
    size_t passCount;
    int passAbove; // above every number a descriptor gets
    qint64 addressSpaceLimit;
    int maxProcesses;
    int maxOpenFiles;
    int userNamespace;    // -1: stay
    int networkNamespace; // -1: stay
    bool dieWithStudio;
};

// The child, from clone to exec, on its own stack in the parent's memory (the parent is suspended
// until the exec or _exit). Writes nothing the parent reads. Never returns.
int childMain(void *arg);

// The top of the one stack children run on between clone and exec (see childexec.cpp).
void *spawnStackTop();

} // namespace fn::detail
