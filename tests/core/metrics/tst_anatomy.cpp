// Anatomy: the phases an invocation went through, in order, adding up to what its caller observed.

#include "metrics/anatomy.h"
#include "snapshots/invocationrecord.h"

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

private Q_SLOTS:
    void aColdStartInOrderAddingUpToWhatWasObserved()
    {
        InvocationRecord r;
        r.coldStart = true;
        r.admissionMs = 0.2;
        r.phases = {3.5, 17.25, 1.75};
        r.initDurationMs = 22.5;
        r.durationMs = 0.7;
        r.observedMs = 24.6;
        const Anatomy a = Anatomy::of(r);
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

    void namesForPeopleAndForJson()
    {
        QCOMPARE(Anatomy::name(Phase::RuntimeStart), QStringLiteral("runtime start"));
        QCOMPARE(Anatomy::jsonKey(Phase::RuntimeStart), QStringLiteral("runtimeStartMs"));
        QCOMPARE(Anatomy::jsonKey(Phase::Init), QStringLiteral("initMs"));
    }
};

QTEST_GUILESS_MAIN(TestAnatomy)
#include "tst_anatomy.moc"
