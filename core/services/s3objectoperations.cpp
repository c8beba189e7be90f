#include "services/s3objectoperations.h"

#include "services/s3reply.h"
#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QFile>
#include <QUrl>

#include <httplib.h>

#include <algorithm>
#include <memory>

namespace fn {

S3ObjectOperations::S3ObjectOperations(S3ObjectStore &store, const S3ChangeObserver &observer)
    : m_store(store)
    , m_observer(observer)
{
}

void S3ObjectOperations::getObject(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    const auto o = m_store.object(t.bucket, t.key);
    if (!o)
        return reply.error(404, QStringLiteral("NoSuchKey"), QStringLiteral("The specified key does not exist."), t);
    if (const int status = req.precondition(*o)) {
        reply.objectHeaders(*o);
        if (status == 412)
            return reply.error(
                412, QStringLiteral("PreconditionFailed"),
                QStringLiteral("At least one of the pre-conditions you specified did not hold"), t,
                QStringLiteral("<Condition>%1</Condition>")
                    .arg(req.hasHeader("If-Match") ? QLatin1String("If-Match") : QLatin1String("If-Unmodified-Since")));
        reply.setStatus(304);
        return;
    }
    reply.objectHeaders(*o);
    const httplib::Request &http = req.http();
    std::string contentType = o->contentType.toStdString();
    if (http.has_param("response-content-type"))
        contentType = http.get_param_value("response-content-type");
    for (const char *override : {"response-content-disposition", "response-cache-control", "response-content-encoding",
                                 "response-content-language", "response-expires"})
        if (http.has_param(override))
            reply.setHeader(std::string(override + 9), http.get_param_value(override));
    // httplib answers Range requests from the provider (206 and Content-Range; 416 when unsatisfiable).
    auto file = std::make_shared<QFile>(o->path);
    if (!file->open(QIODevice::ReadOnly))
        return reply.error(500, QStringLiteral("InternalError"),
                           QStringLiteral("cannot read %1: %2").arg(o->path, file->errorString()), t);
    const size_t size = size_t(file->size());
    if (size == 0) {
        // httplib 0.11 loops for ever on a range of an empty body from a provider (a worker spun
        // at full speed; found by fuzz_s3endpoint). No range of an empty object is satisfiable.
        if (http.has_header("Range")) {
            // httplib would cut this error body to the range too (the request is the server's own
            // object, const only in this signature).
            const_cast<httplib::Request &>(http).ranges.clear();
            return reply.error(
                416, QStringLiteral("InvalidRange"), QStringLiteral("The requested range is not satisfiable"), t,
                QStringLiteral("<RangeRequested>%1</RangeRequested><ActualObjectSize>0</ActualObjectSize>")
                    .arg(QString::fromStdString(http.get_header_value("Range")).toHtmlEscaped()));
        }
        reply.http().set_content(std::string(), contentType);
        return;
    }
    reply.http().set_content_provider(size, contentType, [file](size_t offset, size_t length, httplib::DataSink &sink) {
        if (!file->seek(qint64(offset)))
            return false;
        char buffer[64 * 1024];
        while (length > 0) {
            const qint64 n = file->read(buffer, qint64(std::min(length, sizeof buffer)));
            if (n <= 0)
                return false;
            if (!sink.write(buffer, size_t(n)))
                return false;
            length -= size_t(n);
        }
        return true;
    });
}

void S3ObjectOperations::putObject(const S3Request &req, S3Reply &reply, const httplib::ContentReader &reader)
{
    const S3Request::Target &t = req.target();
    const qint64 declared =
        req.header(req.hasHeader("x-amz-decoded-content-length") ? "x-amz-decoded-content-length" : "Content-Length")
            .toLongLong();
    if (declared > S3ObjectStore::MaxSinglePutBytes)
        return reply.error(400, QStringLiteral("EntityTooLarge"),
                           QStringLiteral("Your proposed upload exceeds the maximum allowed size"), t,
                           QStringLiteral("<ProposedSize>%1</ProposedSize><MaxSizeAllowed>%2</MaxSizeAllowed>")
                               .arg(declared)
                               .arg(S3ObjectStore::MaxSinglePutBytes));
    const std::optional<QByteArray> md5 = req.contentMd5();
    if (!md5)
        return reply.error(400, QStringLiteral("InvalidDigest"),
                           QStringLiteral("The Content-MD5 you specified was invalid."), t);
    const S3ObjectStore::Fill fill = req.bodyFill(reader);
    if (!m_store.bucketExists(t.bucket))
        return reply.error(404, QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"),
                           t);
    m_observer.expectChange(t.bucket, t.key, QStringLiteral("ObjectCreated:Put"));
    const S3ObjectStore::Written w = m_store.put(t.bucket, t.key, fill, req.contentType(), req.metadata(), *md5);
    m_observer.settleChange(t.bucket, t.key, w.ok);
    if (!w.ok)
        return reply.writeError(t, w);
    reply.setStatus(200);
    reply.setHeader("ETag", S3Reply::quoted(w.object.eTag).toStdString());
}

void S3ObjectOperations::copyObject(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    QString source =
        QUrl::fromPercentEncoding(QByteArray::fromStdString(req.http().get_header_value("x-amz-copy-source")));
    source = source.section(u'?', 0, 0); // ?versionId=: one version here
    if (source.startsWith(u'/'))
        source.remove(0, 1);
    const qsizetype slash = source.indexOf(u'/');
    if (slash <= 0 || slash == source.size() - 1)
        return reply.error(400, QStringLiteral("InvalidArgument"),
                           QStringLiteral("Copy Source must mention the source bucket and key: sourcebucket/sourcekey"),
                           t);
    const S3Request::Target from{source.left(slash), source.mid(slash + 1)};
    if (!m_store.bucketExists(t.bucket))
        return reply.error(404, QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"),
                           t);
    const bool replace = req.header("x-amz-metadata-directive").toUpper() == QLatin1String("REPLACE");
    if (from.bucket == t.bucket && from.key == t.key && !replace)
        return reply.error(
            400, QStringLiteral("InvalidRequest"),
            QStringLiteral(
                "This copy request is illegal because it is trying to copy an object to itself without "
                "changing the object's metadata, storage class, website redirect location or encryption attributes."),
            t);
    if (const auto o = m_store.object(from.bucket, from.key)) {
        const auto matches = [&o](const QString &tag) { return tag == S3Reply::quoted(o->eTag) || tag == o->eTag; };
        if ((req.hasHeader("x-amz-copy-source-if-match") && !matches(req.header("x-amz-copy-source-if-match")))
            || (req.hasHeader("x-amz-copy-source-if-none-match")
                && matches(req.header("x-amz-copy-source-if-none-match"))))
            return reply.error(412, QStringLiteral("PreconditionFailed"),
                               QStringLiteral("At least one of the pre-conditions you specified did not hold"), t);
    }
    m_observer.expectChange(t.bucket, t.key, QStringLiteral("ObjectCreated:Copy"));
    const S3ObjectStore::Written w = m_store.copy(from.bucket, from.key, t.bucket, t.key, replace,
                                                  replace ? req.contentType() : QString(), req.metadata());
    m_observer.settleChange(t.bucket, t.key, w.ok);
    if (!w.ok)
        return reply.writeError(w.errorCode == QLatin1String("NoSuchKey") ? from : t, w);
    reply.xml(
        QStringLiteral("<CopyObjectResult "
                       "xmlns=\"%1\"><LastModified>%2</LastModified><ETag>&quot;%3&quot;</ETag></CopyObjectResult>")
            .arg(QLatin1String(S3Reply::Namespace), S3Reply::isoTime(w.object.lastModified), w.object.eTag));
}

void S3ObjectOperations::deleteObject(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    const bool existed = m_store.object(t.bucket, t.key).has_value();
    if (existed)
        m_observer.expectChange(t.bucket, t.key, QStringLiteral("ObjectRemoved:Delete"));
    QString problem, code;
    const bool ok = m_store.remove(t.bucket, t.key, &problem, &code);
    if (existed)
        m_observer.settleChange(t.bucket, t.key, ok);
    if (!ok)
        return reply.error(code == QLatin1String("AccessDenied") ? 403 : 500, code, problem, t);
    reply.setStatus(204);
}

} // namespace fn
