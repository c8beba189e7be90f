#pragma once
// AWS Signature Version 4 as a service checks it: the Authorization header form and the
// query-string (presigned URL) form, the canonical request rebuilt from what arrived, the signing
// key derived from the secret, the session token, and the request time against the service's
// clock (15 minutes either way) or a presigned URL's expiry. Independent of any HTTP library: the
// services hand over a SignedRequest. Facts from AWS's "Create a signed AWS API request" and
// "Authenticating Requests: Using Query Parameters" (Amazon S3 API reference).

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fn {

// What of an HTTP request a signature covers, as it arrived.
struct SignedRequest
{
    std::string method;
    std::string target; // the request target as sent: the percent-encoded path and ?query
    std::vector<std::pair<std::string, std::string>> headers; // names in any case, values as sent
    // Hex SHA-256 of the body, for services that sign the body itself (not S3, which names the
    // payload's hash in x-amz-content-sha256). Empty when the service is S3.
    std::string payloadHash;

    std::optional<std::string> header(std::string_view lowerName) const;
};

class SigV4 final
{
public:
    // Which canonical form the service uses: S3 signs the path as sent (no second encoding, no
    // dot-segment normalisation) and takes the payload hash from x-amz-content-sha256.
    enum class Service { S3, Other };

    // What the key id in a signature turned out to be.
    struct Key
    {
        enum class Kind {
            Known,   // issued here: its secret (and session token, if any) are known
            Unknown, // looks issued here (the issuer's prefix) but is not, or no longer: InvalidAccessKeyId
            Foreign, // someone else's key (the developer's own): its secret cannot be known
        };
        Kind kind = Kind::Foreign;
        std::string secretAccessKey;
        std::string sessionToken; // empty when the key needs none
    };
    using KeyLookup = std::function<Key(std::string_view accessKeyId)>;

    enum class Error {
        None,
        Malformed,             // Authorization header or presigned parameters that cannot be read
        MissingDate,           // neither X-Amz-Date nor Date
        MissingContentSha256,  // S3: a header-signed request without x-amz-content-sha256
        InvalidAccessKeyId,    // the key is not (or no longer) one of ours
        InvalidToken,          // the session token is missing or is not the key's
        SignatureDoesNotMatch, // the signature is not what the secret gives
        TimeTooSkewed,         // more than 15 minutes from the service's clock
        Expired,               // a presigned URL past X-Amz-Date + X-Amz-Expires
        NotYetValid,           // a presigned URL dated more than 15 minutes ahead
    };

    struct Result
    {
        enum class Outcome {
            Unsigned,     // no signature at all: an anonymous request
            Verified,     // a key issued here, signature checked
            Unverifiable, // a foreign key: well formed and in time, but its secret is unknown
            Rejected,     // see error and message
        };
        Outcome outcome = Outcome::Unsigned;
        Error error = Error::None;
        QString message; // for Rejected: what was wrong, in the words the service would use where it has them
        std::string accessKeyId;
        bool presigned = false;
        // For Lambda's "Signature expired: X is now earlier than Y (Z - 15 min.)" and S3's
        // RequestTimeTooSkewed/expiry bodies.
        std::string requestTime;      // the X-Amz-Date as sent (yyyyMMddTHHmmssZ)
        std::string serverTime;       // the service's time, same form
        long long expiresSeconds = 0; // a presigned URL's X-Amz-Expires
        std::string stringToSign;     // what was signed, for SignatureDoesNotMatch bodies
        std::string canonicalRequest; // likewise
        std::string seedSignature;    // the signature (aws-chunked payload signatures chain from it)
        std::string scope;            // date/region/service/aws4_request
        QByteArray signingKey;        // for the chunk signatures of a Known key

        bool accepted() const { return outcome != Outcome::Rejected; }
    };

    static constexpr long long AllowedSkewSeconds = 15 * 60;
    static constexpr long long MaxPresignedExpiresSeconds = 7 * 24 * 3600;

    // Checks the signature of `request` at `nowEpochSeconds` (the service's clock).
    static Result verify(const SignedRequest &request, Service service, long long nowEpochSeconds,
                         const KeyLookup &lookup);

    // Signs `request` in place with the Authorization header form (adds X-Amz-Date, Host must be
    // there), for clients of our own (tests, the benchmark) that are not an AWS SDK.
    static void sign(SignedRequest &request, Service service, const std::string &accessKeyId,
                     const std::string &secretAccessKey, const std::string &sessionToken, const std::string &region,
                     const std::string &serviceName, long long nowEpochSeconds);

    // The pieces, public for tests and for the aws-chunked payload signatures.
    static std::string uriEncode(std::string_view text, bool keepSlash);
    static std::string percentDecode(std::string_view text);
    static std::string canonicalUri(std::string_view rawPath, Service service);
    static std::string canonicalQuery(std::string_view rawQuery, bool dropSignature);
    static QByteArray signingKey(const std::string &secret, std::string_view date, std::string_view region,
                                 std::string_view service);
    static std::string hmacHex(const QByteArray &key, std::string_view data);
    static std::string sha256Hex(std::string_view data);
    static std::string amzDate(long long epochSeconds);                  // yyyyMMddTHHmmssZ
    static std::optional<long long> parseAmzDate(std::string_view text); // also RFC 1123 (the Date header)
};

} // namespace fn
