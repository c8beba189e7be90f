// What checking a signed request costs the local services (issue 15: under 50 µs per request):
// Signature Version 4 verification of a PutObject as boto3 signs it, policy evaluation against a
// SAM role (basic execution, S3ReadPolicy, S3WritePolicy, an inline document), and the two
// together through the Authorizer, as the S3 endpoint runs them. Prints microseconds per request.
//   build/dev/tests/bench/bench_access [iterations]

#include "access/authorizer.h"
#include "access/sampolicies.h"
#include "access/sigv4.h"
#include "services/requestauthentication.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>

#include <cstdio>

#include <httplib.h>

using namespace fn;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20000;

    Authorizer authorizer;
    const AccessKeys::Credentials c = authorizer.keys().issue(QStringLiteral("Resize"));
    const long long now = QDateTime::currentSecsSinceEpoch();
    SignedRequest request;
    request.method = "PUT";
    request.target = "/ThumbnailsBucket/thumbnails/holiday/sunset.jpg";
    request.headers = {{"Host", "127.0.0.1:3002"},
                       {"User-Agent", "Boto3/1.26.27 Python/3.11.2 Linux/6.1.0 Botocore/1.29.27"},
                       {"Content-Type", "image/jpeg"},
                       {"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="},
                       {"x-amz-meta-source", "PhotosBucket/holiday/sunset.jpg"},
                       {"Content-Length", "4242"},
                       {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
    SigV4::sign(request, SigV4::Service::S3, c.accessKeyId.toStdString(), c.secretAccessKey.toStdString(),
                c.sessionToken.toStdString(), "us-east-1", "s3", now);
    const auto lookup = [&authorizer](std::string_view id) { return authorizer.keys().lookup(id); };
    if (SigV4::verify(request, SigV4::Service::S3, now, lookup).outcome != SigV4::Result::Outcome::Verified) {
        std::fprintf(stderr, "bench_access: the benchmark's own request does not verify\n");
        return 1;
    }

    QStringList problems;
    const nlohmann::json policies = nlohmann::json::parse(R"([
        {"S3ReadPolicy": {"BucketName": "PhotosBucket"}},
        {"S3WritePolicy": {"BucketName": "ThumbnailsBucket"}},
        {"Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::PhotosBucket/*"}]}])");
    Authorizer::Role role;
    role.name = QStringLiteral("ResizeRole");
    std::vector<NamedPolicy> named{{QStringLiteral("AWSLambdaBasicExecutionRole"),
                                    *SamPolicies::managed(QStringLiteral("AWSLambdaBasicExecutionRole"))}};
    for (NamedPolicy &p : SamPolicies::expand(policies, {}, &problems))
        named.push_back(std::move(p));
    for (const NamedPolicy &p : named) {
        QString error;
        role.policies.push_back(*Policy::parse(p.name, p.document, &error));
    }
    authorizer.setRoles({{QStringLiteral("Resize"), role}});
    authorizer.setMode(Authorizer::Mode::Enforce);
    const AccessRequest put{QStringLiteral("s3:PutObject"),
                            QStringLiteral("arn:aws:s3:::ThumbnailsBucket/thumbnails/holiday/sunset.jpg"),
                            {{QStringLiteral("aws:SourceIp"), {QStringLiteral("127.0.0.1")}}}};

    const auto measure = [iterations](const char *what, const auto &body) {
        for (int i = 0; i < iterations / 10; ++i)
            body(); // warm-up
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < iterations; ++i)
            body();
        const double us = double(timer.nsecsElapsed()) / 1000.0 / iterations;
        std::printf("%-58s %8.2f µs per request\n", what, us);
    };
    int sink = 0;
    std::printf("bench_access: %d iterations each\n", iterations);
    measure("SigV4 verify (PutObject signed as boto3 signs it)",
            [&] { sink += int(SigV4::verify(request, SigV4::Service::S3, now, lookup).outcome); });
    measure("policy evaluation (4 policies, allowed by the 3rd)",
            [&] { sink += int(evaluate(role.policies, put).effect); });
    const AccessRequest denied{QStringLiteral("s3:PutObject"), QStringLiteral("arn:aws:s3:::PhotosBucket/x"), {}};
    measure("policy evaluation (implicitly denied: every statement read)",
            [&] { sink += int(evaluate(role.policies, denied).effect); });
    const Principal principal = authorizer.keys().principal(c.accessKeyId);
    measure("verify + Authorizer::authorize (recorded, as the endpoint does)", [&] {
        sink += int(SigV4::verify(request, SigV4::Service::S3, now, lookup).outcome);
        sink += int(authorizer.authorize(principal, QStringLiteral("s3"), put).decision.effect);
    });
    // What every request to the Invoke API now pays before it is served, signed or not: an
    // unsigned Invoke (the developer's curl) and one as the AWS CLI sends it with foreign keys.
    httplib::Request invoke;
    invoke.method = "POST";
    invoke.target = "/2015-03-31/functions/Resize/invocations";
    invoke.headers = {{"Host", "127.0.0.1:3001"}, {"Content-Type", "application/json"}, {"Content-Length", "2"}};
    invoke.body = "{}";
    measure("Invoke API gate, unsigned request", [&] {
        sink += int(RequestAuthentication::of(invoke, SigV4::Service::Other, authorizer.keys()).accepted());
    });
    httplib::Request cli = invoke;
    cli.headers.emplace("X-Amz-Date", SigV4::amzDate(now));
    cli.headers.emplace("Authorization", "AWS4-HMAC-SHA256 Credential=AKIADEVELOPER0000000/"
                                             + SigV4::amzDate(now).substr(0, 8)
                                             + "/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, "
                                               "Signature="
                                             + std::string(64, '0'));
    measure("Invoke API gate, the developer's signed request (body hashed)", [&] {
        sink += int(RequestAuthentication::of(cli, SigV4::Service::Other, authorizer.keys(), SigV4::sha256Hex(cli.body))
                        .accepted());
    });
    return sink == -1 ? 1 : 0;
}
