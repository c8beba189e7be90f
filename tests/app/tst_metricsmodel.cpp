// MetricsModel (cold vs warm statistics, percentiles, cost) and ResultModel (REPORT as fields).
// The percentile rule and the prices themselves are tested in tests/core/metrics.
#include "metrics/metricsmodel.h"
#include "result/resultmodel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestMetricsModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coldAndWarmSideBySide()
    {
        MetricsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.index(MetricsModel::DurationP50Row, MetricsModel::AllColumn).data().toString(),
                 QStringLiteral("—"));
        QList<InvocationRecord> records;
        records.append(record(0, 1, true, 0, 100));
        records.append(record(1, 2, true, 0, 200));
        for (int i = 2; i < 12; ++i)
            records.append(record(i, 1, false, i * 100, i)); // warm durations 2..11
        records.append(record(12, 1, false, 2000, 3000, InvocationOutcome::Timeout));
        records.append(record(13, 0, false, 2000, 0, InvocationOutcome::Throttled));
        model.append(records.mid(0, 5));
        model.append(records.mid(5));
        auto v = [&](MetricsModel::Row r, MetricsModel::Column c) { return model.value(r, c); };
        QCOMPARE(v(MetricsModel::InvocationsRow, MetricsModel::AllColumn), 13.0);
        QCOMPARE(v(MetricsModel::InvocationsRow, MetricsModel::ColdColumn), 2.0);
        QCOMPARE(v(MetricsModel::InvocationsRow, MetricsModel::WarmColumn), 11.0);
        QCOMPARE(v(MetricsModel::ErrorsRow, MetricsModel::WarmColumn), 1.0);
        QCOMPARE(v(MetricsModel::ThrottlesRow, MetricsModel::AllColumn), 1.0);
        QCOMPARE(v(MetricsModel::DurationP50Row, MetricsModel::ColdColumn), 100.0);
        QCOMPARE(v(MetricsModel::DurationP99Row, MetricsModel::ColdColumn), 200.0);
        QCOMPARE(v(MetricsModel::DurationP50Row, MetricsModel::WarmColumn), 7.0);
        QCOMPARE(v(MetricsModel::DurationP99Row, MetricsModel::WarmColumn), 3000.0);
        QCOMPARE(v(MetricsModel::InitP50Row, MetricsModel::ColdColumn), 187.42);
        QCOMPARE(v(MetricsModel::InitP50Row, MetricsModel::WarmColumn), 0.0);
        QCOMPARE(model.index(MetricsModel::InitP50Row, MetricsModel::WarmColumn).data().toString(),
                 QStringLiteral("—"));
        // GB-seconds: billed ms / 1000 × 128 / 1024
        double billed = 0;
        for (const InvocationRecord &r : records)
            billed += r.outcome == InvocationOutcome::Throttled ? 0 : r.billedDurationMs;
        QCOMPARE(v(MetricsModel::GbSecondsRow, MetricsModel::AllColumn), billed / 1000.0 * 0.125);
        for (auto [row, architecture] : {std::pair{MetricsModel::CostX86Row, Architecture::X86_64},
                                         std::pair{MetricsModel::CostArm64Row, Architecture::Arm64}}) {
            const LambdaPrices prices = onDemandPrices(architecture);
            QCOMPARE(v(row, MetricsModel::AllColumn),
                     billed / 1000.0 * 0.125 * prices.perGbSecond + 13 * prices.perRequest);
        }
        QVERIFY(v(MetricsModel::CostArm64Row, MetricsModel::AllColumn)
                < v(MetricsModel::CostX86Row, MetricsModel::AllColumn));
        QCOMPARE(model.headerData(MetricsModel::CostArm64Row, Qt::Vertical).toString(),
                 QStringLiteral("Cost (arm64, us-east-1)"));
        QCOMPARE(model.headerData(MetricsModel::DurationP90Row, Qt::Vertical).toString(),
                 QStringLiteral("Duration p90"));
        model.resetData({});
        QCOMPARE(v(MetricsModel::InvocationsRow, MetricsModel::AllColumn), 0.0);
    }

    void aMonthAtARateAndProvisionedConcurrencysCharge()
    {
        MetricsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto text = [&model](MetricsModel::Row r, MetricsModel::Column c) {
            return model.index(r, c).data().toString();
        };
        QCOMPARE(text(MetricsModel::PerMonthX86Row, MetricsModel::AllColumn), QStringLiteral("—"));
        QCOMPARE(text(MetricsModel::ProvisionedX86Row, MetricsModel::AllColumn), QStringLiteral("—"));
        model.append({record(0, 1, true, 0, 100), record(1, 1, false, 200, 3), record(2, 1, false, 300, 5)});
        // A million a month (the default), then ten million: the table's header says the rate.
        const double perRequest = model.value(MetricsModel::CostX86Row, MetricsModel::WarmColumn) / 2;
        QCOMPARE(model.value(MetricsModel::PerMonthX86Row, MetricsModel::WarmColumn), perRequest * 1e6);
        QSignalSpy header(&model, &QAbstractItemModel::headerDataChanged);
        model.setRequestsPerMonth(10'000'000);
        QCOMPARE(header.count(), 1);
        QCOMPARE(model.value(MetricsModel::PerMonthX86Row, MetricsModel::WarmColumn), perRequest * 1e7);
        QVERIFY(model.headerData(MetricsModel::PerMonthArm64Row, Qt::Vertical)
                    .toString()
                    .startsWith(QStringLiteral("Per month at 10")));
        // Cold starts bill their init: a month of requests like the cold one costs more.
        QVERIFY(model.value(MetricsModel::PerMonthX86Row, MetricsModel::ColdColumn)
                > model.value(MetricsModel::PerMonthX86Row, MetricsModel::WarmColumn));
        const double invocationsOnly = model.value(MetricsModel::PerMonthX86Row, MetricsModel::AllColumn);

        // Two GB kept provisioned since a minute ago: five minutes charged so far, a month from now on.
        EnvironmentState provisioned;
        provisioned.environmentId = QStringLiteral("p1");
        provisioned.initializationType = QStringLiteral("provisioned-concurrency");
        provisioned.memoryLimitMb = 2048;
        provisioned.createdAtMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
        provisioned.phase = EnvironmentPhase::Idle;
        model.updateEnvironments({provisioned});
        const LambdaPrices x86 = onDemandPrices(Architecture::X86_64);
        QCOMPARE(model.value(MetricsModel::ProvisionedX86Row, MetricsModel::AllColumn),
                 2.0 * 300 * x86.provisionedPerGbSecond);
        QCOMPARE(text(MetricsModel::ProvisionedX86Row, MetricsModel::ColdColumn), QStringLiteral("—"));
        QCOMPARE(model.value(MetricsModel::PerMonthX86Row, MetricsModel::AllColumn),
                 invocationsOnly + 2.0 * 730 * 3600 * x86.provisionedPerGbSecond);
        QVERIFY(text(MetricsModel::PerMonthX86Row, MetricsModel::AllColumn).startsWith(u'$'));
    }

    void distributionAndColdShareOfABurst()
    {
        // A burst of 50 at concurrency 5: five cold starts first, then warm ones, 20 ms apart.
        MetricsModel model;
        QList<InvocationRecord> burst;
        for (int i = 0; i < 50; ++i) {
            InvocationRecord r = record(i, i % 5, i < 5, i * 20, i < 5 ? 0.7 : 0.3);
            r.observedMs = i < 5 ? 210.0 : 0.45;
            burst.append(r);
        }
        burst.append(record(50, 0, false, 1000, 0, InvocationOutcome::Throttled));
        model.append(burst.mid(0, 20));
        model.append(burst.mid(20));
        using Start = LatencyHistogram::Start;
        const LatencyHistogram &h = model.histogram();
        QCOMPARE(h.total(Start::Cold), size_t(5));
        QCOMPARE(h.total(Start::Warm), size_t(45)); // the throttled request never ran
        QCOMPARE(h.count(LatencyHistogram::binOf(0.45), Start::Warm), size_t(45));
        QCOMPARE(h.count(LatencyHistogram::binOf(210.0), Start::Cold), size_t(5));
        const ColdShare &share = model.coldShare();
        QCOMPARE(share.bucketMs(), qint64(100));
        QCOMPARE(share.buckets().front().share(), 1.0); // all five in the first 100 ms
        QCOMPARE(share.buckets().back().share(), 0.0);
        model.resetData({});
        QCOMPARE(model.histogram().total(), size_t(0));
        QVERIFY(model.coldShare().isEmpty());
    }

    void aCloudSetBesideTheLocalOnes()
    {
        MetricsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &MetricsModel::cloudChanged);
        model.append({record(0, 1, true, 0, 0.7), record(1, 1, false, 100, 0.3)});
        QVERIFY(!model.hasCloud());
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudColdColumn), 0.0);

        // REPORT lines from CloudWatch: no observed total, so init + handler is what they waited.
        InvocationRecord cold = record(100, 7, true, 0, 102.25);
        cold.initDurationMs = 242.29;
        cold.phases = {0, 0, 242.29};
        InvocationRecord warm = record(101, 7, false, 500, 2.09);
        model.setCloud(QStringLiteral("prod.json"), {cold, warm});
        QCOMPARE(changed.size(), 1);
        QVERIFY(model.hasCloud());
        QCOMPARE(model.cloudName(), QStringLiteral("prod.json"));
        QCOMPARE(model.headerData(MetricsModel::CloudColdColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Cloud cold"));
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudColdColumn), 1.0);
        QCOMPARE(model.value(MetricsModel::InitP50Row, MetricsModel::CloudColdColumn), 242.29);
        QCOMPARE(model.value(MetricsModel::DurationP50Row, MetricsModel::CloudWarmColumn), 2.09);
        QCOMPARE(model.index(MetricsModel::ObservedP50Row, MetricsModel::CloudColdColumn).data().toString(),
                 QStringLiteral("—")); // not observed: a REPORT does not say
        // The local columns are untouched.
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::AllColumn), 2.0);
        const auto a = model.anatomy(MetricsModel::CloudColdColumn, 50);
        QVERIFY(a);
        QCOMPARE(a->observedMs, float(242.29 + 102.25));
        QCOMPARE(a->ms(Anatomy::Phase::Init), float(242.29));
        QCOMPARE(model.cloudHistogram().total(LatencyHistogram::Start::Cold), size_t(1));
        QCOMPARE(model.cloudHistogram().total(LatencyHistogram::Start::Warm), size_t(1));

        // A new run of local invocations keeps the imported set; removing it empties its columns.
        model.resetData({});
        QVERIFY(model.hasCloud());
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudWarmColumn), 1.0);
        model.clearCloud();
        QVERIFY(!model.hasCloud());
        QCOMPARE(changed.size(), 2);
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudWarmColumn), 0.0);
        QCOMPARE(model.cloudHistogram().total(), size_t(0));
    }

    void resultFields()
    {
        ResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setRecord(record(7, 1, true, 0, 12.5));
        QCOMPARE(model.value(QStringLiteral("Start")), QStringLiteral("cold"));
        QCOMPARE(model.value(QStringLiteral("Duration")), QStringLiteral("12.50 ms"));
        QCOMPARE(model.value(QStringLiteral("Billed Duration")), QStringLiteral("13 ms"));
        QCOMPARE(model.value(QStringLiteral("Memory Size")), QStringLiteral("128 MB"));
        QCOMPARE(model.value(QStringLiteral("Init Duration")), QStringLiteral("187.42 ms"));
        QCOMPARE(model.value(QStringLiteral("  sandbox start")), QStringLiteral("12.50 ms"));
        model.setRecord(record(8, 1, false, 0, 1, InvocationOutcome::Timeout));
        QCOMPARE(model.value(QStringLiteral("Start")), QStringLiteral("warm"));
        QCOMPARE(model.value(QStringLiteral("Init Duration")), QString());
        QCOMPARE(model.value(QStringLiteral("Error type")), QStringLiteral("Sandbox.Timedout"));
        // Through an alias: the version it resolved to, as X-Amz-Executed-Version says it.
        InvocationRecord viaAlias = record(9, 1, false, 0, 1);
        const QString unqualified = model.value(QStringLiteral("Function"));
        viaAlias.executedVersion = QStringLiteral("2");
        model.setRecord(viaAlias);
        QCOMPARE(model.value(QStringLiteral("Function")), unqualified + QStringLiteral(" (version 2)"));
        model.clear();
        QVERIFY(!model.hasRecord());
    }
};

QTEST_MAIN(TestMetricsModel)
#include "tst_metricsmodel.moc"
