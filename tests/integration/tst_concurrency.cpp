// Concurrency through the engine with real Python functions: account and reserved limits with
// Lambda's throttle reasons, a deterministic burst, provisioned environments, keep-warm expiry on
// a manual Clock, and the studio-wide guard on live environments.

#include "enginetestsupport.h"
#include "signalrecorder.h"

#include "clock/clock.h"

#include <QStandardPaths>
#include <QTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Handler = R"PY(
import os, time

def handler(event, context):
    if event.get("mode") == "hold":
        while not os.path.exists("/var/task/release"):
            time.sleep(0.01)
    return {"init": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"), "n": event.get("n")}
)PY";

} // namespace

class TestConcurrency final : public QObject
{
    Q_OBJECT

    // Invoking threads are std::jthread: a failed check returns while they still run, and they are
    // joined then (at worst after the function's timeout) rather than ending the test in std::terminate.
    std::unique_ptr<Engine> m_engine;

    TempFunction function(const QString &name)
    {
        TempFunction f(name, QStringLiteral("python3.12"), QStringLiteral("app.handler"), 30);
        f.write(QStringLiteral("app.py"), Handler);
        return f;
    }

    // Environments of `name` running an invocation. The in-flight counters rise when an invocation
    // is admitted, before it has taken an environment; a test that needs it taken waits for this.
    int busyEnvironments(const QString &name) const
    {
        int busy = 0;
        for (const EnvironmentState &s : m_engine->environments())
            busy += s.functionName == name && s.phase == EnvironmentPhase::Busy;
        return busy;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine = std::make_unique<Engine>();
    }

    void cleanup()
    {
        m_engine->stopAll();
        m_engine->setAccountConcurrencyLimit(1000);
        m_engine->setMaxLiveEnvironments(Engine::defaultMaxLiveEnvironments());
    }

    void cleanupTestCase() { m_engine.reset(); }

    void reservedZeroThrottlesEverything()
    {
        auto f = function(QStringLiteral("ReservedZero"));
        f.config.reservedConcurrency = 0;
        SignalRecorder finished(m_engine.get(), &Engine::invocationFinished);
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Throttled);
        QCOMPARE(r.errorType, QStringLiteral("TooManyRequestsException"));
        QCOMPARE(r.errorMessage, QStringLiteral("Rate Exceeded."));
        QCOMPARE(r.throttleReason, QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
        QCOMPARE(
            r.payload,
            QByteArray(
                R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})"));
        QVERIFY(r.environmentId.isEmpty());
        QCOMPARE(finished.size(), 1); // throttles are on the timeline too
        QVERIFY(m_engine->environments().isEmpty());
    }

    // 200 invocations from 10 threads against an account limit of 4: the first 4 hold until
    // released, so every one of the other 196 finds the limit reached.
    void burstAgainstAccountLimit()
    {
        auto f = function(QStringLiteral("Burst"));
        QFile::remove(f.dir.filePath(QStringLiteral("release")));
        m_engine->setAccountConcurrencyLimit(4);
        std::vector<std::jthread> holders;
        std::atomic<int> holdersCompleted{0};
        for (int i = 0; i < 4; ++i)
            holders.emplace_back([&, i] {
                const auto r =
                    m_engine->invoke(f.config, QByteArray(R"({"mode": "hold", "n": )") + QByteArray::number(i) + '}');
                if (r.outcome == InvocationOutcome::Success)
                    ++holdersCompleted;
            });
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->concurrency().accountInFlight, 4, 10000);

        std::atomic<int> next{4}, throttled{0}, completed{0};
        std::vector<std::jthread> burst;
        for (int t = 0; t < 10; ++t)
            burst.emplace_back([&] {
                while (next.fetch_add(1) < 200) {
                    const auto r = m_engine->invoke(f.config, "{}");
                    if (r.outcome == InvocationOutcome::Throttled
                        && r.throttleReason == QLatin1String("ConcurrentInvocationLimitExceeded"))
                        ++throttled;
                    else if (r.outcome == InvocationOutcome::Success)
                        ++completed;
                }
            });
        for (auto &t : burst)
            t.join();
        QCOMPARE(throttled.load(), 196);
        QCOMPARE(completed.load(), 0);

