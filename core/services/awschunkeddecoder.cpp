#include "services/awschunkeddecoder.h"

#include "access/constanttime.h"
#include "access/sigv4.h"

#include <algorithm>
#include <utility>

namespace fn {

namespace {

// SHA-256 of nothing, as every chunk's string to sign carries it.
constexpr const char *EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

} // namespace

void AwsChunkedDecoder::verifySignatures(Signing signing)
{
    m_signing = std::move(signing);
    m_previousSignature = m_signing.seedSignature;
    m_verify = !m_signing.signingKey.isEmpty();
}

bool AwsChunkedDecoder::chunkSigned()
{
    if (!m_verify)
        return true;
    const std::string dataHash = m_chunkHash.result().toHex().toStdString();
    m_chunkHash.reset();
    const std::string expected =
        SigV4::hmacHex(m_signing.signingKey, "AWS4-HMAC-SHA256-PAYLOAD\n" + m_signing.amzDate + '\n' + m_signing.scope
                                                 + '\n' + m_previousSignature + '\n' + EmptyHash + '\n' + dataHash);
    if (!constantTimeEquals(expected, m_chunkSignature)) {
        m_signatureMismatch = true;
        return false;
    }
    m_previousSignature = expected;
    return true;
}

bool AwsChunkedDecoder::trailerSigned(const std::string &signature)
{
    const std::string expected =
        SigV4::hmacHex(m_signing.signingKey, "AWS4-HMAC-SHA256-TRAILER\n" + m_signing.amzDate + '\n' + m_signing.scope
                                                 + '\n' + m_previousSignature + '\n' + SigV4::sha256Hex(m_trailers));
    if (!constantTimeEquals(expected, signature)) {
        m_signatureMismatch = true;
        return false;
    }
    return true;
}

bool AwsChunkedDecoder::feed(const char *data, size_t len, const std::function<bool(const char *, size_t)> &out)
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
                if (!chunkSigned())
                    return false;
                m_state = State::SizeLine;
            } else if (m_state == State::SizeLine) {
                const size_t semicolon = line.find(';');
                const std::string hex = line.substr(0, semicolon);
                if (hex.empty() || hex.size() > 15
                    || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    return false;
                m_chunkSignature.clear();
                static const std::string key = "chunk-signature=";
                if (semicolon != std::string::npos && line.compare(semicolon + 1, key.size(), key) == 0)
                    m_chunkSignature = line.substr(semicolon + 1 + key.size());
                m_remaining = std::stoull(hex, nullptr, 16);
                if (m_remaining == 0 && !chunkSigned()) // the final chunk signs no data
                    return false;
                m_state = m_remaining == 0 ? State::Trailer : State::Data;
            } else if (line.empty()) {
                m_state = State::Done;
            } else if (static const std::string signatureKey = "x-amz-trailer-signature:";
                       m_verify && line.compare(0, signatureKey.size(), signatureKey) == 0) {
                if (!trailerSigned(line.substr(signatureKey.size())))
                    return false;
            } else {
                m_trailers += line + '\n';
            }
            continue;
        }
        case State::Data: {
            const size_t n = size_t(std::min<unsigned long long>(m_remaining, len - i));
            if (m_verify)
                m_chunkHash.addData(QByteArrayView(data + i, qsizetype(n)));
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

} // namespace fn
