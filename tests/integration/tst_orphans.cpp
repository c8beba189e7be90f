// A studio that dies leaves its execution environments behind, frozen ones unable even to receive
// bubblewrap's die-with-parent signal; the next studio to start cleans them up.
#include "functionprocesses.h"
#include "projectbuilder.h"

#include <httplib.h>

#include <QProcess>
#include <QtTest>

#include <csignal>

using fn::test::functionProcesses;

class TestOrphans : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frozenEnvironmentsOfACrashedStudioAreReaped()
    {
        fn::test::ProjectBuilder project;
        project.function(QStringLiteral("Orphan"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(QStringLiteral("."))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return 'alive'\n");

        QProcess serve;
        serve.setProcessChannelMode(QProcess::SeparateChannels);
        serve.start(QStringLiteral(FN_CLI),
                    {QStringLiteral("serve"), QStringLiteral("--project"), project.path(), QStringLiteral("--port"),
                     QStringLiteral("0"), QStringLiteral("--s3-port"), QStringLiteral("0")});
        QVERIFY(serve.waitForStarted());
        // serve prints its address once listening.
        QByteArray out;
        const auto port = [&serve, &out] {
            out += serve.readAllStandardOutput();
            const auto m =
                QRegularExpression(QStringLiteral("http://127\\.0\\.0\\.1:(\\d+)")).match(QString::fromUtf8(out));
            return m.hasMatch() ? m.captured(1).toInt() : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(port() > 0, 20000);
        httplib::Client client("127.0.0.1", port());
        client.set_read_timeout(30, 0);
        const auto res = client.Post("/2015-03-31/functions/Orphan/invocations", "{}", "application/json");
        QVERIFY(res);
        QCOMPARE(res->body, std::string("\"alive\""));
        QVERIFY(functionProcesses(QStringLiteral("Orphan")).size() > 0);
        QTest::qWait(300); // idle long enough to be frozen (the engine freezes after 50 ms)

        ::kill(pid_t(serve.processId()), SIGKILL);
        QVERIFY(serve.waitForFinished(10000));
        QTest::qWait(300);
        const int orphans = functionProcesses(QStringLiteral("Orphan")).size();
        qInfo("environment processes left by the killed studio: %d", orphans);

        // The next fnstudio process to pick its sandbox backend reaps them.
        QProcess doctor;
        doctor.start(QStringLiteral(FN_CLI), {QStringLiteral("doctor")});
        QVERIFY(doctor.waitForFinished(30000));
        QTRY_COMPARE_WITH_TIMEOUT(functionProcesses(QStringLiteral("Orphan")).size(), 0, 10000);
    }
};

QTEST_GUILESS_MAIN(TestOrphans)
#include "tst_orphans.moc"
