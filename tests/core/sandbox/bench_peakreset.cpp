// Prints what a per-invocation peak costs on the warm path, measured here, for the two ways to get
// one where memory.peak cannot be reset (Linux < 6.12): reading counters (what CgroupV2Group does:
// memory.peak's high-water mark, memory.events, memory.current), or a fresh child group per
// invocation (mkdir, move the environment's process into it, rmdir the last one). A benchmark, not
// a test: it never fails. Run as root; the v2 figures need a writable cgroup2 mount.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

double medianUs(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

double nowUs()
{
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool writeFile(const std::string &path, const std::string &text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    ::close(fd);
    return ok;
}

// One pread of an open control file, as CgroupFile does.
double preadUs(const std::string &file, int runs)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    std::vector<double> t;
    char buf[1024];
    for (int i = 0; i < runs; ++i) {
        const double t0 = nowUs();
        [[maybe_unused]] ssize_t n = ::pread(fd, buf, sizeof buf, 0);
        t.push_back(nowUs() - t0);
    }
    ::close(fd);
    return medianUs(t);
}

// Per invocation: mkdir base/inv-N, move pid into it, rmdir base/inv-(N-1). procsFile: "cgroup.procs".
double childGroupUs(const std::string &base, pid_t pid, int runs)
{
    if (::mkdir(base.c_str(), 0755) != 0 && errno != EEXIST)
        return -1;
    std::vector<double> t;
    std::string previous;
    for (int i = 0; i < runs; ++i) {
        const std::string dir = base + "/inv-" + std::to_string(i);
        const double t0 = nowUs();
        if (::mkdir(dir.c_str(), 0755) != 0 || !writeFile(dir + "/cgroup.procs", std::to_string(pid)))
            return -1;
        if (!previous.empty())
            ::rmdir(previous.c_str());
        t.push_back(nowUs() - t0);
        previous = dir;
    }
    writeFile(base + "/cgroup.procs", std::to_string(pid));
    ::rmdir(previous.c_str());
    return medianUs(t);
}

} // namespace

int main(int argc, char **argv)
{
    // Where to measure: a cgroup2 folder and a cgroup v1 memory folder (defaults: this machine's).
    const std::string v2 = argc > 1 ? argv[1] : "/sys/fs/cgroup/unified";
    const std::string v1 = argc > 2 ? argv[2] : "/sys/fs/cgroup/memory";
    const int runs = 2000;
    const pid_t child = ::fork();
    if (child == 0) {
        ::pause();
        _exit(0);
    }
    const std::string base2 = v2 + "/fnbench-" + std::to_string(::getpid());
    ::mkdir(base2.c_str(), 0755);
    std::printf("one pread of a cgroup2 control file (cgroup.events): %.2f us\n",
                preadUs(base2 + "/cgroup.events", runs));
    std::printf("one pread of a cgroup v1 counter (memory.max_usage_in_bytes): %.2f us\n",
                preadUs(v1 + "/memory.max_usage_in_bytes", runs));
    std::printf("counters (CgroupV2Group on < 6.12): resetPeak 3 preads + memoryPeak 1-3 preads per invocation\n");
    std::printf("fresh cgroup2 child group per invocation (mkdir + move 1 process + rmdir): %.1f us\n",
                childGroupUs(base2, child, 200));
    ::rmdir(base2.c_str());
    const std::string base1 = v1 + "/fnbench-" + std::to_string(::getpid());
    std::printf("fresh v1 memory child group per invocation (mkdir + move 1 process + rmdir): %.1f us\n",
                childGroupUs(base1, child, 200));
    ::rmdir(base1.c_str());
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return 0;
}
