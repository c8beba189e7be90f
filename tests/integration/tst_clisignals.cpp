// SIGTERM, SIGINT and SIGHUP to fnstudio-cli, as a logout, `kill` or Ctrl+C sends them: serve and
// invoke thaw and end every execution environment before they exit, leaving no process and no
// cgroup behind. serve, whose normal stop is a signal, exits 0; an invocation a signal cut short
// exits 128 + the signal, as the shell reports an interrupted command.
#include "functionprocesses.h"
#include "projectbuilder.h"
#include "sandboxleftovers.h"

#include <httplib.h>

#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <csignal>

using fn::test::cgroupsOwnedBy;
using fn::test::functionProcesses;

namespace {

void addSignalRows()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGHUP") << int(SIGHUP);
}

// The CLI with the three signals at their defaults, whatever this test was started with (nohup).
void startCli(QProcess &cli, const QStringList &arguments)
{
    cli.setProcessChannelMode(QProcess::SeparateChannels);
    cli.setChildProcessModifier([] {
        for (const int signal : {SIGTERM, SIGINT, SIGHUP})
            ::signal(signal, SIG_DFL);
    });
    cli.start(QStringLiteral(FN_CLI), arguments);
}

// A function that prints "sleeping" and then sleeps through its 300 s timeout.
void addSleeper(fn::test::ProjectBuilder &project, const QString &name)
{
    project.function(name)
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 300\n")
        .code(QStringLiteral("app.py"), "import time\n\ndef handler(event, context):\n"
                                        "    print('sleeping')\n    time.sleep(300)\n    return 'woke'\n");
}

// A warm environment is an idle one, frozen between invocations (where there is no freezer group,
// the rlimits backend stops it with SIGSTOP instead).
bool warmAndFrozen(qint64 owner, const QString &function)
{
    return !functionProcesses(function).isEmpty()
           && (fn::test::anyEnvironmentFrozen(owner) || cgroupsOwnedBy(owner).isEmpty());
}

} // namespace

class TestCliSignals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serveEndsEveryEnvironmentOnASignal_data() { addSignalRows(); }
    void serveEndsEveryEnvironmentOnASignal()
    {
        QFETCH(int, signal);
        const QString name = QStringLiteral("Served") + QString::fromLatin1(QTest::currentDataTag()).mid(3);
        fn::test::ProjectBuilder project;
        project.function(name)
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return 'warm'\n");

        QProcess serve;
        startCli(serve, {QStringLiteral("serve"), QStringLiteral("--project"), project.path(), QStringLiteral("--port"),
                         QStringLiteral("0"), QStringLiteral("--api-port"), QStringLiteral("0"),
                         QStringLiteral("--s3-port"), QStringLiteral("0")});
        QVERIFY(serve.waitForStarted());
        const qint64 pid = serve.processId();
        QByteArray out;
        const auto port = [&serve, &out] {
            out += serve.readAllStandardOutput();
            const auto m = QRegularExpression(QStringLiteral("Lambda Invoke API: http://127\\.0\\.0\\.1:(\\d+)"))
                               .match(QString::fromUtf8(out));
            return m.hasMatch() ? m.captured(1).toInt() : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(port() > 0, 30000);
        httplib::Client client("127.0.0.1", port());
        client.set_read_timeout(30, 0);
        const auto res = client.Post(QStringLiteral("/2015-03-31/functions/%1/invocations").arg(name).toStdString(),
                                     "{}", "application/json");
        QVERIFY(res);
        QCOMPARE(res->body, std::string("\"warm\""));
        QTRY_VERIFY_WITH_TIMEOUT(warmAndFrozen(pid, name), 10000);
        // The environment's network, and the spare made for the next one.
        QTRY_VERIFY_WITH_TIMEOUT(fn::test::pastaChildren(pid).size() >= 2, 10000);
        const QList<qint64> networks = fn::test::pastaChildren(pid);

        QCOMPARE(::kill(pid_t(pid), signal), 0);
        QVERIFY2(serve.waitForFinished(30000), "serve did not exit after the signal");
        QVERIFY(!fn::test::anyRunning(networks));
        const QByteArray err = serve.readAllStandardError();
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        QVERIFY2(err.contains(QByteArray(QByteArray("stopped by ") + QTest::currentDataTag())), err.constData());
        // Gone before serve exited: nothing left for the next start to sweep.
        QCOMPARE(functionProcesses(name), QStringList());
        QCOMPARE(cgroupsOwnedBy(pid), QStringList());
    }

    void invokeEndsItsEnvironmentOnASignal_data() { addSignalRows(); }
    void invokeEndsItsEnvironmentOnASignal()
    {
        QFETCH(int, signal);
        const QString name = QStringLiteral("Sleeper") + QString::fromLatin1(QTest::currentDataTag()).mid(3);
        fn::test::ProjectBuilder project;
        addSleeper(project, name);

        QProcess invoke;
        startCli(invoke, {QStringLiteral("invoke"), name, QStringLiteral("--project"), project.path(),
                          QStringLiteral("--repeat"), QStringLiteral("3")});
        QVERIFY(invoke.waitForStarted());
        const qint64 pid = invoke.processId();
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += invoke.readAllStandardError()).contains("sleeping"), 30000);

        QCOMPARE(::kill(pid_t(pid), signal), 0);
        QVERIFY2(invoke.waitForFinished(30000), "invoke did not exit after the signal");
        err += invoke.readAllStandardError();
        QCOMPARE(invoke.exitStatus(), QProcess::NormalExit);
        QCOMPARE(invoke.exitCode(), 128 + signal);
        QVERIFY2(err.contains(QByteArray(QByteArray(QTest::currentDataTag()) + ": ending every environment")),
                 err.constData());
        QCOMPARE(invoke.readAllStandardOutput(), QByteArray()); // no answer: the function never gave one
        QCOMPARE(err.count("sleeping"), 1);                     // and the other two never started
        QCOMPARE(functionProcesses(name), QStringList());
        QCOMPARE(cgroupsOwnedBy(pid), QStringList());
    }

    // SIGKILL leaves no chance to clean up: the sandbox dies with its parent (bubblewrap's
    // --die-with-parent) and so does each environment's pasta, which would otherwise hold its network
    // namespace for ever. (Its resource groups are swept by the next start, see tst_orphans.)
    void aKilledCliLeavesNoNetworkBehind()
    {
        const QString name = QStringLiteral("KilledInvoke");
        fn::test::ProjectBuilder project;
        addSleeper(project, name);
        QProcess invoke;
        startCli(invoke, {QStringLiteral("invoke"), name, QStringLiteral("--project"), project.path()});
        QVERIFY(invoke.waitForStarted());
        const qint64 pid = invoke.processId();
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += invoke.readAllStandardError()).contains("sleeping"), 30000);
        const QList<qint64> networks = fn::test::pastaChildren(pid);
        QVERIFY(!networks.isEmpty());

        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QVERIFY(invoke.waitForFinished(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!fn::test::anyRunning(networks), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(functionProcesses(name), QStringList(), 5000);
    }
};

QTEST_GUILESS_MAIN(TestCliSignals)
#include "tst_clisignals.moc"
