// Signature Version 4 as the local services check it: AWS's published S3 examples verify, and
// each way a request can be wrong gets the error the service gives.

#include "access/accesskeys.h"
#include "access/sigv4.h"

#include <QTest>

using namespace fn;

namespace {

// AWS's example credentials from the S3 API reference's signature examples.
constexpr const char *ExampleKey = "AKIAIOSFODNN7EXAMPLE";
constexpr const char *ExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const long long ExampleTime = *SigV4::parseAmzDate("20130524T000000Z");

SigV4::KeyLookup exampleKeys()
{
    return [](std::string_view id) {
        SigV4::Key key;
        if (id == ExampleKey) {
            key.kind = SigV4::Key::Kind::Known;
            key.secretAccessKey = ExampleSecret;
        } else if (id.substr(0, 12) == AccessKeys::Prefix) {
            key.kind = SigV4::Key::Kind::Unknown;
        }
        return key;
    };
}

SignedRequest s3GetExample()
{
    SignedRequest r;
    r.method = "GET";
    r.target = "/test.txt";
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                 {"Range", "bytes=0-9"},
                 {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                 {"x-amz-date", "20130524T000000Z"},
                 {"Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                  "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}};
    return r;
}

SignedRequest presignedExample()
{
    SignedRequest r;
    r.method = "GET";
    r.target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-"
               "1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-"
               "Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
    return r;
}

void setHeader(SignedRequest &r, const std::string &name, const std::string &value)
{
    for (auto &[n, v] : r.headers)
        if (QString::fromStdString(n).compare(QString::fromStdString(name), Qt::CaseInsensitive) == 0) {
            v = value;
            return;
        }
    r.headers.emplace_back(name, value);
}

} // namespace

