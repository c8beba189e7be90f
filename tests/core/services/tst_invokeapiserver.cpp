// The Lambda Invoke API as an HTTP client sees it: a real Python function behind
// InvokeApiServer, called through cpp-httplib over one keep-alive connection.
#include "access/authorizer.h"
#include "access/sigv4.h"
#include "engine/engine.h"
#include "project/functionversions.h"
#include "services/invokeapiserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <httplib.h>

#include <mutex>

using namespace fn;

namespace {

constexpr const char *Handler = R"PY(
def handler(event, context):
    print("handling", event.get("name", "nobody"))
    if event.get("fail"):
        raise ValueError("failed on purpose")
    custom = context.client_context.custom if context.client_context else None
    return {"hello": event.get("name", "world"), "requestId": context.aws_request_id, "custom": custom}

def chatty(event, context):
    for i in range(400):
        print("line %03d of a chatty function" % i)
    return "done"
)PY";

const QString Arn = QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:");

QJsonObject json(const std::string &body)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
}

QString header(const httplib::Result &r, const char *name)
{
    return r && r->has_header(name) ? QString::fromStdString(r->get_header_value(name)) : QString();
}

std::string invocations(const QString &name)
{
    return "/2015-03-31/functions/" + name.toStdString() + "/invocations";
}

// A JSON string of exactly `size` bytes.
std::string jsonStringOfSize(size_t size)
{
    return '"' + std::string(size - 2, 'a') + '"';
}

} // namespace

class TestInvokeApiServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_code;
    std::unique_ptr<Engine> m_engine;
    Authorizer m_authorizer; // the developer's requests: always allowed, signed or not unless required
    std::unique_ptr<InvokeApiServer> m_server;
    std::unique_ptr<httplib::Client> m_client;
    std::mutex m_mutex;
    QList<InvocationRecord> m_finished;

    httplib::Result post(const std::string &path, const std::string &body, const httplib::Headers &headers = {})
    {
        return m_client->Post(path.c_str(), headers, body, "application/json");
    }

    QList<InvocationRecord> finished()
    {
        std::lock_guard lock(m_mutex);
        return m_finished;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_code.isValid());
        QFile file(QDir(m_code.path()).filePath(QStringLiteral("app.py")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(Handler);
        file.close();

        FunctionConfig hello;
        hello.name = QStringLiteral("Hello");
        hello.runtime = QStringLiteral("python3.12");
        hello.handler = QStringLiteral("app.handler");
        hello.codeDir = m_code.path();
        hello.memoryMb = 256;
        hello.timeoutSec = 5;
        hello.environment = {{QStringLiteral("GREETING"), QStringLiteral("hi")}};
        FunctionConfig chatty = hello;
        chatty.name = QStringLiteral("Chatty");
        chatty.handler = QStringLiteral("app.chatty");
        chatty.environment.clear();

        m_engine = std::make_unique<Engine>();
        connect(
            m_engine.get(), &Engine::invocationFinished, this,
            [this](const InvocationRecord &record) {
                std::lock_guard lock(m_mutex);
                m_finished << record;
            },
            Qt::DirectConnection);
        m_server = std::make_unique<InvokeApiServer>(*m_engine);
        m_server->setFunctions({hello, chatty});
        m_server->setAuthorizer(&m_authorizer);
        QString error;
        QVERIFY2(m_server->start(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        QVERIFY(m_server->port() > 0);
        QCOMPARE(m_server->url(), QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));

        m_client = std::make_unique<httplib::Client>("127.0.0.1", m_server->port());
        m_client->set_keep_alive(true);
        m_client->set_tcp_nodelay(true);
        m_client->set_read_timeout(60, 0);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_server.reset();
        m_engine.reset();
    }

    void requestResponse()
    {
        // Twice over the same connection: cold, then warm.
        for (int i = 0; i < 2; ++i) {
            const auto r = post(invocations(QStringLiteral("Hello")), R"({"name":"Ada"})");
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            const QJsonObject body = json(r->body);
            QCOMPARE(body.value(QStringLiteral("hello")).toString(), QStringLiteral("Ada"));
            QCOMPARE(header(r, "x-amzn-RequestId"), body.value(QStringLiteral("requestId")).toString());
            QCOMPARE(header(r, "X-Amz-Executed-Version"), QStringLiteral("$LATEST"));
            QVERIFY(!r->has_header("X-Amz-Function-Error"));
            QVERIFY(!r->has_header("X-Amz-Log-Result"));
            QCOMPARE(header(r, "Content-Type"), QStringLiteral("application/json"));
        }
    }

    void functionNameForms_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::newRow("name:$LATEST") << QStringLiteral("Hello:$LATEST") << 200;
        QTest::newRow("full ARN") << Arn + QStringLiteral("Hello") << 200;
        QTest::newRow("full ARN, url-encoded as botocore sends it")
            << QStringLiteral("arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3AHello") << 200;
        QTest::newRow("partial ARN") << QStringLiteral("123456789012:function:Hello") << 200;
        QTest::newRow("Qualifier=$LATEST") << QStringLiteral("Hello/invocations?Qualifier=%24LATEST") << 200;
        QTest::newRow("a version that does not exist") << QStringLiteral("Hello:1") << 404;
        QTest::newRow("an alias that does not exist") << QStringLiteral("Hello/invocations?Qualifier=live") << 404;
        QTest::newRow("conflicting qualifiers") << QStringLiteral("Hello:$LATEST/invocations?Qualifier=live") << 400;
        QTest::newRow("not a function name") << QStringLiteral("no%20such%20thing") << 400;
    }

    void functionNameForms()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        const std::string target = path.contains(QLatin1String("/invocations"))
                                       ? "/2015-03-31/functions/" + path.toStdString()
                                       : invocations(path);
        const auto r = post(target, "{}");
        QVERIFY(r);
        QCOMPARE(r->status, status);
        if (status == 200)
            QCOMPARE(json(r->body).value(QStringLiteral("hello")).toString(), QStringLiteral("world"));
        else
            QVERIFY(!header(r, "x-amzn-ErrorType").isEmpty());
    }

    void functionError()
    {
        const auto r = post(invocations(QStringLiteral("Hello")), R"({"fail":true})");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(header(r, "X-Amz-Function-Error"), QStringLiteral("Unhandled"));
        QCOMPARE(header(r, "X-Amz-Executed-Version"), QStringLiteral("$LATEST"));
        const QJsonObject body = json(r->body);
        QCOMPARE(body.value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
        QCOMPARE(body.value(QStringLiteral("errorMessage")).toString(), QStringLiteral("failed on purpose"));
        QVERIFY(body.value(QStringLiteral("stackTrace")).isArray());
    }

    void eventInvocation()
    {
        const auto r =
            post(invocations(QStringLiteral("Hello")), R"({"name":"async"})", {{"X-Amz-Invocation-Type", "Event"}});
        QVERIFY(r);
        QCOMPARE(r->status, 202);
        QVERIFY(r->body.empty());
        QVERIFY(!header(r, "x-amzn-RequestId").isEmpty());
        // It really runs, later, on the engine's workers.
        const auto ranAsync = [this] {
            for (const InvocationRecord &record : finished())
                if (record.payload.contains("\"async\""))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(ranAsync(), 30000);
    }

    void eventHandlerCanBeReplaced()
    {
        QList<QByteArray> queued;
        InvokeApiServer server(*m_engine);
        FunctionConfig f;
        f.name = QStringLiteral("Queued");
        server.setFunctions({f});
        server.setEventHandler([&queued](const FunctionConfig &function, const QByteArray &payload) {
            queued << function.name.toUtf8() + ' ' + payload;
            return QStringLiteral("11111111-2222-3333-4444-555555555555");
        });
        QString error;
        QVERIFY2(server.start(QStringLiteral("127.0.0.1"), 0, &error), qPrintable(error));
        httplib::Client client("127.0.0.1", server.port());
        const auto r = client.Post("/2015-03-31/functions/Queued/invocations", {{"X-Amz-Invocation-Type", "Event"}}, "",
                                   "application/json");
        QVERIFY(r);
        QCOMPARE(r->status, 202);
        QCOMPARE(header(r, "x-amzn-RequestId"), QStringLiteral("11111111-2222-3333-4444-555555555555"));
        QCOMPARE(queued, QList<QByteArray>{QByteArrayLiteral("Queued {}")}); // an empty body is an empty event
    }

    void dryRun()
    {
        const auto before = finished().size();
        const auto r = post(invocations(QStringLiteral("Hello")), "{}", {{"X-Amz-Invocation-Type", "DryRun"}});
        QVERIFY(r);
        QCOMPARE(r->status, 204);
        QVERIFY(r->body.empty());
        QCOMPARE(finished().size(), before);
    }

    void invalidInvocationType()
    {
        const auto r = post(invocations(QStringLiteral("Hello")), "{}", {{"X-Amz-Invocation-Type", "Later"}});
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(header(r, "x-amzn-ErrorType"), QStringLiteral("InvalidParameterValueException"));
        QVERIFY(json(r->body).value(QStringLiteral("message")).toString().contains(QLatin1String("'Later'")));
    }

    void tailLog()
    {
        const auto r = post(invocations(QStringLiteral("Hello")), R"({"name":"Tail"})", {{"X-Amz-Log-Type", "Tail"}});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QString id = header(r, "x-amzn-RequestId");
        const QString log = QString::fromUtf8(QByteArray::fromBase64(header(r, "X-Amz-Log-Result").toLatin1()));
        const QStringList lines = log.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 4, qPrintable(log));
        QVERIFY2(lines.first().startsWith(QStringLiteral("START RequestId: ") + id), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("handling Tail")), qPrintable(log));
        QVERIFY2(lines.at(lines.size() - 2).startsWith(QStringLiteral("END RequestId: ") + id), qPrintable(log));
        QVERIFY2(lines.last().startsWith(QStringLiteral("REPORT RequestId: ") + id), qPrintable(log));
    }

    void tailLogKeepsTheLast4KB()
    {
        const auto r = post(invocations(QStringLiteral("Chatty")), "{}", {{"X-Amz-Log-Type", "Tail"}});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QByteArray log = QByteArray::fromBase64(header(r, "X-Amz-Log-Result").toLatin1());
        QVERIFY2(log.size() <= 4096 && log.size() > 3500, QByteArray::number(log.size()).constData());
        QVERIFY(!log.contains("START RequestId"));
        QVERIFY(log.contains("line 399 of a chatty function\n"));
        QVERIFY(log.contains(QByteArray("REPORT RequestId: " + header(r, "x-amzn-RequestId").toLatin1())));
    }

    void clientContext()
    {
        const QByteArray context = QByteArrayLiteral(R"({"custom":{"team":"blue"}})").toBase64();
        const auto r =
            post(invocations(QStringLiteral("Hello")), "{}", {{"X-Amz-Client-Context", context.toStdString()}});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(json(r->body).value(QStringLiteral("custom")).toObject().value(QStringLiteral("team")).toString(),
                 QStringLiteral("blue"));
    }

    void notFound()
    {
        const auto r = post(invocations(QStringLiteral("Nope")), "{}");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(header(r, "x-amzn-ErrorType"), QStringLiteral("ResourceNotFoundException"));
        QVERIFY(!header(r, "x-amzn-RequestId").isEmpty());
        const QJsonObject body = json(r->body);
        QCOMPARE(body.value(QStringLiteral("Type")).toString(), QStringLiteral("User"));
        QCOMPARE(body.value(QStringLiteral("Message")).toString(),
                 QStringLiteral("Function not found: ") + Arn + QStringLiteral("Nope"));
    }

    void invalidJson()
    {
        const auto r = post(invocations(QStringLiteral("Hello")), "{not json");
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(header(r, "x-amzn-ErrorType"), QStringLiteral("InvalidRequestContentException"));
        const QJsonObject body = json(r->body);
        QCOMPARE(body.value(QStringLiteral("Type")).toString(), QStringLiteral("User"));
        QVERIFY2(body.value(QStringLiteral("message"))
                     .toString()
                     .startsWith(QLatin1String("Could not parse request body into json: Could not parse payload into "
                                               "json: ")),
                 r->body.c_str());

        // Invalid UTF-8 in a string is no JSON either, and is said as such (it was a 500: the
        // message quoting the bytes could not be written).
        const auto bytes = post(invocations(QStringLiteral("Hello")), "{\"name\": \"\xff\xfe\"}");
        QVERIFY(bytes);
        QCOMPARE(bytes->status, 400);
        QCOMPARE(header(bytes, "x-amzn-ErrorType"), QStringLiteral("InvalidRequestContentException"));
        QVERIFY2(
            json(bytes->body).value(QStringLiteral("message")).toString().startsWith(QLatin1String("Could not parse")),
            bytes->body.c_str());

        const auto empty = post(invocations(QStringLiteral("Hello")), "");
        QVERIFY(empty);
        QCOMPARE(empty->status, 200);
        QCOMPARE(json(empty->body).value(QStringLiteral("hello")).toString(), QStringLiteral("world"));
    }

    // Request smuggling's shapes are refused before anything runs, in Lambda's error shape; one
    // length is served as ever.
    void ambiguousLengthsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        QTest::newRow("two Content-Lengths") << QByteArray("Content-Length: 2\r\nContent-Length: 2\r\n") << 400;
        QTest::newRow("Content-Length and Transfer-Encoding")
            << QByteArray("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n") << 400;
        QTest::newRow("one Content-Length") << QByteArray("Content-Length: 2\r\nConnection: close\r\n") << 200;
    }
    void ambiguousLengthsAreRefused()
    {
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        const auto finishedCount = [this] {
            std::lock_guard lock(m_mutex);
            return m_finished.size();
        };
        const qsizetype before = finishedCount();
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /2015-03-31/functions/Hello/invocations HTTP/1.1\r\nHost: localhost\r\n" + headers
                     + "\r\n{}");
        // Until the server closes (the 200: the client asked it to) or the error's JSON is whole.
        QByteArray answer;
        while (!answer.endsWith('}') && socket.waitForReadyRead(10000))
            answer += socket.readAll();
        const QByteArray statusLine = QByteArray("HTTP/1.1 ") + QByteArray::number(status);
        QVERIFY2(answer.startsWith(statusLine), answer.constData());
        if (status == 400) {
            QVERIFY2(answer.contains("InvalidRequestContentException"), answer.constData());
            QCOMPARE(finishedCount(), before); // nothing ran
        }
    }

    // HTTP/1.1: a POST with neither Content-Length nor Transfer-Encoding has no body. It was read
    // until the client closed, then answered 400 (the AWS CLI never sends one; curl -X POST does).
    void aPostWithoutALengthHasNoBody()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /2015-03-31/functions/Hello/invocations HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QByteArray answer;
        while (!answer.endsWith('}') && socket.waitForReadyRead(30000))
            answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY2(answer.contains("\"hello\""), answer.constData()); // the empty event, as {}
    }

    // Lambda reads the payload whatever its Content-Type: a form-encoded or multipart one is bytes
    // too (httplib refused a form over 8 KB with 413 "must be smaller than 6291456 bytes").
    void thePayloadsContentTypeDoesNotMatter_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded");
        QTest::newRow("multipart") << QByteArray("multipart/form-data; boundary=XyZ");
        QTest::newRow("text") << QByteArray("text/plain");
    }
    void thePayloadsContentTypeDoesNotMatter()
    {
        QFETCH(QByteArray, contentType);
        const std::string payload = "{\"name\": \"" + std::string(10 * 1024, 'f') + "\"}";
        const auto r = m_client->Post(invocations(QStringLiteral("Hello")).c_str(), payload, contentType.constData());
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(json(r->body).value(QStringLiteral("hello")).toString().size(), 10 * 1024);
    }

    void tooLarge()
    {
        const auto sync = post(invocations(QStringLiteral("Hello")), jsonStringOfSize(6291457));
        QVERIFY(sync);
        QCOMPARE(sync->status, 413);
        QCOMPARE(header(sync, "x-amzn-ErrorType"), QStringLiteral("RequestEntityTooLargeException"));
        QCOMPARE(json(sync->body).value(QStringLiteral("message")).toString(),
                 QStringLiteral("6291457 byte payload is too large for the RequestResponse invocation type (limit "
                                "6291456 bytes)"));

        const auto async =
            post(invocations(QStringLiteral("Hello")), jsonStringOfSize(1048577), {{"X-Amz-Invocation-Type", "Event"}});
        QVERIFY(async);
        QCOMPARE(async->status, 413);
        QCOMPARE(header(async, "x-amzn-ErrorType"), QStringLiteral("RequestEntityTooLargeException"));
        QCOMPARE(
            json(async->body).value(QStringLiteral("message")).toString(),
            QStringLiteral("1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"));

        m_server->setLegacyAsyncPayloadLimit(true);
        const auto legacy =
            post(invocations(QStringLiteral("Hello")), jsonStringOfSize(262145), {{"X-Amz-Invocation-Type", "Event"}});
        m_server->setLegacyAsyncPayloadLimit(false);
        QVERIFY(legacy);
        QCOMPARE(legacy->status, 413);
        QCOMPARE(json(legacy->body).value(QStringLiteral("message")).toString(),
                 QStringLiteral("262145 byte payload is too large for the Event invocation type (limit 262144 bytes)"));
    }

    void listFunctions()
    {
        const auto r = m_client->Get("/2015-03-31/functions/");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonArray functions = json(r->body).value(QStringLiteral("Functions")).toArray();
        QCOMPARE(functions.size(), 2);
        QCOMPARE(functions.at(0).toObject().value(QStringLiteral("FunctionName")).toString(), QStringLiteral("Chatty"));
        const QJsonObject hello = functions.at(1).toObject();
        QCOMPARE(hello.value(QStringLiteral("FunctionName")).toString(), QStringLiteral("Hello"));
        QCOMPARE(hello.value(QStringLiteral("FunctionArn")).toString(), Arn + QStringLiteral("Hello"));

        const auto page = m_client->Get("/2015-03-31/functions/?MaxItems=1");
        QVERIFY(page);
        const QJsonObject first = json(page->body);
        QCOMPARE(first.value(QStringLiteral("Functions")).toArray().size(), 1);
        const QString marker = first.value(QStringLiteral("NextMarker")).toString();
        QVERIFY(!marker.isEmpty());
        const auto next =
            m_client->Get(QString(QStringLiteral("/2015-03-31/functions/?MaxItems=1&Marker=") + marker).toStdString());
        QVERIFY(next);
        const QJsonObject second = json(next->body);
        QCOMPARE(
            second.value(QStringLiteral("Functions")).toArray().at(0).toObject().value(QStringLiteral("FunctionName")),
            QStringLiteral("Hello"));
        QVERIFY(!second.contains(QStringLiteral("NextMarker")));
    }

    void getFunction()
    {
        const auto r = m_client->Get("/2015-03-31/functions/Hello");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject body = json(r->body);
        const QJsonObject c = body.value(QStringLiteral("Configuration")).toObject();
        QCOMPARE(c.value(QStringLiteral("FunctionName")).toString(), QStringLiteral("Hello"));
        QCOMPARE(c.value(QStringLiteral("FunctionArn")).toString(), Arn + QStringLiteral("Hello"));
        QCOMPARE(c.value(QStringLiteral("Runtime")).toString(), QStringLiteral("python3.12"));
        QCOMPARE(c.value(QStringLiteral("Handler")).toString(), QStringLiteral("app.handler"));
        QCOMPARE(c.value(QStringLiteral("MemorySize")).toInt(), 256);
        QCOMPARE(c.value(QStringLiteral("Timeout")).toInt(), 5);
        QCOMPARE(c.value(QStringLiteral("Version")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(c.value(QStringLiteral("State")).toString(), QStringLiteral("Active"));
        QCOMPARE(c.value(QStringLiteral("PackageType")).toString(), QStringLiteral("Zip"));
        QCOMPARE(c.value(QStringLiteral("Architectures")).toArray(), QJsonArray{QStringLiteral("x86_64")});
        QCOMPARE(c.value(QStringLiteral("EphemeralStorage")).toObject().value(QStringLiteral("Size")).toInt(), 512);
        QCOMPARE(c.value(QStringLiteral("Environment"))
                     .toObject()
                     .value(QStringLiteral("Variables"))
                     .toObject()
                     .value(QStringLiteral("GREETING"))
                     .toString(),
                 QStringLiteral("hi"));
        QCOMPARE(c.value(QStringLiteral("CodeSize")).toInteger(), qint64(qstrlen(Handler)));
        QVERIFY(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$)"))
                    .match(c.value(QStringLiteral("LastModified")).toString())
                    .hasMatch());
        const QJsonObject code = body.value(QStringLiteral("Code")).toObject();
        QCOMPARE(code.value(QStringLiteral("RepositoryType")).toString(), QStringLiteral("S3"));
        QVERIFY(code.value(QStringLiteral("Location")).toString().startsWith(QLatin1String("file:///")));

        const auto configuration = m_client->Get("/2015-03-31/functions/Hello/configuration");
        QVERIFY(configuration);
        QCOMPARE(configuration->status, 200);
        QCOMPARE(json(configuration->body).value(QStringLiteral("FunctionName")).toString(), QStringLiteral("Hello"));

        const auto missing = m_client->Get("/2015-03-31/functions/Nope");
        QVERIFY(missing);
        QCOMPARE(missing->status, 404);
        QCOMPARE(header(missing, "x-amzn-ErrorType"), QStringLiteral("ResourceNotFoundException"));
    }

    // AutoPublishAlias's versions and alias through the Invoke API: Name:alias and Qualifier run
    // the version, the listing operations show them, provisioned concurrency is the alias's, and
    // what fnstudio does not model answers in Lambda's error shape.
    void versionsAndAliases()
    {
        QTemporaryDir state;
        const QList<FunctionConfig> before = m_server->functions();
        FunctionConfig hello = before.at(before.at(0).name == QLatin1String("Hello") ? 0 : 1);
        hello.autoPublishAlias = QStringLiteral("live");
        hello.provisionedConcurrency = 1;
        FunctionVersions versions(state.path());
        QString error;
        QVERIFY2(versions.publish(hello, &error), qPrintable(error));
        m_server->setFunctions({hello});
        m_server->setVersions(versions.all());
        const auto restore = qScopeGuard([&] {
            m_server->setVersions({});
            m_server->setFunctions(before);
        });
        QCOMPARE(m_engine->provision(*versions.of(QStringLiteral("Hello")).resolve(hello, QStringLiteral("live"))), 1);

        for (const std::string &target : {invocations(QStringLiteral("Hello:live")),
                                          std::string("/2015-03-31/functions/Hello/invocations?Qualifier=1")}) {
            const auto r = post(target, R"({"name":"Ada"})");
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(header(r, "X-Amz-Executed-Version"), QStringLiteral("1"));
            QCOMPARE(m_engine->concurrency(QStringLiteral("Hello")).provisioned, 1);
        }
        const auto latest = post(invocations(QStringLiteral("Hello")), "{}");
        QCOMPARE(header(latest, "X-Amz-Executed-Version"), QStringLiteral("$LATEST"));

        const auto list = m_client->Get("/2015-03-31/functions/Hello/versions");
        QVERIFY(list);
        QCOMPARE(list->status, 200);
        const QJsonArray listed = json(list->body).value(QStringLiteral("Versions")).toArray();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("Version")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(listed.at(1).toObject().value(QStringLiteral("Version")).toString(), QStringLiteral("1"));
        QCOMPARE(listed.at(1).toObject().value(QStringLiteral("FunctionArn")).toString(),
                 Arn + QStringLiteral("Hello:1"));

        const auto aliases = m_client->Get("/2015-03-31/functions/Hello/aliases");
        QVERIFY(aliases);
        const QJsonObject live = json(aliases->body).value(QStringLiteral("Aliases")).toArray().at(0).toObject();
        QCOMPARE(live.value(QStringLiteral("Name")).toString(), QStringLiteral("live"));
        QCOMPARE(live.value(QStringLiteral("FunctionVersion")).toString(), QStringLiteral("1"));
        QCOMPARE(live.value(QStringLiteral("AliasArn")).toString(), Arn + QStringLiteral("Hello:live"));
        const auto one = m_client->Get("/2015-03-31/functions/Hello/aliases/live");
        QCOMPARE(one->status, 200);
        QCOMPARE(json(one->body).value(QStringLiteral("FunctionVersion")).toString(), QStringLiteral("1"));
        const auto missing = m_client->Get("/2015-03-31/functions/Hello/aliases/prod");
        QCOMPARE(missing->status, 404);
        QCOMPARE(header(missing, "x-amzn-ErrorType"), QStringLiteral("ResourceNotFoundException"));

        const auto pc = m_client->Get("/2019-09-30/functions/Hello/provisioned-concurrency?Qualifier=live");
        QVERIFY(pc);
        QCOMPARE(pc->status, 200);
        const QJsonObject config = json(pc->body);
        QCOMPARE(config.value(QStringLiteral("RequestedProvisionedConcurrentExecutions")).toInt(), 1);
        QCOMPARE(config.value(QStringLiteral("AvailableProvisionedConcurrentExecutions")).toInt(), 1);
        QCOMPARE(config.value(QStringLiteral("Status")).toString(), QStringLiteral("READY"));
        const auto none = m_client->Get("/2019-09-30/functions/Hello/provisioned-concurrency?Qualifier=%24LATEST");
        QCOMPARE(none->status, 404);
        QCOMPARE(header(none, "x-amzn-ErrorType"), QStringLiteral("ProvisionedConcurrencyConfigNotFoundException"));

        const auto publish = post("/2015-03-31/functions/Hello/versions", "{}");
        QCOMPARE(publish->status, 400);
        QCOMPARE(header(publish, "x-amzn-ErrorType"), QStringLiteral("InvalidParameterValueException"));
        QVERIFY(json(publish->body)
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("AutoPublishAlias")));
        m_engine->stopAll();
    }

    // A project that requires signing: an unsigned request gets Lambda's answer to one, a signed
    // one (the developer's own keys) goes on.
    void unsignedRequestsWhenSigningIsRequired()
    {
        m_authorizer.setRequireSigning(true);
        auto r = post(invocations(QStringLiteral("Hello")), "{}");
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(header(r, "x-amzn-ErrorType"), QStringLiteral("MissingAuthenticationTokenException"));
        QCOMPARE(json(r->body).value(QStringLiteral("message")).toString(),
                 QStringLiteral("Missing Authentication Token"));

        SignedRequest s;
        s.method = "POST";
        s.target = invocations(QStringLiteral("Hello"));
        s.headers = {{"Host", "127.0.0.1:" + std::to_string(m_server->port())}};
        s.payloadHash = SigV4::sha256Hex("{}");
        SigV4::sign(s, SigV4::Service::Other, "AKIADEVELOPER0000000", "secret", {}, "us-east-1", "lambda",
                    QDateTime::currentSecsSinceEpoch());
        httplib::Headers headers;
        for (const auto &[k, v] : s.headers)
            if (k != "Host")
                headers.emplace(k, v);
        r = post(invocations(QStringLiteral("Hello")), "{}", headers);
        m_authorizer.setRequireSigning(false);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(post(invocations(QStringLiteral("Hello")), "{}")->status, 200);
    }

    void unknownRoutesAndMethods()
    {
        const auto unknown = m_client->Get("/2015-03-31/layers");
        QVERIFY(unknown);
        QCOMPARE(unknown->status, 404);
        QCOMPARE(header(unknown, "x-amzn-ErrorType"), QStringLiteral("UnknownOperationException"));
        QVERIFY(json(unknown->body)
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("/2015-03-31/layers")));

        const auto wrongMethod = m_client->Get(invocations(QStringLiteral("Hello")).c_str());
        QVERIFY(wrongMethod);
        QCOMPARE(wrongMethod->status, 405);
        QCOMPARE(header(wrongMethod, "Allow"), QStringLiteral("POST"));
        QVERIFY(!json(wrongMethod->body).value(QStringLiteral("message")).toString().isEmpty());

        const auto put = m_client->Put("/2015-03-31/functions/Hello", "{}", "application/json");
        QVERIFY(put);
        QCOMPARE(put->status, 405);
    }

    void portInUse()
    {
        InvokeApiServer second(*m_engine);
        QString error;
        QVERIFY(!second.start(QStringLiteral("127.0.0.1"), m_server->port(), &error));
        QCOMPARE(error, QStringLiteral("127.0.0.1:%1 is already in use").arg(m_server->port()));
        QVERIFY(!second.isRunning());
        // The first one still answers.
        const auto r = post(invocations(QStringLiteral("Hello")), "{}");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }
};

QTEST_GUILESS_MAIN(TestInvokeApiServer)
#include "tst_invokeapiserver.moc"
