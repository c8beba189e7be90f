#pragma once
// An S3-compatible endpoint on loopback over the local buckets, so that functions (through
// AWS_ENDPOINT_URL_S3) and the AWS CLI (--endpoint-url) read and write them as they would S3:
// path-style ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, ListObjects
// (v1 and v2), GetObject (ranges, conditions), HeadObject, PutObject (plain, Content-MD5 checked,
// aws-chunked), multipart uploads (create, parts, complete, abort), CopyObject, DeleteObject and
// DeleteObjects, with S3's XML bodies and error codes.
// Requests signed with the credentials a function was given are verified (Signature Version 4,
// header or presigned) and checked against the function's execution role through the Authorizer;
// the developer's own requests (unsigned, or signed with any other keys) act as the account's
// administrator. Objects written or deleted through it raise the template's S3 events with the right
// names (ObjectCreated:Put, ObjectCreated:Copy, ObjectRemoved:Delete) through the change observer.

#include "services/s3changeobserver.h"

#include <QString>

#include <functional>
#include <memory>

namespace fn {

class Authorizer;
class S3ObjectStore;

class S3Endpoint final
{
public:
    static constexpr int DefaultPort = 3002;

    // Told before and after an object changes through the endpoint (see S3ChangeObserver).
    using ChangeObserver = S3ChangeObserver;
    using RequestLogger = std::function<void(const QString &line)>;

    explicit S3Endpoint(S3ObjectStore &store); // the store must outlive the endpoint
    ~S3Endpoint();                             // stop()s
    S3Endpoint(const S3Endpoint &) = delete;
    S3Endpoint &operator=(const S3Endpoint &) = delete;

    void setChangeObserver(ChangeObserver observer); // set before start()
    void setRequestLogger(RequestLogger logger);     // set before start()
    // Signatures and permissions (null: every request is the developer's). Set before start();
    // the authorizer must outlive the endpoint.
    void setAuthorizer(Authorizer *authorizer);

    // Listens on host:port (0: any free port). On failure false with a message naming host:port.
    bool start(const QString &host, int port, QString *error);
    void stop();
    bool isRunning() const;
    QString host() const;
    int port() const;
    QString url() const; // http://host:port, the value for AWS_ENDPOINT_URL_S3

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
