#include "services/s3endpoint.h"

#include "services/httplistener.h"
#include "services/s3bucketoperations.h"
#include "services/s3multipartoperations.h"
#include "services/s3objectoperations.h"
#include "services/s3reply.h"
#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QUuid>

#include <httplib.h>

namespace fn {

struct S3Endpoint::Private
{
    S3ObjectStore &store;
    HttpListener listener;
    ChangeObserver observer;
    RequestLogger logger;
    S3BucketOperations buckets{store, observer};
    S3ObjectOperations objects{store, observer};
    S3MultipartOperations multipart{store, observer};

    explicit Private(S3ObjectStore &s)
        : store(s)
    {
    }

    static QString newRequestId() { return QUuid::createUuid().toString(QUuid::Id128).left(16).toUpper(); }

    void handle(const httplib::Request &httpReq, httplib::Response &res, const httplib::ContentReader *reader)
    {
        res.set_header("x-amz-request-id", newRequestId().toStdString());
        res.set_header("x-amz-id-2", "fnstudio/local");
        res.set_header("Server", "fnstudio");
        const S3Request req(httpReq);
        S3Reply reply(req, res);
        const S3Request::Target &t = req.target();
        const std::string &m = req.method();
        const bool read = m == "GET" || m == "HEAD";
        // Multipart uploads of an object: create, parts, complete, abort (not the listings).
        const bool multipartRequest = !t.key.isEmpty()
                                      && ((m == "POST" && (req.hasParam("uploads") || req.hasParam("uploadId")))
                                          || (m == "PUT" && req.hasParam("uploadId") && req.hasParam("partNumber"))
                                          || (m == "DELETE" && req.hasParam("uploadId")));
        // The bucket configuration sub-resources are not kept locally.
        for (const char *sub : {"uploads", "uploadId", "acl", "policy", "versioning", "tagging", "cors", "lifecycle",
                                "notification", "website", "encryption", "versions", "object-lock", "retention"})
            if (req.hasParam(sub) && !multipartRequest)
                return reply.notImplemented(
                    QStringLiteral("the ?%1 sub-resource (%2 %3)")
                        .arg(QLatin1String(sub), QString::fromStdString(m), QString::fromStdString(req.path())));
        if (t.bucket.isEmpty()) {
            if (m == "GET")
                return buckets.listBuckets(reply);
            return reply.methodNotAllowed();
        }
        if (t.key.isEmpty()) {
            if (m == "PUT")
                return buckets.createBucket(req, reply);
            if (!buckets.requireBucket(req, reply))
                return;
            if (m == "HEAD")
                return buckets.headBucket(reply);
            if (m == "GET" && req.hasParam("location"))
                return buckets.getBucketLocation(reply);
            if (m == "GET")
                return buckets.listObjects(req, reply);
            if (m == "DELETE")
                return buckets.deleteBucket(req, reply);
            if (m == "POST" && req.hasParam("delete"))
                return buckets.deleteObjects(req, reply, QByteArray::fromStdString(S3Request::readSmallBody(*reader)));
            return reply.methodNotAllowed();
        }
        if (!buckets.requireBucket(req, reply))
            return;
        if (const QString problem = S3ObjectStore::keyProblem(t.key); !problem.isEmpty()) {
            if (t.key.toUtf8().size() > S3ObjectStore::MaxKeyBytes)
                return reply.error(400, QStringLiteral("KeyTooLongError"), QStringLiteral("Your key is too long"), t);
            // Nothing can have been stored under a key no file can have.
            if (read)
                return reply.error(404, QStringLiteral("NoSuchKey"),
                                   QStringLiteral("The specified key does not exist."), t);
            if (m == "DELETE")
                return reply.setStatus(204);
            return reply.error(400, QStringLiteral("InvalidArgument"), problem, t);
        }
        if (multipartRequest) {
            if (m == "POST" && req.hasParam("uploads"))
                return multipart.createMultipartUpload(req, reply);
            if (m == "PUT")
                return multipart.uploadPart(req, reply, *reader);
            if (m == "POST")
                return multipart.completeMultipartUpload(req, reply, *reader);
            return multipart.abortMultipartUpload(req, reply);
        }
        if (read)
            return objects.getObject(req, reply);
        if (m == "PUT" && req.hasHeader("x-amz-copy-source"))
            return objects.copyObject(req, reply);
        if (m == "PUT")
            return objects.putObject(req, reply, *reader);
        if (m == "DELETE")
            return objects.deleteObject(req, reply);
        reply.methodNotAllowed();
    }
};

S3Endpoint::S3Endpoint(S3ObjectStore &store)
    : d(std::make_unique<Private>(store))
{
}

S3Endpoint::~S3Endpoint()
{
    stop();
}

void S3Endpoint::setChangeObserver(ChangeObserver observer)
{
    d->observer = std::move(observer);
}

void S3Endpoint::setRequestLogger(RequestLogger logger)
{
    d->logger = std::move(logger);
}

bool S3Endpoint::start(const QString &host, int port, QString *error)
{
    // A single PUT may carry 5 GiB (plus its aws-chunked framing); bodies stream to disk.
    httplib::Server &svr = d->listener.reset(size_t(S3ObjectStore::MaxSinglePutBytes) + 64 * 1024 * 1024);
    const auto plain = [this](const httplib::Request &req, httplib::Response &res) { d->handle(req, res, nullptr); };
    const auto withBody = [this](const httplib::Request &req, httplib::Response &res,
                                 const httplib::ContentReader &reader) { d->handle(req, res, &reader); };
    svr.Get(".*", plain); // and HEAD
    svr.Delete(".*", plain);
    svr.Put(".*", withBody);
    svr.Post(".*", withBody);
    d->listener.setLogger([this](const httplib::Request &req, const httplib::Response &res) {
        if (d->logger)
            d->logger(QStringLiteral("%1 %2 %3 %4")
                          .arg(QString::fromStdString(req.method), QString::fromStdString(req.path))
                          .arg(res.status)
                          .arg(QString::fromStdString(res.get_header_value("x-amz-request-id"))));
    });
    return d->listener.listen(host, port, error);
}

void S3Endpoint::stop()
{
    d->listener.stop();
}

bool S3Endpoint::isRunning() const
{
    return d->listener.isRunning();
}

QString S3Endpoint::host() const
{
    return d->listener.host();
}

int S3Endpoint::port() const
{
    return d->listener.port();
}

QString S3Endpoint::url() const
{
    return d->listener.url();
}

} // namespace fn
