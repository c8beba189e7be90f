// Anatomy: the phases an invocation went through, in order, adding up to what its caller observed.

#include "metrics/anatomy.h"
#include "snapshots/invocationrecord.h"

#include <QLocale>
#include <QTest>

using namespace fn;
using Phase = Anatomy::Phase;

class TestAnatomy final : public QObject
{
    Q_OBJECT

    static double sum(const Anatomy &a)
    {
        double total = 0;
        for (const Anatomy::Part &p : a.parts)
            total += p.ms;
        return total;
    }
    static QList<Phase> phases(const Anatomy &a)
    {
        QList<Phase> out;
        for (const Anatomy::Part &p : a.parts)
            out << p.phase;
        return out;
    }

    // 24.6 ms observed: 0.2 admission + 22.5 of start (3.5 + 17.25 + 1.75) + 0.7 handler + 1.2 overhead.
    static InvocationRecord coldStart()
    {
        InvocationRecord r;
        r.coldStart = true;
        r.admissionMs = 0.2;
        r.phases = {3.5, 17.25, 1.75};
        r.initDurationMs = 22.5;
        r.durationMs = 0.7;
        r.observedMs = 24.6;
        return r;
    }

private Q_SLOTS:
    void aColdStartInOrderAddingUpToWhatWasObserved()
    {
        const Anatomy a = Anatomy::of(coldStart());
        QCOMPARE(phases(a), (QList<Phase>{Phase::Admission, Phase::Sandbox, Phase::RuntimeStart, Phase::Init,
                                          Phase::Handler, Phase::Overhead}));
        QCOMPARE(a.ms(Phase::Overhead), 24.6 - 0.2 - 22.5 - 0.7);
        QCOMPARE(sum(a), 24.6);
        QCOMPARE(a.coldMs(), 22.5);
        QCOMPARE(a.observedMs, 24.6);
    }

    void aWarmOneHasNoStartPhases()
    {
        InvocationRecord r;
        r.admissionMs = 0.01;
        r.durationMs = 0.3;
        r.observedMs = 0.35;
        const Anatomy a = Anatomy::of(r);
        QCOMPARE(phases(a), (QList<Phase>{Phase::Admission, Phase::Handler, Phase::Overhead}));
        QCOMPARE(a.ms(Phase::Sandbox), 0.0);
        QCOMPARE(a.coldMs(), 0.0);
        QCOMPARE(sum(a), 0.35);
    }

    void aThrottledOneNeverReachedAHandler()
    {
        InvocationRecord r;
        r.outcome = InvocationOutcome::Throttled;
        r.admissionMs = 0.05;
        r.observedMs = 0.06;
        QCOMPARE(phases(Anatomy::of(r)), (QList<Phase>{Phase::Admission, Phase::Overhead}));
    }

    void clocksReadApartNeverMakeANegativeOverhead()
    {
        InvocationRecord r;
        r.durationMs = 1.0;
        r.observedMs = 0.9999;
        QCOMPARE(Anatomy::of(r).ms(Phase::Overhead), 0.0);
    }

    void percentilesGiveAWholeInvocation()
    {
        AnatomyPercentiles set;
        QVERIFY(!set.at(50));
        for (int i = 1; i <= 100; ++i) {
            InvocationRecord r;
            r.admissionMs = 0.01 * i;
            r.durationMs = i;
            r.observedMs = i + 0.5;
            set.add(r);
        }
        InvocationRecord unmeasured; // from history older than the measurement
        unmeasured.durationMs = 1000;
        set.add(unmeasured);
        QCOMPARE(set.size(), std::size_t(100));
        const auto median = set.at(50);
        QVERIFY(median);
        QCOMPARE(median->observedMs, 50.5);
        QCOMPARE(median->ms(Phase::Handler), 50.0);
        QCOMPARE(float(median->ms(Phase::Admission)), 0.5f);
        QCOMPARE(sum(*median), median->observedMs); // whole: its own phases, adding up
        QCOMPARE(set.at(99)->observedMs, 99.5);
        QCOMPARE(set.at(100)->observedMs, 100.5);
    }

    void aSumSaysEachPart()
    {
        QCOMPARE(Anatomy::of(coldStart()).sum(),
                 QStringLiteral("24.60 ms = 0.20 admission + 3.50 sandbox + 17.25 runtime start "
                                "+ 1.75 init + 0.70 handler + 1.20 overhead"));
    }

    void namesForPeopleAndForJson()
    {
        QCOMPARE(Anatomy::name(Phase::RuntimeStart), QStringLiteral("runtime start"));
        QCOMPARE(Anatomy::jsonKey(Phase::RuntimeStart), QStringLiteral("runtimeStartMs"));
        QCOMPARE(Anatomy::jsonKey(Phase::Init), QStringLiteral("initMs"));
    }
};

int main(int argc, char **argv)
{
    QLocale::setDefault(QLocale::c()); // figures as the test writes them
    TestAnatomy test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_anatomy.moc"
