#include "services/s3endpoint.h"

#include "services/httplistener.h"
#include "store/s3objectstore.h"

#include <QByteArray>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QLocale>
#include <QRegularExpression>
#include <QUrl>
#include <QUuid>
#include <QXmlStreamReader>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace fn {

namespace {

const char *const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

QString xmlEscaped(const QString &text)
{
    return text.toHtmlEscaped(); // &, <, >, " : what element text and attributes need
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

std::string httpDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toStdString();
}

QDateTime parseHttpDate(const std::string &text)
{
    QString t = QString::fromStdString(text).trimmed();
    t.replace(QLatin1String(" GMT"), QLatin1String(" +0000"));
    QDateTime time = QDateTime::fromString(t, Qt::RFC2822Date);
    if (!time.isValid())
        time = QDateTime::fromString(t, Qt::ISODate);
    return time;
}

QString quoted(const QString &eTag)
{
    return u'"' + eTag + u'"';
}

// S3's "url" encoding-type for keys in listings: percent-encoded, '/' kept, a space as '+'.
QString encodedIf(bool encode, const QString &text)
{
    if (!encode)
        return text;
    QByteArray e = QUrl::toPercentEncoding(text, "/");
    e.replace("%20", "+");
    return QString::fromLatin1(e);
}

QString param(const httplib::Request &req, const char *name)
{
    return req.has_param(name) ? QString::fromStdString(req.get_param_value(name)) : QString();
}

// Decodes a body sent with Content-Encoding aws-chunked (the SDKs' streaming uploads): chunks of
// "<hex size>[;chunk-signature=...]\r\n<data>\r\n", a zero-size chunk, then trailing headers
// (checksums) and an empty line. Fed in pieces of any size.
class AwsChunkedDecoder
{
public:
    // False when the framing is broken; `out` receives the data.
    bool feed(const char *data, size_t len, const std::function<bool(const char *, size_t)> &out)
    {
        size_t i = 0;
        while (i < len) {
            switch (m_state) {
            case State::SizeLine:
            case State::Trailer:
            case State::DataEnd: {
                const char c = data[i++];
                if (c != '\n') {
                    m_line.push_back(c);
                    if (m_line.size() > 4096)
                        return false;
                    continue;
                }
                if (!m_line.empty() && m_line.back() == '\r')
                    m_line.pop_back();
                const std::string line = std::exchange(m_line, {});
                if (m_state == State::DataEnd) {
                    if (!line.empty())
                        return false;
                    m_state = State::SizeLine;
                } else if (m_state == State::SizeLine) {
                    const std::string hex = line.substr(0, line.find(';'));
                    if (hex.empty() || hex.size() > 15
                        || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                        return false;
                    m_remaining = std::stoull(hex, nullptr, 16);
                    m_state = m_remaining == 0 ? State::Trailer : State::Data;
                } else if (line.empty()) {
                    m_state = State::Done;
                }
                continue;
            }
            case State::Data: {
                const size_t n = size_t(std::min<unsigned long long>(m_remaining, len - i));
                if (!out(data + i, n))
                    return false;
                i += n;
                m_remaining -= n;
                if (m_remaining == 0)
                    m_state = State::DataEnd;
                continue;
            }
            case State::Done:
                return true; // anything after the final empty line is ignored
            }
        }
        return true;
    }
    // The zero-size chunk was seen (trailing headers may be cut short by the client).
    bool finished() const { return m_state == State::Done || m_state == State::Trailer; }

private:
    enum class State { SizeLine, Data, DataEnd, Trailer, Done };
    State m_state = State::SizeLine;
    std::string m_line;
    unsigned long long m_remaining = 0;
};

struct Target
{
    QString bucket;
    QString key;
};

} // namespace

struct S3Endpoint::Private
{
    S3ObjectStore &store;
    HttpListener listener;
    ChangeObserver observer;
    RequestLogger logger;

    explicit Private(S3ObjectStore &s)
        : store(s)
    {
    }

    static QString newRequestId() { return QUuid::createUuid().toString(QUuid::Id128).left(16).toUpper(); }

