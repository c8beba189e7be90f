// Identity and access end to end, as a user meets them: `fnstudio-cli serve` on a project whose
// functions call S3 and each other through boto3 with the credentials their environment was
// given (and through the AWS SDK for JavaScript v3 from a Node layer), under "enforce"
// (AccessDenied as AWS answers it) and "warn" (the call goes on, serve says what is missing); and
// the signature checks as the AWS CLI and a hand-signed request meet them.
#include "awscli.h"
#include "projectbuilder.h"

#include "access/sigv4.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

#include <httplib.h>

using namespace fntest;
using fn::test::ProjectBuilder;

namespace {

// Does what the event lists ([["get"|"put"|"list", bucket, key], ...]) and answers each with "ok"
// or the error code S3 gave; "invoke" calls another function through the Lambda API; "whoami"
// returns the credentials the environment was given.
const QByteArray Handler = R"(import os, json, boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"])
lam = boto3.client("lambda", endpoint_url=os.environ["AWS_ENDPOINT_URL_LAMBDA"])

def handler(event, context):
    if event.get("whoami"):
        return {k: os.environ[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    results = []
    for op, bucket, key in event.get("ops", []):
        try:
            if op == "get":
                s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            elif op == "put":
                s3.put_object(Bucket=bucket, Key=key, Body=b"written by " + context.function_name.encode())
            elif op == "list":
                s3.list_objects_v2(Bucket=bucket)
            elif op == "invoke":
                r = lam.invoke(FunctionName=bucket, Payload=json.dumps({"ops": []}))
                if r.get("FunctionError"):
                    raise RuntimeError(r["Payload"].read())
            results.append("ok")
        except ClientError as e:
            results.append(e.response["Error"]["Code"] + ": " + e.response["Error"].get("Message", ""))
    return results
)";

// The same operations through the AWS SDK for JavaScript v3 from a layer, as a Node function on
// Lambda would call S3 and Lambda (the endpoints from AWS_ENDPOINT_URL_S3 / _LAMBDA, which SDK v3
// reads itself).
const QByteArray JsHandler = R"(const { S3Client, GetObjectCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
const { LambdaClient, InvokeCommand } = require("@aws-sdk/client-lambda");
const s3 = new S3Client({ forcePathStyle: true });
const lambda = new LambdaClient({});

exports.handler = async (event) => {
    const results = [];
    for (const [op, bucket, key] of event.ops || []) {
        try {
            if (op === "get") {
                const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
                await r.Body.transformToString();
            } else if (op === "put") {
                await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "written by JsReader" }));
            } else if (op === "invoke") {
                await lambda.send(new InvokeCommand({ FunctionName: bucket, Payload: JSON.stringify({ ops: [] }) }));
            }
            results.push("ok");
        } catch (e) {
            results.push(e.name + ": " + e.message);
        }
    }
    return results;
};
)";

QString jsSdkLayer()
{
    const QString dir = QStringLiteral(FN_AWS_SDK_JS_LAYER);
    return QFileInfo::exists(dir + QStringLiteral("/nodejs/node_modules/@aws-sdk/client-s3/package.json")) ? dir
                                                                                                           : QString();
}

