// Runtimes that misbehave on purpose (the faultyruntime fixture, a real `provided` bootstrap):
// each fault ends its invocation with the exact error Lambda gives, and never wedges the engine.
#include "enginetestsupport.h"
#include "functionprocesses.h"

#include "engine/engine.h"

#include <QtTest>
#include <thread>

using namespace fn;
using namespace fn::test;

namespace {

// True when /proc/<pid> (procDir) is in a cgroup2 group whose cgroup.events says "frozen 1".
bool inFrozenCgroup2(const QString &procDir)
{
    QFile mountinfo(QStringLiteral("/proc/self/mountinfo"));
    QFile cgroup(procDir + QStringLiteral("/cgroup"));
    if (!mountinfo.open(QIODevice::ReadOnly) || !cgroup.open(QIODevice::ReadOnly))
        return false;
    QString mount;
    for (const QByteArray &line : mountinfo.readAll().split('\n')) {
        if (line.contains(" - cgroup2 "))
            mount = QString::fromLocal8Bit(line.split(' ').value(4));
    }
    for (const QByteArray &line : cgroup.readAll().split('\n')) {
        if (!mount.isEmpty() && line.startsWith("0::")) {
            QFile events(mount + QString::fromLocal8Bit(line.mid(3)) + QStringLiteral("/cgroup.events"));
            return events.open(QIODevice::ReadOnly) && events.readAll().contains("frozen 1");
        }
    }
    return false;
}

} // namespace

