#include "services/s3request.h"

#include "services/awschunkeddecoder.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QIODevice>
#include <QRegularExpression>

#include <httplib.h>

#include <algorithm>

namespace fn {

namespace {

QString quoted(const QString &eTag)
{
    return u'"' + eTag + u'"';
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

// Path style (/bucket/key) or, for a Host of bucket.localhost, virtual-hosted style.
S3Request::Target targetOf(const httplib::Request &req)
{
    S3Request::Target t;
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

} // namespace

S3Request::S3Request(const httplib::Request &req)
    : m_req(req)
    , m_target(targetOf(req))
{
}

const std::string &S3Request::method() const
{
    return m_req.method;
}

const std::string &S3Request::path() const
{
    return m_req.path;
}

bool S3Request::hasParam(const char *name) const
{
    return m_req.has_param(name);
}

QString S3Request::param(const char *name) const
{
    return m_req.has_param(name) ? QString::fromStdString(m_req.get_param_value(name)) : QString();
}

bool S3Request::hasHeader(const char *name) const
{
    return m_req.has_header(name);
}

QString S3Request::header(const char *name) const
{
    return QString::fromStdString(m_req.get_header_value(name));
}

QString S3Request::contentType() const
{
    // S3 keeps binary/octet-stream for an object uploaded without a Content-Type.
    const QString type = header("Content-Type").trimmed();
    return type.isEmpty() ? QStringLiteral("binary/octet-stream") : type;
}

QList<QPair<QString, QString>> S3Request::metadata() const
{
    QList<QPair<QString, QString>> metadata;
    for (const auto &[name, value] : m_req.headers) {
        const QString n = QString::fromStdString(name).toLower();
        if (n.startsWith(QLatin1String("x-amz-meta-")))
            metadata.append({n.mid(11), QString::fromStdString(value)});
    }
    std::sort(metadata.begin(), metadata.end());
    return metadata;
}

std::optional<QByteArray> S3Request::contentMd5() const
{
    if (!m_req.has_header("Content-MD5"))
        return QByteArray();
    const QByteArray md5 = QByteArray::fromBase64(QByteArray::fromStdString(m_req.get_header_value("Content-MD5")));
    if (md5.size() != 16)
        return std::nullopt;
    return md5;
}

int S3Request::precondition(const S3Object &o) const
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
    if (m_req.has_header("If-Match") && !matches(m_req.get_header_value("If-Match")))
        return 412;
    if (!m_req.has_header("If-Match") && m_req.has_header("If-Unmodified-Since")) {
        const QDateTime since = parseHttpDate(m_req.get_header_value("If-Unmodified-Since"));
        if (since.isValid() && modified > since)
            return 412;
    }
    if (m_req.has_header("If-None-Match") && matches(m_req.get_header_value("If-None-Match")))
        return 304;
    if (!m_req.has_header("If-None-Match") && m_req.has_header("If-Modified-Since")) {
        const QDateTime since = parseHttpDate(m_req.get_header_value("If-Modified-Since"));
        if (since.isValid() && modified <= since)
            return 304;
    }
    return 0;
}

void S3Request::setSignature(const SigV4::Result &signature)
{
    const std::string sha = m_req.get_header_value("x-amz-content-sha256");
    if (signature.outcome == SigV4::Result::Outcome::Verified && !signature.signingKey.isEmpty()
        && sha.rfind("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 0) == 0)
        m_chunkSigning = AwsChunkedDecoder::Signing{signature.signingKey, signature.requestTime, signature.scope,
                                                    signature.seedSignature};
}

S3ObjectStore::Fill S3Request::bodyFill(const httplib::ContentReader &reader) const
{
    const std::string sha = m_req.get_header_value("x-amz-content-sha256");
    const bool chunked =
        sha.rfind("STREAMING-", 0) == 0 || header("Content-Encoding").contains(QLatin1String("aws-chunked"));
    // A body whose hash was signed must be that body (a presigned URL signs none).
    const bool hashed = !chunked && sha.size() == 64 && sha.find_first_not_of("0123456789abcdef") == std::string::npos;
    return [&reader, chunked, hashed, sha, signing = m_chunkSigning, t = m_target](QIODevice &out, QString *problem,
                                                                                   QString *code) {
        AwsChunkedDecoder decoder;
        if (signing)
            decoder.verifySignatures(*signing);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        bool writeFailed = false, framingBroken = false;
        const auto write = [&](const char *data, size_t len) {
            if (out.write(data, qint64(len)) != qint64(len)) {
                writeFailed = true;
                return false;
            }
            return true;
        };
        const bool whole = reader([&](const char *data, size_t len) {
            if (!chunked) {
                if (hashed)
                    hash.addData(QByteArrayView(data, qsizetype(len)));
                return write(data, len);
            }
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
        if (decoder.signatureMismatch()) {
            *code = QStringLiteral("SignatureDoesNotMatch");
            *problem = QStringLiteral("The request signature we calculated does not match the signature you provided. "
                                      "Check your key and signing method.");
            return false;
        }
        if (framingBroken || (chunked && !decoder.finished())) {
            *code = QStringLiteral("IncompleteBody");
            *problem = QStringLiteral("The request body is not valid aws-chunked encoding");
            return false;
        }
        if (!whole) { // the connection dropped mid-body: the old object stays
            *code = QStringLiteral("IncompleteBody");
            *problem = QStringLiteral("You did not provide the number of bytes specified by the Content-Length "
                                      "HTTP header");
            return false;
        }
        if (hashed && hash.result().toHex().toStdString() != sha) {
            *code = QStringLiteral("XAmzContentSHA256Mismatch");
            *problem = QStringLiteral("The provided 'x-amz-content-sha256' header does not match what was computed.");
            return false;
        }
        return true;
    };
}

std::string S3Request::readSmallBody(const httplib::ContentReader &reader)
{
    std::string body;
    reader([&body](const char *data, size_t len) {
        body.append(data, len);
        return body.size() < 2 * 1024 * 1024;
    });
    return body;
}

} // namespace fn
