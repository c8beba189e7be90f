#include "services/s3multipartoperations.h"

#include "services/s3reply.h"
#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QUrl>
#include <QXmlStreamReader>

namespace fn {

S3MultipartOperations::S3MultipartOperations(S3ObjectStore &store, const S3ChangeObserver &observer)
    : m_store(store)
    , m_observer(observer)
{
}

void S3MultipartOperations::createMultipartUpload(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    QString problem, code;
    const QString id = m_store.createUpload(t.bucket, t.key, req.contentType(), req.metadata(), &problem, &code);
    if (id.isEmpty())
        return reply.error(code == QLatin1String("NoSuchBucket")    ? 404
                           : code == QLatin1String("InternalError") ? 500
                                                                    : 400,
                           code, problem, t);
    reply.xml(QStringLiteral(
                  "<InitiateMultipartUploadResult xmlns=\"%1\"><Bucket>%2</Bucket><Key>%3</Key><UploadId>%4</UploadId>"
                  "</InitiateMultipartUploadResult>")
                  .arg(QLatin1String(S3Reply::Namespace), S3Reply::escaped(t.bucket), S3Reply::escaped(t.key), id));
}

void S3MultipartOperations::uploadPart(const S3Request &req, S3Reply &reply, const httplib::ContentReader &reader)
{
    const S3Request::Target &t = req.target();
    if (req.hasHeader("x-amz-copy-source"))
        return reply.notImplemented(QStringLiteral("UploadPartCopy"));
    bool ok = false;
    const int number = req.param("partNumber").toInt(&ok);
    const std::optional<QByteArray> md5 = req.contentMd5();
    if (!md5)
        return reply.error(400, QStringLiteral("InvalidDigest"),
                           QStringLiteral("The Content-MD5 you specified was invalid."), t);
    const auto u = m_store.upload(req.param("uploadId"));
    if (u && (u->bucket != t.bucket || u->key != t.key))
        return reply.error(404, QStringLiteral("NoSuchUpload"), QStringLiteral("The specified upload does not exist."),
                           t);
    const S3ObjectStore::Written w =
        m_store.putPart(req.param("uploadId"), ok ? number : 0, req.bodyFill(reader), *md5);
    if (!w.ok)
        return reply.writeError(t, w);
    reply.setStatus(200);
    reply.setHeader("ETag", S3Reply::quoted(w.object.eTag).toStdString());
}

void S3MultipartOperations::completeMultipartUpload(const S3Request &req, S3Reply &reply,
                                                    const httplib::ContentReader &reader)
{
    const S3Request::Target &t = req.target();
    const std::string body = S3Request::readSmallBody(reader);
    QXmlStreamReader xmlReader(QByteArray::fromStdString(body));
    QList<QPair<int, QString>> parts;
    int number = 0;
    QString eTag;
    while (!xmlReader.atEnd()) {
        const auto token = xmlReader.readNext();
        if (token == QXmlStreamReader::StartElement && xmlReader.name() == QLatin1String("Part")) {
            number = 0;
            eTag.clear();
        } else if (token == QXmlStreamReader::StartElement && xmlReader.name() == QLatin1String("PartNumber")) {
            number = xmlReader.readElementText().trimmed().toInt();
        } else if (token == QXmlStreamReader::StartElement && xmlReader.name() == QLatin1String("ETag")) {
            eTag = xmlReader.readElementText().trimmed();
        } else if (token == QXmlStreamReader::EndElement && xmlReader.name() == QLatin1String("Part")) {
            parts.append({number, eTag});
        }
    }
    if (xmlReader.hasError())
        return reply.error(
            400, QStringLiteral("MalformedXML"),
            QStringLiteral(
                "The XML you provided was not well-formed or did not validate against our published schema (%1)")
                .arg(xmlReader.errorString()),
            t);
    const auto u = m_store.upload(req.param("uploadId"));
    if (!u || u->bucket != t.bucket || u->key != t.key)
        return reply.error(404, QStringLiteral("NoSuchUpload"), QStringLiteral("The specified upload does not exist."),
                           t);
    m_observer.expectChange(t.bucket, t.key, QStringLiteral("ObjectCreated:CompleteMultipartUpload"));
    const S3ObjectStore::Written w = m_store.completeUpload(u->id, parts);
    m_observer.settleChange(t.bucket, t.key, w.ok);
    if (!w.ok)
        return reply.writeError(t, w);
    const QString location =
        QStringLiteral("http://%1/%2/%3")
            .arg(req.header("Host"), t.bucket, QString::fromLatin1(QUrl::toPercentEncoding(t.key, "/")));
    reply.xml(QStringLiteral("<CompleteMultipartUploadResult xmlns=\"%1\"><Location>%2</Location><Bucket>%3</Bucket>"
                             "<Key>%4</Key><ETag>&quot;%5&quot;</ETag></CompleteMultipartUploadResult>")
                  .arg(QLatin1String(S3Reply::Namespace), S3Reply::escaped(location), S3Reply::escaped(t.bucket),
                       S3Reply::escaped(t.key), w.object.eTag));
}

void S3MultipartOperations::abortMultipartUpload(const S3Request &req, S3Reply &reply)
{
    if (!m_store.abortUpload(req.param("uploadId")))
        return reply.error(404, QStringLiteral("NoSuchUpload"), QStringLiteral("The specified upload does not exist."),
                           req.target());
    reply.setStatus(204);
}

} // namespace fn
