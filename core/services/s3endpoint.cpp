#include "services/s3endpoint.h"

#include "access/authorizer.h"
#include "services/httplistener.h"
#include "services/requestauthentication.h"
#include "services/s3bucketoperations.h"
#include "services/s3multipartoperations.h"
#include "services/s3objectoperations.h"
#include "services/s3reply.h"
#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QUrl>
#include <QUuid>

#include <httplib.h>

namespace fn {

struct S3Endpoint::Private
{
    S3ObjectStore &store;
    HttpListener listener;
    ChangeObserver observer;
    RequestLogger logger;
    Authorizer *authorizer = nullptr;
    QString region() const { return authorizer ? authorizer->account().region : AwsAccount().region; }
    S3BucketOperations buckets{store, observer};
    S3ObjectOperations objects{store, observer};
    S3MultipartOperations multipart{store, observer};

    explicit Private(S3ObjectStore &s)
        : store(s)
    {
    }

    // Authenticates the request and, for a function, checks each action it takes against its
    // role. False after answering as S3 does.
    bool admit(S3Request &req, S3Reply &reply, Principal *principal);
    static std::vector<AccessRequest> accessRequests(const S3Request &req);

    static QString newRequestId() { return QUuid::createUuid().toString(QUuid::Id128).left(16).toUpper(); }

