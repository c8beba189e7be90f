// The Clock: manual steps wake listeners, accelerated time runs faster, back to real time is back to
// wall time with the rewind told to listeners.

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
        const int token = clock.subscribe([&steps](qint64) { ++steps; });
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

    void realClockFollowsWallTime()
    {
        Clock clock;
        QVERIFY(qAbs(clock.nowMs() - QDateTime::currentMSecsSinceEpoch()) < 1000);
        clock.setReal(); // already real: nothing moves, nobody is told
        QCOMPARE(clock.speed(), 1.0);
    }

    void backToRealTimeGivesTheLeadBackAndSaysHowMuch()
    {
        Clock clock;
        QList<qint64> rewinds;
        clock.subscribe([&rewinds](qint64 rewound) { rewinds << rewound; });
        const qint64 ahead = QDateTime::currentMSecsSinceEpoch() + 21 * 60000; // 21 minutes at 60x
        clock.setManual(ahead);
        clock.setReal();
        // The logs use wall time, and so does the clock again.
        QVERIFY(qAbs(clock.nowMs() - QDateTime::currentMSecsSinceEpoch()) < 1000);
        QCOMPARE(clock.mode(), Clock::Mode::Real);
        QCOMPARE(rewinds.size(), 2);
        QCOMPARE(rewinds[0], 0); // the manual start jumped forward
        QVERIFY2(qAbs(rewinds[1] - 21 * 60000) < 1000, qPrintable(QString::number(rewinds[1])));

        clock.setSpeed(60); // speeding up is continuous: no rewind
        QCOMPARE(rewinds.size(), 3);
        QCOMPARE(rewinds[2], 0);
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
