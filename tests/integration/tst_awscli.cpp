// The AWS CLI against `fnstudio-cli serve`, unchanged, as a user points it with --endpoint-url:
// invoke (RequestResponse with Tail logs, Event, DryRun, a function error), list-functions,
// get-function, and a missing function's error. Each aws call costs about a second: few calls.
#include "awscli.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace fntest;

namespace {

constexpr const char *Handler = R"PY(
def handler(event, context):
    print("handling", event.get("name", "nobody"))
    if event.get("fail"):
        raise ValueError("failed on purpose")
    return {"hello": event.get("name", "world")}
)PY";

} // namespace

class TestAwsCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    fn::test::ProjectBuilder m_project;
    QString m_aws;
    QProcess m_serve;
    QByteArray m_serveErr;
    QString m_url;
    QProcessEnvironment m_awsEnv;

    AwsRun aws(const QStringList &arguments) { return runAws(m_aws, m_awsEnv, m_dir.path(), arguments, m_url); }

    QString outPath() const { return m_dir.filePath(QStringLiteral("out.json")); }

    QJsonObject outJson() const
    {
        QFile f(outPath());
        return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    }

    QStringList invokeArgs(const QString &function, const QByteArray &payload) const
    {
        return {QStringLiteral("lambda"),
                QStringLiteral("invoke"),
                QStringLiteral("--function-name"),
                function,
                QStringLiteral("--cli-binary-format"),
                QStringLiteral("raw-in-base64-out"),
                QStringLiteral("--payload"),
                QString::fromUtf8(payload),
                outPath()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_aws = findAws();
        if (m_aws.isEmpty())
            QFAIL(awsMissing());

        QVERIFY(m_dir.isValid());
        m_project.function(QStringLiteral("Greeter"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("MemorySize: 256\nTimeout: 5\n")
            .code(QStringLiteral("app.py"), Handler);
        m_awsEnv = isolatedAwsEnvironment(m_dir.path());

        // Port 0: the server picks a free port and prints it.
        m_serve.start(QStringLiteral(FN_CLI),
                      {QStringLiteral("serve"), QStringLiteral("--project"), m_project.path(), QStringLiteral("--port"),
                       QStringLiteral("0"), QStringLiteral("--s3-port"), QStringLiteral("0")});
        QVERIFY2(m_serve.waitForStarted(10000), qPrintable(m_serve.errorString()));
        QByteArray out;
        m_url = waitForLine(m_serve, &out,
                            QRegularExpression(QStringLiteral("Lambda Invoke API: (http://127\\.0\\.0\\.1:\\d+)")));
        m_serveErr += m_serve.readAllStandardError();
        QVERIFY2(!m_url.isEmpty(), QByteArray(out + m_serveErr).constData());
        QVERIFY2(out.contains("  Greeter  python3.12  app.handler"), out.constData());
    }

    void cleanupTestCase()
    {
        QVERIFY2(stopServe(m_serve, &m_serveErr), m_serveErr.constData());
        QVERIFY2(m_serveErr.contains("API Gateway: the template has no Api or HttpApi events"), m_serveErr.constData());
        QVERIFY2(m_serveErr.contains("fnstudio-cli serve: stopped"), m_serveErr.constData());
    }

    void requestResponseWithTail()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), R"({"name":"Ada"})");
        args << QStringLiteral("--log-type") << QStringLiteral("Tail");
        const AwsRun r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject result = r.json();
        QCOMPARE(result.value(QStringLiteral("StatusCode")).toInt(), 200);
        QCOMPARE(result.value(QStringLiteral("ExecutedVersion")).toString(), QStringLiteral("$LATEST"));
        QVERIFY(!result.contains(QStringLiteral("FunctionError")));
        QCOMPARE(outJson().value(QStringLiteral("hello")).toString(), QStringLiteral("Ada"));

        const QString log =
            QString::fromUtf8(QByteArray::fromBase64(result.value(QStringLiteral("LogResult")).toString().toLatin1()));
        QVERIFY2(log.startsWith(QLatin1String("START RequestId: ")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("handling Ada")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("\nEND RequestId: ")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("\nREPORT RequestId: ")), qPrintable(log));
    }

    // Saved by any editor while serving: the watch retires the function's environments, and the
    // next invocation is cold on the new code (on Lambda, an update ends the old environments).
    void aHandlerSavedWhileServingRunsColdOnTheNewCode()
    {
        QVERIFY2(aws(invokeArgs(QStringLiteral("Greeter"), R"({"name":"Ada"})")).exitCode == 0, "warm-up failed");
        QCOMPARE(outJson().value(QStringLiteral("hello")).toString(), QStringLiteral("Ada"));
        QVERIFY(writeFile(m_project.filePath(QStringLiteral("src/app.py")),
                          QByteArray(Handler).replace("{\"hello\":", "{\"edited\": True, \"hello\":")));
        QElapsedTimer waited;
        waited.start();
        while (!m_serveErr.contains("Greeter: code changed") && waited.elapsed() < 30000) {
            m_serve.waitForReadyRead(200);
            m_serveErr += m_serve.readAllStandardError();
        }
        QVERIFY2(m_serveErr.contains("Greeter: code changed; its environments are retired"), m_serveErr.constData());
        QStringList args = invokeArgs(QStringLiteral("Greeter"), R"({"name":"Bo"})");
        args << QStringLiteral("--log-type") << QStringLiteral("Tail");
        const AwsRun r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(outJson().value(QStringLiteral("edited")).toBool(), true);
        const QString log = QString::fromUtf8(
            QByteArray::fromBase64(r.json().value(QStringLiteral("LogResult")).toString().toLatin1()));
        QVERIFY2(log.contains(QLatin1String("Init Duration")), qPrintable(log));       // a cold start
        QVERIFY(writeFile(m_project.filePath(QStringLiteral("src/app.py")), Handler)); // for the tests after
    }

    void functionError()
    {
        const AwsRun r = aws(invokeArgs(QStringLiteral("Greeter"), R"({"fail":true})"));
        QVERIFY2(r.exitCode == 0, r.err.constData()); // the CLI succeeds: the function failed
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 200);
        QCOMPARE(r.json().value(QStringLiteral("FunctionError")).toString(), QStringLiteral("Unhandled"));
        QCOMPARE(outJson().value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
    }

    void event()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), R"({"name":"Event"})");
        args << QStringLiteral("--invocation-type") << QStringLiteral("Event");
        const AwsRun r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 202);
        // It runs after the reply: its log line shows up on serve's stderr.
        QTRY_VERIFY_WITH_TIMEOUT((m_serveErr += m_serve.readAllStandardError()).contains("handling Event"), 30000);
    }

    void dryRun()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), "{}");
        args << QStringLiteral("--invocation-type") << QStringLiteral("DryRun");
        const AwsRun r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 204);
    }

    void listAndGetFunction()
    {
        const AwsRun list = aws({QStringLiteral("lambda"), QStringLiteral("list-functions")});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonArray functions = list.json().value(QStringLiteral("Functions")).toArray();
        QCOMPARE(functions.size(), 1);
        QCOMPARE(functions.at(0).toObject().value(QStringLiteral("FunctionName")).toString(),
                 QStringLiteral("Greeter"));

        const AwsRun get = aws({QStringLiteral("lambda"), QStringLiteral("get-function"),
                                QStringLiteral("--function-name"), QStringLiteral("Greeter")});
        QVERIFY2(get.exitCode == 0, get.err.constData());
        const QJsonObject configuration = get.json().value(QStringLiteral("Configuration")).toObject();
        QCOMPARE(configuration.value(QStringLiteral("FunctionArn")).toString(),
                 QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Greeter"));
        QCOMPARE(configuration.value(QStringLiteral("Runtime")).toString(), QStringLiteral("python3.12"));
        QCOMPARE(configuration.value(QStringLiteral("MemorySize")).toInt(), 256);
    }

    void missingFunction()
    {
        const AwsRun r = aws(invokeArgs(QStringLiteral("Nope"), "{}"));
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("An error occurred (ResourceNotFoundException) when calling the Invoke operation: "
                                "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestAwsCli)
#include "tst_awscli.moc"
