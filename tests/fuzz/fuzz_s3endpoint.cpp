// The S3 endpoint as a client reaches it: any bytes on a connection to its port (request line,
// headers, query, XML bodies, aws-chunked uploads, multipart uploads), over a real socket to the
// real server on a bucket in a temporary project. Each input is sent whole and the connection
// half-closed, so the server reads exactly these bytes and then the end (an incomplete request
// ends there); the answer is read until the server closes. A crash, a sanitizer's finding or a
// request the server never lets go of (the ctest timeout) is a finding.

#include "fuzzinput.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"

#include <QTemporaryDir>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

struct Endpoint
{
    QTemporaryDir project;
    std::unique_ptr<fn::S3ObjectStore> store;
    std::unique_ptr<fn::S3Endpoint> endpoint;

    Endpoint()
    {
        store = std::make_unique<fn::S3ObjectStore>(project.path());
        QString error;
        fn::fuzz::expect(store->createBucket(QStringLiteral("photos"), &error), "the bucket is made");
        endpoint = std::make_unique<fn::S3Endpoint>(*store);
        fn::fuzz::expect(endpoint->start(QStringLiteral("127.0.0.1"), 0, &error), "the endpoint listens");
    }
};

int port()
{
    static Endpoint e;
    return e.endpoint->port();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fn::fuzz::expect(fd >= 0, "a socket");
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port()));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{20, 0}; // far more than any request takes: past it, the server held on
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    fn::fuzz::expect(::connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) == 0, "the endpoint accepts");
    ::send(fd, data, size, MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    }
    const bool timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    ::close(fd);
    fn::fuzz::expect(!timedOut, "the server ends every connection once the client has sent all it will");
    return 0;
}
