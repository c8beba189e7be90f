// CostModel: GB-seconds of billed duration at the configured memory, one request per invocation that
// ran, priced at the us-east-1 list prices for x86_64 and arm64; throttled requests cost nothing.

#include "metrics/costmodel.h"
#include "snapshots/environmentstate.h"
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

    void thePricesAreDataWithTheirDateAndSource()
    {
        const PriceList &list = PriceList::builtIn();
        QVERIFY(!list.date.isEmpty());
        QVERIFY(list.source.contains(QStringLiteral("aws.amazon.com/lambda/pricing")));
        QCOMPARE(list.x86_64.provisionedPerGbSecond, 0.0000041667);
        QCOMPARE(list.x86_64.provisionedDurationPerGbSecond, 0.0000097222);
        QVERIFY(list.arm64.provisionedPerGbSecond < list.x86_64.provisionedPerGbSecond);
    }

    void aBrokenPriceListSaysWhat_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{") << QStringLiteral("not a price list");
        QTest::newRow("no source") << QByteArray(R"({"date":"2025-08-01","architectures":{}})")
                                   << QStringLiteral("\"source\"");
        QTest::newRow("no arm64") << QByteArray(R"({"date":"d","source":"s","architectures":{"x86_64":{
            "requestUsd":1,"durationUsdPerGbSecond":1,"provisioned":{"concurrencyUsdPerGbSecond":1,
            "durationUsdPerGbSecond":1}}}})")
                                  << QStringLiteral("architectures.arm64 is missing");
        QTest::newRow("negative") << QByteArray(R"({"date":"d","source":"s","architectures":{"x86_64":{
            "requestUsd":-1}}})") << QStringLiteral("architectures.x86_64: requestUsd must be a number");
    }
    void aBrokenPriceListSaysWhat()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        PriceList list;
        QString said;
        QVERIFY(!PriceList::parse(json, &list, &said));
        QVERIFY2(said.contains(error), qPrintable(said));
    }

    void oneInvocationAsBilled()
    {
        // A cold on-demand start: init is billed with the handler (since 2025-08-01), in Billed Duration.
        InvocationRecord cold = ran(121, 512);
        cold.initDurationMs = 100;
        cold.initializationType = QStringLiteral("on-demand");
        QCOMPARE(invocationCost(cold, Architecture::X86_64), 0.0000002 + 0.121 * 0.5 * 0.0000166667);
        // On a provisioned environment the duration price is provisioned concurrency's own.
        InvocationRecord provisioned = ran(20, 1024);
        provisioned.initializationType = QStringLiteral("provisioned-concurrency");
        QCOMPARE(invocationCost(provisioned, Architecture::X86_64), 0.0000002 + 0.02 * 0.0000097222);
        QCOMPARE(invocationCost(ran(0, 128, InvocationOutcome::Throttled), Architecture::Arm64), 0.0);
        // The running totals agree with the invocations' own.
        CostModel total;
        total.add(cold);
        total.add(provisioned);
        QCOMPARE(total.cost(Architecture::X86_64),
                 invocationCost(cold, Architecture::X86_64) + invocationCost(provisioned, Architecture::X86_64));
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

    void aMonthAtAGivenRate()
    {
        // Two invocations averaging 0.55 GB-s and a request each, projected onto 3 million a month.
        CostModel cost;
        QCOMPARE(costPerMonth(cost, 3'000'000, Architecture::X86_64), 0.0); // nothing to project from
        cost.add(ran(1000, 1024));
        cost.add(ran(100, 1024));
        const double perRequest = (1.1 * 0.0000166667 + 2 * 0.0000002) / 2;
        QCOMPARE(costPerMonth(cost, 3'000'000, Architecture::X86_64), perRequest * 3'000'000);
        QVERIFY(costPerMonth(cost, 3'000'000, Architecture::Arm64)
                < costPerMonth(cost, 3'000'000, Architecture::X86_64));
    }

    void provisionedConcurrencyIsChargedWhileConfigured()
    {
        const auto environment = [](const char *id, const char *type, qint64 createdAtMs, int memoryMb) {
            EnvironmentState s;
            s.environmentId = QString::fromLatin1(id);
            s.initializationType = QString::fromLatin1(type);
            s.createdAtMs = createdAtMs;
            s.changedAtMs = createdAtMs;
            s.memoryLimitMb = memoryMb;
            s.phase = EnvironmentPhase::Idle;
            return s;
        };
        ProvisionedCharge charge;
        QVERIFY(charge.isEmpty());
        charge.update(environment("a", "on-demand", 0, 1024)); // on-demand ones are billed per invocation
        QVERIFY(charge.isEmpty());
        const qint64 t0 = 1'700'000'000'000;
        charge.update(environment("p1", "provisioned-concurrency", t0, 1024));
        charge.update(environment("p2", "provisioned-concurrency", t0, 512));
        QCOMPARE(charge.gbNow(), 1.5);
        // A minute in, five are charged (AWS's step), at provisioned concurrency's own price.
        QCOMPARE(charge.gbSeconds(t0 + 60'000), 1.5 * 300);
        QCOMPARE(charge.cost(t0 + 60'000, Architecture::X86_64), 1.5 * 300 * 0.0000041667);
        QCOMPARE(charge.gbSeconds(t0 + 300'001), 1.5 * 600);
        // One stops after ten minutes: it is charged until then, and no longer counts for a month.
        EnvironmentState stopped = environment("p2", "provisioned-concurrency", t0, 512);
        stopped.phase = EnvironmentPhase::Stopped;
        stopped.changedAtMs = t0 + 600'000;
        charge.update(stopped);
        QCOMPARE(charge.gbNow(), 1.0);
        QCOMPARE(charge.gbSeconds(t0 + 3'600'000), 1.0 * 3600 + 0.5 * 600);
        // A month of one GB kept ready: 730 hours.
        QCOMPARE(charge.costPerMonth(Architecture::X86_64), 730 * 3600 * 0.0000041667);
        QCOMPARE(charge.costPerMonth(Architecture::Arm64), 730 * 3600 * 0.0000033334);
        charge.clear();
        QCOMPARE(charge.gbSeconds(t0), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