    void handle(const httplib::Request &httpReq, httplib::Response &res, const httplib::ContentReader *reader)
    {
        res.set_header("x-amz-request-id", newRequestId().toStdString());
        res.set_header("x-amz-id-2", "fnstudio/local");
        res.set_header("Server", "fnstudio");
        S3Request req(httpReq);
        S3Reply reply(req, res);
        const S3Request::Target &t = req.target();
        const std::string &m = req.method();
        Principal principal;
        if (authorizer && !admit(req, reply, &principal))
            return;
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
                return buckets.headBucket(reply, region());
            if (m == "GET" && req.hasParam("location"))
                return buckets.getBucketLocation(reply, region());
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
        if (read) {
            objects.getObject(req, reply);
            // S3 tells a caller that may not list the bucket AccessDenied, not NoSuchKey: a missing
            // key is not revealed to it (the common surprise of a role with s3:GetObject only).
            if (res.status == 404 && principal.isFunction() && authorizer->mode() == Authorizer::Mode::Enforce
                && !authorizer->allows(
                    principal, {QStringLiteral("s3:ListBucket"), QStringLiteral("arn:aws:s3:::") + t.bucket, {}}))
                reply.error(403, QStringLiteral("AccessDenied"), QStringLiteral("Access Denied"));
            return;
        }
        if (m == "PUT" && req.hasHeader("x-amz-copy-source"))
            return objects.copyObject(req, reply);
        if (m == "PUT")
            return objects.putObject(req, reply, *reader);
        if (m == "DELETE")
            return objects.deleteObject(req, reply);
        reply.methodNotAllowed();
    }
};

namespace {

QString objectArn(const QString &bucket, const QString &key)
{
    return QStringLiteral("arn:aws:s3:::") + bucket + QLatin1Char('/') + key;
}

// S3's answer to a signature it does not accept.
void rejectSignature(const S3Request &req, S3Reply &reply, const SigV4::Result &r)
{
    const QString key = S3Reply::escaped(QString::fromStdString(r.accessKeyId));
    switch (r.error) {
    case SigV4::Error::Malformed:
        if (!req.hasHeader("Authorization"))
            return reply.error(400, QStringLiteral("AuthorizationQueryParametersError"), r.message);
        return reply.error(400, QStringLiteral("AuthorizationHeaderMalformed"),
                           QStringLiteral("The authorization header is malformed; ") + r.message);
    case SigV4::Error::MissingDate:
        return reply.error(403, QStringLiteral("AccessDenied"), r.message);
    case SigV4::Error::MissingContentSha256:
        return reply.error(400, QStringLiteral("InvalidRequest"), r.message);
    case SigV4::Error::InvalidAccessKeyId:
        return reply.error(403, QStringLiteral("InvalidAccessKeyId"), r.message, {},
                           QStringLiteral("<AWSAccessKeyId>%1</AWSAccessKeyId>").arg(key));
    case SigV4::Error::InvalidToken:
        return reply.error(400, QStringLiteral("InvalidToken"), r.message);
    case SigV4::Error::SignatureDoesNotMatch:
        return reply.error(403, QStringLiteral("SignatureDoesNotMatch"), r.message, {},
                           QStringLiteral("<AWSAccessKeyId>%1</AWSAccessKeyId><StringToSign>%2</StringToSign>"
                                          "<CanonicalRequest>%3</CanonicalRequest>")
                               .arg(key, S3Reply::escaped(QString::fromStdString(r.stringToSign)),
                                    S3Reply::escaped(QString::fromStdString(r.canonicalRequest))));
    case SigV4::Error::TimeTooSkewed:
        return reply.error(403, QStringLiteral("RequestTimeTooSkewed"), r.message, {},
                           QStringLiteral("<RequestTime>%1</RequestTime><ServerTime>%2</ServerTime>"
                                          "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>")
                               .arg(QString::fromStdString(r.requestTime), QString::fromStdString(r.serverTime)));
    case SigV4::Error::Expired:
        return reply.error(403, QStringLiteral("AccessDenied"), r.message, {},
                           QStringLiteral("<X-Amz-Expires>%1</X-Amz-Expires><ServerTime>%2</ServerTime>")
                               .arg(r.expiresSeconds)
                               .arg(QString::fromStdString(r.serverTime)));
    case SigV4::Error::NotYetValid:
    case SigV4::Error::None:
        break;
    }
    reply.error(403, QStringLiteral("AccessDenied"), r.message);
}

} // namespace

std::vector<AccessRequest> S3Endpoint::Private::accessRequests(const S3Request &req)
{
    const S3Request::Target &t = req.target();
    const std::string &m = req.method();
    const QString bucketArn = QStringLiteral("arn:aws:s3:::") + t.bucket;
    const auto one = [](const char *action, const QString &resource) {
        return std::vector<AccessRequest>{{QLatin1String(action), resource, {}}};
    };
    if (t.bucket.isEmpty())
        return one("s3:ListAllMyBuckets", QStringLiteral("arn:aws:s3:::*"));
    if (t.key.isEmpty()) {
        if (m == "PUT")
            return one("s3:CreateBucket", bucketArn);
        if (m == "DELETE")
            return one("s3:DeleteBucket", bucketArn);
        if (m == "GET" && req.hasParam("location"))
            return one("s3:GetBucketLocation", bucketArn);
        if (m == "GET" && req.hasParam("uploads"))
            return one("s3:ListBucketMultipartUploads", bucketArn);
        if (m == "POST" && req.hasParam("delete"))
            return one("s3:DeleteObject", objectArn(t.bucket, QStringLiteral("*")));
        // ListObjects (v1, v2) and HeadBucket; the listing's parameters are condition keys.
        AccessRequest list{QStringLiteral("s3:ListBucket"), bucketArn, {}};
        for (const char *key : {"prefix", "delimiter", "max-keys"})
            if (req.hasParam(key))
                list.context.insert(QStringLiteral("s3:") + QLatin1String(key), {req.param(key)});
        return {list};
    }
    const QString arn = objectArn(t.bucket, t.key);
    if (m == "GET" && req.hasParam("uploadId"))
        return one("s3:ListMultipartUploadParts", arn);
    if (m == "GET" || m == "HEAD")
        return one("s3:GetObject", arn);
    if (m == "DELETE" && req.hasParam("uploadId"))
        return one("s3:AbortMultipartUpload", arn);
    if (m == "DELETE")
        return one("s3:DeleteObject", arn);
    if (m == "PUT" && req.hasHeader("x-amz-copy-source")) {
        // CopyObject reads the source and writes the target.
        QString source = QUrl::fromPercentEncoding(req.header("x-amz-copy-source").toUtf8());
        if (source.startsWith(QLatin1Char('/')))
            source.remove(0, 1);
        source = source.section(QStringLiteral("?versionId="), 0, 0);
        return {{QStringLiteral("s3:GetObject"), QStringLiteral("arn:aws:s3:::") + source, {}},
                {QStringLiteral("s3:PutObject"), arn, {}}};
    }
    return one("s3:PutObject", arn); // PutObject and the steps of a multipart upload
}

bool S3Endpoint::Private::admit(S3Request &req, S3Reply &reply, Principal *principal)
{
    const RequestAuthentication auth = RequestAuthentication::of(req.http(), SigV4::Service::S3, authorizer->keys());
    if (!auth.accepted()) {
        rejectSignature(req, reply, auth.signature);
        return false;
    }
    if (auth.signature.outcome == SigV4::Result::Outcome::Unsigned && authorizer->requiresSigning()) {
        // An anonymous request, and the project asks every client to sign: S3 answers an anonymous
        // request for a private bucket so.
        reply.error(403, QStringLiteral("AccessDenied"), QStringLiteral("Access Denied"));
        return false;
    }
    req.setSignature(auth.signature);
    *principal = auth.principal;
    if (!auth.principal.isFunction())
        return true;
    const QString sourceIp = QString::fromStdString(req.http().remote_addr);
    for (AccessRequest &request : accessRequests(req)) {
        request.context.insert(QStringLiteral("aws:SourceIp"), {sourceIp});
        const Authorizer::Call call = authorizer->authorize(auth.principal, QStringLiteral("s3"), std::move(request));
        if (!call.proceeds()) {
            reply.error(403, QStringLiteral("AccessDenied"), accessDeniedMessage(*authorizer, call, true));
            return false;
        }
    }
    return true;
}

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

void S3Endpoint::setAuthorizer(Authorizer *authorizer)
{
    d->authorizer = authorizer;
}

bool S3Endpoint::start(const QString &host, int port, QString *error)
{
    // A single PUT may carry 5 GiB (plus its aws-chunked framing); bodies stream to disk.
    httplib::Server &svr = d->listener.reset(size_t(S3ObjectStore::MaxSinglePutBytes) + 64 * 1024 * 1024);
    const auto plain = [this](const httplib::Request &req, httplib::Response &res) { d->handle(req, res, nullptr); };
    const auto withBody = [this](const httplib::Request &req, httplib::Response &res,
                                 const httplib::ContentReader &reader) {
        d->handle(req, res, &reader);
        // A refusal may leave the body unread: on a kept-alive connection its bytes would be read
        // as the next request (an SDK then sees 400 Bad Request for its next call).
        if (res.status >= 300)
            res.set_header("Connection", "close");
    };
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
