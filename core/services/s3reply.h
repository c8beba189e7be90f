#pragma once
// How the S3 endpoint answers a request: S3's XML error document (code, message, the key or
// bucket it concerns, the request id), XML result documents, an object's headers, and the
// escaping and time formats those documents are written in.

#include "services/s3request.h"
#include "store/s3objectstore.h"

#include <QDateTime>
#include <QString>

#include <string>

namespace httplib {
struct Response;
}

namespace fn {

class S3Reply final
{
public:
    static constexpr const char *Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    static QString escaped(const QString &text); // for element text and attributes
    static QString isoTime(const QDateTime &time);
    static QString quoted(const QString &eTag);

    S3Reply(const S3Request &req, httplib::Response &res); // both must outlive the reply

    httplib::Response &http() { return m_res; }
    void setStatus(int status);
    void setHeader(const std::string &name, const std::string &value);

    // 200 with an XML document: `rootAndBody` is everything after the XML declaration.
    void xml(const QString &rootAndBody);
    // S3's error document (no body for a HEAD). The key is named for NoSuchKey and
    // KeyTooLongError, the bucket for the bucket codes; `extra` adds elements of the code's own.
    void error(int status, const QString &code, const QString &message, const S3Request::Target &t = {},
               const QString &extra = {});
    // A write the store refused, with the status S3 gives its code.
    void writeError(const S3Request::Target &t, const S3ObjectStore::Written &written);
    void notImplemented(const QString &what);
    void methodNotAllowed();
    // ETag, Last-Modified, Accept-Ranges and the x-amz-meta-* headers of a GET or HEAD.
    void objectHeaders(const S3Object &object);

private:
    const S3Request &m_req;
    httplib::Response &m_res;
};

} // namespace fn
