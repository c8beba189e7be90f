#pragma once
// One request to the S3 endpoint as S3 reads it: the bucket and key it names (path or
// virtual-hosted style), its parameters and headers, the object's content type and user metadata,
// Content-MD5, the conditions of a read, and its body streamed into the store (aws-chunked decoded).

#include "access/sigv4.h"
#include "services/awschunkeddecoder.h"
#include "store/s3objectstore.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>
#include <string>

namespace httplib {
struct Request;
class ContentReader;
} // namespace httplib

namespace fn {

class S3Request final
{
public:
    struct Target
    {
        QString bucket;
        QString key;
    };

    explicit S3Request(const httplib::Request &req); // the request must outlive this view of it

    const httplib::Request &http() const { return m_req; }
    const Target &target() const { return m_target; }
    const std::string &method() const;
    const std::string &path() const;

    bool hasParam(const char *name) const;
    QString param(const char *name) const; // empty when absent
    bool hasHeader(const char *name) const;
    QString header(const char *name) const; // empty when absent

    // The Content-Type to keep with an object (S3's binary/octet-stream when none was sent).
    QString contentType() const;
    // The x-amz-meta-* headers, names in lower case without the prefix, sorted.
    QList<QPair<QString, QString>> metadata() const;
    // The Content-MD5 header as bytes: empty when absent, nullopt when it is not 16 bytes of base64.
    std::optional<QByteArray> contentMd5() const;
    // If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since as S3 applies them to a read
    // of `object`: 412, 304, or 0 to go on.
    int precondition(const S3Object &object) const;

    // What the request's signature says of its body, set once it is verified: its SHA-256 when
    // x-amz-content-sha256 names one (checked whoever signed, as S3 does), and the signing key the
    // chunk signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload chain from (a key issued here).
    void setSignature(const SigV4::Result &signature);

    // Streams the request body into the store's staging file, decoding aws-chunked uploads, and
    // fails it (XAmzContentSHA256Mismatch, SignatureDoesNotMatch) when it is not what was signed.
    S3ObjectStore::Fill bodyFill(const httplib::ContentReader &reader) const;
    // A body small enough to hold (an XML document), cut off past 2 MiB.
    static std::string readSmallBody(const httplib::ContentReader &reader);

private:
    const httplib::Request &m_req;
    Target m_target;
    std::optional<AwsChunkedDecoder::Signing> m_chunkSigning;
};

} // namespace fn
