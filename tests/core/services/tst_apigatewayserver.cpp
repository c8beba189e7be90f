// The API Gateway front as an HTTP client sees it: real Python and Node functions from a SAM
// template behind ApiGatewayServer, echoing the events they get and returning every response shape.
#include "engine/engine.h"
#include "project/project.h"
#include "services/apigatewayserver.h"

#include "projectbuilder.h"
#include "rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include <httplib.h>

using namespace fn;

namespace {

constexpr const char *Template = R"YAML(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  RestEcho:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.echo
      CodeUri: .
      Timeout: 10
      Events:
        Rest:
          Type: Api
          Properties:
            Path: /rest/{id}
            Method: ANY
        HttpV1:
          Type: HttpApi
          Properties:
            Path: /v1/{id}
            Method: POST
            PayloadFormatVersion: "1.0"
  RestShape:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.shape
      CodeUri: .
      Timeout: 10
      Events:
        Shape:
          Type: Api
          Properties:
            Path: /shape/{kind}
            Method: GET
  HttpEcho:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.echo
      CodeUri: .
      Timeout: 10
      Events:
        Proxy:
          Type: HttpApi
          Properties:
            Path: /http/{proxy+}
            Method: ANY
  HttpShape:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.shape
      CodeUri: .
      Timeout: 10
      Events:
        Shape:
          Type: HttpApi
          Properties:
            Path: /v2/{kind}
            Method: GET
)YAML";

constexpr const char *Python = R"PY(import base64, json

def echo(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}

def shape(event, context):
    kind = event["pathParameters"]["kind"]
    if kind == "multi":
        return {"statusCode": 201,
                "headers": {"X-Single": "s", "X-Both": "single"},
                "multiValueHeaders": {"X-Multi": ["a", "b"], "X-Both": ["m1", "m2"]},
                "body": "created"}
    if kind == "binary":
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(bytes(range(256))).decode(), "isBase64Encoded": True}
    if kind == "malformed":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if kind == "extra":
        return {"statusCode": 200, "body": "x", "unexpected": 1}
    if kind == "fail":
        raise ValueError("failed on purpose")
    return {"statusCode": 418, "body": kind}
)PY";

constexpr const char *Node = R"JS(exports.echo = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });

exports.shape = async (event) => {
    switch (event.pathParameters.kind) {
    case 'cookies':
        return { statusCode: 200, cookies: ['a=1; Path=/', 'b=2'],
                 headers: { 'x-custom': 'yes', 'content-type': 'text/plain' }, body: 'ok' };
    case 'dict':
        return { hello: 'world', n: 1 };
    case 'string':
        return 'plain text';
    case 'fail':
        throw new Error('failed on purpose');
    }
    return { statusCode: 418, body: event.pathParameters.kind };
};
)JS";

QJsonObject json(const std::string &body)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
}

QString header(const httplib::Result &r, const char *name)
{
    return r && r->has_header(name) ? QString::fromStdString(r->get_header_value(name)) : QString();
}

std::string allBytes()
{
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(char(i));
    return bytes;
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

} // namespace

class TestApiGatewayServer : public QObject
{
    Q_OBJECT

    fn::test::ProjectBuilder m_project;
    QList<FunctionConfig> m_functions;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiGatewayServer> m_server;
    std::unique_ptr<httplib::Client> m_client;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_project.templateText(Template).file(QStringLiteral("app.py"), Python).file(QStringLiteral("index.js"), Node);
        Project project;
        QVERIFY2(project.open(m_project.path()),
                 qPrintable(project.errors().isEmpty() ? QString() : project.errors().constFirst().toString()));
        m_functions = project.functions();
        QCOMPARE(m_functions.size(), 4);

        m_engine = std::make_unique<Engine>();
        m_server = std::make_unique<ApiGatewayServer>(*m_engine);
        m_server->setFunctions(m_functions);
        QVERIFY2(m_server->warnings().isEmpty(), qPrintable(m_server->warnings().join(QLatin1Char('\n'))));
        QCOMPARE(m_server->routes().routes().size(), 5);
        QString error;
        QVERIFY2(m_server->start(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        QVERIFY(m_server->port() > 0);
        QCOMPARE(m_server->url(), QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));

        m_client = std::make_unique<httplib::Client>("127.0.0.1", m_server->port());
        m_client->set_keep_alive(true);
        m_client->set_url_encode(false); // the tests send paths already encoded, as a browser would
        m_client->set_read_timeout(60, 0);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_server.reset();
        m_engine.reset();
    }