ProjectBuilder accessProject(const char *mode)
{
    ProjectBuilder p;
    p.resource(QStringLiteral("In"), "Type: AWS::S3::Bucket\n")
        .resource(QStringLiteral("Out"), "Type: AWS::S3::Bucket\n")
        .function(QStringLiteral("Reader"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 30\nPolicies:\n  - S3ReadPolicy:\n      BucketName: !Ref In\n")
        .code(QStringLiteral("app.py"), Handler)
        .function(QStringLiteral("Caller"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 30\n")
        .code(QStringLiteral("app.py"), Handler)
        .function(QStringLiteral("TrustedCaller"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 30\n")
        .code(QStringLiteral("app.py"), Handler)
        .resource(QStringLiteral("TrustedCallerMayInvokeReader"),
                  "Type: AWS::Lambda::Permission\n"
                  "Properties:\n"
                  "  Action: lambda:InvokeFunction\n"
                  "  FunctionName: !GetAtt Reader.Arn\n"
                  "  Principal: arn:aws:iam::123456789012:role/TrustedCallerRole\n")
        .function(QStringLiteral("AllowedCaller"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 30\nPolicies:\n  - LambdaInvokePolicy:\n      FunctionName: !Ref Reader\n")
        .code(QStringLiteral("app.py"), Handler)
        .file(QStringLiteral(".fnstudio/settings.json"),
              QByteArray("{\"permissions\": \"") + mode + "\""
                  + (jsSdkLayer().isEmpty() ? QByteArray()
                                            : ", \"allowOutsideFolders\": [\"" + jsSdkLayer().toUtf8() + "\"]")
                  + "}\n")
        .file(QStringLiteral(".fnstudio/buckets/In/photo.txt"), "a photo\n");
    if (!jsSdkLayer().isEmpty())
        p.resource(QStringLiteral("AwsSdkJs"),
                   "Type: AWS::Serverless::LayerVersion\nProperties:\n  ContentUri: " + jsSdkLayer().toUtf8() + "\n")
            .function(QStringLiteral("JsReader"))
            .runtime(QStringLiteral("nodejs20.x"))
            .handler(QStringLiteral("index.handler"))
            .properties("Timeout: 30\nMemorySize: 1024\nLayers:\n  - !Ref AwsSdkJs\n"
                        "Policies:\n  - S3ReadPolicy:\n      BucketName: !Ref In\n")
            .code(QStringLiteral("index.js"), JsHandler);
    return p;
}

struct Served
{
    QProcess serve;
    QByteArray err;
    QString lambda;
    QString s3;

    bool start(const QString &project)
    {
        serve.start(QStringLiteral(FN_CLI),
                    {QStringLiteral("serve"), QStringLiteral("--project"), project, QStringLiteral("--port"),
                     QStringLiteral("0"), QStringLiteral("--s3-port"), QStringLiteral("0")});
        if (!serve.waitForStarted(10000))
            return false;
        QByteArray out;
        lambda = waitForLine(serve, &out,
                             QRegularExpression(QStringLiteral("Lambda Invoke API: (http://127\\.0\\.0\\.1:\\d+)")));
        s3 = waitForLine(serve, &out, QRegularExpression(QStringLiteral("S3 endpoint: (http://127\\.0\\.0\\.1:\\d+)")));
        err += serve.readAllStandardError();
        return !lambda.isEmpty() && !s3.isEmpty();
    }
    QByteArray log()
    {
        err += serve.readAllStandardError();
        return err;
    }
};

} // namespace

class TestAccess : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_aws;
    QProcessEnvironment m_awsEnv;
    ProjectBuilder m_project;
    Served m_served;

    AwsRun aws(const QStringList &arguments, const QString &endpoint,
               const QProcessEnvironment &env = QProcessEnvironment())
    {
        return runAws(m_aws, env.isEmpty() ? m_awsEnv : env, m_dir.path(), arguments, endpoint);
    }

    // Invokes `function` as the developer with {"ops": ops}; the list it returns.
    QJsonArray run(const QString &function, const QByteArray &ops)
    {
        const QString out = m_dir.filePath(function + QStringLiteral(".json"));
        const AwsRun r = aws({QStringLiteral("lambda"), QStringLiteral("invoke"), QStringLiteral("--function-name"),
                              function, QStringLiteral("--cli-binary-format"), QStringLiteral("raw-in-base64-out"),
                              QStringLiteral("--payload"), QString::fromUtf8("{\"ops\": " + ops + "}"), out},
                             m_served.lambda);
        if (r.exitCode != 0)
            qWarning("aws lambda invoke failed: %s", r.err.constData());
        return QJsonDocument::fromJson(fn::test::readFile(out)).array();
    }

    QJsonObject whoami(const QString &function)
    {
        const QString out = m_dir.filePath(QStringLiteral("whoami.json"));
        aws({QStringLiteral("lambda"), QStringLiteral("invoke"), QStringLiteral("--function-name"), function,
             QStringLiteral("--cli-binary-format"), QStringLiteral("raw-in-base64-out"), QStringLiteral("--payload"),
             QStringLiteral("{\"whoami\": true}"), out},
            m_served.lambda);
        return QJsonDocument::fromJson(fn::test::readFile(out)).object();
    }

    QProcessEnvironment withKeys(const QJsonObject &keys, const QString &secret = {}, const QString &token = {})
    {
        QProcessEnvironment env = m_awsEnv;
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), keys.value(QStringLiteral("AWS_ACCESS_KEY_ID")).toString());
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"),
                   secret.isEmpty() ? keys.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).toString() : secret);
        env.insert(QStringLiteral("AWS_SESSION_TOKEN"),
                   token.isEmpty() ? keys.value(QStringLiteral("AWS_SESSION_TOKEN")).toString() : token);
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_aws = findAws();
        if (m_aws.isEmpty())
            QFAIL(awsMissing());
        QVERIFY(m_dir.isValid());
        m_awsEnv = isolatedAwsEnvironment(m_dir.path());
        m_project = accessProject("enforce");
        QVERIFY2(m_served.start(m_project.path()), m_served.log().constData());
    }

    void cleanupTestCase() { QVERIFY2(stopServe(m_served.serve, &m_served.err), m_served.err.constData()); }

    // S3ReadPolicy on In: reading In is allowed, writing In or touching Out is AccessDenied.
    void executionRoleIsEnforced()
    {
        const QJsonArray results = run(QStringLiteral("Reader"), R"([["get", "In", "photo.txt"], ["list", "In", ""],
            ["put", "In", "new.txt"], ["put", "Out", "new.txt"], ["get", "Out", "x"]])");
        QCOMPARE(results.size(), 5);
        QCOMPARE(results.at(0).toString(), QStringLiteral("ok"));
        QCOMPARE(results.at(1).toString(), QStringLiteral("ok"));
        QCOMPARE(results.at(2).toString(),
                 QStringLiteral("AccessDenied: User: arn:aws:sts::123456789012:assumed-role/ReaderRole/Reader is not "
                                "authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::In/new.txt\" because "
                                "no identity-based policy allows the s3:PutObject action"));
        QVERIFY2(results.at(3).toString().startsWith(QStringLiteral("AccessDenied: ")),
                 QJsonDocument(results).toJson().constData());
        QVERIFY(results.at(4).toString().contains(QStringLiteral("s3:GetObject on resource: \"arn:aws:s3:::Out/x\"")));
        QVERIFY(!QFileInfo::exists(m_project.filePath(QStringLiteral(".fnstudio/buckets/In/new.txt"))));
        QVERIFY(!QFileInfo::exists(m_project.filePath(QStringLiteral(".fnstudio/buckets/Out/new.txt"))));
        QTRY_VERIFY2(m_served.log().contains("fnstudio-cli serve: permissions: function Reader: AccessDenied for "
                                             "s3:PutObject on arn:aws:s3:::In/new.txt (no statement allows "
                                             "s3:PutObject on arn:aws:s3:::In/new.txt)"),
                     m_served.err.constData());
    }

    // The AWS SDK for JavaScript v3 signs with the environment's credentials too: its role is
    // what decides (S3ReadPolicy on In), and AccessDenied reaches it as S3 and Lambda write it.
    void javascriptSdkSignsAsTheFunction()
    {
        if (jsSdkLayer().isEmpty())
            QFAIL("The AWS SDK for JavaScript v3 is not installed in " FN_AWS_SDK_JS_LAYER
                  ": ./fnstudio.sh test installs it from npm (tests/integration/aws-sdk-js/package.json)");
        const QJsonArray results = run(QStringLiteral("JsReader"), R"([["get", "In", "photo.txt"],
            ["put", "In", "js.txt"], ["invoke", "Reader", ""]])");
        QCOMPARE(results.size(), 3);
        QCOMPARE(results.at(0).toString(), QStringLiteral("ok"));
        QCOMPARE(results.at(1).toString(),
                 QStringLiteral("AccessDenied: User: arn:aws:sts::123456789012:assumed-role/JsReaderRole/JsReader is "
                                "not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::In/js.txt\" "
                                "because no identity-based policy allows the s3:PutObject action"));
        QVERIFY2(results.at(2).toString().startsWith(
                     QStringLiteral("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/JsReaderRole/"
                                    "JsReader is not authorized to perform: lambda:InvokeFunction")),
                 qPrintable(results.at(2).toString()));
        QVERIFY(!QFileInfo::exists(m_project.filePath(QStringLiteral(".fnstudio/buckets/In/js.txt"))));
    }

    // A function invoking another needs lambda:InvokeFunction (SAM's LambdaInvokePolicy).
    void functionToFunctionNeedsInvokePermission()
    {
        QJsonArray results = run(QStringLiteral("Caller"), R"([["invoke", "Reader", ""]])");
        QCOMPARE(results.size(), 1);
        QVERIFY2(results.at(0).toString().startsWith(
                     QStringLiteral("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/CallerRole/"
                                    "Caller is not authorized to perform: lambda:InvokeFunction on resource: "
                                    "arn:aws:lambda:us-east-1:123456789012:function:Reader")),
                 qPrintable(results.at(0).toString()));
        results = run(QStringLiteral("AllowedCaller"), R"([["invoke", "Reader", ""]])");
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).toString(), QStringLiteral("ok"));
        // Reader's resource-based policy (an AWS::Lambda::Permission) names TrustedCaller's role:
        // within one account that is enough without anything in the caller's own role.
        results = run(QStringLiteral("TrustedCaller"), R"([["invoke", "Reader", ""]])");
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).toString(), QStringLiteral("ok"));
    }

    // GetPolicy as the AWS CLI calls it: the function's resource-based policy, or Lambda's 404.
    void getPolicyShowsWhoMayInvoke()
    {
        AwsRun r = aws({QStringLiteral("lambda"), QStringLiteral("get-policy"), QStringLiteral("--function-name"),
                        QStringLiteral("Reader")},
                       m_served.lambda);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject answer = QJsonDocument::fromJson(r.out).object();
        const QJsonObject policy =
            QJsonDocument::fromJson(answer.value(QStringLiteral("Policy")).toString().toUtf8()).object();
        const QJsonObject statement = policy.value(QStringLiteral("Statement")).toArray().at(0).toObject();
        QCOMPARE(statement.value(QStringLiteral("Sid")).toString(), QStringLiteral("TrustedCallerMayInvokeReader"));
        QCOMPARE(statement.value(QStringLiteral("Principal")).toObject().value(QStringLiteral("AWS")).toString(),
                 QStringLiteral("arn:aws:iam::123456789012:role/TrustedCallerRole"));
        QVERIFY(!answer.value(QStringLiteral("RevisionId")).toString().isEmpty());
        r = aws({QStringLiteral("lambda"), QStringLiteral("get-policy"), QStringLiteral("--function-name"),
                 QStringLiteral("Caller")},
                m_served.lambda);
        QVERIFY2(r.err.contains("An error occurred (ResourceNotFoundException) when calling the GetPolicy operation: "
                                "The resource you requested does not exist."),
                 r.err.constData());
    }

    // The developer's own requests are the administrator's, signed with any keys or not at all.
    void developerIsNotChecked()
    {
        const AwsRun r = aws({QStringLiteral("s3api"), QStringLiteral("put-object"), QStringLiteral("--bucket"),
                              QStringLiteral("Out"), QStringLiteral("--key"), QStringLiteral("by-hand.txt")},
                             m_served.s3);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // As curl would: unsigned.
        httplib::Client curl("127.0.0.1", QUrl(m_served.s3).port());
        const auto answer = curl.Get("/In/photo.txt");
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, std::string("a photo\n"));
    }

    // A function's keys used outside it are still the function (its role applies), and each way
    // of getting a signature wrong gets the service's own error.
    void signaturesAreChecked()
    {
        const QJsonObject keys = whoami(QStringLiteral("Reader"));
        QVERIFY2(keys.value(QStringLiteral("AWS_ACCESS_KEY_ID")).toString().startsWith(QLatin1String("ASIAFNSTUDIO")),
                 QJsonDocument(keys).toJson().constData());
        QVERIFY(keys != whoami(QStringLiteral("Caller")));

        AwsRun r = aws({QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                        QStringLiteral("In")},
                       m_served.s3, withKeys(keys));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = aws({QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                 QStringLiteral("Out")},
                m_served.s3, withKeys(keys));
        QVERIFY2(r.err.contains("(AccessDenied)"), r.err.constData());

        r = aws({QStringLiteral("s3api"), QStringLiteral("list-buckets")}, m_served.s3,
                withKeys(keys, QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")));
        QVERIFY2(r.err.contains("An error occurred (SignatureDoesNotMatch) when calling the ListBuckets operation: The "
                                "request signature we calculated does not match the signature you provided."),
                 r.err.constData());
        r = aws({QStringLiteral("s3api"), QStringLiteral("list-buckets")}, m_served.s3,
                withKeys(keys, {}, QStringLiteral("IQoJb3JpZ2luX2VjEFNTUDIOnotthetoken")));
        QVERIFY2(r.err.contains("(InvalidToken)"), r.err.constData());
        QJsonObject unknown = keys;
        unknown.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("ASIAFNSTUDIOAAAAAAAA"));
        r = aws({QStringLiteral("s3api"), QStringLiteral("list-buckets")}, m_served.s3, withKeys(unknown));
        QVERIFY2(
            r.err.contains("An error occurred (InvalidAccessKeyId) when calling the ListBuckets operation: The AWS "
                           "Access Key Id you provided does not exist in our records."),
            r.err.constData());
        r = aws({QStringLiteral("lambda"), QStringLiteral("list-functions")}, m_served.lambda,
                withKeys(keys, QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")));
        QVERIFY2(r.err.contains("(InvalidSignatureException)"), r.err.constData());
        r = aws({QStringLiteral("lambda"), QStringLiteral("list-functions")}, m_served.lambda, withKeys(unknown));
        QVERIFY2(r.err.contains("An error occurred (UnrecognizedClientException) when calling the ListFunctions "
                                "operation: The security token included in the request is invalid."),
                 r.err.constData());

        // A clock 20 minutes behind: signed by hand, as no client here can be made to lie about the time.
        fn::SignedRequest skewed;
        skewed.method = "GET";
        skewed.target = "/In?list-type=2";
        const int port = QUrl(m_served.s3).port();
        skewed.headers = {{"Host", "127.0.0.1:" + std::to_string(port)}};
        fn::SigV4::sign(skewed, fn::SigV4::Service::S3,
                        keys.value(QStringLiteral("AWS_ACCESS_KEY_ID")).toString().toStdString(),
                        keys.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).toString().toStdString(),
                        keys.value(QStringLiteral("AWS_SESSION_TOKEN")).toString().toStdString(), "us-east-1", "s3",
                        QDateTime::currentSecsSinceEpoch() - 20 * 60);
        httplib::Headers headers;
        for (const auto &[name, value] : skewed.headers)
            if (name != "Host")
                headers.emplace(name, value);
        httplib::Client client("127.0.0.1", port);
        const auto answer = client.Get("/In?list-type=2", headers);
        QVERIFY(answer);
        QCOMPARE(answer->status, 403);
        QVERIFY2(answer->body.find("<Code>RequestTimeTooSkewed</Code><Message>The difference between the request time "
                                   "and the current time is too large.</Message>")
                     != std::string::npos,
                 answer->body.c_str());

        // A presigned URL works until it expires, then S3's AccessDenied "Request has expired".
        r = aws({QStringLiteral("s3"), QStringLiteral("presign"), QStringLiteral("s3://In/photo.txt"),
                 QStringLiteral("--expires-in"), QStringLiteral("2")},
                m_served.s3, withKeys(keys));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QUrl url(QString::fromUtf8(r.out.trimmed()));
        const std::string path =
            url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded).toStdString();
        const auto fresh = client.Get(path);
        QVERIFY(fresh);
        QCOMPARE(fresh->status, 200);
        QCOMPARE(fresh->body, std::string("a photo\n"));
        QTest::qWait(3500);
        const auto expired = client.Get(path);
        QVERIFY(expired);
        QCOMPARE(expired->status, 403);
        QVERIFY2(expired->body.find("<Code>AccessDenied</Code><Message>Request has expired</Message>")
                     != std::string::npos,
                 expired->body.c_str());
    }

    // fnstudio-cli access: the decisions of one run, and the least privilege for it, which applied
    // to the template makes the next run clean.
    void accessCommandSuggestsTheLeastPrivilege()
    {
        ProjectBuilder project = accessProject("enforce");
        const QString event = m_dir.filePath(QStringLiteral("ops.json"));
        QVERIFY(writeFile(event, R"({"ops": [["get", "In", "photo.txt"], ["put", "Out", "thumb.txt"]]})"));
        const auto access = [&](const ProjectBuilder &p, const QStringList &extra) {
            QProcess cli;
            cli.start(QStringLiteral(FN_CLI),
                      QStringList{QStringLiteral("access"), QStringLiteral("Reader"), QStringLiteral("--project"),
                                  p.path(), QStringLiteral("--event"), event}
                          + extra);
            cli.waitForFinished(120000);
            return std::make_pair(cli.exitCode(), QByteArray(cli.readAllStandardOutput() + cli.readAllStandardError()));
        };
        auto [code, out] = access(project, {});
        QVERIFY2(code == 0, out.constData());
        QVERIFY2(
            out.contains("ALLOWED  s3:GetObject  arn:aws:s3:::In/photo.txt  allowed by S3ReadPolicy (Statement[0])"),
            out.constData());
        QVERIFY2(out.contains("DENIED  s3:PutObject  arn:aws:s3:::Out/thumb.txt  no statement allows s3:PutObject on "
                              "arn:aws:s3:::Out/thumb.txt"),
                 out.constData());
        std::tie(code, out) = access(project, {QStringLiteral("--suggest")});
        QVERIFY2(code == 0, out.constData());
        const QByteArray expected = "    Policies:\n"
                                    "      - Statement:\n"
                                    "          - Effect: Allow\n"
                                    "            Action:\n"
                                    "              - 's3:GetObject'\n"
                                    "            Resource:\n"
                                    "              - 'arn:aws:s3:::In/photo.txt'\n"
                                    "          - Effect: Allow\n"
                                    "            Action:\n"
                                    "              - 's3:PutObject'\n"
                                    "            Resource:\n"
                                    "              - 'arn:aws:s3:::Out/thumb.txt'\n";
        QVERIFY2(out.contains(expected), out.constData());

        // Applied: the same function with exactly that policy makes only allowed calls.
        QByteArray properties = "Timeout: 30\n";
        for (const QByteArray &line : expected.split('\n'))
            if (!line.isEmpty())
                properties += line.mid(4) + '\n';
        ProjectBuilder applied;
        applied.resource(QStringLiteral("In"), "Type: AWS::S3::Bucket\n")
            .resource(QStringLiteral("Out"), "Type: AWS::S3::Bucket\n")
            .function(QStringLiteral("Reader"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties(properties)
            .code(QStringLiteral("app.py"), Handler)
            .file(QStringLiteral(".fnstudio/settings.json"), "{\"permissions\": \"enforce\"}\n")
            .file(QStringLiteral(".fnstudio/buckets/In/photo.txt"), "a photo\n");
        std::tie(code, out) = access(applied, {});
        QVERIFY2(code == 0, out.constData());
        QVERIFY2(out.contains("ALLOWED  s3:PutObject  arn:aws:s3:::Out/thumb.txt  allowed by Policies[0]"),
                 out.constData());
        QVERIFY2(!out.contains("DENIED"), out.constData());
    }

    // Under "warn" the same calls go on, and serve says what would be denied on AWS.
    void warnLetsTheCallThroughAndSaysSo()
    {
        ProjectBuilder project = accessProject("warn");
        Served served;
        QVERIFY2(served.start(project.path()), served.log().constData());
        std::swap(m_served.lambda, served.lambda);
        const QJsonArray results = run(QStringLiteral("Reader"), R"([["put", "Out", "warned.txt"]])");
        std::swap(m_served.lambda, served.lambda);
        QCOMPARE(results.size(), 1);
        QCOMPARE(results.at(0).toString(), QStringLiteral("ok"));
        QVERIFY(QFileInfo::exists(project.filePath(QStringLiteral(".fnstudio/buckets/Out/warned.txt"))));
        QTRY_VERIFY2(served.log().contains("permissions: function Reader: s3:PutObject on arn:aws:s3:::Out/warned.txt "
                                           "would be denied on AWS (no statement allows s3:PutObject on "
                                           "arn:aws:s3:::Out/warned.txt); permissions are \"warn\", so it went on"),
                     served.err.constData());
        QVERIFY2(stopServe(served.serve, &served.err), served.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
