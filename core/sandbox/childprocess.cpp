#include "childprocess.h"

#include "childexec.h"

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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
#define FN_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FN_UNDER_TSAN 1
#endif
#endif

namespace fn {

using namespace detail;

namespace {

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
                     spec.maxProcesses,
                     spec.maxOpenFiles,
                     spec.joinUserNamespace,
                     spec.joinNetworkNamespace,
                     spec.dieWithStudio};
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
        constexpr bool forkAlways = true;
#else
        constexpr bool forkAlways = false;
#endif
        // setns() into a user namespace refuses a process that shares its memory with another.
        if (forkAlways || spec.joinUserNamespace >= 0) {
            pid = ::fork();
            if (pid == 0)
                childMain(&setup);
        } else {
            pid = ::clone(childMain, spawnStackTop(), CLONE_VM | CLONE_VFORK | SIGCHLD, &setup);
        }
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
        case ChildStage::Namespace:
            what =
                QStringLiteral("cannot start %1 in its %2 namespace: %3")
                    .arg(spec.program, failure.index == 0 ? QStringLiteral("user") : QStringLiteral("network"), reason);
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

int openReadableData(const QByteArray &bytes, const char *name)
{
    const int fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            return -1;
        }
        done += n;
    }
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

} // namespace fn
