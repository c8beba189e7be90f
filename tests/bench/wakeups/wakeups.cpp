// What one wake-up of another process costs on this machine: a byte sent back and forth over a
// loopback TCP connection (and over a Unix socket pair) between two processes, N round trips,
// p50 and p99 in microseconds. Run it as is (the scheduler picks the cores) and under
// `taskset -c 0` (both processes on one core) to see what crossing cores costs. A warm invocation
// is two such wake-ups (engine → runtime → engine) plus the runtime's own work.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// Echoes bytes until the peer closes; runs in the child.
[[noreturn]] void echo(int fd)
{
    char buffer[64];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0 || ::write(fd, buffer, size_t(n)) != n)
            std::_Exit(0);
    }
}

void report(const char *what, int fd, int rounds)
{
    std::vector<double> us;
    us.reserve(size_t(rounds));
    char byte = 'x';
    for (int i = 0; i < rounds; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        if (::write(fd, &byte, 1) != 1 || ::read(fd, &byte, 1) != 1) {
            std::fprintf(stderr, "%s: the echo process went away\n", what);
            std::exit(1);
        }
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    std::printf("%-32s p50 %6.1f us  p99 %6.1f us  (%d round trips)\n", what, us[us.size() / 2],
                us[us.size() * 99 / 100], rounds);
}

} // namespace

int main(int argc, char **argv)
{
    const int rounds = argc > 1 ? std::max(100, std::atoi(argv[1])) : 20000;
    const int one = 1;

    // Loopback TCP, TCP_NODELAY on both ends.
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) != 0
        || ::listen(listener, 1) != 0) {
        std::perror("loopback listener");
        return 1;
    }
    if (::fork() == 0) {
        const int c = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(c, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            std::_Exit(1);
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        echo(c);
    }
    const int tcp = ::accept(listener, nullptr, nullptr);
    ::setsockopt(tcp, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    report("loopback TCP, two processes", tcp, rounds);
    ::close(tcp);
    ::wait(nullptr);

    // A Unix stream socket pair, as the engine and a runtime's channel.
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
        std::perror("socketpair");
        return 1;
    }
    if (::fork() == 0) {
        ::close(pair[0]);
        echo(pair[1]);
    }
    ::close(pair[1]);
    report("Unix socket pair, two processes", pair[0], rounds);
    ::close(pair[0]);
    ::wait(nullptr);
    return 0;
}
