// The AWS CLI against `fnstudio-cli serve`, unchanged, as a user points it with --endpoint-url:
// invoke (RequestResponse with Tail logs, Event, DryRun, a function error), list-functions,
// get-function, and a missing function's error. Each aws call costs about a second: few calls.
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

namespace {

constexpr const char *Template = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      MemorySize: 256
      Timeout: 5
)";

constexpr const char *Handler = R"PY(
def handler(event, context):
    print("handling", event.get("name", "nobody"))
    if event.get("fail"):
        raise ValueError("failed on purpose")
    return {"hello": event.get("name", "world")}
)PY";

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

} // namespace

class tst_AwsCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_aws;
    QProcess m_serve;
    QByteArray m_serveErr;
    QString m_url;
    QProcessEnvironment m_awsEnv;

    Run aws(const QStringList &arguments)
    {
        QProcess p;
        p.setProcessEnvironment(m_awsEnv);
        p.setWorkingDirectory(m_dir.path());
        QStringList args = arguments;
        args << QStringLiteral("--endpoint-url") << m_url << QStringLiteral("--output") << QStringLiteral("json");
        p.start(m_aws, args);
        p.waitForFinished(60000);
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString outPath() const { return m_dir.filePath(QStringLiteral("out.json")); }

    QJsonObject outJson() const
    {
        QFile f(outPath());
        return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    }

    QStringList invokeArgs(const QString &function, const QByteArray &payload) const
    {
        return {QStringLiteral("lambda"), QStringLiteral("invoke"), QStringLiteral("--function-name"), function,
                QStringLiteral("--cli-binary-format"), QStringLiteral("raw-in-base64-out"), QStringLiteral("--payload"),
                QString::fromUtf8(payload), outPath()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // Debian's awscli first: a user-level shim earlier in PATH may be another version or broken.
        m_aws = QStandardPaths::findExecutable(QStringLiteral("aws"), {QStringLiteral("/usr/bin")});
        if (m_aws.isEmpty())
            m_aws = QStandardPaths::findExecutable(QStringLiteral("aws"));
        if (m_aws.isEmpty())
            QFAIL("the AWS CLI (`aws`) is not installed: install the Debian package awscli "
                  "(sudo apt-get install awscli, or ./fnstudio.sh, which installs installers/debian-packages.txt)");

        QVERIFY(m_dir.isValid());
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("project/template.yaml")), Template));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("project/src/app.py")), Handler));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("aws-config")), {}));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("aws-credentials")), {}));

        // Nothing of the user's AWS set-up may leak in: no profile, no real keys, no endpoints.
        m_awsEnv = QProcessEnvironment::systemEnvironment();
        for (const QString &key : m_awsEnv.keys())
            if (key.startsWith(QLatin1String("AWS_")))
                m_awsEnv.remove(key);
        m_awsEnv.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("fnstudio-test"));
        m_awsEnv.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("fnstudio-test"));
        m_awsEnv.insert(QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("us-east-1"));
        m_awsEnv.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("aws-config")));
        m_awsEnv.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("aws-credentials")));
        m_awsEnv.insert(QStringLiteral("AWS_PAGER"), QString());
        m_awsEnv.insert(QStringLiteral("AWS_EC2_METADATA_DISABLED"), QStringLiteral("true"));

        // Port 0: the server picks a free port and prints it.
        m_serve.start(QStringLiteral(FN_CLI), {QStringLiteral("serve"), QStringLiteral("--project"),
                                               m_dir.filePath(QStringLiteral("project")), QStringLiteral("--port"),
                                               QStringLiteral("0"), QStringLiteral("--s3-port"), QStringLiteral("0")});
        QVERIFY2(m_serve.waitForStarted(10000), qPrintable(m_serve.errorString()));
        const QRegularExpression address(QStringLiteral("Lambda Invoke API: (http://127\\.0\\.0\\.1:\\d+)"));
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (m_url.isEmpty() && timer.elapsed() < 30000 && m_serve.state() == QProcess::Running) {
            m_serve.waitForReadyRead(1000);
            out += m_serve.readAllStandardOutput();
            const auto match = address.match(QString::fromUtf8(out));
            if (match.hasMatch())
                m_url = match.captured(1);
        }
        m_serveErr += m_serve.readAllStandardError();
        QVERIFY2(!m_url.isEmpty(), QByteArray(out + m_serveErr).constData());
        QVERIFY2(out.contains("  Greeter  python3.12  app.handler"), out.constData());
    }

    void cleanupTestCase()
    {
        if (m_serve.state() == QProcess::NotRunning)
            return;
        m_serve.terminate(); // SIGTERM: serve shuts its environments down and exits 0
        const bool exited = m_serve.waitForFinished(30000);
        if (!exited) {
            m_serve.kill();
            m_serve.waitForFinished(5000);
        }
        m_serveErr += m_serve.readAllStandardError();
        QVERIFY2(exited, "fnstudio-cli serve did not stop on SIGTERM");
        QCOMPARE(m_serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_serve.exitCode(), 0);
        QVERIFY2(m_serveErr.contains("API Gateway: the template has no Api or HttpApi events"), m_serveErr.constData());
        QVERIFY2(m_serveErr.contains("fnstudio-cli serve: stopped"), m_serveErr.constData());
    }

    void requestResponseWithTail()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), R"({"name":"Ada"})");
        args << QStringLiteral("--log-type") << QStringLiteral("Tail");
        const Run r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject result = r.json();
        QCOMPARE(result.value(QStringLiteral("StatusCode")).toInt(), 200);
        QCOMPARE(result.value(QStringLiteral("ExecutedVersion")).toString(), QStringLiteral("$LATEST"));
        QVERIFY(!result.contains(QStringLiteral("FunctionError")));
        QCOMPARE(outJson().value(QStringLiteral("hello")).toString(), QStringLiteral("Ada"));

        const QString log = QString::fromUtf8(
            QByteArray::fromBase64(result.value(QStringLiteral("LogResult")).toString().toLatin1()));
        QVERIFY2(log.startsWith(QLatin1String("START RequestId: ")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("handling Ada")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("\nEND RequestId: ")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("\nREPORT RequestId: ")), qPrintable(log));
    }

    void functionError()
    {
        const Run r = aws(invokeArgs(QStringLiteral("Greeter"), R"({"fail":true})"));
        QVERIFY2(r.exitCode == 0, r.err.constData()); // the CLI succeeds: the function failed
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 200);
        QCOMPARE(r.json().value(QStringLiteral("FunctionError")).toString(), QStringLiteral("Unhandled"));
        QCOMPARE(outJson().value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
    }

    void event()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), R"({"name":"Event"})");
        args << QStringLiteral("--invocation-type") << QStringLiteral("Event");
        const Run r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 202);
        // It runs after the reply: its log line shows up on serve's stderr.
        QTRY_VERIFY_WITH_TIMEOUT((m_serveErr += m_serve.readAllStandardError()).contains("handling Event"), 30000);
    }

    void dryRun()
    {
        QStringList args = invokeArgs(QStringLiteral("Greeter"), "{}");
        args << QStringLiteral("--invocation-type") << QStringLiteral("DryRun");
        const Run r = aws(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("StatusCode")).toInt(), 204);
    }

    void listAndGetFunction()
    {
        const Run list = aws({QStringLiteral("lambda"), QStringLiteral("list-functions")});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonArray functions = list.json().value(QStringLiteral("Functions")).toArray();
        QCOMPARE(functions.size(), 1);
        QCOMPARE(functions.at(0).toObject().value(QStringLiteral("FunctionName")).toString(), QStringLiteral("Greeter"));

        const Run get = aws({QStringLiteral("lambda"), QStringLiteral("get-function"), QStringLiteral("--function-name"),
                             QStringLiteral("Greeter")});
        QVERIFY2(get.exitCode == 0, get.err.constData());
        const QJsonObject configuration = get.json().value(QStringLiteral("Configuration")).toObject();
        QCOMPARE(configuration.value(QStringLiteral("FunctionArn")).toString(),
                 QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Greeter"));
        QCOMPARE(configuration.value(QStringLiteral("Runtime")).toString(), QStringLiteral("python3.12"));
        QCOMPARE(configuration.value(QStringLiteral("MemorySize")).toInt(), 256);
    }

    void missingFunction()
    {
        const Run r = aws(invokeArgs(QStringLiteral("Nope"), "{}"));
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("An error occurred (ResourceNotFoundException) when calling the Invoke operation: "
                                "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_AwsCli)
#include "tst_awscli.moc"
