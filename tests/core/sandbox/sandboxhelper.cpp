// A child that behaves as the sandbox tests need: allocates memory, counts, ignores SIGTERM, forks
// until it cannot, or dies of a signal. Plain C++ so it runs the same inside and outside a sandbox.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

namespace {

[[noreturn]] void idleForever()
{
    for (;;)
        pause();
}

// release: free right after allocating; releaseOnUsr1: hold until SIGUSR1 (for a test that samples).
int allocate(long mib, bool release, bool releaseOnUsr1)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, nullptr);
    std::vector<void *> chunks;
    for (long i = 0; i < mib; ++i) {
        void *p = mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("mmap failed after %ld MiB: %s\n", i, strerror(errno));
            fflush(stdout);
            idleForever();
        }
        memset(p, 0x5a, 1 << 20); // touch every page so it is resident and charged
        chunks.push_back(p);
    }
    printf("allocated %ld\n", mib);
    fflush(stdout);
    if (releaseOnUsr1) {
        int sig = 0;
        sigwait(&usr1, &sig);
    }
    if (release || releaseOnUsr1) {
        for (void *p : chunks)
            munmap(p, 1 << 20);
        printf("freed\n");
        fflush(stdout);
    }
    idleForever();
}

int count()
{
    for (unsigned long n = 0;; ++n) {
        printf("%lu\n", n);
        fflush(stdout);
        usleep(1000);
    }
}

int forkLoop(int n)
{
    int made = 0;
    for (; made < n; ++made) {
        const pid_t pid = fork();
        if (pid == 0)
            idleForever();
        if (pid < 0) {
            printf("forked %d, then: %s\n", made, strerror(errno));
            fflush(stdout);
            idleForever();
        }
    }
    printf("forked %d\n", made);
    fflush(stdout);
    idleForever();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: sandboxhelper alloc MiB [free|free-on-usr1] | count | ignore-term | forkloop N | signal N\n");
        return 2;
    }
    const char *mode = argv[1];
    if (!strcmp(mode, "alloc") && argc >= 3)
        return allocate(atol(argv[2]), argc >= 4 && !strcmp(argv[3], "free"),
                        argc >= 4 && !strcmp(argv[3], "free-on-usr1"));
    if (!strcmp(mode, "count"))
        return count();
    if (!strcmp(mode, "ignore-term")) {
        signal(SIGTERM, SIG_IGN);
        printf("ready\n");
        fflush(stdout);
        idleForever();
    }
    if (!strcmp(mode, "forkloop") && argc >= 3)
        return forkLoop(atoi(argv[2]));
    if (!strcmp(mode, "signal") && argc >= 3) {
        const int sig = atoi(argv[2]);
        signal(sig, SIG_DFL);
        raise(sig);
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
