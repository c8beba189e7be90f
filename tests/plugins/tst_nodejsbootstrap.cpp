// plugins/nodejs/bootstrap.js driven as a child process against the real Runtime API server:
// ES modules and CommonJS, async and callback handlers, the context object, module state, and the
// Node runtime's Runtime.* errors, error bodies ("trace") and console lines.

#include "bootstraprunner.h"

#include <QJsonArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace fn;
using Signal = RuntimeApiServer::Signal;

namespace {

const QByteArray IndexMjs = R"JS(let count = 0;
console.log('module loaded');
export const handler = async (event, context) => {
  count++;
  console.log('event', event.name, 'two\nlines');
  console.warn('careful');
  if (event.fail) throw new TypeError('boom ' + event.fail);
  if (event.reject) { Promise.reject(new Error('nobody waits')); await new Promise((r) => setTimeout(r, 200)); }
  return {
    count,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memory: context.memoryLimitInMB,
    arn: context.invokedFunctionArn,
    logGroup: context.logGroupName,
    logStream: context.logStreamName,
    remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop,
    trace: process.env._X_AMZN_TRACE_ID,
    custom: context.clientContext && context.clientContext.custom,
    identity: context.identity,
    executionEnv: process.env.AWS_EXECUTION_ENV,
  };
};
)JS";

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

