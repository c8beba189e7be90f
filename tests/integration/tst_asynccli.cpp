// fnstudio-cli's asynchronous surface through the real binary: a run killed with SIGKILL while
// events are queued and one is in flight, then a restart that delivers every accepted event;
// bursts with their throttles; the queue commands on a dead-letter queue.

#include "projectbuilder.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace {

// Blocks until the project's marker file exists (the code folder is visible read-only as /var/task).
const QByteArray Handler = R"PY(
import os, time

def handler(event, context):
    if event.get("mode") == "fail":
        raise ValueError("nope")
    while not os.path.exists("/var/task/go"):
        time.sleep(0.02)
    return {"ok": True}
)PY";

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestAsyncCli final : public QObject
{
    Q_OBJECT
    fn::test::ProjectBuilder m_project;

    Result cli(const QStringList &arguments, const QByteArray &stdinData = {}) const
    {
        QProcess p;
        p.start(QStringLiteral(FN_CLI), arguments + QStringList{QStringLiteral("--project"), m_project.path()});
        p.write(stdinData);
        p.closeWriteChannel();
        p.waitForFinished(120000);
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // Hold waits for its marker file, one at a time; Fail's events go to its dead-letter queue.
        m_project.function(QStringLiteral("Hold"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("Timeout: 60\nReservedConcurrentExecutions: 1\n")
            .code(QStringLiteral("app.py"), Handler)
            .function(QStringLiteral("Fail"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("DeadLetterQueue:\n"
                        "  Type: SQS\n"
                        "  TargetArn: arn:aws:sqs:us-east-1:123456789012:fail-dlq\n"
                        "EventInvokeConfig:\n"
                        "  MaximumRetryAttempts: 0\n");
    }

    void killedRunIsDeliveredByTheNext()
    {
        QFile::remove(m_project.filePath(QStringLiteral("src/go")));
        QProcess first;
        first.start(QStringLiteral(FN_CLI), {QStringLiteral("invoke"), QStringLiteral("Hold"), QStringLiteral("--type"),
                                             QStringLiteral("Event"), QStringLiteral("--repeat"), QStringLiteral("3"),
                                             QStringLiteral("--project"), m_project.path()});
        QByteArray out, err;
        // Three accepted, one of them running in the blocked handler.
        const auto runningWithThreeAccepted = [&] {
            out += first.readAllStandardOutput();
            err += first.readAllStandardError();
            return out.count('\n') >= 3 && err.contains("START RequestId:");
        };
        QTRY_VERIFY_WITH_TIMEOUT(runningWithThreeAccepted(), 60000);
        first.kill(); // SIGKILL: no chance to tidy up
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        const QList<QByteArray> accepted = out.trimmed().split('\n');
        QCOMPARE(accepted.size(), 3);

        m_project.file(QStringLiteral("src/go"), "go");
        const Result second = cli({QStringLiteral("queue"), QStringLiteral("run")});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.err.contains("fnstudio-cli: recovered 3 accepted events"), second.err.constData());
        for (const QByteArray &id : accepted)
            QVERIFY2(second.out.contains(QByteArray(id.trimmed() + " Hold Success")), second.out.constData());
        QCOMPARE(second.out.count(" Success"), 3);
        QVERIFY(!cli({QStringLiteral("queue"), QStringLiteral("list")}).out.contains("async"));
    }

    void burstPrintsThrottles()
    {
        m_project.file(QStringLiteral("src/go"), "go");
        const Result r = cli({QStringLiteral("invoke"), QStringLiteral("Fail"), QStringLiteral("--repeat"),
                              QStringLiteral("5"), QStringLiteral("--concurrency"), QStringLiteral("2"),
                              QStringLiteral("--account-limit"), QStringLiteral("0")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray("5 invocations at concurrency 2: 0 completed, 5 throttled, 0 failed\n"));
    }

    void deadLetterQueueCanBeShownRedrivenAndPurged()
    {
        const Result invoked = cli({QStringLiteral("invoke"), QStringLiteral("Fail"), QStringLiteral("--type"),
                                    QStringLiteral("Event"), QStringLiteral("--event"), QStringLiteral("-")},
                                   "{\"mode\": \"fail\"}");
        QCOMPARE(invoked.exitCode, 1);
        const QByteArray id = invoked.out.trimmed();
        QVERIFY(invoked.err.contains(QByteArray(id + " RetriesExhausted")));

        QVERIFY(cli({QStringLiteral("queue"), QStringLiteral("list")}).out.contains("fail-dlq"));
        const Result shown = cli({QStringLiteral("queue"), QStringLiteral("show"), QStringLiteral("fail-dlq")});
        QVERIFY(shown.out.contains(QByteArray("\"RequestID\":{\"DataType\":\"String\",\"StringValue\":\"" + id + '"')));
        QVERIFY(shown.out.contains("\"body\":{\"mode\":\"fail\"}"));

        const Result redriven = cli({QStringLiteral("queue"), QStringLiteral("redrive"), QStringLiteral("fail-dlq")});
        QVERIFY2(redriven.err.contains("re-drove 1 messages from fail-dlq"), redriven.err.constData());
        QVERIFY(cli({QStringLiteral("queue"), QStringLiteral("list")}).out.contains("async            1  Fail"));
        const Result run = cli({QStringLiteral("queue"), QStringLiteral("run")});
        QVERIFY(run.out.contains(" Fail RetriesExhausted"));
        const Result purged = cli({QStringLiteral("queue"), QStringLiteral("purge"), QStringLiteral("fail-dlq")});
        QVERIFY(purged.err.contains("purged 1 messages from fail-dlq"));
        QVERIFY(!cli({QStringLiteral("queue"), QStringLiteral("list")}).out.contains("fail-dlq"));
    }

    void foreignDatabaseIsRefused()
    {
        fn::test::ProjectBuilder other;
        other.templateText(m_project.templateText()).file(QStringLiteral(".fnstudio/fnstudio.db"), "not a database");
        const QString db = other.filePath(QStringLiteral(".fnstudio/fnstudio.db"));
        QProcess p;
        p.start(QStringLiteral(FN_CLI),
                {QStringLiteral("queue"), QStringLiteral("list"), QStringLiteral("--project"), other.path()});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains(QByteArray(db.toUtf8() + " is not an fnstudio database")));
    }
};

QTEST_GUILESS_MAIN(TestAsyncCli)
#include "tst_asynccli.moc"
