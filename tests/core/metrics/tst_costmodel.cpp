// CostModel: GB-seconds of billed duration at the configured memory, one request per invocation that
// ran, priced at the us-east-1 list prices for x86_64 and arm64; throttled requests cost nothing.

#include "metrics/costmodel.h"
#include "snapshots/invocationrecord.h"

#include <QTest>

using namespace fn;

namespace {

InvocationRecord ran(qint64 billedMs, int memoryMb, InvocationOutcome outcome = InvocationOutcome::Success)
{
    InvocationRecord r;
    r.billedDurationMs = billedMs;
    r.durationMs = double(billedMs) - 0.5;
    r.memorySizeMb = memoryMb;
    r.outcome = outcome;
    return r;
}

} // namespace

class TestCostModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theListPricesOfTheReference()
    {
        QCOMPARE(onDemandPrices(Architecture::X86_64).perGbSecond, 0.0000166667);
        QCOMPARE(onDemandPrices(Architecture::Arm64).perGbSecond, 0.0000133334);
        QCOMPARE(onDemandPrices(Architecture::X86_64).perRequest, 0.20 / 1'000'000);
        QCOMPARE(onDemandPrices(Architecture::Arm64).perRequest, 0.20 / 1'000'000);
    }

    void aGigabyteSecondIsASecondAt1024Mb()
    {
        QCOMPARE(gbSeconds(1000, 1024), 1.0);
        QCOMPARE(gbSeconds(100, 128), 0.0125);
        QCOMPARE(gbSeconds(0, 3008), 0.0);
    }

    void invocationsThatRanAreBilledForTimeAndRequest()
    {
        CostModel cost;
        QCOMPARE(cost.cost(Architecture::X86_64), 0.0);
        cost.add(ran(1000, 1024));
        cost.add(ran(200, 512, InvocationOutcome::Timeout)); // a failed invocation is still billed
        QCOMPARE(cost.requests(), qint64(2));
        QCOMPARE(cost.gbSeconds(), 1.1);
        QCOMPARE(cost.cost(Architecture::X86_64), 1.1 * 0.0000166667 + 2 * 0.0000002);
        QCOMPARE(cost.cost(Architecture::Arm64), 1.1 * 0.0000133334 + 2 * 0.0000002);
        QVERIFY(cost.cost(Architecture::Arm64) < cost.cost(Architecture::X86_64));
        cost.clear();
        QCOMPARE(cost.requests(), qint64(0));
        QCOMPARE(cost.gbSeconds(), 0.0);
    }

    void aRequestThatNeverRanCostsNothing()
    {
        CostModel cost;
        cost.add(ran(0, 128, InvocationOutcome::Throttled));
        cost.add(ran(0, 128, InvocationOutcome::Rejected));
        QCOMPARE(cost.requests(), qint64(0));
        QCOMPARE(cost.cost(Architecture::X86_64), 0.0);
    }

    void aMillionOneMillisecondInvocationsAt128Mb()
    {
        // The figure a class can check against the pricing page: $0.20 of requests plus 125 GB-s.
        CostModel cost;
        for (int i = 0; i < 1'000'000; ++i)
            cost.add(ran(1, 128));
        QCOMPARE(cost.requests(), qint64(1'000'000));
        QCOMPARE(qRound(cost.gbSeconds() * 1000), 125'000);
        QCOMPARE(qRound(cost.cost(Architecture::X86_64) * 1e6), qRound((0.20 + 125 * 0.0000166667) * 1e6));
    }
};

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
