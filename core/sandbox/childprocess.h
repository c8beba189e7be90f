#pragma once
// The one place fnstudio starts child processes: absolute program, clean environment, merged
// output pipe, placement in a resource group before exec, terminate → wait → kill → wait.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <sys/types.h>
#include <vector>

namespace fn {

struct ProcessSpec
{
    QString program;              // absolute path; start() refuses a relative one
    QStringList arguments;        // argv[1..]
    QStringList environment;      // complete "KEY=VALUE" list: nothing is inherited from the studio
    QString workingDirectory;     // empty: the studio's
    QStringList cgroupProcFiles;  // the child writes its pid to each (cgroup.procs / tasks) before exec
    qint64 addressSpaceLimit = 0; // RLIMIT_AS in bytes when > 0 (fallback backend only)
    int maxProcesses = 0;         // RLIMIT_NPROC when > 0 (fallback backend only)
    int maxOpenFiles = 0;         // RLIMIT_NOFILE when > 0 (Lambda: 1,024)
    struct PassedFd
    {
        int fd; // the caller's descriptor (the caller keeps and closes its copy)
        int as; // the number the child gets it under, above 2
    };
    std::vector<PassedFd> passFds; // every other descriptor above 2 is closed in the child
    // Namespaces the child enters just before exec (descriptors the caller keeps): a user namespace,
    // then a network namespace owned by it or by the studio's. Joining a user namespace needs a
    // process of its own, so such a child is forked rather than started in the studio's memory.
    int joinUserNamespace = -1;
    int joinNetworkNamespace = -1;
    // SIGKILL when the studio ends, however it ends (a helper nothing else would end, like pasta).
    bool dieWithStudio = false;
};

struct ExitStatus
{
    enum class Kind { Exited, Signaled };
    Kind kind = Kind::Exited;
    int code = 0;   // exit code when Exited
    int signal = 0; // signal number when Signaled

    // As Go's os.ProcessState prints it, which is what Lambda's messages quote:
    // "exit status 1", "signal: killed", "signal: segmentation fault", "signal: aborted".
    QString describe() const;
};

class ChildProcess final
{
public:
    ChildProcess() = default;
    ~ChildProcess(); // shuts the process down if it still runs
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    // Forks and execs; the child gets a new process group, stdin from /dev/null and stdout+stderr
    // on one pipe. Returns false with a message naming what failed (exec errors included).
    bool start(const ProcessSpec &spec, QString *error);

    pid_t pid() const { return m_pid; }
    int outputFd() const { return m_outputFd; } // read end, O_NONBLOCK; -1 before start
    int pidFd() const { return m_pidFd; }       // readable (poll) once the child has exited

    // Non-blocking check; reaps the child when it has exited.
    bool isRunning();
    // Blocks up to timeoutMs (-1: forever); returns the status once exited.
    std::optional<ExitStatus> waitForExit(int timeoutMs);
    std::optional<ExitStatus> exitStatus() const { return m_status; }

    // SIGTERM to the process group, wait graceMs, SIGKILL, wait. Returns how it ended.
    ExitStatus shutdown(int graceMs);
    // SIGKILL to the process group at once (no wait).
    void kill();

private:
    pid_t m_pid = -1;
    int m_pidFd = -1;
    int m_outputFd = -1;
    std::optional<ExitStatus> m_status;
};

// Resolves a program name or path to an absolute path with every symlink resolved
// (a pyenv shim or /usr/bin/python3 link becomes the real binary). Empty if not found.
QString resolveExecutable(const QString &nameOrPath, const QStringList &searchDirs = {});

// A new close-on-exec descriptor holding bytes, positioned at their start, for a child that reads
// a file from an inherited descriptor (bubblewrap's --file and --seccomp). -1 on failure.
int openReadableData(const QByteArray &bytes, const char *name);

} // namespace fn
