#include "childexec.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace fn::detail {

namespace {

// Async-signal-safe helpers for the child between clone and exec.
size_t formatPid(pid_t pid, char *buf)
{
    char tmp[24];
    size_t n = 0;
    unsigned long v = static_cast<unsigned long>(pid);
    do {
        tmp[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; ++i)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\n';
    return n + 1;
}

[[noreturn]] void childFail(int reportFd, ChildStage stage, int index = 0)
{
    const ChildFailure failure{int(stage), errno, index};
    ssize_t r;
    do {
        r = ::write(reportFd, &failure, sizeof failure);
    } while (r < 0 && errno == EINTR);
    _exit(127);
}

} // namespace

int childMain(void *arg)
{
    const ChildSetup &s = *static_cast<const ChildSetup *>(arg);
    ::close(s.out[0]);
    ::close(s.report[0]);
    ::setpgid(0, 0);
    // The spawner thread that clones lives as long as the studio: its end is the studio's.
    if (s.dieWithStudio)
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);

    // Dispositions the studio ignores (SIGPIPE) and its blocked mask would otherwise survive exec.
    struct sigaction dfl;
    std::memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &dfl, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    // Join the resource group before exec so the runtime's first allocation is already counted.
    // A cgroup v1 "tasks" file takes "0" (this thread, which is the whole child process):
    // moving one thread skips the global threadgroup lock whose RCU wait costs ~10 ms per write.
    char pidText[32];
    const size_t pidLen = formatPid(::getpid(), pidText);
    for (size_t i = 0; i < s.procFileCount; ++i) {
        const char *text = s.procFileIsTasks[i] ? "0" : pidText;
        const size_t length = s.procFileIsTasks[i] ? 1 : pidLen;
        const int fd = ::open(s.procFiles[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::write(fd, text, length) != ssize_t(length))
            childFail(s.report[1], ChildStage::CgroupPlacement, int(i));
        ::close(fd);
    }

    const int devNull = ::open("/dev/null", O_RDONLY);
    if (devNull < 0 || ::dup2(devNull, STDIN_FILENO) < 0 || ::dup2(s.out[1], STDOUT_FILENO) < 0
        || ::dup2(s.out[1], STDERR_FILENO) < 0)
        childFail(s.report[1], ChildStage::Stdio);
    if (devNull > STDERR_FILENO)
        ::close(devNull);
    if (s.out[1] > STDERR_FILENO)
        ::close(s.out[1]);
    // Descriptors some other part of the studio opened without O_CLOEXEC must not leak into a sandbox.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);

    // Passed descriptors: first every source (and the report pipe) moves above the highest
    // target, so that no dup2 below can close one that is still to be passed.
    int reportFd = s.report[1];
    int userNamespace = s.userNamespace;
    int networkNamespace = s.networkNamespace;
    if (s.passCount > 0) {
        reportFd = ::fcntl(s.report[1], F_DUPFD_CLOEXEC, s.passAbove);
        if (reportFd < 0)
            childFail(s.report[1], ChildStage::PassFd);
        // The namespaces to enter, too: a passed descriptor may be given the number one of them has.
        if (userNamespace >= 0 && (userNamespace = ::fcntl(userNamespace, F_DUPFD_CLOEXEC, s.passAbove)) < 0)
            childFail(reportFd, ChildStage::Namespace, 0);
        if (networkNamespace >= 0 && (networkNamespace = ::fcntl(networkNamespace, F_DUPFD_CLOEXEC, s.passAbove)) < 0)
            childFail(reportFd, ChildStage::Namespace, 1);
        int moved[MaxPassedFds];
        for (size_t i = 0; i < s.passCount; ++i) {
            moved[i] = ::fcntl(s.pass[i].fd, F_DUPFD_CLOEXEC, s.passAbove);
            if (moved[i] < 0)
                childFail(reportFd, ChildStage::PassFd, int(i));
        }
        // dup2 gives a descriptor without close-on-exec.
        for (size_t i = 0; i < s.passCount; ++i) {
            if (::dup2(moved[i], s.pass[i].as) != s.pass[i].as)
                childFail(reportFd, ChildStage::PassFd, int(i));
        }
    }

    if (s.workDir && ::chdir(s.workDir) != 0)
        childFail(reportFd, ChildStage::WorkingDirectory);

    // No core files dropped into the user's folders (Lambda has no core dumps either).
    struct rlimit rl
    {
        0, 0
    };
    ::setrlimit(RLIMIT_CORE, &rl);
    if (s.addressSpaceLimit > 0) {
        rl.rlim_cur = rl.rlim_max = rlim_t(s.addressSpaceLimit);
        if (::setrlimit(RLIMIT_AS, &rl) != 0)
            childFail(reportFd, ChildStage::Limits);
    }
    if (s.maxProcesses > 0) {
        rl.rlim_cur = rl.rlim_max = rlim_t(s.maxProcesses);
        if (::setrlimit(RLIMIT_NPROC, &rl) != 0)
            childFail(reportFd, ChildStage::Limits);
    }
    if (s.maxOpenFiles > 0) {
        rl.rlim_cur = rl.rlim_max = rlim_t(s.maxOpenFiles);
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0)
            childFail(reportFd, ChildStage::Limits);
    }

    // index 0: the user namespace, 1: the network namespace.
    if (userNamespace >= 0 && ::setns(userNamespace, CLONE_NEWUSER) != 0)
        childFail(reportFd, ChildStage::Namespace, 0);
    if (networkNamespace >= 0 && ::setns(networkNamespace, CLONE_NEWNET) != 0)
        childFail(reportFd, ChildStage::Namespace, 1);

    ::execve(s.program, s.argv, s.envp);
    childFail(reportFd, ChildStage::Exec);
}

// One stack, as children start one at a time on the spawner thread and each is done with it (exec'd
// or gone) before clone returns. Mapped once, never unmapped. Unused under ThreadSanitizer (see start()).
void *spawnStackTop()
{
    static constexpr size_t Size = 256 * 1024;
    static char *const stack = static_cast<char *>(
        ::mmap(nullptr, Size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
    return stack + Size; // stacks grow down on every architecture fnstudio builds for
}

} // namespace fn::detail
