// The Clock: manual steps wake listeners, accelerated time runs faster, mode changes never go back.

#include "clock/clock.h"

#include <QDateTime>
#include <QTest>

#include <atomic>

using namespace fn;

class TestClock final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manualClockStandsStillUntilStepped()
    {
        Clock clock;
        clock.setManual(1000);
        QCOMPARE(clock.mode(), Clock::Mode::Manual);
        QCOMPARE(clock.nowMs(), 1000);
        QCOMPARE(clock.realMsUntil(5000), -1); // never on its own
        QCOMPARE(clock.realMsUntil(1000), 0);
        std::atomic<int> steps{0};
        const int token = clock.subscribe([&steps] { ++steps; });
        clock.advance(4000);
        QCOMPARE(clock.nowMs(), 5000);
        QCOMPARE(clock.realMsUntil(5000), 0);
        QCOMPARE(steps.load(), 1);
        clock.unsubscribe(token);
        clock.advance(1);
        QCOMPARE(steps.load(), 1);
    }

    void acceleratedClockScalesWaits()
    {
        Clock clock;
        clock.setManual(0);
        clock.setSpeed(60);
        QCOMPARE(clock.speed(), 60.0);
        const qint64 until = clock.realMsUntil(60000); // a clock minute
        QVERIFY(until > 900 && until <= 1000);
        clock.setSpeed(100000); // clamped to the maximum
        QCOMPARE(clock.speed(), Clock::MaxSpeed);
    }

    void realClockFollowsWallTimeAndKeepsItsLead()
    {
        Clock clock;
        QVERIFY(qAbs(clock.nowMs() - QDateTime::currentMSecsSinceEpoch()) < 1000);
        const qint64 ahead = QDateTime::currentMSecsSinceEpoch() + 3600000;
        clock.setManual(ahead);
        clock.setReal(); // time never runs backwards
        QVERIFY(clock.nowMs() >= ahead);
        QCOMPARE(clock.speed(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
