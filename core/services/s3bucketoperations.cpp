#include "services/s3bucketoperations.h"

#include "services/s3reply.h"
#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QUrl>
#include <QXmlStreamReader>

#include <algorithm>

namespace fn {

namespace {

// S3's "url" encoding-type for keys in listings: percent-encoded, '/' kept, a space as '+'.
QString encodedIf(bool encode, const QString &text)
{
    if (!encode)
        return text;
    QByteArray e = QUrl::toPercentEncoding(text, "/");
    e.replace("%20", "+");
    return QString::fromLatin1(e);
}

} // namespace

S3BucketOperations::S3BucketOperations(S3ObjectStore &store, const S3ChangeObserver &observer)
    : m_store(store)
    , m_observer(observer)
{
}

void S3BucketOperations::listBuckets(S3Reply &reply)
{
    QString body =
        QStringLiteral("<ListAllMyBucketsResult "
                       "xmlns=\"%1\"><Owner><ID>fnstudio</ID><DisplayName>fnstudio</DisplayName></Owner><Buckets>")
            .arg(QLatin1String(S3Reply::Namespace));
    for (const QString &b : m_store.buckets())
        body += QStringLiteral("<Bucket><Name>%1</Name><CreationDate>%2</CreationDate></Bucket>")
                    .arg(S3Reply::escaped(b), S3Reply::isoTime(m_store.bucketCreated(b)));
    body += QStringLiteral("</Buckets></ListAllMyBucketsResult>");
    reply.xml(body);
}

void S3BucketOperations::createBucket(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    if (const QString problem = S3ObjectStore::bucketNameProblem(t.bucket); !problem.isEmpty())
        return reply.error(400, QStringLiteral("InvalidBucketName"), problem, t);
    if (m_store.bucketExists(t.bucket))
        return reply.error(
            409, QStringLiteral("BucketAlreadyOwnedByYou"),
            QStringLiteral("Your previous request to create the named bucket succeeded and you already own it."), t);
    QString problem;
    if (!m_store.createBucket(t.bucket, &problem))
        return reply.error(500, QStringLiteral("InternalError"), problem, t);
    reply.setStatus(200);
    reply.setHeader("Location", "/" + t.bucket.toStdString());
}

bool S3BucketOperations::requireBucket(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    if (!S3ObjectStore::bucketNameProblem(t.bucket).isEmpty()) {
        reply.error(400, QStringLiteral("InvalidBucketName"), QStringLiteral("The specified bucket is not valid."), t);
        return false;
    }
    if (!m_store.bucketExists(t.bucket)) {
        reply.error(404, QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"), t);
        return false;
    }
    return true;
}

void S3BucketOperations::headBucket(S3Reply &reply, const QString &region)
{
    reply.setStatus(200);
    reply.setHeader("x-amz-bucket-region", region.toStdString());
}

void S3BucketOperations::getBucketLocation(S3Reply &reply, const QString &region)
{
    // S3 answers an empty constraint for us-east-1 (its oldest region), else the region's name.
    if (region == QLatin1String("us-east-1"))
        reply.xml(QStringLiteral("<LocationConstraint xmlns=\"%1\"/>").arg(QLatin1String(S3Reply::Namespace)));
    else
        reply.xml(QStringLiteral("<LocationConstraint xmlns=\"%1\">%2</LocationConstraint>")
                      .arg(QLatin1String(S3Reply::Namespace), region));
}

void S3BucketOperations::deleteBucket(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    QString problem;
    switch (m_store.removeBucket(t.bucket, &problem)) {
    case S3ObjectStore::RemoveBucket::Removed:
        reply.setStatus(204);
        return;
    case S3ObjectStore::RemoveBucket::NoSuchBucket:
        return reply.error(404, QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"),
                           t);
    case S3ObjectStore::RemoveBucket::NotEmpty:
        return reply.error(409, QStringLiteral("BucketNotEmpty"),
                           QStringLiteral("The bucket you tried to delete is not empty"), t);
    case S3ObjectStore::RemoveBucket::Mapped:
        return reply.error(400, QStringLiteral("InvalidRequest"), problem, t);
    case S3ObjectStore::RemoveBucket::Failed:
        return reply.error(500, QStringLiteral("InternalError"), problem, t);
    }
}

void S3BucketOperations::listObjects(const S3Request &req, S3Reply &reply)
{
    const S3Request::Target &t = req.target();
    const bool v2 = req.param("list-type") == QLatin1String("2");
    const QString prefix = req.param("prefix");
    const QString delimiter = req.param("delimiter");
    const bool encode = req.param("encoding-type") == QLatin1String("url");
    int maxKeys = 1000;
    if (req.hasParam("max-keys")) {
        bool ok = false;
        maxKeys = req.param("max-keys").toInt(&ok);
        if (!ok || maxKeys < 0)
            return reply.error(400, QStringLiteral("InvalidArgument"),
                               QStringLiteral("Provided max-keys not an integer or within integer range"));
        maxKeys = std::min(maxKeys, 1000);
    }
    // Where to resume: after a key, or after every key of a common prefix already returned.
    QString after;
    const QString token = req.param("continuation-token");
    if (v2 && !token.isEmpty()) {
        after = QString::fromUtf8(QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding));
        if (after.isEmpty())
            return reply.error(400, QStringLiteral("InvalidArgument"),
                               QStringLiteral("The continuation token provided is incorrect"));
    } else {
        after = v2 ? req.param("start-after") : req.param("marker");
    }
    const QByteArray afterBytes = after.toUtf8();
    const bool afterIsPrefix = !delimiter.isEmpty() && after.endsWith(delimiter);

    QString contents, prefixes, last;
    int count = 0;
    bool truncated = false;
    QString lastPrefix;
    for (const S3Object &o : m_store.list(t.bucket, prefix)) {
        const QByteArray keyBytes = o.key.toUtf8();
        if (!after.isEmpty() && (keyBytes <= afterBytes || (afterIsPrefix && o.key.startsWith(after))))
            continue;
        QString common;
        if (!delimiter.isEmpty()) {
            const qsizetype at = o.key.indexOf(delimiter, prefix.size());
            if (at >= 0)
                common = o.key.left(at + delimiter.size());
        }
        if (!common.isEmpty() && common == lastPrefix)
            continue;
        if (count == maxKeys) {
            truncated = true;
            break;
        }
        ++count;
        if (!common.isEmpty()) {
            lastPrefix = common;
            last = common;
            prefixes += QStringLiteral("<CommonPrefixes><Prefix>%1</Prefix></CommonPrefixes>")
                            .arg(S3Reply::escaped(encodedIf(encode, common)));
            continue;
        }
        last = o.key;
        contents += QStringLiteral("<Contents><Key>%1</Key><LastModified>%2</LastModified><ETag>&quot;%3&quot;</ETag>"
                                   "<Size>%4</Size>%5<StorageClass>STANDARD</StorageClass></Contents>")
                        .arg(S3Reply::escaped(encodedIf(encode, o.key)), S3Reply::isoTime(o.lastModified), o.eTag)
                        .arg(o.size)
                        .arg(!v2 || req.param("fetch-owner") == QLatin1String("true")
                                 ? QStringLiteral("<Owner><ID>fnstudio</ID><DisplayName>fnstudio</DisplayName></Owner>")
                                 : QString());
    }
    QString body = QStringLiteral("<ListBucketResult xmlns=\"%1\"><Name>%2</Name><Prefix>%3</Prefix>")
                       .arg(QLatin1String(S3Reply::Namespace), S3Reply::escaped(t.bucket),
                            S3Reply::escaped(encodedIf(encode, prefix)));
    if (v2) {
        body += QStringLiteral("<KeyCount>%1</KeyCount>").arg(count);
        if (!token.isEmpty())
            body += QStringLiteral("<ContinuationToken>%1</ContinuationToken>").arg(S3Reply::escaped(token));
        if (req.hasParam("start-after"))
            body += QStringLiteral("<StartAfter>%1</StartAfter>")
                        .arg(S3Reply::escaped(encodedIf(encode, req.param("start-after"))));
        if (truncated)
            body += QStringLiteral("<NextContinuationToken>%1</NextContinuationToken>")
                        .arg(QString::fromLatin1(last.toUtf8().toBase64(QByteArray::Base64UrlEncoding)));
    } else {
        body += QStringLiteral("<Marker>%1</Marker>").arg(S3Reply::escaped(encodedIf(encode, req.param("marker"))));
        if (truncated)
            body += QStringLiteral("<NextMarker>%1</NextMarker>").arg(S3Reply::escaped(encodedIf(encode, last)));
    }
    body += QStringLiteral("<MaxKeys>%1</MaxKeys>").arg(maxKeys);
    if (!delimiter.isEmpty())
        body += QStringLiteral("<Delimiter>%1</Delimiter>").arg(S3Reply::escaped(encodedIf(encode, delimiter)));
    if (encode)
        body += QStringLiteral("<EncodingType>url</EncodingType>");
    body +=
        QStringLiteral("<IsTruncated>%1</IsTruncated>").arg(truncated ? QLatin1String("true") : QLatin1String("false"));
    body += contents + prefixes + QStringLiteral("</ListBucketResult>");
    reply.xml(body);
}

void S3BucketOperations::deleteObjects(const S3Request &req, S3Reply &reply, const QByteArray &body)
{
    const S3Request::Target &t = req.target();
    QXmlStreamReader reader(body);
    QStringList keys;
    bool quiet = false;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (reader.name() == QLatin1String("Key"))
            keys << reader.readElementText();
        else if (reader.name() == QLatin1String("Quiet"))
            quiet = reader.readElementText().trimmed().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
    }
    if (reader.hasError())
        return reply.error(400, QStringLiteral("MalformedXML"),
                           QStringLiteral("The XML you provided was not well-formed or did not validate against our "
                                          "published schema (line %1, column %2: %3)")
                               .arg(reader.lineNumber())
                               .arg(reader.columnNumber())
                               .arg(reader.errorString()));
    if (keys.size() > 1000)
        return reply.error(400, QStringLiteral("MalformedXML"),
                           QStringLiteral("a DeleteObjects request takes at most 1,000 keys"));
    QString result = QStringLiteral("<DeleteResult xmlns=\"%1\">").arg(QLatin1String(S3Reply::Namespace));
    for (const QString &key : keys) {
        const bool existed = m_store.object(t.bucket, key).has_value();
        if (existed)
            m_observer.expectChange(t.bucket, key, QStringLiteral("ObjectRemoved:Delete"));
        QString problem;
        const bool ok = m_store.remove(t.bucket, key, &problem);
        if (existed)
            m_observer.settleChange(t.bucket, key, ok);
        if (!ok)
            result += QStringLiteral("<Error><Key>%1</Key><Code>InternalError</Code><Message>%2</Message></Error>")
                          .arg(S3Reply::escaped(key), S3Reply::escaped(problem));
        else if (!quiet)
            result += QStringLiteral("<Deleted><Key>%1</Key></Deleted>").arg(S3Reply::escaped(key));
    }
    reply.xml(result + QStringLiteral("</DeleteResult>"));
}

} // namespace fn