    // Path style (/bucket/key) or, for a Host of bucket.localhost, virtual-hosted style.
    static Target target(const httplib::Request &req)
    {
        Target t;
        const QString path = QString::fromStdString(req.path); // httplib decoded %XX; '+' stays '+'
        static const QRegularExpression virtualHost(QStringLiteral("^(.+)\\.localhost(:\\d+)?$"));
        const auto m = virtualHost.match(QString::fromStdString(req.get_header_value("Host")));
        if (m.hasMatch()) {
            t.bucket = m.captured(1);
            t.key = path.mid(1);
            return t;
        }
        const qsizetype slash = path.indexOf(u'/', 1);
        t.bucket = slash < 0 ? path.mid(1) : path.mid(1, slash - 1);
        t.key = slash < 0 ? QString() : path.mid(slash + 1);
        return t;
    }

    void error(const httplib::Request &req, httplib::Response &res, int status, const QString &code,
               const QString &message, const Target &t = {}, const QString &extra = {})
    {
        res.status = status;
        const QString requestId = QString::fromStdString(res.get_header_value("x-amz-request-id"));
        QString body =
            QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%1</Code><Message>%2</Message>")
                .arg(code, xmlEscaped(message));
        if (!t.key.isEmpty() && (code == QLatin1String("NoSuchKey") || code == QLatin1String("KeyTooLongError")))
            body += QStringLiteral("<Key>%1</Key>").arg(xmlEscaped(t.key));
        if (!t.bucket.isEmpty() && code.contains(QLatin1String("Bucket")))
            body += QStringLiteral("<BucketName>%1</BucketName>").arg(xmlEscaped(t.bucket));
        body += extra;
        body += QStringLiteral("<Resource>%1</Resource><RequestId>%2</RequestId></Error>")
                    .arg(xmlEscaped(QString::fromStdString(req.path)), requestId);
        if (req.method != "HEAD")
            res.set_content(body.toStdString(), "application/xml");
    }

    void xml(httplib::Response &res, const QString &rootAndBody)
    {
        res.status = 200;
        res.set_content(
            QString(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + rootAndBody).toStdString(),
            "application/xml");
    }

    bool requireBucket(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        if (!S3ObjectStore::bucketNameProblem(t.bucket).isEmpty()) {
            error(req, res, 400, QStringLiteral("InvalidBucketName"),
                  QStringLiteral("The specified bucket is not valid."), t);
            return false;
        }
        if (!store.bucketExists(t.bucket)) {
            error(req, res, 404, QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"),
                  t);
            return false;
        }
        return true;
    }

    void notImplemented(const httplib::Request &req, httplib::Response &res, const QString &what)
    {
        error(req, res, 501, QStringLiteral("NotImplemented"),
              QStringLiteral("fnstudio's local S3 endpoint does not implement %1").arg(what));
    }

    void expect(const Target &t, const QString &eventName)
    {
        if (observer.expect)
            observer.expect(t.bucket, t.key, eventName);
    }
    void settle(const Target &t, bool happened)
    {
        if (observer.settle)
            observer.settle(t.bucket, t.key, happened);
    }

    // --- service and buckets ---

    void listBuckets(httplib::Response &res)
    {
        QString body =
            QStringLiteral("<ListAllMyBucketsResult "
                           "xmlns=\"%1\"><Owner><ID>fnstudio</ID><DisplayName>fnstudio</DisplayName></Owner><Buckets>")
                .arg(QLatin1String(Namespace));
        for (const QString &b : store.buckets())
            body += QStringLiteral("<Bucket><Name>%1</Name><CreationDate>%2</CreationDate></Bucket>")
                        .arg(xmlEscaped(b), isoTime(store.bucketCreated(b)));
        body += QStringLiteral("</Buckets></ListAllMyBucketsResult>");
        xml(res, body);
    }

    void createBucket(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        if (const QString problem = S3ObjectStore::bucketNameProblem(t.bucket); !problem.isEmpty())
            return error(req, res, 400, QStringLiteral("InvalidBucketName"), problem, t);
        if (store.bucketExists(t.bucket))
            return error(
                req, res, 409, QStringLiteral("BucketAlreadyOwnedByYou"),
                QStringLiteral("Your previous request to create the named bucket succeeded and you already own it."),
                t);
        QString problem;
        if (!store.createBucket(t.bucket, &problem))
            return error(req, res, 500, QStringLiteral("InternalError"), problem, t);
        res.status = 200;
        res.set_header("Location", "/" + t.bucket.toStdString());
    }

