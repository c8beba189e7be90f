// fnstudio-sandbox-init: the first program in every sandbox. It binds the environment's Runtime API
// listener (127.0.0.1:9001) inside the sandbox's own network namespace, hands it and the namespace
// to the studio over an inherited Unix socket (SCM_RIGHTS), then becomes the runtime (exec).
// The listener lives in this environment's namespace only, so no other environment can connect to it.
//
// Usage: fnstudio-sandbox-init <unix socket fd> <port> -- <command> [args...]

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

[[noreturn]] void die(const char *what)
{
    std::fprintf(stderr, "fnstudio-sandbox-init: %s: %s\n", what, std::strerror(errno));
    std::_Exit(126);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 5 || std::strcmp(argv[3], "--") != 0) {
        std::fprintf(stderr, "usage: fnstudio-sandbox-init <fd> <port> -- <command> [args...]\n");
        return 2;
    }
    const int channel = std::atoi(argv[1]);
    const int port = std::atoi(argv[2]);

    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
        die("socket");
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        die("bind 127.0.0.1");
    if (::listen(listener, 64) != 0)
        die("listen");
    const int netns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (netns < 0)
        die("open /proc/self/ns/net");

    int fds[2] = {listener, netns};
    char tag = 'L';
    iovec iov{&tag, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
    std::memset(control, 0, sizeof control);
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(header), fds, sizeof fds);
    ssize_t sent;
    do {
        sent = ::sendmsg(channel, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != 1)
        die("send the listener to the studio");
    // The runtime keeps none of these: the studio holds the listener, the namespace stays by itself.
    ::close(channel);
    ::close(listener);
    ::close(netns);

    ::execvp(argv[4], argv + 4);
    die(argv[4]);
}