class TestSigV4 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void awsS3HeaderExampleVerifies()
    {
        const SigV4::Result r = SigV4::verify(s3GetExample(), SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(r.outcome, SigV4::Result::Outcome::Verified);
        QCOMPARE(r.accessKeyId, std::string(ExampleKey));
        QCOMPARE(r.scope, std::string("20130524/us-east-1/s3/aws4_request"));
    }

    void awsPresignedExampleVerifiesUntilItExpires()
    {
        SigV4::Result r = SigV4::verify(presignedExample(), SigV4::Service::S3, ExampleTime + 3600, exampleKeys());
        QCOMPARE(r.outcome, SigV4::Result::Outcome::Verified);
        QVERIFY(r.presigned);
        // X-Amz-Expires=86400: valid for a day, then S3's AccessDenied "Request has expired".
        r = SigV4::verify(presignedExample(), SigV4::Service::S3, ExampleTime + 86401, exampleKeys());
        QCOMPARE(r.outcome, SigV4::Result::Outcome::Rejected);
        QCOMPARE(r.error, SigV4::Error::Expired);
        QCOMPARE(r.message, QStringLiteral("Request has expired"));
        QCOMPARE(r.expiresSeconds, 86400LL);
    }

    void alteredRequestDoesNotMatch()
    {
        SignedRequest changed = s3GetExample();
        setHeader(changed, "Range", "bytes=0-99"); // a signed header changed on the way
        SigV4::Result r = SigV4::verify(changed, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(r.error, SigV4::Error::SignatureDoesNotMatch);
        QVERIFY(r.message.startsWith(QStringLiteral("The request signature we calculated does not match")));
        QVERIFY(r.canonicalRequest.find("range:bytes=0-99") != std::string::npos);

        changed = s3GetExample();
        changed.target = "/other.txt";
        QCOMPARE(SigV4::verify(changed, SigV4::Service::S3, ExampleTime, exampleKeys()).error,
                 SigV4::Error::SignatureDoesNotMatch);

        // An unsigned header may change freely.
        changed = s3GetExample();
        changed.headers.emplace_back("User-Agent", "curl/7.88");
        QCOMPARE(SigV4::verify(changed, SigV4::Service::S3, ExampleTime, exampleKeys()).outcome,
                 SigV4::Result::Outcome::Verified);
    }

    void wrongSecretDoesNotMatch()
    {
        const auto lookup = [](std::string_view) {
            SigV4::Key key;
            key.kind = SigV4::Key::Kind::Known;
            key.secretAccessKey = "not-the-secret";
            return key;
        };
        QCOMPARE(SigV4::verify(s3GetExample(), SigV4::Service::S3, ExampleTime, lookup).error,
                 SigV4::Error::SignatureDoesNotMatch);
    }

    void skewedClockIsRefusedEitherWay()
    {
        // 15 minutes either side is allowed.
        QCOMPARE(SigV4::verify(s3GetExample(), SigV4::Service::S3, ExampleTime + 15 * 60, exampleKeys()).outcome,
                 SigV4::Result::Outcome::Verified);
        for (const long long offset : {15 * 60 + 1, -(15 * 60 + 1), 3600 * 24}) {
            const SigV4::Result r =
                SigV4::verify(s3GetExample(), SigV4::Service::S3, ExampleTime + offset, exampleKeys());
            QCOMPARE(r.error, SigV4::Error::TimeTooSkewed);
            QCOMPARE(r.requestTime, std::string("20130524T000000Z"));
            QCOMPARE(r.serverTime, SigV4::amzDate(ExampleTime + offset));
        }
    }

    void keysThatLookIssuedButAreNotAreInvalid()
    {
        SignedRequest r = s3GetExample();
        setHeader(r, "Authorization",
                  "AWS4-HMAC-SHA256 Credential=ASIAFNSTUDIOQQQQQQQQ/20130524/us-east-1/s3/aws4_request,"
                  "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature="
                      + std::string(64, 'a'));
        const SigV4::Result result = SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::InvalidAccessKeyId);
        QCOMPARE(result.message, QStringLiteral("The AWS Access Key Id you provided does not exist in our records."));
    }

    void foreignKeysPassUnverifiedButStillOnTime()
    {
        SignedRequest r = s3GetExample();
        setHeader(r, "Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIADEVELOPER0000000/20130524/eu-west-1/s3/aws4_request,"
                  "SignedHeaders=host;x-amz-date,Signature="
                      + std::string(64, '0'));
        SigV4::Result result = SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(result.outcome, SigV4::Result::Outcome::Unverifiable);
        QCOMPARE(result.accessKeyId, std::string("AKIADEVELOPER0000000"));
        result = SigV4::verify(r, SigV4::Service::S3, ExampleTime + 3600, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::TimeTooSkewed);
    }

    void unsignedRequestsAreAnonymous()
    {
        SignedRequest r;
        r.method = "GET";
        r.target = "/photos/cat.jpg";
        r.headers = {{"Host", "127.0.0.1:3002"}};
        QCOMPARE(SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys()).outcome,
                 SigV4::Result::Outcome::Unsigned);
    }

    void malformedSignaturesSayWhat_data()
    {
        QTest::addColumn<QString>("authorization");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *authorization, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(authorization) << QString::fromLatin1(expected);
        };
        row("no signature",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host",
            "requires 'Credential', 'SignedHeaders' and 'Signature'");
        row("short credential",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524, SignedHeaders=host, Signature=abc",
            "is not of the form ACCESS_KEY/yyyyMMdd/REGION/SERVICE/aws4_request");
        row("other algorithm", "AWS4-HMAC-SHA512 Credential=x", "must start with AWS4-HMAC-SHA256");
        row("empty header name",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;;range, Signature=abc",
            "SignedHeaders has an empty name");
    }
    void malformedSignaturesSayWhat()
    {
        QFETCH(QString, authorization);
        QFETCH(QString, expected);
        SignedRequest r = s3GetExample();
        setHeader(r, "Authorization", authorization.toStdString());
        const SigV4::Result result = SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::Malformed);
        QVERIFY2(result.message.contains(expected), qPrintable(result.message));
    }

    void missingDateAndContentHashAreNamed()
    {
        SignedRequest r = s3GetExample();
        r.headers.erase(r.headers.begin() + 3); // x-amz-date
        QCOMPARE(SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys()).error, SigV4::Error::MissingDate);
        r = s3GetExample();
        r.headers.erase(r.headers.begin() + 2); // x-amz-content-sha256
        const SigV4::Result result = SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::MissingContentSha256);
        QVERIFY(result.message.contains(QStringLiteral("x-amz-content-sha256")));
    }

    void presignedParametersAreChecked()
    {
        SignedRequest r = presignedExample();
        r.target.replace(r.target.find("X-Amz-Expires=86400"), 19, "X-Amz-Expires=999999");
        SigV4::Result result = SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::Malformed);
        QVERIFY(result.message.contains(QStringLiteral("604800")));
        // Signed the other way as well: S3 takes only one.
        r = presignedExample();
        r.headers.emplace_back("Authorization", s3GetExample().header("authorization").value());
        QCOMPARE(SigV4::verify(r, SigV4::Service::S3, ExampleTime, exampleKeys()).error, SigV4::Error::Malformed);
        // Dated well ahead of the service's clock.
        result = SigV4::verify(presignedExample(), SigV4::Service::S3, ExampleTime - 3600, exampleKeys());
        QCOMPARE(result.error, SigV4::Error::NotYetValid);
    }

    void issuedKeysSignAndVerifyWithTheirToken()
    {
        AccessKeys keys;
        const AccessKeys::Credentials c = keys.issue(QStringLiteral("Thumbnails"), QStringLiteral("live"));
        QVERIFY(c.accessKeyId.startsWith(QLatin1String(AccessKeys::Prefix)));
        QCOMPARE(c.accessKeyId.size(), 20);
        QCOMPARE(keys.issue(QStringLiteral("Thumbnails"), QStringLiteral("live")).accessKeyId, c.accessKeyId);
        QVERIFY(keys.issue(QStringLiteral("Thumbnails")).accessKeyId != c.accessKeyId);
        const auto lookup = [&keys](std::string_view id) { return keys.lookup(id); };
        const long long now = 1796000000;

        // Lambda's form: the path encoded twice, the body hashed.
        SignedRequest r;
        r.method = "POST";
        r.target = "/2015-03-31/functions/Resize%3Alive/invocations";
        r.headers = {{"Host", "127.0.0.1:3001"}, {"Content-Type", "application/json"}};
        r.payloadHash = SigV4::sha256Hex("{\"size\": 64}");
        SigV4::sign(r, SigV4::Service::Other, c.accessKeyId.toStdString(), c.secretAccessKey.toStdString(),
                    c.sessionToken.toStdString(), "us-east-1", "lambda", now);
        SigV4::Result result = SigV4::verify(r, SigV4::Service::Other, now, lookup);
        QCOMPARE(result.outcome, SigV4::Result::Outcome::Verified);
        QVERIFY(result.canonicalRequest.find("/functions/Resize%253Alive/") != std::string::npos);
        const Principal who = keys.principal(QString::fromStdString(result.accessKeyId));
        QVERIFY(who.isFunction());
        QCOMPARE(who.describe(), QStringLiteral("function Thumbnails:live"));

        // A different body is a different signature.
        SignedRequest tampered = r;
        tampered.payloadHash = SigV4::sha256Hex("{\"size\": 4096}");
        QCOMPARE(SigV4::verify(tampered, SigV4::Service::Other, now, lookup).error,
                 SigV4::Error::SignatureDoesNotMatch);
        // The session token is the key's own.
        SignedRequest noToken = r;
        setHeader(noToken, "X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEFNTUDIOforged");
        QCOMPARE(SigV4::verify(noToken, SigV4::Service::Other, now, lookup).error, SigV4::Error::InvalidToken);
        // Revoked (the project closed): the key is no longer known.
        keys.revokeAll();
        QCOMPARE(SigV4::verify(r, SigV4::Service::Other, now, lookup).error, SigV4::Error::InvalidAccessKeyId);
        QVERIFY(!keys.principal(c.accessKeyId).isFunction());
    }

    void s3KeysWithReservedCharactersVerify()
    {
        AccessKeys keys;
        const AccessKeys::Credentials c = keys.issue(QStringLiteral("Uploads"));
        const auto lookup = [&keys](std::string_view id) { return keys.lookup(id); };
        const long long now = 1796000000;
        SignedRequest r;
        r.method = "PUT";
        // As the SDKs send it: each byte outside A-Za-z0-9-._~/ percent-encoded once.
        r.target = "/photos/2026/a%20b%2Bc%28d%29%C3%A9.jpg?x-id=PutObject";
        r.headers = {{"Host", "127.0.0.1:3002"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}};
        SigV4::sign(r, SigV4::Service::S3, c.accessKeyId.toStdString(), c.secretAccessKey.toStdString(),
                    c.sessionToken.toStdString(), "us-east-1", "s3", now);
        QCOMPARE(SigV4::verify(r, SigV4::Service::S3, now, lookup).outcome, SigV4::Result::Outcome::Verified);
    }

    void canonicalPieces()
    {
        QCOMPARE(SigV4::uriEncode("a b/c~d*e", true), std::string("a%20b/c~d%2Ae"));
        QCOMPARE(SigV4::uriEncode("a/b", false), std::string("a%2Fb"));
        QCOMPARE(SigV4::percentDecode("a%2Fb%zz%4"), std::string("a/b%zz%4"));
        QCOMPARE(SigV4::canonicalQuery("b=2&a=1&a=0&flag", false), std::string("a=0&a=1&b=2&flag="));
        QCOMPARE(SigV4::canonicalUri("/a/./b/../c//d", SigV4::Service::Other), std::string("/a/c/d"));
        QCOMPARE(SigV4::canonicalUri("/a/./b", SigV4::Service::S3), std::string("/a/./b"));
        QCOMPARE(SigV4::canonicalUri("", SigV4::Service::S3), std::string("/"));
        QCOMPARE(SigV4::amzDate(ExampleTime), std::string("20130524T000000Z"));
        QVERIFY(!SigV4::parseAmzDate("20131324T000000Z"));
        const auto rfc1123 = SigV4::parseAmzDate("Fri, 24 May 2013 00:00:00 GMT");
        QVERIFY(rfc1123);
        QCOMPARE(*rfc1123, ExampleTime);
    }
};

QTEST_GUILESS_MAIN(TestSigV4)
#include "tst_sigv4.moc"
