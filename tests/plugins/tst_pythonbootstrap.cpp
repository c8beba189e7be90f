// plugins/python/bootstrap.py driven as a child process against the real Runtime API server:
// responses, the context object, module state across invocations, Lambda's Runtime.* errors with
// awslambdaric's bodies and log lines.

#include "bootstraprunner.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace fn;
using Signal = RuntimeApiServer::Signal;

namespace {

const QByteArray App = R"PY(import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)
count = 0
print("module loaded")


def handler(event, context):
    global count
    count += 1
    logger.info("event %s", event.get("name"))
    print("two\nlines")
    if event.get("fail"):
        raise ValueError("boom " + event["fail"])
    if event.get("set"):
        return {1, 2}
    cc = context.client_context
    return {
        "count": count,
        "requestId": context.aws_request_id,
        "functionName": context.function_name,
        "functionVersion": context.function_version,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "logGroup": context.log_group_name,
        "logStream": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "custom": cc.custom if cc else None,
        "identityId": context.identity.cognito_identity_id,
        "executionEnv": os.environ.get("AWS_EXECUTION_ENV"),
        "cwd": os.getcwd(),
    }
)PY";

} // namespace

class TestPythonBootstrap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void invokesWithContextAndKeepsModuleState()
    {
        BootstrapRunner r(QStringLiteral("python3.12"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("app.py"), App);
        const auto ready = r.start(QStringLiteral("app.handler"));
        QCOMPARE(ready.signal, Signal::Ready);
        // The phase marker came before user code was imported.
        QVERIFY(r.server().runtimeStartedAt().has_value());

        auto out = r.invoke(R"({"name": "first"})", "req-1", R"({"custom": {"k": "v"}, "env": {}, "client": {}})",
                            R"({"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool"})");
        QCOMPARE(out.signal, Signal::Response);
        QJsonObject o = BootstrapRunner::json(out.body);
        QCOMPARE(o.value(QLatin1String("count")).toInt(), 1);
        QCOMPARE(o.value(QLatin1String("requestId")).toString(), QStringLiteral("req-1"));
        QCOMPARE(o.value(QLatin1String("functionName")).toString(), QStringLiteral("HelloFunction"));
        QCOMPARE(o.value(QLatin1String("functionVersion")).toString(), QStringLiteral("$LATEST"));
        // A string on Lambda's Python runtime, not a number.
        QCOMPARE(o.value(QLatin1String("memory")).toString(), QStringLiteral("128"));
        QCOMPARE(o.value(QLatin1String("arn")).toString(),
                 QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:HelloFunction"));
        QCOMPARE(o.value(QLatin1String("logGroup")).toString(), QStringLiteral("/aws/lambda/HelloFunction"));
        QVERIFY(o.value(QLatin1String("logStream")).toString().contains(QStringLiteral("[$LATEST]")));
        const int remaining = o.value(QLatin1String("remaining")).toInt();
        QVERIFY2(remaining > 20000 && remaining <= 30000, qPrintable(QString::number(remaining)));
        QVERIFY(o.value(QLatin1String("trace")).toString().startsWith(QStringLiteral("Root=1-5759e988")));
        QCOMPARE(o.value(QLatin1String("custom")).toObject().value(QLatin1String("k")).toString(), QStringLiteral("v"));
        QCOMPARE(o.value(QLatin1String("identityId")).toString(), QStringLiteral("id-1"));
        QCOMPARE(o.value(QLatin1String("executionEnv")).toString(), QStringLiteral("AWS_Lambda_python3.12"));
        QCOMPARE(o.value(QLatin1String("cwd")).toString(), r.taskRoot());

        out = r.invoke(R"({"name": "second"})", "req-2");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(BootstrapRunner::json(out.body).value(QLatin1String("count")).toInt(), 2);

        // Everything printed during an invocation is in the pipe before its response.
        const QByteArray log = r.output();
        QVERIFY2(log.contains("module loaded\n"), log.constData());
        static const QRegularExpression infoLine(
            QStringLiteral("^\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\treq-2\\tevent second$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(infoLine.match(QString::fromUtf8(log)).hasMatch(), log.constData());
        QVERIFY(log.contains("two\nlines\n"));
    }

    void withoutAChannelItConnectsToTheAddress()
    {
        // Started by hand or by another tool: no descriptor 3, so AWS_LAMBDA_RUNTIME_API over TCP.
        BootstrapRunner r(QStringLiteral("python3.12"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.setHandChannel(false);
        r.writeTaskFile(QStringLiteral("app.py"), App);
        QCOMPARE(r.start(QStringLiteral("app.handler")).signal, Signal::Ready);
        const auto out = r.invoke(R"({"name": "tcp"})", "req-tcp");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(BootstrapRunner::json(out.body).value(QLatin1String("requestId")).toString(),
                 QStringLiteral("req-tcp"));
    }

    void handlerErrorIsReportedAndTheEnvironmentLivesOn()
    {
        BootstrapRunner r(QStringLiteral("python3.12"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("app.py"), App);
        QCOMPARE(r.start(QStringLiteral("app.handler")).signal, Signal::Ready);

        auto out = r.invoke(R"({"fail": "now"})", "req-err");
        QCOMPARE(out.signal, Signal::Error);
        QCOMPARE(out.errorType, QByteArray("ValueError"));
        const QJsonObject e = BootstrapRunner::json(out.body);
        QCOMPARE(e.value(QLatin1String("errorType")).toString(), QStringLiteral("ValueError"));
        QCOMPARE(e.value(QLatin1String("errorMessage")).toString(), QStringLiteral("boom now"));
        QCOMPARE(e.value(QLatin1String("requestId")).toString(), QStringLiteral("req-err"));
        const QJsonArray trace = e.value(QLatin1String("stackTrace")).toArray();
        QCOMPARE(trace.size(), 1); // the bootstrap's own frames are not the user's
        QCOMPARE(trace.at(0).toString(),
                 QStringLiteral(
                     "  File \"%1/app.py\", line 16, in handler\n    raise ValueError(\"boom \" + event[\"fail\"])\n")
                     .arg(r.taskRoot()));

        const QByteArray log = r.output();
        QVERIFY(log.contains("LAMBDA_WARNING: Unhandled exception."));
        // One log event: lines joined by \r, indentation as no-break spaces.
        QByteArray logged("[ERROR] ValueError: boom now\rTraceback (most recent call last):\r"
                          "\xc2\xa0\xc2\xa0"
                          "File \"");
        logged += r.taskRoot().toUtf8();
        logged += "/app.py\", line 16, in handler\r";
        QVERIFY2(log.contains(logged), log.constData());

        out = r.invoke(R"({"set": true})", "req-marshal");
        QCOMPARE(out.signal, Signal::Error);
        QJsonObject m = BootstrapRunner::json(out.body);
        QCOMPARE(m.value(QLatin1String("errorType")).toString(), QStringLiteral("Runtime.MarshalError"));
        QCOMPARE(m.value(QLatin1String("errorMessage")).toString(),
                 QStringLiteral("Unable to marshal response: Object of type set is not JSON serializable"));

        out = r.invoke("this is not json", "req-unmarshal");
        QCOMPARE(out.signal, Signal::Error);
        m = BootstrapRunner::json(out.body);
        QCOMPARE(m.value(QLatin1String("errorType")).toString(), QStringLiteral("Runtime.UnmarshalError"));
        QVERIFY(m.value(QLatin1String("errorMessage"))
                    .toString()
                    .startsWith(QStringLiteral("Unable to unmarshal input: ")));

        out = r.invoke(R"({"name": "after"})", "req-ok");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(BootstrapRunner::json(out.body).value(QLatin1String("count")).toInt(),
                 3); // the unmarshal error never reached the handler
    }

    void initErrors_data()
    {
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message"); // a prefix
        QTest::newRow("malformed") << QStringLiteral("app") << QStringLiteral("Runtime.MalformedHandlerName")
                                   << QStringLiteral(
                                          "Bad handler 'app': not enough values to unpack (expected 2, got 1)");
        QTest::newRow("no module") << QStringLiteral("nosuch.handler") << QStringLiteral("Runtime.ImportModuleError")
                                   << QStringLiteral("Unable to import module 'nosuch': No module named 'nosuch'");
        QTest::newRow("missing import")
            << QStringLiteral("needsdep.handler") << QStringLiteral("Runtime.ImportModuleError")
            << QStringLiteral("Unable to import module 'needsdep': No module named 'requests_fnstudio'");
        QTest::newRow("syntax") << QStringLiteral("broken.handler") << QStringLiteral("Runtime.UserCodeSyntaxError")
                                << QStringLiteral("Syntax error in module 'broken': ");
        QTest::newRow("no handler") << QStringLiteral("app.nope") << QStringLiteral("Runtime.HandlerNotFound")
                                    << QStringLiteral("Handler 'nope' missing on module 'app'");
        QTest::newRow("builtin") << QStringLiteral("sys.handler") << QStringLiteral("Runtime.BuiltInModuleConflict")
                                 << QStringLiteral("Cannot use built-in module sys as a handler module");
        QTest::newRow("raises") << QStringLiteral("raises.handler") << QStringLiteral("KeyError")
                                << QStringLiteral("'missing'");
    }

    void initErrors()
    {
        QFETCH(QString, handler);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        BootstrapRunner r(QStringLiteral("python3.12"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("app.py"), App);
        r.writeTaskFile(QStringLiteral("needsdep.py"), "import requests_fnstudio\n");
        r.writeTaskFile(QStringLiteral("broken.py"), "def handler(event, context)\n    return 1\n");
        r.writeTaskFile(QStringLiteral("raises.py"), "CONFIG = {}\nVALUE = CONFIG['missing']\n");

        const auto out = r.start(handler);
        QCOMPARE(out.signal, Signal::InitError);
        QCOMPARE(QString::fromUtf8(out.errorType), errorType);
        const QJsonObject e = BootstrapRunner::json(out.body);
        QCOMPARE(e.value(QLatin1String("errorType")).toString(), errorType);
        QVERIFY2(e.value(QLatin1String("errorMessage")).toString().startsWith(message),
                 qPrintable(e.value(QLatin1String("errorMessage")).toString()));
        QVERIFY(e.contains(QLatin1String("requestId")));
        QCOMPARE(e.value(QLatin1String("requestId")).toString(), QString());
        QVERIFY(e.value(QLatin1String("stackTrace")).isArray());
        if (errorType == QStringLiteral("Runtime.UserCodeSyntaxError")) {
            const QString frame = e.value(QLatin1String("stackTrace")).toArray().at(0).toString();
            QVERIFY2(frame.startsWith(QStringLiteral("  File \"%1/broken.py\" Line 1\n").arg(r.taskRoot())),
                     qPrintable(frame));
        }
        QCOMPARE(r.waitForExit(), 1);
        QByteArray logged("[ERROR] ");
        logged += errorType.toUtf8();
        logged += ": ";
        QVERIFY2(r.output().contains(logged), r.output().constData());
    }

    void handlerPathsWithSlashesAndDots()
    {
        for (const QString &handler : {QStringLiteral("src/app.handler"), QStringLiteral("src.app.handler")}) {
            BootstrapRunner r(QStringLiteral("python3.13"));
            if (!r.unavailable().isEmpty())
                QSKIP(qPrintable(r.unavailable()));
            r.writeTaskFile(QStringLiteral("src/app.py"),
                            "def handler(event, context):\n    return {'where': __name__}\n");
            QCOMPARE(r.start(handler).signal, Signal::Ready);
            const auto out = r.invoke("{}", "req-1");
            QCOMPARE(out.signal, Signal::Response);
            QCOMPARE(out.body, QByteArray(R"({"where": "src.app"})"));
        }
    }

    void logLevelFollowsLambda()
    {
        // Without AWS_LAMBDA_LOG_LEVEL the root logger stays at WARNING, as on Lambda.
        const QByteArray code = "import logging\n"
                                "def handler(event, context):\n"
                                "    logging.getLogger().info('quiet')\n"
                                "    logging.getLogger().warning('loud')\n"
                                "    logging.getLogger().debug('debugging')\n"
                                "    return None\n";
        {
            BootstrapRunner r(QStringLiteral("python3.12"));
            if (!r.unavailable().isEmpty())
                QSKIP(qPrintable(r.unavailable()));
            r.writeTaskFile(QStringLiteral("app.py"), code);
            QCOMPARE(r.start(QStringLiteral("app.handler")).signal, Signal::Ready);
            const auto out = r.invoke("{}", "req-1");
            QCOMPARE(out.signal, Signal::Response);
            QCOMPARE(out.body, QByteArray("null"));
            const QByteArray log = r.output();
            QVERIFY(log.contains("[WARNING]\t"));
            QVERIFY(log.contains("\treq-1\tloud\n"));
            QVERIFY(!log.contains("quiet"));
        }
        {
            BootstrapRunner r(QStringLiteral("python3.12"));
            r.writeTaskFile(QStringLiteral("app.py"), code);
            QCOMPARE(r.start(QStringLiteral("app.handler"), {QStringLiteral("AWS_LAMBDA_LOG_LEVEL=TRACE")}).signal,
                     Signal::Ready);
            QCOMPARE(r.invoke("{}", "req-1").signal, Signal::Response);
            const QByteArray log = r.output();
            QVERIFY(log.contains("[DEBUG]\t"));
            QVERIFY(log.contains("\treq-1\tdebugging\n"));
        }
        {
            BootstrapRunner r(QStringLiteral("python3.12"));
            r.writeTaskFile(QStringLiteral("app.py"), code);
            QCOMPARE(r.start(QStringLiteral("app.handler"), {QStringLiteral("AWS_LAMBDA_LOG_FORMAT=JSON")}).signal,
                     Signal::Ready);
            QCOMPARE(r.invoke("{}", "req-j").signal, Signal::Response);
            const QList<QByteArray> lines = r.output().split('\n');
            bool found = false;
            for (const QByteArray &line : lines) {
                const QJsonObject o = BootstrapRunner::json(line);
                if (o.value(QLatin1String("message")).toString() == QStringLiteral("loud")) {
                    found = true;
                    QCOMPARE(o.value(QLatin1String("level")).toString(), QStringLiteral("WARNING"));
                    QCOMPARE(o.value(QLatin1String("requestId")).toString(), QStringLiteral("req-j"));
                    QCOMPARE(o.value(QLatin1String("logger")).toString(), QStringLiteral("root"));
                }
            }
            QVERIFY(found);
        }
    }

    void bytesPassThroughRaw()
    {
        BootstrapRunner r(QStringLiteral("python3.12"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(
            QStringLiteral("app.py"),
            "def handler(event, context):\n    return 'h\\u00e9llo'.encode('utf-8') if event else 'h\\u00e9llo'\n");
        QCOMPARE(r.start(QStringLiteral("app.handler")).signal, Signal::Ready);
        auto out = r.invoke("1", "req-1");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(out.body, QByteArray("h\xc3\xa9llo"));
        // python3.12 and later emit non-ASCII characters as they are.
        out = r.invoke("0", "req-2");
        QCOMPARE(out.body, QByteArray("\"h\xc3\xa9llo\""));
    }
};

QTEST_GUILESS_MAIN(TestPythonBootstrap)
#include "tst_pythonbootstrap.moc"
