// fnstudio-netns: makes one execution environment's network. It creates a network namespace (and,
// for a studio that is not root, the user namespace owning it, which maps the caller's own uid and
// gid), brings its loopback up, binds the Runtime API's listener at 127.0.0.1:<port> inside it, and
// hands the listener and the namespaces to the studio over an inherited Unix socket (SCM_RIGHTS).
// Then it exits: the studio's descriptors keep the namespaces alive, the sandbox is started inside
// them, and no other environment can connect to that listener.
//
// Usage: fnstudio-netns <unix socket fd> <port>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

[[noreturn]] void die(const char *what)
{
    std::fprintf(stderr, "fnstudio-netns: %s: %s\n", what, std::strerror(errno));
    std::_Exit(126);
}

void writeFile(const char *path, const char *text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, text, std::strlen(text)) != ssize_t(std::strlen(text)))
        die(path);
    ::close(fd);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: fnstudio-netns <unix socket fd> <port>\n");
        return 2;
    }
    const int channel = std::atoi(argv[1]);
    const int port = std::atoi(argv[2]);

    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    const bool root = uid == 0;
    if (::unshare(CLONE_NEWNET | (root ? 0 : CLONE_NEWUSER)) != 0)
        die(root ? "unshare the network namespace" : "unshare the user and network namespaces");
    if (!root) {
        char map[64];
        writeFile("/proc/self/setgroups", "deny");
        std::snprintf(map, sizeof map, "%u %u 1\n", unsigned(uid), unsigned(uid));
        writeFile("/proc/self/uid_map", map);
        std::snprintf(map, sizeof map, "%u %u 1\n", unsigned(gid), unsigned(gid));
        writeFile("/proc/self/gid_map", map);
    }

    // A new namespace's loopback is down.
    const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (control < 0)
        die("socket");
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(control, SIOCGIFFLAGS, &request) != 0)
        die("read the loopback's flags");
    request.ifr_flags = short(request.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(control, SIOCSIFFLAGS, &request) != 0)
        die("bring the loopback up");
    ::close(control);

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

    int fds[3] = {listener, -1, -1};
    fds[1] = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fds[1] < 0)
        die("open /proc/self/ns/net");
    if (!root) {
        fds[2] = ::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
        if (fds[2] < 0)
            die("open /proc/self/ns/user");
    }
    const size_t count = root ? 2 : 3;

    char tag = 'N';
    iovec iov{&tag, 1};
    alignas(cmsghdr) char controlData[CMSG_SPACE(sizeof fds)];
    std::memset(controlData, 0, sizeof controlData);
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = controlData;
    message.msg_controllen = CMSG_SPACE(count * sizeof(int));
    cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(count * sizeof(int));
    std::memcpy(CMSG_DATA(header), fds, count * sizeof(int));
    ssize_t sent;
    do {
        sent = ::sendmsg(channel, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != 1)
        die("send the network to the studio");
    return 0;
}
