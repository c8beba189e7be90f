// The S3 endpoint as a client reaches it: any bytes on a connection to its port (request line,
// headers, query, XML bodies, aws-chunked uploads, multipart uploads), over a real socket to the
// real server on a bucket in a temporary project (fuzz::exchange).

#include "fuzzinput.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"

#include <QTemporaryDir>

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
    fn::fuzz::exchange(port(), fn::fuzz::text(data, size));
    return 0;
}
