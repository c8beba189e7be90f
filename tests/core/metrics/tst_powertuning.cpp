// PowerTuning: trimmed means, one size's summary from its invocations, and the pick of each
// strategy by the formula the header states (AWS Lambda Power Tuning's, with the request's price).

#include "metrics/powertuning.h"
#include "snapshots/invocationrecord.h"

#include <QTest>

using namespace fn;
using Strategy = PowerTuning::Strategy;
using Size = PowerTuning::SizeResult;

namespace {

Size size(int memoryMb, double durationMs, double costUsd, int errors = 0)
{
    Size s;
    s.memoryMb = memoryMb;
    s.invocations = 10;
    s.durationMs = durationMs;
    s.costUsd = costUsd;
    s.errors = errors;
    return s;
}

} // namespace

class TestPowerTuning final : public QObject
{
    Q_OBJECT

    // Fastest with an error (never picked), cheapest, fastest of the rest, slowest.
    const QList<Size> m_sizes{size(128, 800, 2.0), size(512, 200, 1.5), size(1024, 100, 1.8), size(2048, 95, 3.4, 1)};

    int picked(Strategy strategy, double weight = 0.5) const
    {
        const auto i = PowerTuning::pick(m_sizes, strategy, weight);
        return i ? m_sizes.at(*i).memoryMb : -1;
    }

private Q_SLOTS:
    void trimmedMeanDropsAFifthAtEachEnd()
    {
        QCOMPARE(PowerTuning::trimmedMean({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}), 5.5); // 3..8
        QCOMPARE(PowerTuning::trimmedMean({1, 2, 3, 100}), 26.5);                 // floor(0.8) = 0 dropped
        QCOMPARE(PowerTuning::trimmedMean({1, 2, 3, 4, 1000}), 3.0);              // one from each end
        QCOMPARE(PowerTuning::trimmedMean({1, 2, 3, 4, 1000}, 0), 202.0);
        QCOMPARE(PowerTuning::trimmedMean({}), 0.0);
    }

    void aSizeIsSummarisedFromItsInvocations()
    {
        QList<InvocationRecord> records;
        for (int i = 0; i < 5; ++i) {
            InvocationRecord r;
            r.memorySizeMb = 512;
            r.coldStart = i == 0;
            r.initDurationMs = i == 0 ? 100 : 0;
            r.durationMs = 10 + i;
            r.billedDurationMs = qint64(std::ceil(r.durationMs + r.initDurationMs));
            records << r;
        }
        records[4].outcome = InvocationOutcome::FunctionError;
        const Size s = PowerTuning::summarise(512, records, Architecture::X86_64);
        QCOMPARE(s.invocations, 5);
        QCOMPARE(s.coldStarts, 1);
        QCOMPARE(s.errors, 1);
        // Speeds 110, 11, 12, 13, 14: without the slowest and the fastest, (12 + 13 + 14) / 3.
        QCOMPARE(s.durationMs, 13.0);
        QCOMPARE(s.billedDurationMs, 13.0);
        QCOMPARE(s.costUsd, 0.0000002 + 0.013 * 0.5 * 0.0000166667);
    }

    void costPicksTheCheapest() { QCOMPARE(picked(Strategy::Cost), 512); }
    void speedPicksTheFastestWithoutErrors() { QCOMPARE(picked(Strategy::Speed), 1024); }

    void balancedWeighsBoth()
    {
        // Over the sizes without errors, maxCost 2.0 and maxDuration 800:
        // w = 0.5: 128 -> 1.0, 512 -> 0.5 * 0.75 + 0.5 * 0.25 = 0.5, 1024 -> 0.5 * 0.9 + 0.5 * 0.125 = 0.5125
        QCOMPARE(picked(Strategy::Balanced, 0.5), 512);
        // w = 0.2: 512 -> 0.15 + 0.2 = 0.35, 1024 -> 0.18 + 0.1 = 0.28
        QCOMPARE(picked(Strategy::Balanced, 0.2), 1024);
        QCOMPARE(picked(Strategy::Balanced, 1.0), picked(Strategy::Cost));
        QCOMPARE(picked(Strategy::Balanced, 0.0), picked(Strategy::Speed));
    }

    void tiesGoToTheOtherMeasure()
    {
        const QList<Size> tied{size(256, 50, 1.0), size(512, 40, 1.0), size(1024, 40, 2.0)};
        QCOMPARE(tied.at(*PowerTuning::pick(tied, Strategy::Cost)).memoryMb, 512);  // as cheap, faster
        QCOMPARE(tied.at(*PowerTuning::pick(tied, Strategy::Speed)).memoryMb, 512); // as fast, cheaper
    }

    void nothingIsPickedWhenEverySizeFailed()
    {
        QVERIFY(!PowerTuning::pick({size(128, 1, 1, 3), size(256, 1, 1, 1)}, Strategy::Cost));
    }

    void strategiesByName()
    {
        QCOMPARE(PowerTuning::strategyNamed(QStringLiteral("balanced")), Strategy::Balanced);
        QVERIFY(!PowerTuning::strategyNamed(QStringLiteral("cheap")));
    }
};

QTEST_GUILESS_MAIN(TestPowerTuning)
#include "tst_powertuning.moc"
