// The S3 endpoint's checks of who calls and what their role allows, over real HTTP: requests
// signed with a function's credentials are that function, each operation is its IAM action on
// its resource, and the project's mode decides whether a denial is answered or only reported;
// bodies are what was signed, and a project may refuse unsigned requests.

#include "access/authorizer.h"
#include "access/sampolicies.h"
#include "access/sigv4.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <mutex>

using namespace fn;

namespace {

QString element(const std::string &xml, const QString &name)
{
    const auto m = QRegularExpression(QStringLiteral("<%1>([^<]*)</%1>").arg(name)).match(QString::fromStdString(xml));
    return m.hasMatch() ? m.captured(1) : QStringLiteral("<no %1>").arg(name);
}

} // namespace

class TestS3Access final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_project;
    std::unique_ptr<S3ObjectStore> m_store;
    Authorizer m_authorizer;
    std::unique_ptr<S3Endpoint> m_endpoint;
    AccessKeys::Credentials m_reader;
    std::mutex m_seenMutex;
    QStringList m_seen; // the observer's lines

    // A request as the function `c` signs it.
    httplib::Result send(const std::string &method, const std::string &target, const std::string &body = {},
                         const AccessKeys::Credentials *c = nullptr, httplib::Headers extra = {})
    {
        const int port = m_endpoint->port();
        SignedRequest r;
        r.method = method;
        r.target = target;
        r.headers = {{"Host", "127.0.0.1:" + std::to_string(port)}};
        for (const auto &[k, v] : extra)
            r.headers.emplace_back(k, v);
        if (c) {
            r.headers.emplace_back("x-amz-content-sha256", SigV4::sha256Hex(body));
            SigV4::sign(r, SigV4::Service::S3, c->accessKeyId.toStdString(), c->secretAccessKey.toStdString(),
                        c->sessionToken.toStdString(), "us-east-1", "s3", QDateTime::currentSecsSinceEpoch());
        }
        httplib::Headers headers;
        for (const auto &[k, v] : r.headers)
            if (QString::fromStdString(k).compare(QStringLiteral("Host"), Qt::CaseInsensitive) != 0)
                headers.emplace(k, v);
        httplib::Client client("127.0.0.1", port);
        if (method == "GET")
            return client.Get(target.c_str(), headers);
        if (method == "HEAD")
            return client.Head(target.c_str(), headers);
        if (method == "DELETE")
            return client.Delete(target.c_str(), headers);
        return client.Put(target.c_str(), headers, body, "text/plain");
    }

    void setRole(const QString &function, const nlohmann::json &policies)
    {
        Authorizer::Role role;
        role.name = function + QStringLiteral("Role");
        QStringList problems;
        for (const NamedPolicy &p : SamPolicies::expand(policies, {}, &problems)) {
            QString error;
            role.policies.push_back(*Policy::parse(p.name, p.document, &error));
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        m_authorizer.setRoles({{function, role}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_project.isValid());
        m_store = std::make_unique<S3ObjectStore>(m_project.path());
        QString error;
        QVERIFY(m_store->createBucket(QStringLiteral("in"), &error));
        QVERIFY(m_store->createBucket(QStringLiteral("out"), &error));
        m_reader = m_authorizer.keys().issue(QStringLiteral("Reader"));
        m_authorizer.setObserver([this](const Authorizer::Call &call) {
            std::lock_guard lock(m_seenMutex);
            m_seen << call.describe();
        });
        m_endpoint = std::make_unique<S3Endpoint>(*m_store);
        m_endpoint->setAuthorizer(&m_authorizer);
        QVERIFY2(m_endpoint->start(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        setRole(QStringLiteral("Reader"), nlohmann::json::parse(R"([{"S3ReadPolicy": {"BucketName": "in"}}])"));
        m_authorizer.setMode(Authorizer::Mode::Enforce);
        QCOMPARE(send("PUT", "/in/photo.txt", "a photo")->status, 200); // the developer, unsigned
    }

    void enforcedRoleAllowsAndDenies()
    {
        auto r = send("GET", "/in/photo.txt", {}, &m_reader);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("a photo"));
        r = send("PUT", "/in/new.txt", "x", &m_reader);
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("AccessDenied"));
        QCOMPARE(element(r->body, QStringLiteral("Message")),
                 QStringLiteral("User: arn:aws:sts::123456789012:assumed-role/ReaderRole/Reader is not authorized to "
                                "perform: s3:PutObject on resource: &quot;arn:aws:s3:::in/new.txt&quot; because no "
                                "identity-based policy allows the s3:PutObject action"));
        QVERIFY(!QFileInfo::exists(m_store->bucketDir(QStringLiteral("in")) + QStringLiteral("/new.txt")));
        QCOMPARE(send("GET", "/out/photo.txt", {}, &m_reader)->status, 403);
        QCOMPARE(send("DELETE", "/in/photo.txt", {}, &m_reader)->status, 403);
        QVERIFY(QFileInfo::exists(m_store->bucketDir(QStringLiteral("in")) + QStringLiteral("/photo.txt")));
        // Listing: s3:ListBucket on the bucket.
        QCOMPARE(send("GET", "/in?list-type=2&prefix=ph", {}, &m_reader)->status, 200);
        QCOMPARE(send("GET", "/", {}, &m_reader)->status, 403); // s3:ListAllMyBuckets
        const std::vector<Authorizer::Call> calls = m_authorizer.calls(QStringLiteral("Reader"));
        QVERIFY(calls.size() >= 6);
        const Authorizer::Call &list = calls[calls.size() - 2];
        QCOMPARE(list.request.action, QStringLiteral("s3:ListBucket"));
        QCOMPARE(list.request.resource, QStringLiteral("arn:aws:s3:::in"));
        QCOMPARE(list.request.context.value(QStringLiteral("s3:prefix")), QStringList{QStringLiteral("ph")});
        QVERIFY(list.decision.allowed());
    }

    // A copy reads its source and writes its target: both must be allowed.
    void copyNeedsBoth()
    {
        setRole(QStringLiteral("Reader"),
                nlohmann::json::parse(
                    R"([{"S3ReadPolicy": {"BucketName": "in"}}, {"S3WritePolicy": {"BucketName": "out"}}])"));
        auto r = send("PUT", "/out/copy.txt", {}, &m_reader, {{"x-amz-copy-source", "/in/photo.txt"}});
        QCOMPARE(r->status, 200);
        r = send("PUT", "/in/copy.txt", {}, &m_reader, {{"x-amz-copy-source", "/out/copy.txt"}});
        QCOMPARE(r->status, 403);
        QVERIFY(element(r->body, QStringLiteral("Message"))
                    .contains(QStringLiteral("s3:GetObject on resource: &quot;arn:aws:s3:::out/copy.txt")));
        setRole(QStringLiteral("Reader"), nlohmann::json::parse(R"([{"S3ReadPolicy": {"BucketName": "in"}}])"));
    }

    // A missing key is NoSuchKey to a role that may list the bucket, AccessDenied to one that may not.
    void missingKeysAreNotRevealed()
    {
        auto r = send("GET", "/in/missing.txt", {}, &m_reader);
        QCOMPARE(r->status, 404);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("NoSuchKey"));
        setRole(QStringLiteral("Reader"),
                nlohmann::json::parse("[{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", "
                                      "\"Resource\": \"arn:aws:s3:::in/*\"}]}]"));
        r = send("GET", "/in/missing.txt", {}, &m_reader);
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("AccessDenied"));
        QCOMPARE(send("GET", "/in/photo.txt", {}, &m_reader)->status, 200);
        setRole(QStringLiteral("Reader"), nlohmann::json::parse(R"([{"S3ReadPolicy": {"BucketName": "in"}}])"));
    }

    // warn: the call goes on and the observer hears what AWS would deny; off: it goes on, unsaid.
    void warnAndOff()
    {
        {
            std::lock_guard lock(m_seenMutex);
            m_seen.clear();
        }
        m_authorizer.setMode(Authorizer::Mode::Warn);
        QCOMPARE(send("PUT", "/out/warned.txt", "w", &m_reader)->status, 200);
        {
            std::lock_guard lock(m_seenMutex);
            QCOMPARE(m_seen.size(), 1);
            QCOMPARE(m_seen.first(),
                     QStringLiteral("function Reader: s3:PutObject on arn:aws:s3:::out/warned.txt would "
                                    "be denied on AWS (no statement allows s3:PutObject on "
                                    "arn:aws:s3:::out/warned.txt); permissions are \"warn\", so it went on"));
        }
        m_authorizer.setMode(Authorizer::Mode::Off);
        QCOMPARE(send("PUT", "/out/unchecked.txt", "u", &m_reader)->status, 200);
        m_authorizer.setMode(Authorizer::Mode::Enforce);
    }

    // The developer (unsigned, or any keys not issued here) is the administrator.
    void developerIsAdministrator()
    {
        QCOMPARE(send("PUT", "/out/dev.txt", "d")->status, 200);
        const AccessKeys::Credentials someone{QStringLiteral("AKIADEVELOPER0000000"), QStringLiteral("secret"), {}};
        QCOMPARE(send("GET", "/out/dev.txt", {}, &someone)->status, 200);
        // A key that looks issued here but is not.
        const AccessKeys::Credentials forged{QStringLiteral("ASIAFNSTUDIOZZZZZZZZ"), m_reader.secretAccessKey,
                                             m_reader.sessionToken};
        const auto r = send("GET", "/out/dev.txt", {}, &forged);
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("InvalidAccessKeyId"));
        QCOMPARE(element(r->body, QStringLiteral("AWSAccessKeyId")), QStringLiteral("ASIAFNSTUDIOZZZZZZZZ"));
    }

    // A streaming upload as the SDKs sign it (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): each chunk's
    // signature chains from the request's. `tamper` changes a byte of the second chunk after signing.
    httplib::Result chunkedUpload(const std::string &target, const std::vector<std::string> &chunks, bool tamper)
    {
        const int port = m_endpoint->port();
        size_t decoded = 0;
        for (const std::string &c : chunks)
            decoded += c.size();
        SignedRequest r;
        r.method = "PUT";
        r.target = target;
        r.headers = {{"Host", "127.0.0.1:" + std::to_string(port)},
                     {"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", std::to_string(decoded)},
                     {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}};
        const long long now = QDateTime::currentSecsSinceEpoch();
        SigV4::sign(r, SigV4::Service::S3, m_reader.accessKeyId.toStdString(), m_reader.secretAccessKey.toStdString(),
                    m_reader.sessionToken.toStdString(), "us-east-1", "s3", now);
        std::string previous, amzDate;
        for (const auto &[k, v] : r.headers) {
            if (k == "Authorization")
                previous = v.substr(v.find("Signature=") + 10);
            if (k == "X-Amz-Date")
                amzDate = v;
        }
        const std::string scope = amzDate.substr(0, 8) + "/us-east-1/s3/aws4_request";
        const QByteArray key =
            SigV4::signingKey(m_reader.secretAccessKey.toStdString(), amzDate.substr(0, 8), "us-east-1", "s3");
        std::string body;
        std::vector<std::string> all = chunks;
        all.emplace_back(); // the final, empty chunk
        for (size_t i = 0; i < all.size(); ++i) {
            previous = SigV4::hmacHex(key, "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + '\n' + scope + '\n' + previous
                                               + '\n' + SigV4::sha256Hex("") + '\n' + SigV4::sha256Hex(all[i]));
            std::string data = all[i];
            if (tamper && i == 1)
                data[0] ^= 1;
            body += QByteArray::number(qulonglong(data.size()), 16).toStdString() + ";chunk-signature=" + previous
                    + "\r\n" + data + "\r\n";
        }
        httplib::Headers headers;
        for (const auto &[k, v] : r.headers)
            if (k != "Host")
                headers.emplace(k, v);
        httplib::Client client("127.0.0.1", port);
        return client.Put(target.c_str(), headers, body, "text/plain");
    }

    // The body is what was signed: each aws-chunked chunk's signature, and a plain body's hash
    // against its x-amz-content-sha256 (whoever sent it). A body that fails is not kept.
    void bodiesAreWhatWasSigned()
    {
        m_authorizer.setMode(Authorizer::Mode::Off); // the role is not what this is about
        const std::vector<std::string> chunks{std::string(8192, 'a'), std::string(100, 'b')};
        auto r = chunkedUpload("/out/chunked.txt", chunks, false);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(send("GET", "/out/chunked.txt")->body, chunks[0] + chunks[1]);

        r = chunkedUpload("/out/chunked.txt", {std::string(8192, 'c'), std::string(100, 'd')}, true);
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("SignatureDoesNotMatch"));
        QCOMPARE(send("GET", "/out/chunked.txt")->body, chunks[0] + chunks[1]); // the old object stays

        // A plain body, its hash signed, then another body sent under the same signature.
        r = send("PUT", "/out/plain.txt", "signed body", &m_reader);
        QCOMPARE(r->status, 200);
        r = send("PUT", "/out/plain.txt", "other body", nullptr,
                 {{"x-amz-content-sha256", SigV4::sha256Hex("signed body")}});
        QCOMPARE(r->status, 400);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("XAmzContentSHA256Mismatch"));
        QCOMPARE(send("GET", "/out/plain.txt")->body, std::string("signed body"));
        m_authorizer.setMode(Authorizer::Mode::Enforce);
    }

    // A project that requires signing refuses anonymous requests as S3 does; signed ones, the
    // developer's own keys included, go on.
    void unsignedRequestsWhenSigningIsRequired()
    {
        m_authorizer.setRequireSigning(true);
        const auto r = send("GET", "/in/photo.txt");
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("AccessDenied"));
        const AccessKeys::Credentials someone{QStringLiteral("AKIADEVELOPER0000000"), QStringLiteral("secret"), {}};
        QCOMPARE(send("GET", "/in/photo.txt", {}, &someone)->status, 200);
        QCOMPARE(send("GET", "/in/photo.txt", {}, &m_reader)->status, 200);
        m_authorizer.setRequireSigning(false);
        QCOMPARE(send("GET", "/in/photo.txt")->status, 200);
    }

    void wrongSecretAndToken()
    {
        AccessKeys::Credentials wrong = m_reader;
        wrong.secretAccessKey = QStringLiteral("not-the-secret");
        auto r = send("GET", "/in/photo.txt", {}, &wrong);
        QCOMPARE(r->status, 403);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("SignatureDoesNotMatch"));
        QVERIFY(
            element(r->body, QStringLiteral("CanonicalRequest")).startsWith(QStringLiteral("GET\n/in/photo.txt\n")));
        wrong = m_reader;
        wrong.sessionToken = QStringLiteral("another");
        r = send("GET", "/in/photo.txt", {}, &wrong);
        QCOMPARE(r->status, 400);
        QCOMPARE(element(r->body, QStringLiteral("Code")), QStringLiteral("InvalidToken"));
    }
};

QTEST_GUILESS_MAIN(TestS3Access)
#include "tst_s3access.moc"
