#pragma once
// Decodes a body sent with Content-Encoding aws-chunked (the SDKs' streaming uploads): chunks of
// "<hex size>[;chunk-signature=...]\r\n<data>\r\n", a zero-size chunk, then trailing headers
// (checksums, and with STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER their x-amz-trailer-signature)
// and an empty line. Fed in pieces of any size. Given the request's signing key, it also checks
// each chunk's signature as S3 does: each signs the chunk's data and chains from the one before,
// starting at the request's own signature (the seed). Facts from AWS's "Signature calculations
// for the Authorization header: Transferring payload in multiple chunks" (Amazon S3 API reference).

#include <QByteArray>
#include <QCryptographicHash>

#include <cstddef>
#include <functional>
#include <string>

namespace fn {

class AwsChunkedDecoder final
{
public:
    // What the request's own signature gave (SigV4::Result): the chunks' signatures chain from it.
    struct Signing
    {
        QByteArray signingKey;
        std::string amzDate; // X-Amz-Date as sent
        std::string scope;   // date/region/s3/aws4_request
        std::string seedSignature;
    };
    void verifySignatures(Signing signing);

    // False when the framing is broken, a chunk's signature is wrong (signatureMismatch()), or
    // `out` refused data; `out` receives the data (a chunk's before its signature is checked: the
    // caller keeps nothing of a body that fails).
    bool feed(const char *data, size_t len, const std::function<bool(const char *, size_t)> &out);
    // The zero-size chunk was seen (trailing headers may be cut short by the client).
    bool finished() const { return m_state == State::Done || m_state == State::Trailer; }
    bool signatureMismatch() const { return m_signatureMismatch; }

private:
    enum class State { SizeLine, Data, DataEnd, Trailer, Done };
    bool chunkSigned(); // checks the chunk just read against its chunk-signature
    bool trailerSigned(const std::string &signature);

    State m_state = State::SizeLine;
    std::string m_line;
    unsigned long long m_remaining = 0;
    bool m_verify = false;
    bool m_signatureMismatch = false;
    Signing m_signing;
    std::string m_previousSignature;
    std::string m_chunkSignature; // as the chunk's size line gave it
    QCryptographicHash m_chunkHash{QCryptographicHash::Sha256};
    std::string m_trailers; // the trailing headers so far, each "name:value\n"
};

} // namespace fn
