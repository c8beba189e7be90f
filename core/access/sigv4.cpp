#include "access/sigv4.h"

#include "access/constanttime.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace fn {

namespace {

constexpr std::string_view Algorithm = "AWS4-HMAC-SHA256";

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A header value as the canonical request holds it: trimmed, runs of spaces made one.
std::string canonicalHeaderValue(std::string_view value)
{
    value = trimmed(value);
    std::string out;
    out.reserve(value.size());
    bool space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// The canonical headers block: each signed name with its values (all of them, comma-joined).
std::string canonicalHeaderBlock(const SignedRequest &request, const std::vector<std::string> &names)
{
    std::string block;
    for (const std::string &name : names) {
        std::string joined;
        bool any = false;
        for (const auto &[n, v] : request.headers)
            if (equalsIgnoreCase(n, name)) {
                if (any)
                    joined += ',';
                joined += canonicalHeaderValue(v);
                any = true;
            }
        block += name;
        block += ':';
        block += joined;
        block += '\n';
    }
    return block;
}

bool isLowerHex(std::string_view s, size_t length)
{
    return s.size() == length
           && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Splits "a, b,c" on commas (the parts of an Authorization header).
std::vector<std::string_view> splitList(std::string_view s, char separator)
{
    std::vector<std::string_view> parts;
    while (true) {
        const size_t at = s.find(separator);
        parts.push_back(trimmed(s.substr(0, at)));
        if (at == std::string_view::npos)
            break;
        s.remove_prefix(at + 1);
    }
    return parts;
}

// Removes "." and ".." segments and empty segments, as the SDKs do before signing a path for
// services other than S3.
std::string normalizedPath(std::string_view path)
{
    std::vector<std::string_view> segments;
    for (std::string_view segment : splitList(path, '/')) {
        if (segment.empty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!segments.empty())
                segments.pop_back();
            continue;
        }
        segments.push_back(segment);
    }
    std::string out;
    for (std::string_view segment : segments) {
        out += '/';
        out += segment;
    }
    if (out.empty() || (path.size() > 1 && path.back() == '/'))
        out += '/';
    return out;
}

struct Parsed
{
    std::string accessKeyId;
    std::string date; // the credential scope's yyyyMMdd
    std::string region;
    std::string service;
    std::vector<std::string> signedHeaders; // lower case, as listed
    std::string signedHeadersText;
    std::string signature;
    std::string amzDate;
    long long expires = 0;
    std::string securityToken;
    bool presigned = false;
};

SigV4::Result rejected(SigV4::Error error, QString message)
{
    SigV4::Result r;
    r.outcome = SigV4::Result::Outcome::Rejected;
    r.error = error;
    r.message = std::move(message);
    return r;
}

// "AKID/20261207/us-east-1/s3/aws4_request" into its parts.
bool parseCredential(std::string_view credential, Parsed &p, QString *why)
{
    const std::vector<std::string_view> parts = splitList(credential, '/');
    if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() || parts[3].empty()
        || parts[4] != "aws4_request") {
        *why = QStringLiteral("the Credential %1 is not of the form ACCESS_KEY/yyyyMMdd/REGION/SERVICE/aws4_request")
                   .arg(QString::fromUtf8(credential.data(), qsizetype(credential.size())));
        return false;
    }
    p.accessKeyId = std::string(parts[0]);
    p.date = std::string(parts[1]);
    p.region = std::string(parts[2]);
    p.service = std::string(parts[3]);
    return true;
}

bool parseSignedHeaders(std::string_view text, Parsed &p, QString *why)
{
    p.signedHeadersText = std::string(text);
    for (std::string_view name : splitList(text, ';')) {
        if (name.empty()) {
            *why = QStringLiteral("SignedHeaders has an empty name");
            return false;
        }
        p.signedHeaders.push_back(lower(name));
    }
    return true;
}

bool parseAuthorization(std::string_view value, Parsed &p, QString *why)
{
    value = trimmed(value);
    if (value.substr(0, Algorithm.size()) != Algorithm || value.size() == Algorithm.size()
        || value[Algorithm.size()] != ' ') {
        *why = QStringLiteral("the Authorization header must start with AWS4-HMAC-SHA256");
        return false;
    }
    value.remove_prefix(Algorithm.size() + 1);
    bool credential = false, headers = false, signature = false;
    for (std::string_view part : splitList(value, ',')) {
        const size_t eq = part.find('=');
        const std::string_view name = trimmed(part.substr(0, eq));
        const std::string_view v = eq == std::string_view::npos ? std::string_view() : trimmed(part.substr(eq + 1));
        if (name == "Credential") {
            if (!parseCredential(v, p, why))
                return false;
            credential = true;
        } else if (name == "SignedHeaders") {
            if (!parseSignedHeaders(v, p, why))
                return false;
            headers = true;
        } else if (name == "Signature") {
            p.signature = std::string(v);
            signature = true;
        }
    }
    if (!credential || !headers || !signature) {
        *why = QStringLiteral("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
        return false;
    }
    return true;
}

// The query string's parameters, decoded, in the order sent.
std::vector<std::pair<std::string, std::string>> queryParameters(std::string_view query)
{
    std::vector<std::pair<std::string, std::string>> params;
    for (std::string_view item : splitList(query, '&')) {
        if (item.empty())
            continue;
        const size_t eq = item.find('=');
        params.emplace_back(SigV4::percentDecode(item.substr(0, eq)),
                            eq == std::string_view::npos ? std::string() : SigV4::percentDecode(item.substr(eq + 1)));
    }
    return params;
}

bool parsePresigned(const std::vector<std::pair<std::string, std::string>> &params, Parsed &p, QString *why)
{
    const auto find = [&](std::string_view name) -> const std::string * {
        for (const auto &[k, v] : params)
            if (k == name)
                return &v;
        return nullptr;
    };
    const std::string *algorithm = find("X-Amz-Algorithm");
    const std::string *credential = find("X-Amz-Credential");
    const std::string *date = find("X-Amz-Date");
    const std::string *expires = find("X-Amz-Expires");
    const std::string *headers = find("X-Amz-SignedHeaders");
    const std::string *signature = find("X-Amz-Signature");
    if (!algorithm || !credential || !date || !headers || !signature) {
        *why = QStringLiteral("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                              "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        return false;
    }
    if (*algorithm != Algorithm) {
        *why = QStringLiteral("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        return false;
    }
    if (!parseCredential(*credential, p, why) || !parseSignedHeaders(*headers, p, why))
        return false;
    p.signature = *signature;
    p.amzDate = *date;
    if (expires) {
        bool ok = !expires->empty() && expires->size() < 12
                  && std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; });
        p.expires = ok ? std::stoll(*expires) : -1;
        if (!ok || p.expires < 1) {
            *why = QStringLiteral("X-Amz-Expires should be a number");
            return false;
        }
        if (p.expires > SigV4::MaxPresignedExpiresSeconds) {
            *why = QStringLiteral("X-Amz-Expires must be less than a week (in seconds) that is 604800");
            return false;
        }
    } else {
        p.expires = SigV4::MaxPresignedExpiresSeconds;
    }
    if (const std::string *token = find("X-Amz-Security-Token"))
        p.securityToken = *token;
    p.presigned = true;
    return true;
}

} // namespace

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<std::string> SignedRequest::header(std::string_view lowerName) const
{
    for (const auto &[name, value] : headers)
        if (equalsIgnoreCase(name, lowerName))
            return value;
    return std::nullopt;
}

std::string SigV4::uriEncode(std::string_view text, bool keepSlash)
{
    static constexpr char Hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.' || c == '~' || (keepSlash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += Hex[c >> 4];
            out += Hex[c & 15];
        }
    }
    return out;
}

