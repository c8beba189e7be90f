#pragma once
// What the fuzz targets share: the input as text, a broken property reported and stopped on (a
// property is what a user would check, e.g. "a refusal says why"), and an input cut into the
// pieces a client might send it in.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace fn::fuzz {

inline std::string_view text(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// Aborts, so that libFuzzer (and the standalone driver) keep the input.
[[noreturn]] inline void broken(const char *property)
{
    std::fprintf(stderr, "fuzz: property broken: %s\n", property);
    std::abort();
}
inline void expect(bool holds, const char *property)
{
    if (!holds)
        broken(property);
}

// The input in pieces whose sizes come from its own bytes (1 to 16), as a stream of reads would
// deliver it.
inline std::vector<std::string_view> pieces(std::string_view input)
{
    std::vector<std::string_view> out;
    size_t at = 0;
    while (at < input.size()) {
        const size_t length = std::min<size_t>(input.size() - at, 1 + (uint8_t(input[at]) % 16));
        out.push_back(input.substr(at, length));
        at += length;
    }
    return out;
}

// Sends `bytes` whole on a new connection to 127.0.0.1:port, half-closes it (so the server reads
// exactly these bytes and then the end: an incomplete request ends there), and reads the answer
// until the server closes, into `answer` if given. A server that holds the connection for 20 s
// after that is a finding.
inline void exchange(int port, std::string_view bytes, std::string *answer = nullptr)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    expect(fd >= 0, "a socket");
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    // Thousands of connections a second may outrun the ephemeral ports while closed ones wait
    // (TIME_WAIT): a port that is briefly not free is the machine's limit, not a finding. And
    // libFuzzer's timer signal (-timeout) can interrupt connect(): the connection then goes on
    // without it, and is waited for.
    int connected = -1;
    for (int attempt = 0; attempt < 200; ++attempt) {
        connected = ::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to);
        if (connected != 0 && errno == EINTR) {
            pollfd writable{fd, POLLOUT, 0};
            while (::poll(&writable, 1, 20000) < 0 && errno == EINTR) {
            }
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            connected = error == 0 ? 0 : -1;
            errno = error;
        }
        if (connected == 0 || errno != EADDRNOTAVAIL)
            break;
        ::usleep(50 * 1000);
    }
    if (connected != 0) {
        std::fprintf(stderr, "fuzz: connect to 127.0.0.1:%d: %s\n", port, std::strerror(errno));
        broken("the server accepts");
    }
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        if (answer)
            answer->append(buffer, size_t(n));
    }
    const bool timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    // The answer is read to its end: close with a reset, so this side keeps no TIME_WAIT port.
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
    expect(!timedOut, "the server ends every connection once the client has sent all it will");
}

} // namespace fn::fuzz