    void restEvent()
    {
        const httplib::Headers headers{{"X-Dup", "1"}, {"X-Dup", "2"}, {"User-Agent", "tst-agent"}};
        const auto r = m_client->Get("/rest/42?a=1&a=2&b=x%20y", headers);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("resource")).toString(), QStringLiteral("/rest/{id}"));
        QCOMPARE(e.value(QStringLiteral("path")).toString(), QStringLiteral("/rest/42"));
        QCOMPARE(e.value(QStringLiteral("httpMethod")).toString(), QStringLiteral("GET"));
        QVERIFY(!e.contains(QStringLiteral("version")));
        const QJsonObject h = e.value(QStringLiteral("headers")).toObject();
        QCOMPARE(h.value(QStringLiteral("X-Dup")).toString(), QStringLiteral("2"));
        QCOMPARE(h.value(QStringLiteral("User-Agent")).toString(), QStringLiteral("tst-agent"));
        QVERIFY(!h.contains(QStringLiteral("REMOTE_ADDR")));
        const QJsonObject mh = e.value(QStringLiteral("multiValueHeaders")).toObject();
        QCOMPARE(strings(mh.value(QStringLiteral("X-Dup"))), (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        const QJsonObject q = e.value(QStringLiteral("queryStringParameters")).toObject();
        QCOMPARE(q.value(QStringLiteral("a")).toString(), QStringLiteral("2"));
        QCOMPARE(q.value(QStringLiteral("b")).toString(), QStringLiteral("x y"));
        const QJsonObject mq = e.value(QStringLiteral("multiValueQueryStringParameters")).toObject();
        QCOMPARE(strings(mq.value(QStringLiteral("a"))), (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        QCOMPARE(e.value(QStringLiteral("pathParameters")).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("42"));
        QVERIFY(e.value(QStringLiteral("stageVariables")).isNull());
        QVERIFY(e.value(QStringLiteral("body")).isNull());
        QCOMPARE(e.value(QStringLiteral("isBase64Encoded")).toBool(true), false);

        const QJsonObject c = e.value(QStringLiteral("requestContext")).toObject();
        QCOMPARE(c.value(QStringLiteral("accountId")).toString(), QStringLiteral("123456789012"));
        QCOMPARE(c.value(QStringLiteral("stage")).toString(), QStringLiteral("Prod"));
        QCOMPARE(c.value(QStringLiteral("resourcePath")).toString(), QStringLiteral("/rest/{id}"));
        QCOMPARE(c.value(QStringLiteral("path")).toString(), QStringLiteral("/Prod/rest/42"));
        QCOMPARE(c.value(QStringLiteral("httpMethod")).toString(), QStringLiteral("GET"));
        QCOMPARE(c.value(QStringLiteral("protocol")).toString(), QStringLiteral("HTTP/1.1"));
        QCOMPARE(c.value(QStringLiteral("apiId")).toString().size(), 10);
        QCOMPARE(c.value(QStringLiteral("resourceId")).toString().size(), 6);
        QCOMPARE(c.value(QStringLiteral("requestId")).toString(), header(r, "x-amzn-RequestId"));
        QVERIFY(c.value(QStringLiteral("requestTimeEpoch")).toDouble() > 1.7e12);
        QVERIFY(QRegularExpression(QStringLiteral(R"(^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$)"))
                    .match(c.value(QStringLiteral("requestTime")).toString())
                    .hasMatch());
        const QJsonObject identity = c.value(QStringLiteral("identity")).toObject();
        QCOMPARE(identity.value(QStringLiteral("sourceIp")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(identity.value(QStringLiteral("userAgent")).toString(), QStringLiteral("tst-agent"));
    }

    void restBodies()
    {
        auto r = m_client->Put("/rest/1", "{\"x\": \"ü\"}", "application/json");
        QVERIFY(r);
        QJsonObject e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("httpMethod")).toString(), QStringLiteral("PUT"));
        QCOMPARE(e.value(QStringLiteral("body")).toString(), QStringLiteral("{\"x\": \"ü\"}"));
        QCOMPARE(e.value(QStringLiteral("isBase64Encoded")).toBool(true), false);

        r = m_client->Post("/rest/1", allBytes(), "application/octet-stream");
        QVERIFY(r);
        e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("isBase64Encoded")).toBool(), true);
        QCOMPARE(e.value(QStringLiteral("body")).toString().toLatin1(),
                 QByteArray::fromStdString(allBytes()).toBase64());

        // A multipart form reaches the function as the bytes sent, not as httplib's parsed parts.
        const std::string form = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nvalue\r\n--XyZ--\r\n";
        r = m_client->Post("/rest/1", form, "multipart/form-data; boundary=XyZ");
        QVERIFY(r);
        QCOMPARE(json(r->body).value(QStringLiteral("body")).toString().toStdString(), form);
    }

    // A request whose body cannot be read whole never runs the function: not one over API Gateway's
    // 10 MB (answered 413 while the client listens), not one cut off by a dropped connection.
    void bodiesReadWholeOrNotAtAll_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray head = "POST /rest/1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        QTest::newRow("over 10 MB by its length")
            << QByteArray(head + "Content-Length: 10485761\r\n\r\n" + QByteArray(64 * 1024, 'x'));
        QTest::newRow("over 10 MB in chunks")
            << QByteArray(head + "Transfer-Encoding: chunked\r\n\r\n"
                          + QByteArray("100000\r\n" + QByteArray(0x100000, 'x') + "\r\n").repeated(11) + "0\r\n\r\n");
        QTest::newRow("cut off") << QByteArray(head + "Content-Length: 1000\r\n\r\n{\"partial\": ");
    }
    void bodiesReadWholeOrNotAtAll()
    {
        QFETCH(QByteArray, request);
        QSignalSpy ran(m_engine.get(), &Engine::invocationStarted);
        const std::string answer = fn::test::rawExchange(m_server->port(), request.toStdString());
        // When an answer gets through, it is API Gateway's own.
        QVERIFY2(answer.empty() || answer.rfind("HTTP/1.1 413", 0) == 0 || answer.rfind("HTTP/1.1 400", 0) == 0,
                 answer.substr(0, 300).c_str());
        QCOMPARE(ran.count(), 0);
    }

    // A header or query of invalid UTF-8 reaches the function replaced (it was a 500).
    void invalidUtf8InTheRequest()
    {
        const auto r = m_client->Get("/rest/1?q=%FF", {{"X-Bytes", "a\xff\xfe"}});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("headers")).toObject().value(QStringLiteral("X-Bytes")).toString(),
                 QStringLiteral("a\uFFFD\uFFFD"));
    }

    // The 413 a client sees, in API Gateway's words.
    void overTenMegabytesIsRequestTooLong()
    {
        QSignalSpy ran(m_engine.get(), &Engine::invocationStarted);
        const auto r = m_client->Post("/rest/1", std::string(10 * 1024 * 1024 + 1, 'x'), "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QCOMPARE(json(r->body).value(QStringLiteral("message")).toString(), QStringLiteral("Request Too Long"));
        QCOMPARE(ran.count(), 0);
    }

    void httpEvent()
    {
        const httplib::Headers headers{
            {"Cookie", "c1=v1; c2=v2"}, {"X-Dup", "1"}, {"X-Dup", "2"}, {"User-Agent", "tst-agent"}};
        const auto r = m_client->Get("/http/a/b%20c?x=1&x=2&y=", headers);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("version")).toString(), QStringLiteral("2.0"));
        QCOMPARE(e.value(QStringLiteral("routeKey")).toString(), QStringLiteral("ANY /http/{proxy+}"));
        QCOMPARE(e.value(QStringLiteral("rawPath")).toString(), QStringLiteral("/http/a/b%20c"));
        QCOMPARE(e.value(QStringLiteral("rawQueryString")).toString(), QStringLiteral("x=1&x=2&y="));
        QCOMPARE(strings(e.value(QStringLiteral("cookies"))),
                 (QStringList{QStringLiteral("c1=v1"), QStringLiteral("c2=v2")}));
        const QJsonObject h = e.value(QStringLiteral("headers")).toObject();
        QCOMPARE(h.value(QStringLiteral("x-dup")).toString(), QStringLiteral("1,2"));
        QCOMPARE(h.value(QStringLiteral("user-agent")).toString(), QStringLiteral("tst-agent"));
        QVERIFY(!h.contains(QStringLiteral("cookie")));
        QVERIFY(!h.contains(QStringLiteral("X-Dup")));
        const QJsonObject q = e.value(QStringLiteral("queryStringParameters")).toObject();
        QCOMPARE(q.value(QStringLiteral("x")).toString(), QStringLiteral("1,2"));
        QCOMPARE(q.value(QStringLiteral("y")).toString(), QString());
        QCOMPARE(e.value(QStringLiteral("pathParameters")).toObject().value(QStringLiteral("proxy")).toString(),
                 QStringLiteral("a/b c"));
        QVERIFY(!e.contains(QStringLiteral("body")));
        QVERIFY(!e.contains(QStringLiteral("multiValueHeaders")));
        QCOMPARE(e.value(QStringLiteral("isBase64Encoded")).toBool(true), false);

        const QJsonObject c = e.value(QStringLiteral("requestContext")).toObject();
        QCOMPARE(c.value(QStringLiteral("accountId")).toString(), QStringLiteral("123456789012"));
        QCOMPARE(c.value(QStringLiteral("stage")).toString(), QStringLiteral("$default"));
        QCOMPARE(c.value(QStringLiteral("routeKey")).toString(), QStringLiteral("ANY /http/{proxy+}"));
        QCOMPARE(c.value(QStringLiteral("domainName")).toString(),
                 QStringLiteral("127.0.0.1:%1").arg(m_server->port()));
        QCOMPARE(c.value(QStringLiteral("domainPrefix")).toString(), QStringLiteral("127"));
        QCOMPARE(c.value(QStringLiteral("requestId")).toString(), header(r, "apigw-requestid"));
        QVERIFY(c.value(QStringLiteral("timeEpoch")).toDouble() > 1.7e12);
        QVERIFY(!c.value(QStringLiteral("time")).toString().isEmpty());
        const QJsonObject http = c.value(QStringLiteral("http")).toObject();
        QCOMPARE(http.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
        QCOMPARE(http.value(QStringLiteral("path")).toString(), QStringLiteral("/http/a/b c"));
        QCOMPARE(http.value(QStringLiteral("protocol")).toString(), QStringLiteral("HTTP/1.1"));
        QCOMPARE(http.value(QStringLiteral("sourceIp")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(http.value(QStringLiteral("userAgent")).toString(), QStringLiteral("tst-agent"));

        const auto binary = m_client->Post("/http/upload", allBytes(), "image/png");
        QVERIFY(binary);
        const QJsonObject b = json(binary->body);
        QCOMPARE(b.value(QStringLiteral("isBase64Encoded")).toBool(), true);
        QCOMPARE(b.value(QStringLiteral("body")).toString().toLatin1(),
                 QByteArray::fromStdString(allBytes()).toBase64());
        QCOMPARE(b.value(QStringLiteral("requestContext"))
                     .toObject()
                     .value(QStringLiteral("http"))
                     .toObject()
                     .value(QStringLiteral("method"))
                     .toString(),
                 QStringLiteral("POST"));
    }

    void httpPayloadVersion1()
    {
        const auto r = m_client->Post("/v1/7", "hello", "text/plain");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject e = json(r->body);
        QCOMPARE(e.value(QStringLiteral("version")).toString(), QStringLiteral("1.0"));
        QCOMPARE(e.value(QStringLiteral("resource")).toString(), QStringLiteral("/v1/{id}"));
        QCOMPARE(e.value(QStringLiteral("httpMethod")).toString(), QStringLiteral("POST"));
        QCOMPARE(e.value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
        QVERIFY(e.value(QStringLiteral("multiValueHeaders")).isObject());
        QCOMPARE(e.value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("stage")).toString(),
                 QStringLiteral("$default"));
    }

    void restResponses()
    {
        auto r = m_client->Get("/shape/multi");
        QVERIFY(r);
        QCOMPARE(r->status, 201);
        QCOMPARE(r->body, std::string("created"));
        QCOMPARE(header(r, "X-Single"), QStringLiteral("s"));
        QCOMPARE(r->get_header_value_count("X-Multi"), size_t(2));
        QCOMPARE(QString::fromStdString(r->get_header_value("X-Multi", 0)), QStringLiteral("a"));
        QCOMPARE(QString::fromStdString(r->get_header_value("X-Multi", 1)), QStringLiteral("b"));
        // Named in both maps: multiValueHeaders' values win.
        QCOMPARE(r->get_header_value_count("X-Both"), size_t(2));
        QCOMPARE(QString::fromStdString(r->get_header_value("X-Both", 0)), QStringLiteral("m1"));
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("application/json"));

        r = m_client->Get("/shape/binary");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("image/png"));
        QVERIFY(r->body == allBytes());
    }

    void httpResponses()
    {
        auto r = m_client->Get("/v2/cookies");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("ok"));
        QCOMPARE(header(r, "x-custom"), QStringLiteral("yes"));
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("text/plain"));
        QCOMPARE(r->get_header_value_count("Set-Cookie"), size_t(2));
        QCOMPARE(QString::fromStdString(r->get_header_value("Set-Cookie", 0)), QStringLiteral("a=1; Path=/"));
        QCOMPARE(QString::fromStdString(r->get_header_value("Set-Cookie", 1)), QStringLiteral("b=2"));

        // Payload 2.0 infers a response for a result without statusCode.
        r = m_client->Get("/v2/dict");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("application/json"));
        const QJsonObject dict = json(r->body);
        QCOMPARE(dict.value(QStringLiteral("hello")).toString(), QStringLiteral("world"));
        QCOMPARE(dict.value(QStringLiteral("n")).toInt(), 1);

        r = m_client->Get("/v2/string");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("plain text"));
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("application/json"));

        r = m_client->Get("/v2/teapot");
        QVERIFY(r);
        QCOMPARE(r->status, 418);
        QCOMPARE(r->body, std::string("teapot"));
    }

    void internalServerError_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("python raises") << QStringLiteral("/shape/fail");
        QTest::newRow("body not a string") << QStringLiteral("/shape/malformed");
        QTest::newRow("unknown member") << QStringLiteral("/shape/extra");
        QTest::newRow("node throws") << QStringLiteral("/v2/fail");
    }

    void internalServerError()
    {
        QFETCH(QString, path);
        const auto r = m_client->Get(path.toStdString());
        QVERIFY(r);
        QCOMPARE(r->status, 502);
        QCOMPARE(r->body, std::string(R"({"message": "Internal server error"})"));
        QCOMPARE(header(r, "Content-Type"), QStringLiteral("application/json"));
    }

    void noRoute()
    {
        auto r = m_client->Get("/nowhere");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(r->body, std::string(R"({"message":"Not Found"})"));
        r = m_client->Delete("/shape/multi"); // the path exists, for GET only
        QVERIFY(r);
        QCOMPARE(r->status, 404);

        // A front with only REST APIs answers as a REST API does.
        ApiGatewayServer rest(*m_engine);
        QList<FunctionConfig> restOnly;
        for (const FunctionConfig &f : std::as_const(m_functions))
            if (f.name == QLatin1String("RestShape"))
                restOnly << f;
        rest.setFunctions(restOnly);
        QString error;
        QVERIFY2(rest.start(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        httplib::Client client("127.0.0.1", rest.port());
        r = client.Get("/nowhere");
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(r->body, std::string(R"({"message":"Missing Authentication Token"})"));
        QCOMPARE(header(r, "x-amzn-ErrorType"), QStringLiteral("MissingAuthenticationTokenException"));
    }

    void portInUse()
    {
        ApiGatewayServer second(*m_engine);
        second.setFunctions(m_functions);
        QString error;
        QVERIFY(!second.start(QStringLiteral("127.0.0.1"), m_server->port(), &error));
        QCOMPARE(error, QStringLiteral("127.0.0.1:%1 is already in use").arg(m_server->port()));
        QVERIFY(!second.isRunning());
        QVERIFY(m_server->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestApiGatewayServer)
#include "tst_apigatewayserver.moc"