        f.write(QStringLiteral("release"), "go");
        for (auto &t : holders)
            t.join();
        QCOMPARE(holdersCompleted.load(), 4);
        QCOMPARE(m_engine->concurrency().accountInFlight, 0);
        // Four environments served four concurrent invocations: none shared, none queued.
        QCOMPARE(m_engine->environments().size(), 4);
    }

    void reservedConcurrencyCapsOneFunction()
    {
        auto capped = function(QStringLiteral("Capped"));
        capped.config.reservedConcurrency = 1;
        auto other = function(QStringLiteral("Other"));
        m_engine->setAccountConcurrencyLimit(2);
        QFile::remove(capped.dir.filePath(QStringLiteral("release")));
        std::jthread holder([&] { m_engine->invoke(capped.config, R"({"mode": "hold"})"); });
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->concurrency(capped.config.name).functionInFlight, 1, 10000);

        const auto second = m_engine->invoke(capped.config, "{}");
        QCOMPARE(second.throttleReason, QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
        // The reservation is taken out of the account: 2 - 1 leaves one for everybody else.
        const auto state = m_engine->concurrency(other.config.name);
        QCOMPARE(state.unreservedLimit, 1);
        QCOMPARE(m_engine->invoke(other.config, "{}").outcome, InvocationOutcome::Success);

        capped.write(QStringLiteral("release"), "go");
        holder.join();
    }

    void provisionedEnvironmentsServeFirstThenSpillOver()
    {
        auto f = function(QStringLiteral("Provisioned"));
        f.config.provisionedConcurrency = 2;
        QCOMPARE(m_engine->provision(f.config), 2);
        QCOMPARE(m_engine->provision(f.config), 2); // already there: none started twice
        QCOMPARE(m_engine->environments().size(), 2);
        for (const EnvironmentState &s : m_engine->environments())
            QCOMPARE(s.initializationType, QStringLiteral("provisioned-concurrency"));

        QFile::remove(f.dir.filePath(QStringLiteral("release")));
        std::vector<InvocationRecord> held(2);
        std::vector<std::jthread> holders;
        for (int i = 0; i < 2; ++i)
            holders.emplace_back([&, i] { held[size_t(i)] = m_engine->invoke(f.config, R"({"mode": "hold"})"); });
        QTRY_COMPARE_WITH_TIMEOUT(busyEnvironments(f.config.name), 2, 10000);
        const auto spill = m_engine->invoke(f.config, "{}");
        f.write(QStringLiteral("release"), "go");
        for (auto &t : holders)
            t.join();

        for (const auto &r : held) {
            QCOMPARE(r.outcome, InvocationOutcome::Success);
            QVERIFY(!r.coldStart);
            QCOMPARE(r.initDurationMs, 0.0);
            QVERIFY(!r.reportLine.contains(QStringLiteral("Init Duration")));
            QCOMPARE(r.initializationType, QStringLiteral("provisioned-concurrency"));
            QVERIFY(r.payload.contains("\"provisioned-concurrency\""));
        }
        QVERIFY(spill.coldStart);
        QCOMPARE(spill.initializationType, QStringLiteral("on-demand"));
        QVERIFY(spill.reportLine.contains(QStringLiteral("Init Duration")));
        QVERIFY(spill.payload.contains("\"on-demand\""));
        QCOMPARE(m_engine->concurrency(f.config.name).provisioned, 2);
    }

    void idleEnvironmentsExpireOnTheClock()
    {
        auto clock = std::make_shared<Clock>();
        clock->setManual(1767225600000);
        m_engine->setClock(clock);
        m_engine->setIdleTimeoutMs(30000);
        auto f = function(QStringLiteral("KeepWarm"));
        auto p = function(QStringLiteral("KeepProvisioned"));
        p.config.provisionedConcurrency = 1;
        QCOMPARE(m_engine->provision(p.config), 1);
        const auto r = m_engine->invoke(f.config, "{}");
        QVERIFY(r.coldStart);
        QCOMPARE(m_engine->environments().size(), 2);

        SignalRecorder stopped(m_engine.get(), &Engine::environmentChanged);
        clock->advance(29999);
        QTest::qWait(100);
        QCOMPARE(m_engine->environments().size(), 2);
        clock->advance(1);
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->environments().size(), 1, 10000);
        bool sawIdleStop = false;
        for (const auto &[s] : stopped.calls()) {
            if (s.environmentId == r.environmentId && s.phase == EnvironmentPhase::Stopped)
                sawIdleStop = s.stopReason == QLatin1String("idle");
        }
        QVERIFY(sawIdleStop);
        // Provisioned environments stay however long they idle.
        QCOMPARE(m_engine->environments().at(0).initializationType, QStringLiteral("provisioned-concurrency"));
        QVERIFY(!m_engine->invoke(f.config, "{}").failed());

        m_engine->setIdleTimeoutMs(5 * 60 * 1000);
        m_engine->setClock(std::make_shared<Clock>());
    }

    void guardQueuesColdStartsBeyondTheMachine()
    {
        auto f = function(QStringLiteral("Guarded"));
        auto g = function(QStringLiteral("GuardIdle"));
        m_engine->setMaxLiveEnvironments(1);
        // An idle environment of another function makes room by being shut down.
        QVERIFY(!m_engine->invoke(g.config, "{}").failed());
        SignalRecorder changes(m_engine.get(), &Engine::environmentChanged);
        QVERIFY(!m_engine->invoke(f.config, "{}").failed());
        bool evicted = false;
        for (const auto &[s] : changes.calls())
            evicted = evicted || (s.functionName == g.config.name && s.stopReason == QLatin1String("evicted"));
        QVERIFY(evicted);

        // A busy one cannot: the second concurrent invocation waits, with a reason, then runs.
        QFile::remove(f.dir.filePath(QStringLiteral("release")));
        SignalRecorder queued(m_engine.get(), &Engine::invocationQueued);
        std::jthread holder([&] { m_engine->invoke(f.config, R"({"mode": "hold"})"); });
        QTRY_COMPARE_WITH_TIMEOUT(busyEnvironments(f.config.name), 1, 10000);
        InvocationRecord waited;
        std::jthread second([&] { waited = m_engine->invoke(f.config, R"({"n": 2})"); });
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 1, 10000);
        QVERIFY(std::get<2>(queued.calls().at(0)).contains(QStringLiteral("limit")));
        QCOMPARE(m_engine->concurrency().waitingForCapacity, 1);
        f.write(QStringLiteral("release"), "go");
        holder.join();
        second.join();
        QCOMPARE(waited.outcome, InvocationOutcome::Success);
    }

    // Lambda: an update ends the function's environments and the next invocation is cold. Idle
    // ones stop at once; a busy one finishes its invocation first and is never parked again.
    void retiringAFunctionEndsItsEnvironments()
    {
        auto f = function(QStringLiteral("Retired"));
        auto other = function(QStringLiteral("NotRetired"));
        const auto idle = m_engine->invoke(f.config, "{}");
        QVERIFY(idle.coldStart);
        QVERIFY(!m_engine->invoke(other.config, "{}").failed());
        SignalRecorder changes(m_engine.get(), &Engine::environmentChanged);
        m_engine->retireFunction(f.config.name, QStringLiteral("code updated"));
        QCOMPARE(m_engine->environments().size(), 1);
        QCOMPARE(m_engine->environments().at(0).functionName, other.config.name);
        QCOMPARE(stopReason(changes, idle.environmentId), QStringLiteral("code updated"));

        QFile::remove(f.dir.filePath(QStringLiteral("release")));
        InvocationRecord held;
        std::jthread holder([&] { held = m_engine->invoke(f.config, R"({"mode": "hold"})"); });
        QTRY_COMPARE_WITH_TIMEOUT(busyEnvironments(f.config.name), 1, 10000);
        const qsizetype retiredAt = changes.size();
        m_engine->retireFunction(f.config.name, QStringLiteral("configuration updated"));
        QCOMPARE(busyEnvironments(f.config.name), 1); // its invocation runs on
        f.write(QStringLiteral("release"), "go");
        holder.join();
        QCOMPARE(held.outcome, InvocationOutcome::Success);
        QVERIFY(held.coldStart);
        QCOMPARE(stopReason(changes, held.environmentId), QStringLiteral("configuration updated"));
        const auto calls = changes.calls();
        for (qsizetype i = retiredAt; i < qsizetype(calls.size()); ++i) {
            const EnvironmentState &s = std::get<0>(calls[size_t(i)]);
            QVERIFY(s.environmentId != held.environmentId || s.phase != EnvironmentPhase::Idle);
        }
        QCOMPARE(m_engine->environments().size(), 1);
        QVERIFY(m_engine->invoke(f.config, "{}").coldStart);
    }

private:
    static QString stopReason(const SignalRecorder<const EnvironmentState &> &changes, const QString &environmentId)
    {
        for (const auto &[s] : changes.calls())
            if (s.environmentId == environmentId && s.phase == EnvironmentPhase::Stopped)
                return s.stopReason;
        return {};
    }
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