class TestNodejsBootstrap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void esmAsyncHandlerWithContextAndState()
    {
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("index.mjs"), IndexMjs);
        QCOMPARE(r.start(QStringLiteral("index.handler")).signal, Signal::Ready);
        QVERIFY(r.server().runtimeStartedAt().has_value());

        auto out =
            r.invoke(R"({"name": "first"})", "req-1", R"({"custom": {"k": "v"}})", R"({"cognitoIdentityId": "id-1"})");
        QCOMPARE(out.signal, Signal::Response);
        const QJsonObject o = BootstrapRunner::json(out.body);
        QCOMPARE(o.value(QLatin1String("count")).toInt(), 1);
        QCOMPARE(str(o, "requestId"), QStringLiteral("req-1"));
        QCOMPARE(str(o, "functionName"), QStringLiteral("HelloFunction"));
        QCOMPARE(str(o, "functionVersion"), QStringLiteral("$LATEST"));
        QCOMPARE(str(o, "memory"), QStringLiteral("128"));
        QCOMPARE(str(o, "arn"), QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:HelloFunction"));
        QCOMPARE(str(o, "logGroup"), QStringLiteral("/aws/lambda/HelloFunction"));
        QVERIFY(str(o, "logStream").contains(QStringLiteral("[$LATEST]")));
        const int remaining = o.value(QLatin1String("remaining")).toInt();
        QVERIFY2(remaining > 20000 && remaining <= 30000, qPrintable(QString::number(remaining)));
        QCOMPARE(o.value(QLatin1String("waits")).toBool(), true);
        QVERIFY(str(o, "trace").startsWith(QStringLiteral("Root=1-5759e988")));
        QCOMPARE(str(o.value(QLatin1String("custom")).toObject(), "k"), QStringLiteral("v"));
        QCOMPARE(str(o.value(QLatin1String("identity")).toObject(), "cognitoIdentityId"), QStringLiteral("id-1"));
        QCOMPARE(str(o, "executionEnv"), QStringLiteral("AWS_Lambda_nodejs20.x"));

        out = r.invoke(R"({"name": "second"})", "req-2");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(BootstrapRunner::json(out.body).value(QLatin1String("count")).toInt(), 2);

        const QString log = QString::fromUtf8(r.output());
        static const QRegularExpression initLine(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\tundefined\\tINFO\\tmodule loaded$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(initLine.match(log).hasMatch(), qPrintable(log));
        static const QRegularExpression eventLine(
            QStringLiteral(
                "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\treq-2\\tINFO\\tevent second two\\rlines$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(eventLine.match(log).hasMatch(), qPrintable(log));
        QVERIFY(log.contains(QStringLiteral("\treq-2\tWARN\tcareful\n")));
    }

    void commonJsCallbackHandlers()
    {
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("lib/app.js"), R"JS(
let calls = 0;
exports.handler = function (event, context, callback) {
  calls++;
  if (event.mode === 'succeed') return context.succeed({ via: 'succeed', calls });
  if (event.mode === 'error') return callback(new Error('cb failed'));
  if (event.mode === 'nowait') {
    context.callbackWaitsForEmptyEventLoop = false;
    setTimeout(() => {}, 60000); // would hold the response if the runtime waited
    return callback(null, { via: 'nowait', calls });
  }
  // Default: the response waits for the event loop to drain (the timer), as on Lambda.
  let fired = false;
  setTimeout(() => { fired = true; }, 50);
  callback(null, { via: 'callback', calls, get fired() { return fired; } });
};
)JS");
        QCOMPARE(r.start(QStringLiteral("lib/app.handler")).signal, Signal::Ready);

        auto out = r.invoke(R"({"mode": "callback"})", "req-1");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(out.body, QByteArray(R"({"via":"callback","calls":1,"fired":true})"));

        out = r.invoke(R"({"mode": "succeed"})", "req-2");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(out.body, QByteArray(R"({"via":"succeed","calls":2})"));

        out = r.invoke(R"({"mode": "nowait"})", "req-3");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(out.body, QByteArray(R"({"via":"nowait","calls":3})"));

        out = r.invoke(R"({"mode": "error"})", "req-4");
        QCOMPARE(out.signal, Signal::Error);
        const QJsonObject e = BootstrapRunner::json(out.body);
        QCOMPARE(str(e, "errorType"), QStringLiteral("Error"));
        QCOMPARE(str(e, "errorMessage"), QStringLiteral("cb failed"));
        QVERIFY(
            e.value(QLatin1String("trace")).toArray().at(0).toString().startsWith(QStringLiteral("Error: cb failed")));
        QVERIFY(!e.contains(QLatin1String("stackTrace")));
    }

    void packageTypeModuleAndCjs()
    {
        {
            BootstrapRunner r(QStringLiteral("nodejs22.x"));
            if (!r.unavailable().isEmpty())
                QSKIP(qPrintable(r.unavailable()));
            r.writeTaskFile(QStringLiteral("package.json"), R"({"type": "module"})");
            r.writeTaskFile(QStringLiteral("index.js"), "export async function handler() { return typeof require; }\n");
            QCOMPARE(r.start(QStringLiteral("index.handler")).signal, Signal::Ready);
            const auto out = r.invoke("{}", "req-1");
            QCOMPARE(out.signal, Signal::Response);
            QCOMPARE(out.body, QByteArray("\"undefined\"")); // loaded as an ES module
        }
        {
            BootstrapRunner r(QStringLiteral("nodejs20.x"));
            r.writeTaskFile(QStringLiteral("main.cjs"),
                            "module.exports.nested = { handler: async () => typeof require };\n");
            QCOMPARE(r.start(QStringLiteral("main.nested.handler")).signal, Signal::Ready);
            const auto out = r.invoke("{}", "req-1");
            QCOMPARE(out.signal, Signal::Response);
            QCOMPARE(out.body, QByteArray("\"function\""));
        }
    }

    void invokeErrorsAndLogs()
    {
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("index.mjs"), IndexMjs);
        QCOMPARE(r.start(QStringLiteral("index.handler")).signal, Signal::Ready);

        auto out = r.invoke(R"({"fail": "now"})", "req-err");
        QCOMPARE(out.signal, Signal::Error);
        QCOMPARE(out.errorType, QByteArray("TypeError"));
        const QJsonObject e = BootstrapRunner::json(out.body);
        QCOMPARE(str(e, "errorType"), QStringLiteral("TypeError"));
        QCOMPARE(str(e, "errorMessage"), QStringLiteral("boom now"));
        const QJsonArray trace = e.value(QLatin1String("trace")).toArray();
        QCOMPARE(trace.at(0).toString(), QStringLiteral("TypeError: boom now"));
        QVERIFY2(trace.at(1).toString().contains(r.taskRoot() + QStringLiteral("/index.mjs:7")),
                 qPrintable(trace.at(1).toString()));
        const QString log = QString::fromUtf8(r.output());
        static const QRegularExpression invokeError(
            QStringLiteral(
                "^\\S+Z\\treq-err\\tERROR\\tInvoke Error \\t\\{\"errorType\":\"TypeError\",\"errorMessage\":\"boom "
                "now\",\"stack\":\\[\"TypeError: boom now\","),
            QRegularExpression::MultilineOption);
        QVERIFY2(invokeError.match(log).hasMatch(), qPrintable(log));

        // The environment lives on.
        out = r.invoke(R"({"name": "after"})", "req-ok");
        QCOMPARE(out.signal, Signal::Response);
        QCOMPARE(BootstrapRunner::json(out.body).value(QLatin1String("count")).toInt(), 2);

        // An unhandled rejection fails the invocation and ends the runtime, as on Lambda.
        out = r.invoke(R"({"reject": true})", "req-rej");
        QCOMPARE(out.signal, Signal::Error);
        const QJsonObject rej = BootstrapRunner::json(out.body);
        QCOMPARE(str(rej, "errorType"), QStringLiteral("Runtime.UnhandledPromiseRejection"));
        QCOMPARE(str(rej, "errorMessage"), QStringLiteral("Error: nobody waits"));
        QCOMPARE(r.waitForExit(), 128);
        QVERIFY(r.output().contains("\treq-rej\tERROR\tUnhandled Promise Rejection \t{"));
    }

    void initErrors_data()
    {
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message"); // a prefix
        QTest::newRow("malformed") << QStringLiteral("index") << QStringLiteral("Runtime.MalformedHandlerName")
                                   << QStringLiteral("Bad handler");
        QTest::newRow("no module") << QStringLiteral("nosuch.handler") << QStringLiteral("Runtime.ImportModuleError")
                                   << QStringLiteral("Error: Cannot find module 'nosuch'");
        QTest::newRow("syntax") << QStringLiteral("broken.handler") << QStringLiteral("Runtime.UserCodeSyntaxError")
                                << QStringLiteral("SyntaxError: ");
        QTest::newRow("not exported") << QStringLiteral("index.nope") << QStringLiteral("Runtime.HandlerNotFound")
                                      << QStringLiteral("index.nope is undefined or not exported");
        QTest::newRow("not a function") << QStringLiteral("value.handler") << QStringLiteral("Runtime.HandlerNotFound")
                                        << QStringLiteral("value.handler is not a function");
        QTest::newRow("throws") << QStringLiteral("throws.handler") << QStringLiteral("Error")
                                << QStringLiteral("config missing");
    }

    void initErrors()
    {
        QFETCH(QString, handler);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("index.mjs"), IndexMjs);
        r.writeTaskFile(QStringLiteral("broken.mjs"), "export const handler = async (event => {\n");
        r.writeTaskFile(QStringLiteral("value.js"), "exports.handler = 42;\n");
        r.writeTaskFile(QStringLiteral("throws.js"), "throw new Error('config missing');\n");

        const auto out = r.start(handler);
        QCOMPARE(out.signal, Signal::InitError);
        QCOMPARE(QString::fromUtf8(out.errorType), errorType);
        const QJsonObject e = BootstrapRunner::json(out.body);
        QCOMPARE(str(e, "errorType"), errorType);
        QVERIFY2(str(e, "errorMessage").startsWith(message), qPrintable(str(e, "errorMessage")));
        QVERIFY(e.value(QLatin1String("trace")).isArray());
        QCOMPARE(r.waitForExit(), 129);
        const QRegularExpression uncaught(
            QStringLiteral(
                "^\\S+Z\\tundefined\\tERROR\\tUncaught Exception \\t\\{\"errorType\":\"%1\",\"errorMessage\":")
                .arg(QRegularExpression::escape(errorType)),
            QRegularExpression::MultilineOption);
        QVERIFY2(uncaught.match(QString::fromUtf8(r.output())).hasMatch(), r.output().constData());
    }
    void largeEventsAndResponsesCrossTheReadBuffer()
    {
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("echo.mjs"),
                        "export const handler = async (event) => ({ size: event.text.length, text: event.text });\n");
        QCOMPARE(r.start(QStringLiteral("echo.handler")).signal, Signal::Ready);
        // Below, at and far above the runtime's 64 KiB read buffer, then a small one after a large one.
        for (const int size : {10, 65000, 70000, 3 * 1024 * 1024, 20}) {
            QByteArray text(size, 'x');
            for (int i = 0; i < size; i += 997)
                text[i] = char('a' + (i / 997) % 26);
            const auto out = r.invoke("{\"text\":\"" + text + "\"}", "req-" + QByteArray::number(size));
            QCOMPARE(out.signal, Signal::Response);
            const QJsonObject o = BootstrapRunner::json(out.body);
            QCOMPARE(o.value(QLatin1String("size")).toInt(), size);
            QVERIFY(o.value(QLatin1String("text")).toString().toLatin1() == text);
        }
    }

    void nothingRunsBetweenInvocations()
    {
        // Lambda freezes the environment once the runtime asks for the next event: a timer the
        // handler left running does not tick until an invocation comes.
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        r.writeTaskFile(QStringLiteral("ticker.js"), R"JS(
let ticks = 0;
let timer = null;
exports.handler = async () => {
  if (!timer) timer = setInterval(() => { ticks++; }, 5);
  const seen = ticks;
  ticks = 0;
  return { ticks: seen };
};
)JS");
        QCOMPARE(r.start(QStringLiteral("ticker.handler")).signal, Signal::Ready);
        QCOMPARE(r.invoke("{}", "req-1").signal, Signal::Response);
        QTest::qWait(300); // ~60 periods of the timer
        const auto out = r.invoke("{}", "req-2");
        QCOMPARE(out.signal, Signal::Response);
        const int ticks = BootstrapRunner::json(out.body).value(QLatin1String("ticks")).toInt();
        QVERIFY2(ticks <= 1, qPrintable(QStringLiteral("%1 ticks while waiting for the next event").arg(ticks)));
    }

    void withoutItsConnectionItSaysSo()
    {
        BootstrapRunner r(QStringLiteral("nodejs20.x"));
        if (!r.unavailable().isEmpty())
            QSKIP(qPrintable(r.unavailable()));
        QProcess node;
        QProcessEnvironment env;
        env.insert(QStringLiteral("AWS_LAMBDA_RUNTIME_API"), QStringLiteral("127.0.0.1:9"));
        node.setProcessEnvironment(env);
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(r.descriptor().interpreter, {r.descriptor().pluginDir + QStringLiteral("/bootstrap.js")});
        QVERIFY(node.waitForFinished(10000));
        QCOMPARE(node.exitCode(), 1);
        const QByteArray out = node.readAll();
        QVERIFY2(out.contains("started without its Runtime API channel (descriptor 3"), out.constData());
    }
};

QTEST_GUILESS_MAIN(TestNodejsBootstrap)
#include "tst_nodejsbootstrap.moc"