    void deleteBucket(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        QString problem;
        switch (store.removeBucket(t.bucket, &problem)) {
        case S3ObjectStore::RemoveBucket::Removed:
            res.status = 204;
            return;
        case S3ObjectStore::RemoveBucket::NoSuchBucket:
            return error(req, res, 404, QStringLiteral("NoSuchBucket"),
                         QStringLiteral("The specified bucket does not exist"), t);
        case S3ObjectStore::RemoveBucket::NotEmpty:
            return error(req, res, 409, QStringLiteral("BucketNotEmpty"),
                         QStringLiteral("The bucket you tried to delete is not empty"), t);
        case S3ObjectStore::RemoveBucket::Mapped:
            return error(req, res, 400, QStringLiteral("InvalidRequest"), problem, t);
        case S3ObjectStore::RemoveBucket::Failed:
            return error(req, res, 500, QStringLiteral("InternalError"), problem, t);
        }
    }

    // ListObjects (v1) and ListObjectsV2: the same walk, told apart by list-type=2.
    void listObjects(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        const bool v2 = param(req, "list-type") == QLatin1String("2");
        const QString prefix = param(req, "prefix");
        const QString delimiter = param(req, "delimiter");
        const bool encode = param(req, "encoding-type") == QLatin1String("url");
        int maxKeys = 1000;
        if (req.has_param("max-keys")) {
            bool ok = false;
            maxKeys = param(req, "max-keys").toInt(&ok);
            if (!ok || maxKeys < 0)
                return error(req, res, 400, QStringLiteral("InvalidArgument"),
                             QStringLiteral("Provided max-keys not an integer or within integer range"));
            maxKeys = std::min(maxKeys, 1000);
        }
        // Where to resume: after a key, or after every key of a common prefix already returned.
        QString after;
        const QString token = param(req, "continuation-token");
        if (v2 && !token.isEmpty()) {
            after = QString::fromUtf8(QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding));
            if (after.isEmpty())
                return error(req, res, 400, QStringLiteral("InvalidArgument"),
                             QStringLiteral("The continuation token provided is incorrect"));
        } else {
            after = v2 ? param(req, "start-after") : param(req, "marker");
        }
        const QByteArray afterBytes = after.toUtf8();
        const bool afterIsPrefix = !delimiter.isEmpty() && after.endsWith(delimiter);