class TestRuntimeFaults : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<LogCollector> m_logs;

    InvocationRecord run(const QString &mode, int timeoutSec = 3, const QByteArray &payload = "{\"ping\":1}")
    {
        TempFunction f(QStringLiteral("Faulty_") + QString(mode).replace(QLatin1Char('-'), QLatin1Char('_')),
                       QStringLiteral("provided.al2023"), mode, timeoutSec);
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        return m_engine->invoke(f.config, payload);
    }
    QString logsOf(const InvocationRecord &r) const { return m_logs->forRequest(r.requestId).join(QLatin1Char('\n')); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine = std::make_unique<Engine>();
        m_engine->setInitTimeoutMs(4000); // generous: a loaded CI machine must not turn a slow start into a failure
        m_logs = std::make_unique<LogCollector>(*m_engine);
    }
    void cleanupTestCase() { m_engine.reset(); }

    void echoColdThenWarm()
    {
        TempFunction f(QStringLiteral("Echo"), QStringLiteral("provided.al2023"), QStringLiteral("echo"));
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const auto cold = m_engine->invoke(f.config, "{\"n\":1}");
        QCOMPARE(cold.outcome, InvocationOutcome::Success);
        QCOMPARE(cold.payload, QByteArray("{\"n\":1}"));
        QVERIFY(cold.coldStart);
        QVERIFY(cold.initDurationMs > 0);
        QVERIFY(cold.reportLine.contains(QStringLiteral("\tInit Duration: ")));
        const auto warm = m_engine->invoke(f.config, "{\"n\":2}");
        QCOMPARE(warm.payload, QByteArray("{\"n\":2}"));
        QVERIFY(!warm.coldStart);
        QCOMPARE(warm.environmentId, cold.environmentId);
        QVERIFY(!warm.reportLine.contains(QStringLiteral("Init Duration")));
        // The runtime sees Lambda's headers: a deadline in the future and the function's ARN.
        QVERIFY(logsOf(warm).contains(QStringLiteral("arn arn:aws:lambda:us-east-1:123456789012:function:Echo")));
        const QStringList lines = m_logs->forRequest(warm.requestId);
        QCOMPARE(lines.first(), QStringLiteral("START RequestId: %1 Version: $LATEST").arg(warm.requestId));
        QCOMPARE(lines.at(lines.size() - 2), QStringLiteral("END RequestId: %1").arg(warm.requestId));
        QVERIFY(lines.last().startsWith(QStringLiteral("REPORT RequestId: %1\tDuration: ").arg(warm.requestId)));
        QVERIFY(lines.last().contains(QStringLiteral("\tMemory Size: 128 MB\tMax Memory Used: ")));
        QVERIFY(lines.last().endsWith(QLatin1Char('\t')));
    }

    void idleEnvironmentsAreFrozenAndThawed()
    {
        TempFunction f(QStringLiteral("FreezeEcho"), QStringLiteral("provided.al2023"), QStringLiteral("echo"));
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const auto first = m_engine->invoke(f.config, "{\"n\":1}");
        QCOMPARE(first.outcome, InvocationOutcome::Success);
        const auto phaseOf = [this](const QString &id) {
            for (const EnvironmentState &s : m_engine->environments())
                if (s.environmentId == id)
                    return s.phase;
            return EnvironmentPhase::Stopped;
        };
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(first.environmentId), EnvironmentPhase::Frozen, 5000);
        // Frozen for real: every process of the environment is stopped by the freezer: state D or T
        // under v1's; v2's freezer traps a task in an interruptible sleep (S), so there its group's
        // cgroup.events must say "frozen 1". The kernel freezes a group's tasks after the write
        // returns, which on a loaded machine can be a while: wait for it, within 5 s.
        const QStringList processes = functionProcesses(QStringLiteral("FreezeEcho"));
        QVERIFY(!processes.isEmpty());
        const auto running = [&processes] {
            int n = 0;
            for (const QString &dir : processes) {
                QFile stat(dir + QStringLiteral("/stat"));
                if (stat.open(QIODevice::ReadOnly)) {
                    const QByteArray state = stat.readAll().split(')').last().trimmed().left(1);
                    n += (state == "R" || (state == "S" && !inFrozenCgroup2(dir))) ? 1 : 0;
                }
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(running(), 0, 5000);
        const auto second = m_engine->invoke(f.config, "{\"n\":2}");
        QCOMPARE(second.payload, QByteArray("{\"n\":2}"));
        QCOMPARE(second.environmentId, first.environmentId);
        QVERIFY(!second.coldStart);
    }

    void environmentOutlivesTheThreadThatStartedIt()
    {
        // bubblewrap's --die-with-parent watches the forking *thread*; pool threads come and go.
        TempFunction f(QStringLiteral("ThreadEcho"), QStringLiteral("provided.al2023"), QStringLiteral("echo"));
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        InvocationRecord cold;
        std::thread([&] { cold = m_engine->invoke(f.config, "{}"); }).join();
        QVERIFY(cold.coldStart);
        QTest::qWait(200);
        const auto warm = m_engine->invoke(f.config, "{}");
        QCOMPARE(warm.outcome, InvocationOutcome::Success);
        QVERIFY(!warm.coldStart);
        QCOMPARE(warm.environmentId, cold.environmentId);
    }

    void crashDuringInit()
    {
        const auto r = run(QStringLiteral("crash-init"));
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("RequestId: %1 Error: Runtime exited with error: signal: segmentation fault")
                     .arg(r.requestId));
        QVERIFY(m_logs->all().contains(QStringLiteral("INIT_REPORT Init Duration: ")));
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.ExitError")));
    }

    void exitDuringInit()
    {
        const auto r = run(QStringLiteral("exit-init"));
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QVERIFY2(r.errorMessage.endsWith(QStringLiteral("Runtime exited with error: exit status 3")),
                 qPrintable(r.errorMessage));
    }

    void initErrorReported()
    {
        const auto r = run(QStringLiteral("init-error"));
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.FixtureInitError"));
        QCOMPARE(r.errorMessage, QStringLiteral("fixture failed to initialize"));
        QVERIFY(m_logs->all().contains(QStringLiteral("init error status 202 {\"status\":\"OK\"}")));
        QVERIFY(m_logs->all().contains(
            QStringLiteral("\tPhase: init\tStatus: error\tError Type: Runtime.FixtureInitError")));
    }

    void neverCallsNext()
    {
        const auto r = run(QStringLiteral("never-next"));
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QCOMPARE(r.errorType, QStringLiteral("Sandbox.Timedout"));
        QVERIFY(m_logs->all().contains(QStringLiteral("\tPhase: init\tStatus: timeout")));
        const auto envs = m_engine->environments();
        QVERIFY(std::none_of(envs.begin(), envs.end(), [](const EnvironmentState &e) {
            return e.functionName == QLatin1String("Faulty_never_next"); // killed, not left hanging
        }));
    }

    void crashDuringInvokeThenCold()
    {
        TempFunction f(QStringLiteral("CrashInvoke"), QStringLiteral("provided.al2023"),
                       QStringLiteral("crash-invoke"));
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::RuntimeExit);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.payload,
                 QStringLiteral("{\"errorMessage\":\"RequestId: %1 Error: Runtime exited with error: signal: "
                                "segmentation fault\",\"errorType\":\"Runtime.ExitError\"}")
                     .arg(r.requestId)
                     .toUtf8());
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.ExitError")));
        const auto again = m_engine->invoke(f.config, "{}");
        QVERIFY(again.coldStart); // the crashed environment was reset
        QVERIFY(again.environmentId != r.environmentId);
    }

    void timeoutKillsAndResets()
    {
        TempFunction f(QStringLiteral("Hang"), QStringLiteral("provided.al2023"), QStringLiteral("hang"), 1);
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Timeout);
        QCOMPARE(r.errorType, QStringLiteral("Sandbox.Timedout"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("RequestId: %1 Error: Task timed out after 1.00 seconds").arg(r.requestId));
        QVERIFY(r.durationMs >= 1000);
        QVERIFY(r.reportLine.endsWith(QStringLiteral("Status: timeout")));
        QVERIFY(logsOf(r).contains(QRegularExpression(
            QStringLiteral("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z %1 Task timed out after 1.00 seconds")
                .arg(r.requestId))));
        const auto again = m_engine->invoke(f.config, "{}");
        QVERIFY(again.coldStart);
    }

    void responseTwice()
    {
        const auto r = run(QStringLiteral("double-response"));
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        QCOMPARE(r.payload, QByteArray("{\"n\":1}"));
        QTRY_VERIFY(m_logs->all().contains(QStringLiteral("first response status 202 {\"status\":\"OK\"}")));
        QTRY_VERIFY(m_logs->all().contains(QStringLiteral("second response status 400 {\"errorMessage\":\"Invalid "
                                                          "request ID\",\"errorType\":\"InvalidRequestID\"}")));
    }

    void wrongRequestId()
    {
        const auto r = run(QStringLiteral("wrong-id"));
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        QTRY_VERIFY(m_logs->all().contains(QStringLiteral("right id status 202")));
        const QString logs = m_logs->all();
        QVERIFY(logs.contains(QStringLiteral(
            "wrong id status 400 {\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}")));
        QVERIFY(logs.contains(QStringLiteral("empty id status 400")));
    }

    void nextTwiceAndLateInitError()
    {
        const auto r = run(QStringLiteral("next-twice"));
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        const QString logs = m_logs->all();
        QVERIFY(
            logs.contains(QStringLiteral("second next status 403 {\"errorMessage\":\"State transition from Invoking")));
        QVERIFY(logs.contains(QStringLiteral("\"errorType\":\"InvalidStateTransition\"")));
        QVERIFY(logs.contains(QStringLiteral("init error after init status 403")));
    }

    void badResponseMode()
    {
        const auto r = run(QStringLiteral("bad-mode"));
        QCOMPARE(r.outcome, InvocationOutcome::FunctionError);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.InvalidResponseModeHeader"));
        QTRY_VERIFY(
            m_logs->all().contains(QStringLiteral("bad mode status 400 {\"errorMessage\":\"Invalid function response "
                                                  "mode\",\"errorType\":\"InvalidFunctionResponseMode\"}")));
    }

    void responseTooLarge()
    {
        const auto r = run(QStringLiteral("huge"), roomy(3));
        QCOMPARE(r.outcome, InvocationOutcome::FunctionError);
        QCOMPARE(r.errorType, QStringLiteral("Function.ResponseSizeTooLarge"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("Response payload size (6291559 bytes) exceeded maximum allowed payload size "
                                "(6291556 bytes)."));
        QTRY_VERIFY(m_logs->all().contains(QStringLiteral(
            "huge response status 413 {\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\","
            "\"errorType\":\"RequestEntityTooLarge\"}")));
    }

    void garbageThenExit()
    {
        const auto r = run(QStringLiteral("garbage"));
        QCOMPARE(r.outcome, InvocationOutcome::RuntimeExit);
        QVERIFY(r.errorMessage.endsWith(QStringLiteral("Runtime exited with error: exit status 1")));
        QVERIFY(m_logs->all().contains(QStringLiteral("garbage reply HTTP/1.1 400")));
    }

    void runawayForksAreContained()
    {
        TempFunction f(QStringLiteral("Runaway"), QStringLiteral("provided.al2023"), QStringLiteral("runaway"),
                       roomy(10), 1024);
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        const int children = QJsonDocument::fromJson(r.payload).object().value(QStringLiteral("children")).toInt();
        QVERIFY2(children > 0 && children < 1024, qPrintable(QString::fromUtf8(r.payload))); // the pids limit held
        m_engine->stopEnvironment(r.environmentId);
        // Nothing of that environment survives its shutdown.
        QCOMPARE(functionProcesses(QStringLiteral("Runaway")).size(), 0);
    }

    void payloadTooLarge()
    {
        TempFunction f(QStringLiteral("Echo"), QStringLiteral("provided.al2023"), QStringLiteral("echo"));
        f.installBootstrap(QStringLiteral(FN_FAULTY_RUNTIME));
        const QByteArray big = "\"" + QByteArray(6291456, 'y') + "\"";
        const auto r = m_engine->invoke(f.config, big);
        QCOMPARE(r.outcome, InvocationOutcome::Rejected);
        QCOMPARE(r.errorMessage,
                 QStringLiteral("6291458 byte payload is too large for the RequestResponse invocation type "
                                "(limit 6291456 bytes)"));
    }

    void missingBootstrap()
    {
        TempFunction f(QStringLiteral("NoBootstrap"), QStringLiteral("provided.al2023"), QString());
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.InvalidEntrypoint"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeFaults)
#include "tst_runtimefaults.moc"
