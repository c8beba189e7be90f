// The environment pool with fake environments: which parked environment an invocation takes, which
// ones are shut down and why (stale, evicted, expired, retired), and the guard on live environments.

#include "fakeenvironment.h"

#include "clock/clock.h"
#include "engine/environmentpool.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace fn;
using namespace fn::test;

namespace {

constexpr qint64 NewYear = 1767225600000; // 2026-01-01T00:00:00Z

// The pool's announcements, recorded from whichever thread makes them.
struct Announcements
{
    std::mutex mutex;
    QStringList queued; // "requestId function"
    QStringList reasons;
    QStringList available;
    std::atomic<int> changes{0};

    EnvironmentPool::Listener listener()
    {
        return {[this](const QString &requestId, const QString &function, const QString &reason) {
                    std::lock_guard lock(mutex);
                    queued << requestId + QLatin1Char(' ') + function;
                    reasons << reason;
                },
                [this](const QString &requestId) {
                    std::lock_guard lock(mutex);
                    available << requestId;
                },
                [this] { ++changes; }};
    }
    qsizetype queuedCount()
    {
        std::lock_guard lock(mutex);
        return queued.size();
    }
};

EnvironmentPool::WarmKey key(const QString &function, const QString &fingerprint = QStringLiteral("v1"),
                             quint64 generation = 0)
{
    return {function, fingerprint, generation};
}

} // namespace

class TestEnvironmentPool final : public QObject
{
    Q_OBJECT