std::string SigV4::percentDecode(std::string_view text)
{
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += char(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string SigV4::canonicalUri(std::string_view rawPath, Service service)
{
    if (rawPath.empty())
        return "/";
    if (service == Service::S3)
        return uriEncode(percentDecode(rawPath), true);
    return uriEncode(normalizedPath(rawPath), true);
}

std::string SigV4::canonicalQuery(std::string_view rawQuery, bool dropSignature)
{
    std::vector<std::pair<std::string, std::string>> encoded;
    for (auto &[name, value] : queryParameters(rawQuery)) {
        if (dropSignature && name == "X-Amz-Signature")
            continue;
        encoded.emplace_back(uriEncode(name, false), uriEncode(value, false));
    }
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto &[name, value] : encoded) {
        if (!out.empty())
            out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

QByteArray SigV4::signingKey(const std::string &secret, std::string_view date, std::string_view region,
                             std::string_view service)
{
    const auto hmac = [](const QByteArray &key, std::string_view data) {
        return QMessageAuthenticationCode::hash(QByteArray::fromRawData(data.data(), qsizetype(data.size())), key,
                                                QCryptographicHash::Sha256);
    };
    QByteArray key = hmac(QByteArray("AWS4") + QByteArray::fromStdString(secret), date);
    key = hmac(key, region);
    key = hmac(key, service);
    return hmac(key, "aws4_request");
}

std::string SigV4::hmacHex(const QByteArray &key, std::string_view data)
{
    return QMessageAuthenticationCode::hash(QByteArray::fromRawData(data.data(), qsizetype(data.size())), key,
                                            QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

std::string SigV4::sha256Hex(std::string_view data)
{
    return QCryptographicHash::hash(QByteArrayView(data.data(), qsizetype(data.size())), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

std::string SigV4::amzDate(long long epochSeconds)
{
    const std::time_t t = std::time_t(epochSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[20];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
    return buffer;
}

std::optional<long long> SigV4::parseAmzDate(std::string_view text)
{
    const auto digits = [&](size_t at, size_t n) -> int {
        int v = 0;
        for (size_t i = at; i < at + n; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return -1;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    };
    if (text.size() == 16 && text[8] == 'T' && text[15] == 'Z') {
        const int y = digits(0, 4), mo = digits(4, 2), d = digits(6, 2), h = digits(9, 2), mi = digits(11, 2),
                  s = digits(13, 2);
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
            return std::nullopt;
        const QDateTime t(QDate(y, mo, d), QTime(h, mi, std::min(s, 59)), Qt::UTC);
        if (!t.isValid())
            return std::nullopt;
        return t.toSecsSinceEpoch();
    }
    // The Date header (RFC 1123), which S3 accepts when X-Amz-Date is absent.
    QString rfc = QString::fromUtf8(text.data(), qsizetype(text.size())).trimmed();
    if (rfc.endsWith(QLatin1String(" GMT")) || rfc.endsWith(QLatin1String(" UTC")))
        rfc = rfc.chopped(4) + QLatin1String(" +0000"); // Qt reads numeric zones only
    const QDateTime t = QDateTime::fromString(rfc, Qt::RFC2822Date);
    if (!t.isValid())
        return std::nullopt;
    return t.toSecsSinceEpoch();
}

SigV4::Result SigV4::verify(const SignedRequest &request, Service service, long long now, const KeyLookup &lookup)
{
    const std::string_view target = request.target;
    const size_t q = target.find('?');
    const std::string_view rawPath = target.substr(0, q);
    const std::string_view rawQuery = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

    Parsed p;
    QString why;
    const std::optional<std::string> authorization = request.header("authorization");
    const auto params = queryParameters(rawQuery);
    const bool hasQuerySignature = std::any_of(params.begin(), params.end(), [](const auto &kv) {
        return kv.first == "X-Amz-Signature" || kv.first == "X-Amz-Algorithm" || kv.first == "X-Amz-Credential";
    });
    if (authorization && hasQuerySignature)
        return rejected(Error::Malformed, QStringLiteral("Only one auth mechanism allowed; only the X-Amz-Algorithm "
                                                         "query parameter or the Authorization header should be "
                                                         "specified"));
    if (authorization) {
        // Signature Version 2 ("AWS KEY:SIG"): still read by old clients of S3. A foreign key
        // passes unverified like any other; a key issued here must sign with version 4.
        if (std::string_view(*authorization).substr(0, 4) == "AWS ") {
            const std::string_view rest = std::string_view(*authorization).substr(4);
            Result r;
            r.accessKeyId = std::string(trimmed(rest.substr(0, rest.find(':'))));
            if (lookup(r.accessKeyId).kind == Key::Kind::Foreign) {
                r.outcome = Result::Outcome::Unverifiable;
                return r;
            }
            return rejected(Error::Malformed, QStringLiteral("the credentials fnstudio issued must sign with "
                                                             "AWS4-HMAC-SHA256 (Signature Version 4)"));
        }
        if (!parseAuthorization(*authorization, p, &why))
            return rejected(Error::Malformed, why);
        if (const auto date = request.header("x-amz-date"))
            p.amzDate = *date;
        else if (const auto date = request.header("date"))
            p.amzDate = *date;
        else
            return rejected(Error::MissingDate, QStringLiteral("AWS authentication requires a valid Date or "
                                                               "x-amz-date header"));
        if (const auto token = request.header("x-amz-security-token"))
            p.securityToken = *token;
    } else if (hasQuerySignature) {
        if (!parsePresigned(params, p, &why))
            return rejected(Error::Malformed, why);
    } else {
        return {};
    }

    Result r;
    r.accessKeyId = p.accessKeyId;
    r.presigned = p.presigned;
    r.serverTime = amzDate(now);
    r.requestTime = p.amzDate;
    r.expiresSeconds = p.expires;
    const auto fail = [&r](Error error, QString message) {
        r.outcome = Result::Outcome::Rejected;
        r.error = error;
        r.message = std::move(message);
        return r;
    };

    const std::optional<long long> signedAt = parseAmzDate(p.amzDate);
    if (!signedAt)
        return fail(Error::MissingDate,
                    QStringLiteral("AWS authentication requires a valid Date or x-amz-date header"));
    if (p.presigned) {
        if (*signedAt - now > AllowedSkewSeconds)
            return fail(Error::NotYetValid, QStringLiteral("Request is not yet valid"));
        if (now > *signedAt + p.expires)
            return fail(Error::Expired, QStringLiteral("Request has expired"));
    } else if (std::llabs(now - *signedAt) > AllowedSkewSeconds) {
        return fail(Error::TimeTooSkewed,
                    QStringLiteral("The difference between the request time and the current time is too large."));
    }
    if (p.amzDate.size() == 16 && p.amzDate.compare(0, 8, p.date) != 0)
        return fail(Error::SignatureDoesNotMatch,
                    QStringLiteral("the date of the credential scope (%1) is not the date of X-Amz-Date (%2)")
                        .arg(QString::fromStdString(p.date), QString::fromStdString(p.amzDate)));

    const Key key = lookup(p.accessKeyId);
    if (key.kind == Key::Kind::Unknown)
        return fail(Error::InvalidAccessKeyId,
                    QStringLiteral("The AWS Access Key Id you provided does not exist in our records."));

    // The payload's hash: named by S3 clients, computed from the body for the others.
    std::string payloadHash;
    if (service == Service::S3) {
        if (p.presigned)
            payloadHash = request.header("x-amz-content-sha256").value_or("UNSIGNED-PAYLOAD");
        else if (const auto named = request.header("x-amz-content-sha256"))
            payloadHash = *named;
        else
            return fail(Error::MissingContentSha256,
                        QStringLiteral("Missing required header for this request: x-amz-content-sha256"));
    } else {
        payloadHash = request.payloadHash.empty() ? sha256Hex({}) : request.payloadHash;
    }
    if (std::find(p.signedHeaders.begin(), p.signedHeaders.end(), "host") == p.signedHeaders.end())
        return fail(Error::SignatureDoesNotMatch, QStringLiteral("the Host header must be signed"));

    if (key.kind == Key::Kind::Foreign) {
        r.outcome = Result::Outcome::Unverifiable;
        return r;
    }
    if (!key.sessionToken.empty() && !constantTimeEquals(key.sessionToken, p.securityToken))
        return fail(Error::InvalidToken, QStringLiteral("The provided token is malformed or otherwise invalid."));

    const std::string canonicalHeaders = canonicalHeaderBlock(request, p.signedHeaders);
    const std::string method = request.method;
    const std::string query = canonicalQuery(rawQuery, p.presigned);
    const auto canonicalFor = [&](const std::string &uri) {
        return method + '\n' + uri + '\n' + query + '\n' + canonicalHeaders + '\n' + p.signedHeadersText + '\n'
               + payloadHash;
    };
    r.scope = p.date + '/' + p.region + '/' + p.service + "/aws4_request";
    r.signingKey = signingKey(key.secretAccessKey, p.date, p.region, p.service);
    const auto signatureOf = [&](const std::string &canonical) {
        return hmacHex(r.signingKey,
                       std::string(Algorithm) + '\n' + p.amzDate + '\n' + r.scope + '\n' + sha256Hex(canonical));
    };
    r.canonicalRequest = canonicalFor(canonicalUri(rawPath, service));
    std::string expected = signatureOf(r.canonicalRequest);
    // S3 clients that encode a key differently from the canonical form (curl, hand-made URLs)
    // sign the path as they sent it.
    if (!constantTimeEquals(expected, p.signature) && service == Service::S3 && !rawPath.empty()
        && std::string(rawPath) != canonicalUri(rawPath, service)) {
        const std::string asSent = canonicalFor(std::string(rawPath));
        if (const std::string other = signatureOf(asSent); constantTimeEquals(other, p.signature)) {
            r.canonicalRequest = asSent;
            expected = other;
        }
    }
    r.stringToSign = std::string(Algorithm) + '\n' + p.amzDate + '\n' + r.scope + '\n' + sha256Hex(r.canonicalRequest);
    if (!isLowerHex(p.signature, 64) || !constantTimeEquals(expected, p.signature))
        return fail(Error::SignatureDoesNotMatch,
                    QStringLiteral("The request signature we calculated does not match the signature you provided. "
                                   "Check your key and signing method."));
    r.seedSignature = p.signature;
    r.outcome = Result::Outcome::Verified;
    return r;
}

void SigV4::sign(SignedRequest &request, Service service, const std::string &accessKeyId,
                 const std::string &secretAccessKey, const std::string &sessionToken, const std::string &region,
                 const std::string &serviceName, long long now)
{
    const std::string date = amzDate(now);
    request.headers.emplace_back("X-Amz-Date", date);
    if (!sessionToken.empty())
        request.headers.emplace_back("X-Amz-Security-Token", sessionToken);
    std::string payloadHash = request.payloadHash.empty() ? sha256Hex({}) : request.payloadHash;
    if (service == Service::S3) {
        if (const auto named = request.header("x-amz-content-sha256"))
            payloadHash = *named;
        else
            request.headers.emplace_back("x-amz-content-sha256", payloadHash);
    }
    std::vector<std::string> names;
    for (const auto &[name, value] : request.headers)
        names.push_back(lower(name));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string signedHeaders;
    for (const std::string &name : names)
        signedHeaders += (signedHeaders.empty() ? "" : ";") + name;
    const std::string canonicalHeaders = canonicalHeaderBlock(request, names);
    const std::string_view target = request.target;
    const size_t q = target.find('?');
    const std::string canonical = request.method + '\n' + canonicalUri(target.substr(0, q), service) + '\n'
                                  + canonicalQuery(q == std::string_view::npos ? "" : target.substr(q + 1), false)
                                  + '\n' + canonicalHeaders + '\n' + signedHeaders + '\n' + payloadHash;
    const std::string scope = date.substr(0, 8) + '/' + region + '/' + serviceName + "/aws4_request";
    const std::string signature =
        hmacHex(signingKey(secretAccessKey, date.substr(0, 8), region, serviceName),
                std::string(Algorithm) + '\n' + date + '\n' + scope + '\n' + sha256Hex(canonical));
    request.headers.emplace_back("Authorization", std::string(Algorithm) + " Credential=" + accessKeyId + '/' + scope
                                                      + ", SignedHeaders=" + signedHeaders
                                                      + ", Signature=" + signature);
}

} // namespace fn