        QString contents, prefixes, last;
        int count = 0;
        bool truncated = false;
        QString lastPrefix;
        for (const S3Object &o : store.list(t.bucket, prefix)) {
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
                                .arg(xmlEscaped(encodedIf(encode, common)));
                continue;
            }
            last = o.key;
            contents +=
                QStringLiteral("<Contents><Key>%1</Key><LastModified>%2</LastModified><ETag>&quot;%3&quot;</ETag>"
                               "<Size>%4</Size>%5<StorageClass>STANDARD</StorageClass></Contents>")
                    .arg(xmlEscaped(encodedIf(encode, o.key)), isoTime(o.lastModified), o.eTag)
                    .arg(o.size)
                    .arg(!v2 || param(req, "fetch-owner") == QLatin1String("true")
                             ? QStringLiteral("<Owner><ID>fnstudio</ID><DisplayName>fnstudio</DisplayName></Owner>")
                             : QString());
        }
        QString body = QStringLiteral("<ListBucketResult xmlns=\"%1\"><Name>%2</Name><Prefix>%3</Prefix>")
                           .arg(QLatin1String(Namespace), xmlEscaped(t.bucket), xmlEscaped(encodedIf(encode, prefix)));
        if (v2) {
            body += QStringLiteral("<KeyCount>%1</KeyCount>").arg(count);
            if (!token.isEmpty())
                body += QStringLiteral("<ContinuationToken>%1</ContinuationToken>").arg(xmlEscaped(token));
            if (req.has_param("start-after"))
                body += QStringLiteral("<StartAfter>%1</StartAfter>")
                            .arg(xmlEscaped(encodedIf(encode, param(req, "start-after"))));
            if (truncated)
                body += QStringLiteral("<NextContinuationToken>%1</NextContinuationToken>")
                            .arg(QString::fromLatin1(last.toUtf8().toBase64(QByteArray::Base64UrlEncoding)));
        } else {
            body += QStringLiteral("<Marker>%1</Marker>").arg(xmlEscaped(encodedIf(encode, param(req, "marker"))));
            if (truncated)
                body += QStringLiteral("<NextMarker>%1</NextMarker>").arg(xmlEscaped(encodedIf(encode, last)));
        }
        body += QStringLiteral("<MaxKeys>%1</MaxKeys>").arg(maxKeys);
        if (!delimiter.isEmpty())
            body += QStringLiteral("<Delimiter>%1</Delimiter>").arg(xmlEscaped(encodedIf(encode, delimiter)));
        if (encode)
            body += QStringLiteral("<EncodingType>url</EncodingType>");
        body += QStringLiteral("<IsTruncated>%1</IsTruncated>")
                    .arg(truncated ? QLatin1String("true") : QLatin1String("false"));
        body += contents + prefixes + QStringLiteral("</ListBucketResult>");
        xml(res, body);
    }

    void deleteObjects(const httplib::Request &req, httplib::Response &res, const Target &t, const QByteArray &body)
    {
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
            return error(req, res, 400, QStringLiteral("MalformedXML"),
                         QStringLiteral("The XML you provided was not well-formed or did not validate against our "
                                        "published schema (line %1, column %2: %3)")
                             .arg(reader.lineNumber())
                             .arg(reader.columnNumber())
                             .arg(reader.errorString()));
        if (keys.size() > 1000)
            return error(req, res, 400, QStringLiteral("MalformedXML"),
                         QStringLiteral("a DeleteObjects request takes at most 1,000 keys"));
        QString result = QStringLiteral("<DeleteResult xmlns=\"%1\">").arg(QLatin1String(Namespace));
        for (const QString &key : keys) {
            const Target one{t.bucket, key};
            const bool existed = store.object(t.bucket, key).has_value();
            if (existed)
                expect(one, QStringLiteral("ObjectRemoved:Delete"));
            QString problem;
            const bool ok = store.remove(t.bucket, key, &problem);
            if (existed)
                settle(one, ok);
            if (!ok)
                result += QStringLiteral("<Error><Key>%1</Key><Code>InternalError</Code><Message>%2</Message></Error>")
                              .arg(xmlEscaped(key), xmlEscaped(problem));
            else if (!quiet)
                result += QStringLiteral("<Deleted><Key>%1</Key></Deleted>").arg(xmlEscaped(key));
        }
        xml(res, result + QStringLiteral("</DeleteResult>"));
    }

    // --- objects ---

    static void objectHeaders(httplib::Response &res, const S3Object &o)
    {
        res.set_header("ETag", quoted(o.eTag).toStdString());
        res.set_header("Last-Modified", httpDate(o.lastModified));
        res.set_header("Accept-Ranges", "bytes");
        for (const auto &[name, value] : o.metadata)
            res.set_header(QString(QStringLiteral("x-amz-meta-") + name).toStdString(), value.toStdString());
    }

    // If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since as S3 applies them: 0 to go on.
    static int precondition(const httplib::Request &req, const S3Object &o)
    {
        const auto matches = [&o](const std::string &list) {
            for (const QString &tag : QString::fromStdString(list).split(u',')) {
                const QString t = tag.trimmed();
                if (t == QLatin1String("*") || t == quoted(o.eTag) || t == o.eTag)
                    return true;
            }
            return false;
        };
        const QDateTime modified = o.lastModified.addMSecs(-o.lastModified.time().msec()); // HTTP dates are in seconds
        if (req.has_header("If-Match") && !matches(req.get_header_value("If-Match")))
            return 412;
        if (!req.has_header("If-Match") && req.has_header("If-Unmodified-Since")) {
            const QDateTime since = parseHttpDate(req.get_header_value("If-Unmodified-Since"));
            if (since.isValid() && modified > since)
                return 412;
        }
        if (req.has_header("If-None-Match") && matches(req.get_header_value("If-None-Match")))
            return 304;
        if (!req.has_header("If-None-Match") && req.has_header("If-Modified-Since")) {
            const QDateTime since = parseHttpDate(req.get_header_value("If-Modified-Since"));
            if (since.isValid() && modified <= since)
                return 304;
        }
        return 0;
    }

    void getObject(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        const auto o = store.object(t.bucket, t.key);
        if (!o)
            return error(req, res, 404, QStringLiteral("NoSuchKey"),
                         QStringLiteral("The specified key does not exist."), t);
        if (const int status = precondition(req, *o)) {
            objectHeaders(res, *o);
            if (status == 412)
                return error(req, res, 412, QStringLiteral("PreconditionFailed"),
                             QStringLiteral("At least one of the pre-conditions you specified did not hold"), t,
                             QStringLiteral("<Condition>%1</Condition>")
                                 .arg(req.has_header("If-Match") ? QLatin1String("If-Match")
                                                                 : QLatin1String("If-Unmodified-Since")));
            res.status = 304;
            return;
        }
        objectHeaders(res, *o);
        std::string contentType = o->contentType.toStdString();
        if (req.has_param("response-content-type"))
            contentType = req.get_param_value("response-content-type");
        for (const char *override : {"response-content-disposition", "response-cache-control",
                                     "response-content-encoding", "response-content-language", "response-expires"})
            if (req.has_param(override))
                res.set_header(std::string(override + 9), req.get_param_value(override));
        // httplib answers Range requests from the provider (206 and Content-Range; 416 when unsatisfiable).
        auto file = std::make_shared<QFile>(o->path);
        if (!file->open(QIODevice::ReadOnly))
            return error(req, res, 500, QStringLiteral("InternalError"),
                         QStringLiteral("cannot read %1: %2").arg(o->path, file->errorString()), t);
        const size_t size = size_t(file->size());
        res.set_content_provider(size, contentType, [file](size_t offset, size_t length, httplib::DataSink &sink) {
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

    static QList<QPair<QString, QString>> metadataOf(const httplib::Request &req)
    {
        QList<QPair<QString, QString>> metadata;
        for (const auto &[name, value] : req.headers) {
            const QString n = QString::fromStdString(name).toLower();
            if (n.startsWith(QLatin1String("x-amz-meta-")))
                metadata.append({n.mid(11), QString::fromStdString(value)});
        }
        std::sort(metadata.begin(), metadata.end());
        return metadata;
    }

    static QString contentTypeOf(const httplib::Request &req)
    {
        // S3 keeps binary/octet-stream for an object uploaded without a Content-Type.
        const QString type = QString::fromStdString(req.get_header_value("Content-Type")).trimmed();
        return type.isEmpty() ? QStringLiteral("binary/octet-stream") : type;
    }

    void putObject(const httplib::Request &req, httplib::Response &res, const Target &t,
                   const httplib::ContentReader &reader)
    {
        const qint64 declared = QString::fromStdString(req.has_header("x-amz-decoded-content-length")
                                                           ? req.get_header_value("x-amz-decoded-content-length")
                                                           : req.get_header_value("Content-Length"))
                                    .toLongLong();
        if (declared > S3ObjectStore::MaxSinglePutBytes)
            return error(req, res, 400, QStringLiteral("EntityTooLarge"),
                         QStringLiteral("Your proposed upload exceeds the maximum allowed size"), t,
                         QStringLiteral("<ProposedSize>%1</ProposedSize><MaxSizeAllowed>%2</MaxSizeAllowed>")
                             .arg(declared)
                             .arg(S3ObjectStore::MaxSinglePutBytes));
        QByteArray md5;
        if (!contentMd5(req, res, t, &md5))
            return;
        const S3ObjectStore::Fill fill = bodyFill(req, reader, t);
        if (!store.bucketExists(t.bucket))
            return error(req, res, 404, QStringLiteral("NoSuchBucket"),
                         QStringLiteral("The specified bucket does not exist"), t);
        expect(t, QStringLiteral("ObjectCreated:Put"));
        const S3ObjectStore::Written w = store.put(t.bucket, t.key, fill, contentTypeOf(req), metadataOf(req), md5);
        settle(t, w.ok);
        if (!w.ok)
            return writeError(req, res, t, w);
        res.status = 200;
        res.set_header("ETag", quoted(w.object.eTag).toStdString());
    }

    void writeError(const httplib::Request &req, httplib::Response &res, const Target &t,
                    const S3ObjectStore::Written &w)
    {
        static const QHash<QString, int> statuses{{QStringLiteral("NoSuchBucket"), 404},
                                                  {QStringLiteral("NoSuchKey"), 404},
                                                  {QStringLiteral("InternalError"), 500},
                                                  {QStringLiteral("NoSuchUpload"), 404}};
        error(req, res, statuses.value(w.errorCode, 400), w.errorCode, w.error, t);
    }

    void copyObject(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        QString source =
            QUrl::fromPercentEncoding(QByteArray::fromStdString(req.get_header_value("x-amz-copy-source")));
        source = source.section(u'?', 0, 0); // ?versionId=: one version here
        if (source.startsWith(u'/'))
            source.remove(0, 1);
        const qsizetype slash = source.indexOf(u'/');
        if (slash <= 0 || slash == source.size() - 1)
            return error(req, res, 400, QStringLiteral("InvalidArgument"),
                         QStringLiteral("Copy Source must mention the source bucket and key: sourcebucket/sourcekey"),
                         t);
        const Target from{source.left(slash), source.mid(slash + 1)};
        if (!store.bucketExists(t.bucket))
            return error(req, res, 404, QStringLiteral("NoSuchBucket"),
                         QStringLiteral("The specified bucket does not exist"), t);
        const bool replace = QString::fromStdString(req.get_header_value("x-amz-metadata-directive")).toUpper()
                             == QLatin1String("REPLACE");
        if (from.bucket == t.bucket && from.key == t.key && !replace)
            return error(
                req, res, 400, QStringLiteral("InvalidRequest"),
                QStringLiteral("This copy request is illegal because it is trying to copy an object to itself without "
                               "changing the object's metadata, storage class, website redirect location or encryption "
                               "attributes."),
                t);
        if (const auto o = store.object(from.bucket, from.key)) {
            const auto matches = [&o](const std::string &tag) {
                return QString::fromStdString(tag) == quoted(o->eTag) || QString::fromStdString(tag) == o->eTag;
            };
            if ((req.has_header("x-amz-copy-source-if-match")
                 && !matches(req.get_header_value("x-amz-copy-source-if-match")))
                || (req.has_header("x-amz-copy-source-if-none-match")
                    && matches(req.get_header_value("x-amz-copy-source-if-none-match"))))
                return error(req, res, 412, QStringLiteral("PreconditionFailed"),
                             QStringLiteral("At least one of the pre-conditions you specified did not hold"), t);
        }
        expect(t, QStringLiteral("ObjectCreated:Copy"));
        const S3ObjectStore::Written w = store.copy(from.bucket, from.key, t.bucket, t.key, replace,
                                                    replace ? contentTypeOf(req) : QString(), metadataOf(req));
        settle(t, w.ok);
        if (!w.ok)
            return writeError(req, res, w.errorCode == QLatin1String("NoSuchKey") ? from : t, w);
        xml(res,
            QStringLiteral("<CopyObjectResult "
                           "xmlns=\"%1\"><LastModified>%2</LastModified><ETag>&quot;%3&quot;</ETag></CopyObjectResult>")
                .arg(QLatin1String(Namespace), isoTime(w.object.lastModified), w.object.eTag));
    }

    void deleteObject(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        const bool existed = store.object(t.bucket, t.key).has_value();
        if (existed)
            expect(t, QStringLiteral("ObjectRemoved:Delete"));
        QString problem;
        const bool ok = store.remove(t.bucket, t.key, &problem);
        if (existed)
            settle(t, ok);
        if (!ok)
            return error(req, res, 500, QStringLiteral("InternalError"), problem, t);
        res.status = 204;
    }

    // The Content-MD5 header as bytes (empty when absent); false after answering InvalidDigest.
    bool contentMd5(const httplib::Request &req, httplib::Response &res, const Target &t, QByteArray *md5)
    {
        if (!req.has_header("Content-MD5"))
            return true;
        *md5 = QByteArray::fromBase64(QByteArray::fromStdString(req.get_header_value("Content-MD5")));
        if (md5->size() == 16)
            return true;
        error(req, res, 400, QStringLiteral("InvalidDigest"),
              QStringLiteral("The Content-MD5 you specified was invalid."), t);
        return false;
    }

    // Streams the request body into the store's staging file, decoding aws-chunked uploads.
    static S3ObjectStore::Fill bodyFill(const httplib::Request &req, const httplib::ContentReader &reader,
                                        const Target &t)
    {
        const std::string sha = req.get_header_value("x-amz-content-sha256");
        const bool chunked =
            sha.rfind("STREAMING-", 0) == 0
            || QString::fromStdString(req.get_header_value("Content-Encoding")).contains(QLatin1String("aws-chunked"));
        return [&reader, chunked, t](QIODevice &out, QString *problem, QString *code) {
            AwsChunkedDecoder decoder;
            bool writeFailed = false, framingBroken = false;
            const auto write = [&](const char *data, size_t len) {
                if (out.write(data, qint64(len)) != qint64(len)) {
                    writeFailed = true;
                    return false;
                }
                return true;
            };
            reader([&](const char *data, size_t len) {
                if (!chunked)
                    return write(data, len);
                if (!decoder.feed(data, len, write)) {
                    framingBroken = !writeFailed;
                    return false;
                }
                return true;
            });
            if (writeFailed) {
                *code = QStringLiteral("InternalError");
                *problem = QStringLiteral("writing %1/%2 failed: %3").arg(t.bucket, t.key, out.errorString());
                return false;
            }
            if (framingBroken || (chunked && !decoder.finished())) {
                *code = QStringLiteral("IncompleteBody");
                *problem = QStringLiteral("The request body is not valid aws-chunked encoding");
                return false;
            }
            return true;
        };
    }

    // --- multipart uploads ---

    static std::string readSmallBody(const httplib::ContentReader &reader)
    {
        std::string body;
        reader([&body](const char *data, size_t len) {
            body.append(data, len);
            return body.size() < 2 * 1024 * 1024;
        });
        return body;
    }

    void createMultipartUpload(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        QString problem, code;
        const QString id = store.createUpload(t.bucket, t.key, contentTypeOf(req), metadataOf(req), &problem, &code);
        if (id.isEmpty())
            return error(req, res,
                         code == QLatin1String("NoSuchBucket")    ? 404
                         : code == QLatin1String("InternalError") ? 500
                                                                  : 400,
                         code, problem, t);
        xml(res,
            QStringLiteral(
                "<InitiateMultipartUploadResult xmlns=\"%1\"><Bucket>%2</Bucket><Key>%3</Key><UploadId>%4</UploadId>"
                "</InitiateMultipartUploadResult>")
                .arg(QLatin1String(Namespace), xmlEscaped(t.bucket), xmlEscaped(t.key), id));
    }

    void uploadPart(const httplib::Request &req, httplib::Response &res, const Target &t,
                    const httplib::ContentReader &reader)
    {
        if (req.has_header("x-amz-copy-source"))
            return notImplemented(req, res, QStringLiteral("UploadPartCopy"));
        bool ok = false;
        const int number = param(req, "partNumber").toInt(&ok);
        QByteArray md5;
        if (!contentMd5(req, res, t, &md5))
            return;
        const auto u = store.upload(param(req, "uploadId"));
        if (u && (u->bucket != t.bucket || u->key != t.key))
            return error(req, res, 404, QStringLiteral("NoSuchUpload"),
                         QStringLiteral("The specified upload does not exist."), t);
        const S3ObjectStore::Written w =
            store.putPart(param(req, "uploadId"), ok ? number : 0, bodyFill(req, reader, t), md5);
        if (!w.ok)
            return writeError(req, res, t, w);
        res.status = 200;
        res.set_header("ETag", quoted(w.object.eTag).toStdString());
    }

    void completeMultipartUpload(const httplib::Request &req, httplib::Response &res, const Target &t,
                                 const httplib::ContentReader &reader)
    {
        const std::string body = readSmallBody(reader);
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
            return error(
                req, res, 400, QStringLiteral("MalformedXML"),
                QStringLiteral(
                    "The XML you provided was not well-formed or did not validate against our published schema (%1)")
                    .arg(xmlReader.errorString()),
                t);
        const auto u = store.upload(param(req, "uploadId"));
        if (!u || u->bucket != t.bucket || u->key != t.key)
            return error(req, res, 404, QStringLiteral("NoSuchUpload"),
                         QStringLiteral("The specified upload does not exist."), t);
        expect(t, QStringLiteral("ObjectCreated:CompleteMultipartUpload"));
        const S3ObjectStore::Written w = store.completeUpload(u->id, parts);
        settle(t, w.ok);
        if (!w.ok)
            return writeError(req, res, t, w);
        const QString location = QStringLiteral("http://%1/%2/%3")
                                     .arg(QString::fromStdString(req.get_header_value("Host")), t.bucket,
                                          QString::fromLatin1(QUrl::toPercentEncoding(t.key, "/")));
        xml(res, QStringLiteral("<CompleteMultipartUploadResult xmlns=\"%1\"><Location>%2</Location><Bucket>%3</Bucket>"
                                "<Key>%4</Key><ETag>&quot;%5&quot;</ETag></CompleteMultipartUploadResult>")
                     .arg(QLatin1String(Namespace), xmlEscaped(location), xmlEscaped(t.bucket), xmlEscaped(t.key),
                          w.object.eTag));
    }

    void abortMultipartUpload(const httplib::Request &req, httplib::Response &res, const Target &t)
    {
        if (!store.abortUpload(param(req, "uploadId")))
            return error(req, res, 404, QStringLiteral("NoSuchUpload"),
                         QStringLiteral("The specified upload does not exist."), t);
        res.status = 204;
    }

    // --- dispatch ---

    void handle(const httplib::Request &req, httplib::Response &res, const httplib::ContentReader *reader)
    {
        res.set_header("x-amz-request-id", newRequestId().toStdString());
        res.set_header("x-amz-id-2", "fnstudio/local");
        res.set_header("Server", "fnstudio");
        const Target t = target(req);
        const std::string &m = req.method;
        const bool read = m == "GET" || m == "HEAD";
        // Multipart uploads and the bucket configuration sub-resources are not kept locally.
        // Multipart uploads of an object: create, parts, complete, abort (not the listings).
        const bool multipart = !t.key.isEmpty()
                               && ((m == "POST" && (req.has_param("uploads") || req.has_param("uploadId")))
                                   || (m == "PUT" && req.has_param("uploadId") && req.has_param("partNumber"))
                                   || (m == "DELETE" && req.has_param("uploadId")));
        for (const char *sub : {"uploads", "uploadId", "acl", "policy", "versioning", "tagging", "cors", "lifecycle",
                                "notification", "website", "encryption", "versions", "object-lock", "retention"})
            if (req.has_param(sub) && !multipart)
                return notImplemented(
                    req, res,
                    QStringLiteral("the ?%1 sub-resource (%2 %3)")
                        .arg(QLatin1String(sub), QString::fromStdString(m), QString::fromStdString(req.path)));
        if (t.bucket.isEmpty()) {
            if (m == "GET")
                return listBuckets(res);
            return error(req, res, 405, QStringLiteral("MethodNotAllowed"),
                         QStringLiteral("The specified method is not allowed against this resource."));
        }
        if (t.key.isEmpty()) {
            if (m == "PUT")
                return createBucket(req, res, t);
            if (!requireBucket(req, res, t))
                return;
            if (m == "HEAD") {
                res.status = 200;
                res.set_header("x-amz-bucket-region", "us-east-1");
                return;
            }
            if (m == "GET" && req.has_param("location"))
                return xml(res, QStringLiteral("<LocationConstraint xmlns=\"%1\"/>").arg(QLatin1String(Namespace)));
            if (m == "GET")
                return listObjects(req, res, t);
            if (m == "DELETE")
                return deleteBucket(req, res, t);
            if (m == "POST" && req.has_param("delete"))
                return deleteObjects(req, res, t, QByteArray::fromStdString(readSmallBody(*reader)));
            return error(req, res, 405, QStringLiteral("MethodNotAllowed"),
                         QStringLiteral("The specified method is not allowed against this resource."));
        }
        if (!requireBucket(req, res, t))
            return;
        if (const QString problem = S3ObjectStore::keyProblem(t.key); !problem.isEmpty()) {
            if (t.key.toUtf8().size() > S3ObjectStore::MaxKeyBytes)
                return error(req, res, 400, QStringLiteral("KeyTooLongError"), QStringLiteral("Your key is too long"),
                             t);
            // Nothing can have been stored under a key no file can have.
            if (read || m == "DELETE")
                return read ? error(req, res, 404, QStringLiteral("NoSuchKey"),
                                    QStringLiteral("The specified key does not exist."), t)
                            : void(res.status = 204);
            return error(req, res, 400, QStringLiteral("InvalidArgument"), problem, t);
        }
        if (multipart) {
            if (m == "POST" && req.has_param("uploads"))
                return createMultipartUpload(req, res, t);
            if (m == "PUT")
                return uploadPart(req, res, t, *reader);
            if (m == "POST")
                return completeMultipartUpload(req, res, t, *reader);
            return abortMultipartUpload(req, res, t);
        }
        if (read) {
            getObject(req, res, t);
            return;
        }
        if (m == "PUT" && req.has_header("x-amz-copy-source"))
            return copyObject(req, res, t);
        if (m == "PUT")
            return putObject(req, res, t, *reader);
        if (m == "DELETE")
            return deleteObject(req, res, t);
        error(req, res, 405, QStringLiteral("MethodNotAllowed"),
              QStringLiteral("The specified method is not allowed against this resource."));
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
    httplib::Server &svr = d->listener.reset(size_t(S3ObjectStore::MaxSinglePutBytes) + 64 * 1024 * 1024, 8);
    const auto plain = [this](const httplib::Request &req, httplib::Response &res) { d->handle(req, res, nullptr); };
    const auto withBody = [this](const httplib::Request &req, httplib::Response &res,
                                 const httplib::ContentReader &reader) { d->handle(req, res, &reader); };
    svr.Get(".*", plain); // and HEAD
    svr.Delete(".*", plain);
    svr.Put(".*", withBody);
    svr.Post(".*", withBody);
    svr.set_logger([this](const httplib::Request &req, const httplib::Response &res) {
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
