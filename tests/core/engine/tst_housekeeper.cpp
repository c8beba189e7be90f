// The housekeeper over a pool of fake environments: parked ones frozen after the freeze delay,
// running ones sampled, expired ones shut down when the Clock steps (and kept their time when it
// goes back to wall time).

#include "fakeenvironment.h"

#include "clock/clock.h"
#include "engine/environmentpool.h"
#include "engine/housekeeper.h"

#include <QDateTime>
#include <QTest>

#include <mutex>
#include <vector>

using namespace fn;
using namespace fn::test;

namespace {

constexpr qint64 NewYear = 1767225600000; // 2026-01-01T00:00:00Z
constexpr int Hour = 3600 * 1000;

struct Samples
{
    std::mutex mutex;
    std::vector<MemorySample> taken;

    Housekeeper::SampleSink sink()
    {
        return [this](const MemorySample &s) {
            std::lock_guard lock(mutex);
            taken.push_back(s);
        };
    }
    std::vector<MemorySample> all()
    {
        std::lock_guard lock(mutex);
        return taken;
    }
};

} // namespace

class TestHousekeeper final : public QObject
{
    Q_OBJECT

    std::shared_ptr<Clock> m_clock;
    std::unique_ptr<EnvironmentPool> m_pool;
    Samples m_samples;
    std::unique_ptr<Housekeeper> m_housekeeper;
    FakeEnvironmentFactory m_factory;

