#include "services/s3reply.h"

#include <QHash>
#include <QLocale>

#include <httplib.h>

namespace fn {

namespace {

std::string httpDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toStdString();
}

} // namespace

QString S3Reply::escaped(const QString &text)
{
    return text.toHtmlEscaped(); // &, <, >, " : what element text and attributes need
}

QString S3Reply::isoTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QString S3Reply::quoted(const QString &eTag)
{
    return u'"' + eTag + u'"';
}

S3Reply::S3Reply(const S3Request &req, httplib::Response &res)
    : m_req(req)
    , m_res(res)
{
}

void S3Reply::setStatus(int status)
{
    m_res.status = status;
}

void S3Reply::setHeader(const std::string &name, const std::string &value)
{
    m_res.set_header(name, value);
}

void S3Reply::xml(const QString &rootAndBody)
{
    m_res.status = 200;
    m_res.set_content(
        QString(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") + rootAndBody).toStdString(),
        "application/xml");
}

void S3Reply::error(int status, const QString &code, const QString &message, const S3Request::Target &t,
                    const QString &extra)
{
    m_res.status = status;
    const QString requestId = QString::fromStdString(m_res.get_header_value("x-amz-request-id"));
    QString body =
        QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%1</Code><Message>%2</Message>")
            .arg(code, escaped(message));
    if (!t.key.isEmpty() && (code == QLatin1String("NoSuchKey") || code == QLatin1String("KeyTooLongError")))
        body += QStringLiteral("<Key>%1</Key>").arg(escaped(t.key));
    if (!t.bucket.isEmpty() && code.contains(QLatin1String("Bucket")))
        body += QStringLiteral("<BucketName>%1</BucketName>").arg(escaped(t.bucket));
    body += extra;
    body += QStringLiteral("<Resource>%1</Resource><RequestId>%2</RequestId></Error>")
                .arg(escaped(QString::fromStdString(m_req.path())), requestId);
    if (m_req.method() != "HEAD")
        m_res.set_content(body.toStdString(), "application/xml");
}

void S3Reply::writeError(const S3Request::Target &t, const S3ObjectStore::Written &w)
{
    static const QHash<QString, int> statuses{
        {QStringLiteral("NoSuchBucket"), 404},  {QStringLiteral("NoSuchKey"), 404},
        {QStringLiteral("InternalError"), 500}, {QStringLiteral("NoSuchUpload"), 404},
        {QStringLiteral("AccessDenied"), 403},  {QStringLiteral("SignatureDoesNotMatch"), 403}};
    error(statuses.value(w.errorCode, 400), w.errorCode, w.error, t);
}

void S3Reply::notImplemented(const QString &what)
{
    error(501, QStringLiteral("NotImplemented"),
          QStringLiteral("fnstudio's local S3 endpoint does not implement %1").arg(what));
}

void S3Reply::methodNotAllowed()
{
    error(405, QStringLiteral("MethodNotAllowed"),
          QStringLiteral("The specified method is not allowed against this resource."));
}

void S3Reply::objectHeaders(const S3Object &o)
{
    m_res.set_header("ETag", quoted(o.eTag).toStdString());
    m_res.set_header("Last-Modified", httpDate(o.lastModified));
    m_res.set_header("Accept-Ranges", "bytes");
    for (const auto &[name, value] : o.metadata)
        m_res.set_header(QString(QStringLiteral("x-amz-meta-") + name).toStdString(), value.toStdString());
}

} // namespace fn
