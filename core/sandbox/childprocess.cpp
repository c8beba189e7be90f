#include "childprocess.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#if defined(__SANITIZE_THREAD__)
#define FN_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FN_UNDER_TSAN 1
#endif
#endif

namespace fn {

namespace {

// What the child reports through the exec-error pipe when something fails before exec.
constexpr size_t MaxPassedFds = 64;

enum class ChildStage : int { CgroupPlacement = 1, Stdio, PassFd, WorkingDirectory, Limits, Exec };

struct ChildFailure
{
    int stage;
    int error;
    int index; // which cgroup file, when stage is CgroupPlacement
};

// Go's signal names (syscall/zerrors_linux_*.go), which Lambda quotes in "Runtime exited with error".
const char *goSignalName(int sig)
{
    switch (sig) {
    case SIGHUP:
        return "hangup";
    case SIGINT:
        return "interrupt";
    case SIGQUIT:
        return "quit";
    case SIGILL:
        return "illegal instruction";
    case SIGTRAP:
        return "trace/breakpoint trap";
    case SIGABRT:
        return "aborted";
    case SIGBUS:
        return "bus error";
    case SIGFPE:
        return "floating point exception";
    case SIGKILL:
        return "killed";
    case SIGUSR1:
        return "user defined signal 1";
    case SIGSEGV:
        return "segmentation fault";
    case SIGUSR2:
        return "user defined signal 2";
    case SIGPIPE:
        return "broken pipe";
    case SIGALRM:
        return "alarm clock";
    case SIGTERM:
        return "terminated";
#ifdef SIGSTKFLT
    case SIGSTKFLT:
        return "stack fault";
#endif
    case SIGCHLD:
        return "child exited";
    case SIGCONT:
        return "continued";
    case SIGSTOP:
        return "stopped (signal)";
    case SIGTSTP:
        return "stopped";
    case SIGTTIN:
        return "stopped (tty input)";
    case SIGTTOU:
        return "stopped (tty output)";
    case SIGURG:
        return "urgent I/O condition";
    case SIGXCPU:
        return "CPU time limit exceeded";
    case SIGXFSZ:
        return "file size limit exceeded";
    case SIGVTALRM:
        return "virtual timer expired";
    case SIGPROF:
        return "profiling timer expired";
    case SIGWINCH:
        return "window changed";
    case SIGIO:
        return "I/O possible";
#ifdef SIGPWR
    case SIGPWR:
        return "power failure";
#endif
    case SIGSYS:
        return "bad system call";
    default:
        return nullptr;
    }
}

ExitStatus statusFromWait(int raw)
{
    ExitStatus status;
    if (WIFSIGNALED(raw)) {
        status.kind = ExitStatus::Kind::Signaled;
        status.signal = WTERMSIG(raw);
    } else {
        status.kind = ExitStatus::Kind::Exited;
        status.code = WEXITSTATUS(raw);
    }
    return status;
}

qint64 monotonicMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

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
};

// The child, from clone to exec: async-signal-safe calls only, on its own stack, in the parent's
// memory (the parent is suspended until the exec or _exit). Writes nothing the parent reads.
int childMain(void *arg)
{
    const ChildSetup &s = *static_cast<const ChildSetup *>(arg);
    ::close(s.out[0]);
    ::close(s.report[0]);
    ::setpgid(0, 0);

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
    if (s.passCount > 0) {
        reportFd = ::fcntl(s.report[1], F_DUPFD_CLOEXEC, s.passAbove);
        if (reportFd < 0)
            childFail(s.report[1], ChildStage::PassFd);
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

    ::execve(s.program, s.argv, s.envp);
    childFail(reportFd, ChildStage::Exec);
}

// The child's stack: one, as children start one at a time on the spawner thread and each is done
// with it (exec'd or gone) before clone returns. Mapped once, never unmapped.
[[maybe_unused]] void *spawnStackTop() // unused under ThreadSanitizer (see start())
{
    static constexpr size_t Size = 256 * 1024;
    static char *const stack = static_cast<char *>(
        ::mmap(nullptr, Size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
    return stack + Size; // stacks grow down on every architecture fnstudio builds for
}

void closeFd(int &fd)
{
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

} // namespace

// Runs tasks on one thread that lives as long as the process.
class Spawner
{
public:
    static Spawner &instance()
    {
        static Spawner *spawner = new Spawner; // never destroyed: children may still be started at exit
        return *spawner;
    }
    void run(const std::function<void()> &task)
    {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_task == nullptr; });
        bool done = false;
        m_task = &task;
        m_done = &done;
        m_wake.notify_all();
        m_idle.wait(lock, [&done] { return done; });
    }

private:
    Spawner()
    {
        std::thread([this] {
            std::unique_lock lock(m_mutex);
            for (;;) {
                m_wake.wait(lock, [this] { return m_task != nullptr; });
                (*m_task)();
                *m_done = true;
                m_task = nullptr;
                m_idle.notify_all();
            }
        }).detach();
    }
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    const std::function<void()> *m_task = nullptr;
    bool *m_done = nullptr;
};

QString ExitStatus::describe() const
{
    if (kind == Kind::Exited)
        return QStringLiteral("exit status %1").arg(code);
    if (const char *name = goSignalName(signal))
        return QStringLiteral("signal: ") + QLatin1String(name);
    return QStringLiteral("signal: %1").arg(signal);
}

ChildProcess::~ChildProcess()
{
    if (m_pid > 0 && !m_status) {
        kill();
        waitForExit(-1);
    }
    closeFd(m_pidFd);
    closeFd(m_outputFd);
}

bool ChildProcess::start(const ProcessSpec &spec, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_pid > 0 && !m_status)
        return fail(QStringLiteral("cannot start %1: this process object still runs %2").arg(spec.program).arg(m_pid));
    if (!QDir::isAbsolutePath(spec.program))
        return fail(QStringLiteral("cannot start %1: the program must be an absolute path").arg(spec.program));
    if (spec.passFds.size() > MaxPassedFds)
        return fail(QStringLiteral("cannot start %1: %2 descriptors to pass, at most %3")
                        .arg(spec.program)
                        .arg(spec.passFds.size())
                        .arg(MaxPassedFds));
    for (const ProcessSpec::PassedFd &p : spec.passFds) {
        if (p.fd < 0 || p.as <= STDERR_FILENO)
            return fail(
                QStringLiteral("cannot start %1: descriptor %2 cannot be passed as %3: 0-2 are its standard streams")
                    .arg(spec.program)
                    .arg(p.fd)
                    .arg(p.as));
    }

    // Everything the child touches is prepared here: between clone and exec only async-signal-safe calls are allowed
    // because other threads of the studio may hold malloc's or Qt's locks.
    std::vector<QByteArray> storage;
    storage.reserve(size_t(2 + spec.arguments.size() + spec.environment.size() + spec.cgroupProcFiles.size()));
    const QByteArray program = QFile::encodeName(spec.program);
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(program.constData()));
    for (const QString &a : spec.arguments) {
        storage.push_back(a.toLocal8Bit());
        argv.push_back(storage.back().data());
    }
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const QString &e : spec.environment) {
        storage.push_back(e.toUtf8());
        envp.push_back(storage.back().data());
    }
    envp.push_back(nullptr);
    std::vector<char *> procFiles;
    std::vector<char> procFileIsTasks;
    for (const QString &f : spec.cgroupProcFiles) {
        storage.push_back(QFile::encodeName(f));
        procFiles.push_back(storage.back().data());
        procFileIsTasks.push_back(f.endsWith(QLatin1String("/tasks")));
    }
    const QByteArray workDir = QFile::encodeName(spec.workingDirectory);
    int passAbove = 3;
    for (const ProcessSpec::PassedFd &p : spec.passFds)
        passAbove = std::max(passAbove, p.as + 1);

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        return fail(
            QStringLiteral("cannot start %1: pipe: %2").arg(spec.program, QString::fromLocal8Bit(strerror(errno))));
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        const int e = errno;
        ::close(out[0]);
        ::close(out[1]);
        return fail(QStringLiteral("cannot start %1: pipe: %2").arg(spec.program, QString::fromLocal8Bit(strerror(e))));
    }
    // Only the read end is non-blocking: the child's stdout must stay blocking.
    ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);

    // The clone happens on one long-lived thread: bubblewrap's --die-with-parent (PR_SET_PDEATHSIG)
    // fires when the *thread* that started it exits, and invocations run on pool threads that come and go.
    ChildSetup setup{program.constData(),
                     argv.data(),
                     envp.data(),
                     procFiles.data(),
                     procFileIsTasks.data(),
                     procFiles.size(),
                     workDir.isEmpty() ? nullptr : workDir.constData(),
                     out,
                     report,
                     spec.passFds.data(),
                     spec.passFds.size(),
                     passAbove,
                     spec.addressSpaceLimit,
                     spec.maxProcesses};
    pid_t pid = -1;
    int cloneError = 0; // errno is per thread: the clone's is the spawner thread's
    Spawner::instance().run([&] {
        // clone(CLONE_VM | CLONE_VFORK) as posix_spawn does: the child runs on a stack of its own in
        // the studio's memory until it execs, so no page tables are copied (a fork of a studio
        // holding a million log lines costs milliseconds), and this thread waits until it has.
        // All signals blocked across the clone, as posix_spawn does: a handler must not run in the
        // child while it shares the studio's memory; the child resets dispositions, then unblocks.
        sigset_t all, previous;
        sigfillset(&all);
        ::pthread_sigmask(SIG_SETMASK, &all, &previous);
#ifdef FN_UNDER_TSAN
        // ThreadSanitizer's clone interceptor treats every clone as a fork and does its child-side
        // bookkeeping in the child, which with CLONE_VM is the studio's memory: its next thread
        // start dies ("starting new threads after multi-threaded fork"). A plain fork it handles.
        pid = ::fork();
        if (pid == 0)
            childMain(&setup);
#else
        pid = ::clone(childMain, spawnStackTop(), CLONE_VM | CLONE_VFORK | SIGCHLD, &setup);
#endif
        cloneError = errno;
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    });
    if (pid < 0) {
        const int e = cloneError;
        for (int fd : {out[0], out[1], report[0], report[1]})
            ::close(fd);
        return fail(
            QStringLiteral("cannot start %1: clone: %2").arg(spec.program, QString::fromLocal8Bit(strerror(e))));
    }

    // --- parent ---
    // Also set the group here so a kill(-pid) right after start() cannot miss the child.
    ::setpgid(pid, pid);
    ::close(out[1]);
    ::close(report[1]);

    ChildFailure failure{};
    ssize_t got;
    do {
        got = ::read(report[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    ::close(report[0]);

    if (got == ssize_t(sizeof failure)) {
        int raw = 0;
        while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
        }
        ::close(out[0]);
        const QString reason = QString::fromLocal8Bit(strerror(failure.error));
        QString what;
        switch (ChildStage(failure.stage)) {
        case ChildStage::CgroupPlacement:
            what = QStringLiteral("cannot place %1 in its resource group (%2): %3")
                       .arg(spec.program, spec.cgroupProcFiles.value(failure.index), reason);
            break;
        case ChildStage::Stdio:
            what = QStringLiteral("cannot start %1: cannot set up stdin/stdout: %2").arg(spec.program, reason);
            break;
        case ChildStage::PassFd: {
            const ProcessSpec::PassedFd p = spec.passFds.at(size_t(failure.index));
            what = QStringLiteral("cannot start %1: cannot pass descriptor %2 as %3: %4")
                       .arg(spec.program)
                       .arg(p.fd)
                       .arg(p.as)
                       .arg(reason);
            break;
        }
        case ChildStage::WorkingDirectory:
            what = QStringLiteral("cannot start %1: cannot enter working directory %2: %3")
                       .arg(spec.program, spec.workingDirectory, reason);
            break;
        case ChildStage::Limits:
            what = QStringLiteral("cannot start %1: cannot set resource limits: %2").arg(spec.program, reason);
            break;
        case ChildStage::Exec:
            what = QStringLiteral("cannot execute %1: %2").arg(spec.program, reason);
            break;
        }
        return fail(what);
    }

    closeFd(m_pidFd);
    closeFd(m_outputFd);
    m_pid = pid;
    m_status.reset();
    m_outputFd = out[0];
    m_pidFd = int(::syscall(SYS_pidfd_open, pid, 0));
    if (m_pidFd >= 0)
        ::fcntl(m_pidFd, F_SETFD, FD_CLOEXEC);
    return true;
}

bool ChildProcess::isRunning()
{
    if (m_pid <= 0 || m_status)
        return false;
    int raw = 0;
    const pid_t r = ::waitpid(m_pid, &raw, WNOHANG);
    if (r == m_pid) {
        m_status = statusFromWait(raw);
        return false;
    }
    if (r < 0 && errno == ECHILD) {
        // Someone else reaped it (should not happen: this is the only place that waits for it).
        m_status = ExitStatus{ExitStatus::Kind::Signaled, 0, SIGKILL};
        return false;
    }
    return true;
}

std::optional<ExitStatus> ChildProcess::waitForExit(int timeoutMs)
{
    if (m_pid <= 0 || m_status)
        return m_status;
    const qint64 deadline = timeoutMs < 0 ? -1 : monotonicMs() + timeoutMs;
    while (isRunning()) {
        int wait = -1;
        if (deadline >= 0) {
            const qint64 left = deadline - monotonicMs();
            if (left <= 0)
                return std::nullopt;
            wait = int(left);
        }
        if (m_pidFd >= 0) {
            pollfd p{m_pidFd, POLLIN, 0};
            ::poll(&p, 1, wait);
        } else {
            // Kernels before 5.3 have no pidfd: poll the status in short steps.
            const int step = wait < 0 ? 5 : qMin(wait, 5);
            ::usleep(useconds_t(step) * 1000);
        }
    }
    return m_status;
}

ExitStatus ChildProcess::shutdown(int graceMs)
{
    if (m_pid <= 0)
        return ExitStatus{};
    if (!m_status) {
        ::kill(-m_pid, SIGTERM);
        waitForExit(graceMs);
    }
    // Always sweep the group: a grandchild that ignores SIGTERM outlives the leader. The group id stays
    // reserved while any member lives, so this cannot hit an unrelated process.
    ::kill(-m_pid, SIGKILL);
    if (!m_status)
        waitForExit(-1);
    return *m_status;
}

void ChildProcess::kill()
{
    if (m_pid > 0)
        ::kill(-m_pid, SIGKILL);
}

QString resolveExecutable(const QString &nameOrPath, const QStringList &searchDirs)
{
    auto usable = [](const QString &path) -> QString {
        const QByteArray p = QFile::encodeName(path);
        char resolved[PATH_MAX];
        if (!::realpath(p.constData(), resolved))
            return {};
        struct stat st
        {
        };
        if (::stat(resolved, &st) != 0 || !S_ISREG(st.st_mode) || ::access(resolved, X_OK) != 0)
            return {};
        return QFile::decodeName(resolved);
    };
    if (nameOrPath.isEmpty())
        return {};
    if (nameOrPath.contains(QLatin1Char('/')))
        return usable(QDir::isAbsolutePath(nameOrPath) ? nameOrPath : QDir::current().absoluteFilePath(nameOrPath));
    QStringList dirs = searchDirs;
    if (dirs.isEmpty())
        dirs = QString::fromLocal8Bit(qgetenv("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    for (const QString &dir : std::as_const(dirs)) {
        const QString found = usable(dir + QLatin1Char('/') + nameOrPath);
        if (!found.isEmpty())
            return found;
    }
    return {};
}

} // namespace fn
