#pragma once
// What a function actually gets inside the sandbox, found by starting one (with /bin/sh) rather
// than by what the studio asked for: its user, kernel knobs, seccomp, capabilities and limits.

#include <QString>

namespace fn {

struct SandboxProbe
{
    bool ran = false;
    QString error; // why the probe could not run
    int uid = -1;  // inside the sandbox
    int gid = -1;
    QString user;        // the name `id` gives the uid
    qint64 hostUid = -1; // what the uid is on the host; -1 without a user namespace
    bool ownUserNamespace = false;
    bool kernelKnobsReadOnly = false; // /proc/sys/kernel/core_uses_pid not writable
    bool seccomp = false;             // "Seccomp: 2" in /proc/self/status
    quint64 capabilities = ~0ull;     // CapEff
    int openFiles = -1;               // RLIMIT_NOFILE
    qint64 shmBytes = -1;             // size of /dev/shm

    static SandboxProbe run();
};

} // namespace fn