    std::shared_ptr<Clock> m_clock;
    Announcements m_said;
    std::unique_ptr<EnvironmentPool> m_pool;
    FakeEnvironmentFactory m_factory;

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_shared<Clock>();
        m_clock->setManual(NewYear);
        m_said.queued.clear();
        m_said.reasons.clear();
        m_said.available.clear();
        m_pool = std::make_unique<EnvironmentPool>(m_clock, m_said.listener());
    }

    void cleanup() { m_pool.reset(); }

    void aParkedEnvironmentServesTheNextInvocationWarm()
    {
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QCOMPARE(env->phase(), EnvironmentPhase::Idle);
        QCOMPARE(m_pool->inUse(), 0);

        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), env);
        QCOMPARE(m_pool->inUse(), 1);
        // Taken busy: a second invocation at the same time finds none and starts cold.
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Hello"))));
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Other"))));
        QCOMPARE(m_pool->liveCount(), 1);
        QVERIFY(!env->stopped());
    }

    void theWarmestOnDemandEnvironmentIsTakenFirst()
    {
        const auto older = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto newer = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), newer);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), older);
    }

    void aChangedConfigurationReplacesTheParkedEnvironments()
    {
        const auto old = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello"), QStringLiteral("v1")));
        const auto other = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Other"), QStringLiteral("v1")));
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Hello"), QStringLiteral("v2"))));
        QCOMPARE(old->stopReason(), QStringLiteral("configuration changed"));
        QCOMPARE(m_pool->liveCount(), 1); // other functions keep theirs
        QVERIFY(!other->stopped());
        QCOMPARE(m_pool->environments().front(), other);
    }

    void newServiceVariablesReplaceTheParkedEnvironments()
    {
        const auto old = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Hello"), QStringLiteral("v1"), 1)));
        QCOMPARE(old->stopReason(), QStringLiteral("configuration changed"));
        QCOMPARE(m_pool->liveCount(), 0);
    }

    void aParkedEnvironmentWhoseRuntimeDiedIsNotTaken()
    {
        const auto dead = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto alive = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        dead->die();
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), alive);
        QVERIFY(dead->stopped());
        QCOMPARE(m_pool->liveCount(), 1);
    }

    void provisionedEnvironmentsServeFirstThenOnDemandOnes()
    {
        const auto onDemandEnv = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto provisionedEnv = m_factory.startParked(*m_pool, provisioned(QStringLiteral("Hello")));
        const auto later = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QCOMPARE(m_pool->provisioned(QStringLiteral("Hello")), 1);
        QCOMPARE(m_pool->provisioned(QStringLiteral("Hello"), QStringLiteral("v2")), 0);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), provisionedEnv);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), later);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), onDemandEnv);
    }

    void theGuardEvictsTheLeastRecentlyParkedOnDemandEnvironment()
    {
        m_pool->setMaxLive(4);
        const auto first = m_factory.startParked(*m_pool, onDemand(QStringLiteral("A")));
        const auto keeper = m_factory.startParked(*m_pool, provisioned(QStringLiteral("B")));
        const auto second = m_factory.startParked(*m_pool, onDemand(QStringLiteral("C")));
        const auto third = m_factory.startParked(*m_pool, onDemand(QStringLiteral("A")));
        // Used again, so parked last of all.
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("A"))), third);
        m_pool->release(third);

        QVERIFY(!m_pool->reserveSlot(QStringLiteral("r1"), key(QStringLiteral("D"))));
        QCOMPARE(first->stopReason(), QStringLiteral("evicted"));
        QVERIFY(!second->stopped());
        m_pool->add(m_factory.make(onDemand(QStringLiteral("D"))));

        QVERIFY(!m_pool->reserveSlot(QStringLiteral("r2"), key(QStringLiteral("D"))));
        QCOMPARE(second->stopReason(), QStringLiteral("evicted"));
        QVERIFY(!third->stopped());
        QVERIFY(!keeper->stopped());
        QCOMPARE(m_said.queuedCount(), 0); // room was made, nobody waited
    }

    void aColdStartWaitsForTheGuardAndGoesOnWhenAnEnvironmentEnds()
    {
        m_pool->setMaxLive(2);
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("A")));
        const auto keeper = m_factory.startParked(*m_pool, provisioned(QStringLiteral("B")));
        std::atomic<bool> done{false};
        EnvironmentPool::EnvPtr taken;
        std::jthread waiter([&] {
            taken = m_pool->reserveSlot(QStringLiteral("r1"), key(QStringLiteral("C")));
            done = true;
        });
        QTRY_COMPARE(m_said.queuedCount(), 1);
        QCOMPARE(m_pool->waitingForCapacity(), 1);
        {
            std::lock_guard lock(m_said.mutex);
            QCOMPARE(m_said.queued.front(), QStringLiteral("r1 C"));
            QVERIFY(m_said.reasons.front().contains(QStringLiteral("2 execution environments are alive")));
            QVERIFY(m_said.available.isEmpty());
        }
        QVERIFY(!done);

        // Parked, the busy one (another function's, on demand) makes room by being evicted.
        m_pool->release(busy);
        waiter.join();
        QVERIFY(done);
        QVERIFY(!taken); // a slot for a cold start, not somebody else's environment
        QCOMPARE(busy->stopReason(), QStringLiteral("evicted"));
        QVERIFY(!keeper->stopped());
        QCOMPARE(m_pool->waitingForCapacity(), 0);
        std::lock_guard lock(m_said.mutex);
        QCOMPARE(m_said.available, QStringList{QStringLiteral("r1")});
    }

    void aWaitingColdStartTakesItsOwnFunctionsEnvironmentWarm()
    {
        m_pool->setMaxLive(1);
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("A")));
        EnvironmentPool::EnvPtr taken;
        std::jthread waiter([&] { taken = m_pool->reserveSlot(QStringLiteral("r1"), key(QStringLiteral("A"))); });
        QTRY_COMPARE(m_said.queuedCount(), 1);
        m_pool->release(busy);
        waiter.join();
        QCOMPARE(taken, busy);
        QVERIFY(!busy->stopped());
        QCOMPARE(m_pool->inUse(), 1);
        std::lock_guard lock(m_said.mutex);
        QCOMPARE(m_said.available, QStringList{QStringLiteral("r1")});
    }

    void aForgottenEnvironmentMakesRoomForAWaitingColdStart()
    {
        m_pool->setMaxLive(1);
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("A")));
        std::jthread waiter([&] { m_pool->reserveSlot(QStringLiteral("r1"), key(QStringLiteral("B"))); });
        QTRY_COMPARE(m_said.queuedCount(), 1);
        busy->shutdown(QStringLiteral("timeout"));
        m_pool->forget(busy);
        waiter.join();
        QCOMPARE(m_pool->liveCount(), 0);
        QCOMPARE(m_pool->waitingForCapacity(), 0);
    }

    void parkedOnDemandEnvironmentsExpireOnTheClock()
    {
        m_pool->setIdleTimeoutMs(30000);
        const auto warm = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto kept = m_factory.startParked(*m_pool, provisioned(QStringLiteral("Hello")));
        QCOMPARE(m_pool->nextExpiryMs(), NewYear + 30000);

        m_clock->advance(29999);
        QCOMPARE(m_pool->expire(), 0);
        QVERIFY(!warm->stopped());
        m_clock->advance(1);
        QCOMPARE(m_pool->expire(), 1);
        QCOMPARE(warm->stopReason(), QStringLiteral("idle"));
        QCOMPARE(m_pool->liveCount(), 1);
        QCOMPARE(m_pool->nextExpiryMs(), EnvironmentPool::NoExpiry);

        // Provisioned environments stay however long they idle.
        m_clock->advance(24 * 3600 * 1000);
        QCOMPARE(m_pool->expire(), 0);
        QVERIFY(!kept->stopped());
    }

    void usingAnEnvironmentRestartsItsKeepWarmTime()
    {
        m_pool->setIdleTimeoutMs(30000);
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        m_clock->advance(20000);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), env);
        m_pool->release(env);
        m_clock->advance(20000);
        QCOMPARE(m_pool->expire(), 0);
        QCOMPARE(m_pool->nextExpiryMs(), NewYear + 50000);
    }

    void aNewClockRestartsTheKeepWarmTime()
    {
        m_pool->setIdleTimeoutMs(30000);
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        auto later = std::make_shared<Clock>();
        later->setManual(NewYear + 3600000);
        m_pool->setClock(later);
        QCOMPARE(m_pool->expire(), 0);
        QCOMPARE(m_pool->nextExpiryMs(), NewYear + 3600000 + 30000);
        QVERIFY(!env->stopped());
    }

    void retiringAFunctionStopsItsParkedEnvironmentsAtOnce()
    {
        const auto a = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto b = m_factory.startParked(*m_pool, provisioned(QStringLiteral("Hello")));
        const auto other = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Other")));
        m_pool->retire(QStringLiteral("Hello"), QStringLiteral("code updated"));
        QCOMPARE(a->stopReason(), QStringLiteral("code updated"));
        QCOMPARE(b->stopReason(), QStringLiteral("code updated"));
        QVERIFY(!other->stopped());
        QCOMPARE(m_pool->liveCount(), 1);
        // The next invocation is cold, even with the configuration the old ones had.
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Hello"))));
    }

    void aRetiredBusyEnvironmentFinishesItsInvocationThenStops()
    {
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        m_pool->retire(QStringLiteral("Hello"), QStringLiteral("configuration updated"));
        QCOMPARE(busy->phase(), EnvironmentPhase::Busy); // its invocation runs on
        QCOMPARE(m_pool->liveCount(), 1);

        QVERIFY(!m_pool->release(busy));
        QCOMPARE(busy->stopReason(), QStringLiteral("configuration updated"));
        QCOMPARE(busy->timesMarkedIdle(), 0); // never shown idle on the timeline
        QCOMPARE(m_pool->liveCount(), 0);
        QVERIFY(!m_pool->takeWarm(key(QStringLiteral("Hello"))));

        // An environment started after the update is parked as usual.
        const auto fresh = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello"), QStringLiteral("v2")));
        QVERIFY(m_pool->release(fresh));
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"), QStringLiteral("v2"))), fresh);
    }

    void retiringLeavesOtherFunctionsBusyEnvironmentsParkable()
    {
        const auto mine = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto theirs = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Other")));
        m_pool->retire(QStringLiteral("Hello"), QStringLiteral("code updated"));
        QVERIFY(m_pool->release(theirs));
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Other"))), theirs);
        QVERIFY(!m_pool->release(mine));
        QCOMPARE(mine->stopReason(), QStringLiteral("code updated"));
    }

    void aRetiredEnvironmentStoppedMeanwhileKeepsItsOwnReason()
    {
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        m_pool->retire(QStringLiteral("Hello"), QStringLiteral("code updated"));
        busy->shutdown(QStringLiteral("timeout"));
        m_pool->forget(busy);
        QCOMPARE(busy->stopReason(), QStringLiteral("timeout"));
        QCOMPARE(m_pool->liveCount(), 0);
        // Nothing of the retirement lingers for later environments.
        const auto fresh = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        QVERIFY(m_pool->release(fresh));
    }

    void parkedEnvironmentsAreFrozenOnceIdleLongEnough()
    {
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        env->setIdleSinceMs(1000);
        QVERIFY(m_pool->freezeParked(999)); // idle since later than that: still unfrozen
        QCOMPARE(env->phase(), EnvironmentPhase::Idle);
        QVERIFY(!m_pool->freezeParked(1000));
        QCOMPARE(env->phase(), EnvironmentPhase::Frozen);
        QCOMPARE(m_pool->takeWarm(key(QStringLiteral("Hello"))), env);
    }

    void runningEnvironmentsAreThoseInAnInvocation()
    {
        const auto busy = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        m_pool->add(m_factory.make(onDemand(QStringLiteral("Starting"))));
        QCOMPARE(m_pool->running(), std::vector<EnvironmentPool::EnvPtr>{busy});
        QCOMPARE(m_pool->inUse(), 2);
        QCOMPARE(m_pool->find(busy->id()), busy);
        QVERIFY(!m_pool->find(QStringLiteral("nope")));
    }

    void addingAndParkingAnnounceAChange()
    {
        const int before = m_said.changes;
        const auto env = m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        QCOMPARE(m_said.changes - before, 1);
        m_pool->release(env);
        QCOMPARE(m_said.changes - before, 2);
    }
};

QTEST_GUILESS_MAIN(TestEnvironmentPool)
#include "tst_environmentpool.moc"