    // Returns once a whole round has run since the call, so a test can check what it did not do:
    // the first wake-up may end a round already under way, the second one starts a new round.
    bool settle()
    {
        for (int i = 0; i < 2; ++i) {
            const quint64 seen = m_housekeeper->rounds();
            m_housekeeper->wake();
            if (!QTest::qWaitFor([&] { return m_housekeeper->rounds() > seen; }))
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_shared<Clock>();
        m_clock->setManual(NewYear);
        m_pool = std::make_unique<EnvironmentPool>(m_clock, EnvironmentPool::Listener{{}, {}, [this] {
                                                                                          if (m_housekeeper)
                                                                                              m_housekeeper->wake();
                                                                                      }});
        m_samples.taken.clear();
        m_housekeeper = std::make_unique<Housekeeper>(*m_pool, m_samples.sink());
        m_housekeeper->watch(m_clock);
        m_housekeeper->setSamplingIntervalMs(0);
    }

    void cleanup()
    {
        m_housekeeper.reset();
        m_pool.reset();
    }

    void aParkedEnvironmentIsFrozenOnceTheFreezeDelayHasPassed()
    {
        m_housekeeper->setFreezeDelayMs(Hour);
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QVERIFY(settle());
        QCOMPARE(env->phase(), EnvironmentPhase::Idle); // idle for less than an hour: still running

        env->setIdleSinceMs(QDateTime::currentMSecsSinceEpoch() - Hour);
        m_housekeeper->wake();
        QTRY_COMPARE(env->phase(), EnvironmentPhase::Frozen);
    }

    void aZeroFreezeDelayFreezesAtOnce()
    {
        m_housekeeper->setFreezeDelayMs(0);
        const auto env = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QTRY_COMPARE(env->phase(), EnvironmentPhase::Frozen);
    }

    // Nothing announces that a runtime reached GET /next: the housekeeper keeps looking.
    void anEnvironmentIsFrozenOnceItsRuntimeWaitsForWork()
    {
        m_housekeeper->setFreezeDelayMs(0);
        const auto env = m_factory.make(onDemand(QStringLiteral("Hello")));
        env->setWaitingInNext(false);
        m_pool->reserveSlot({}, {env->functionName()});
        m_pool->add(env);
        m_pool->release(env);
        QVERIFY(settle());
        QCOMPARE(env->phase(), EnvironmentPhase::Idle);
        env->setWaitingInNext(true);
        QTRY_COMPARE(env->phase(), EnvironmentPhase::Frozen);
    }

    void runningEnvironmentsAreSampledAgainstTheirLimit()
    {
        auto config = onDemand(QStringLiteral("Hello"));
        config.memoryLimitBytes = qint64(256) << 20;
        const auto running = m_factory.startBusy(*m_pool, config);
        running->setMemoryBytes(qint64(42) << 20);
        const auto parked = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        m_housekeeper->setSamplingIntervalMs(5);
        QTRY_VERIFY(m_samples.all().size() >= 3); // sampled again and again while it runs
        for (const MemorySample &s : m_samples.all()) {
            QCOMPARE(s.environmentId, running->id());
            QCOMPARE(s.bytes, qint64(42) << 20);
            QCOMPARE(s.limitBytes, qint64(256) << 20);
            QVERIFY(!s.outOfMemory);
        }
        QVERIFY(parked->phase() != EnvironmentPhase::Busy);
    }

    void samplingCanBeSwitchedOff()
    {
        m_factory.startBusy(*m_pool, onDemand(QStringLiteral("Hello")));
        QVERIFY(settle());
        QVERIFY(m_samples.all().empty());
    }

    void aParkedEnvironmentExpiresWhenTheClockStepsPastItsKeepWarmTime()
    {
        m_pool->setIdleTimeoutMs(30000);
        m_housekeeper->setFreezeDelayMs(0);
        const auto warm = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        const auto kept = m_factory.startParked(*m_pool, provisioned(QStringLiteral("Hello")));
        QTRY_COMPARE(warm->phase(), EnvironmentPhase::Frozen); // nothing left to poll for: it sleeps

        quint64 seen = m_housekeeper->rounds();
        m_clock->advance(29999);
        QTRY_VERIFY(m_housekeeper->rounds() > seen); // the step woke it
        QVERIFY(!warm->stopped());

        m_clock->advance(1);
        QTRY_VERIFY(warm->stopped());
        QCOMPARE(warm->stopReason(), QStringLiteral("idle"));
        QCOMPARE(m_pool->liveCount(), 1);
        QVERIFY(!kept->stopped());

        seen = m_housekeeper->rounds();
        m_clock->advance(24 * Hour);
        QTRY_VERIFY(m_housekeeper->rounds() > seen);
        QVERIFY(!kept->stopped()); // provisioned environments never expire
    }

    void aRewindToRealTimeKeepsTheKeepWarmTimeLeft()
    {
        m_pool->setIdleTimeoutMs(10 * 60000);
        m_housekeeper->setFreezeDelayMs(0);
        m_clock->setManual(QDateTime::currentMSecsSinceEpoch() + 21 * 60000); // a lesson at 60x
        const auto warm = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QTRY_COMPARE(warm->phase(), EnvironmentPhase::Frozen);
        m_clock->advance(4 * 60000); // 4 of its 10 minutes gone

        m_clock->setReal(); // back to wall time, 25 minutes back
        QVERIFY(settle());
        QVERIFY(!warm->stopped());
        // It still has about 6 minutes to live, not 31.
        const qint64 left = m_pool->nextExpiryMs() - QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(left > 5 * 60000 && left <= 6 * 60000, qPrintable(QString::number(left)));
    }

    void aNudgeWakesOnlyWhenThePlannedRoundIsFarOff()
    {
        m_housekeeper->setSamplingIntervalMs(10000);
        m_housekeeper->setFreezeDelayMs(10000);
        QVERIFY(settle()); // nothing parked, nothing running: it waits to be woken
        quint64 seen = m_housekeeper->rounds();
        m_housekeeper->nudge();
        QTRY_VERIFY(m_housekeeper->rounds() > seen); // asleep for good: a nudge wakes it

        const auto warm = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QVERIFY(settle()); // now it plans to look again when the freeze delay has passed
        seen = m_housekeeper->rounds();
        for (int i = 0; i < 100; ++i)
            m_housekeeper->nudge(); // a warm invocation each: the planned round will see them
        QTest::qWait(100);
        QCOMPARE(m_housekeeper->rounds(), seen);
        QVERIFY(warm->phase() != EnvironmentPhase::Frozen);
    }

    void aNewClockIsWatched()
    {
        m_pool->setIdleTimeoutMs(30000);
        m_housekeeper->setFreezeDelayMs(0);
        auto other = std::make_shared<Clock>();
        other->setManual(NewYear);
        m_pool->setClock(other);
        m_housekeeper->watch(other);
        const auto warm = m_factory.startParked(*m_pool, onDemand(QStringLiteral("Hello")));
        QTRY_COMPARE(warm->phase(), EnvironmentPhase::Frozen);
        m_clock->advance(Hour); // the old clock no longer counts
        QVERIFY(settle());
        QVERIFY(!warm->stopped());
        other->advance(30000);
        QTRY_VERIFY(warm->stopped());
    }
};

QTEST_GUILESS_MAIN(TestHousekeeper)
#include "tst_housekeeper.moc"
