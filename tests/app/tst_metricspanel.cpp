// The Metrics dock offscreen: the latency distribution and the cold share drawn from the model, and
// CloudWatch REPORT lines (tests/data/cloudwatch) imported beside the local invocations and removed.

#include "common/anatomyview.h"
#include "common/messagebar.h"
#include "metrics/coldshareview.h"
#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "snapshotfixtures.h"

#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace fn;
using namespace fn::testing;

class TestMetricsPanel final : public QObject
{
    Q_OBJECT

    static QString data(const char *name)
    {
        return qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/tests/data/cloudwatch/") + QLatin1String(name);
    }
    static QStringList labels(const MetricsPanel &panel)
    {
        QStringList out;
        for (const AnatomyView::Row &r : panel.comparison()->rows())
            out << r.label;
        return out;
    }
    static QList<InvocationRecord> burst() { return fn::testing::burst(50, 5); }

private Q_SLOTS:
    void theDistributionAndTheColdShareOfABurst()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        panel.resize(900, 520);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.distribution()->isVisible());
        QVERIFY(panel.coldShare()->isVisible());
        QCOMPARE(panel.distribution()->describe(0.45), QString()); // nothing yet
        model.append(burst());
        QCOMPARE(panel.distribution()->describe(0.45), QStringLiteral("0.398 ms – 0.501 ms: 45 warm, 0 cold"));
        QCOMPARE(panel.distribution()->describe(21.0), QStringLiteral("20 ms – 25.1 ms: 0 warm, 5 cold"));
        // The cold share's first bucket (the first 100 ms of the burst) is all cold.
        const int top = panel.coldShare()->fontMetrics().height() * 2 + 12;
        QCOMPARE(panel.coldShare()->describe({52, top}), QStringLiteral("+0 ms – 100 ms: 5 of 5 cold (100 %)"));
        QCOMPARE(ColdShareView::durationText(30'000), QStringLiteral("30 s"));
        // Both draw without a window system in the way.
        QVERIFY(!panel.distribution()->grab().isNull());
        QVERIFY(!panel.coldShare()->grab().isNull());
        // No cloud columns until something is imported.
        QVERIFY(panel.view()->isColumnHidden(MetricsModel::CloudColdColumn));
        QCOMPARE(labels(panel), (QStringList{QStringLiteral("cold p50"), QStringLiteral("cold p99"),
                                             QStringLiteral("warm p50"), QStringLiteral("warm p99")}));
    }

    void importCloudWatchReportLinesAndRemoveThem()
    {
        MetricsModel model;
        MetricsPanel panel(model);
        panel.resize(900, 520);
        panel.show();
        model.append(burst());
        QVERIFY(panel.importCloud(data("sam-logs.txt")));
        QVERIFY(model.hasCloud());
        QCOMPARE(model.cloudName(), QStringLiteral("sam-logs.txt"));
        QVERIFY(!panel.view()->isColumnHidden(MetricsModel::CloudColdColumn));
        QVERIFY(!panel.view()->isColumnHidden(MetricsModel::CloudWarmColumn));
        QCOMPARE(panel.cloudStatus(),
                 QStringLiteral("cloud: sam-logs.txt, 16 REPORT lines (4 cold starts, 1 timeout); 55 other lines "
                                "skipped; 2 could not be read"));
        // What could not be read is said with its file and line.
        QVERIFY(panel.messages()->isVisible());
        QVERIFY2(
            panel.messages()->text().contains(QStringLiteral("sam-logs.txt:10: REPORT line without Billed Duration")),
            qPrintable(panel.messages()->text()));
        QVERIFY(panel.messages()->text().contains(QStringLiteral("sam-logs.txt:15: Duration \"n/a\"")));
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudColdColumn), 4.0);
        QCOMPARE(model.value(MetricsModel::InvocationsRow, MetricsModel::CloudWarmColumn), 12.0);
        QCOMPARE(labels(panel),
                 (QStringList{QStringLiteral("cold p50"), QStringLiteral("cold p99"), QStringLiteral("cloud cold p50"),
                              QStringLiteral("cloud cold p99"), QStringLiteral("warm p50"), QStringLiteral("warm p99"),
                              QStringLiteral("cloud warm p50"), QStringLiteral("cloud warm p99")}));
        QVERIFY2(panel.headline().contains(QStringLiteral(
                     "Cloud (sam-logs.txt): cold 349.29 ms = 238.77 init + 110.52 handler; warm 2.57 ms")),
                 qPrintable(panel.headline()));
        // The cloud's cold hump beside the local one, in the distribution's tooltip.
        QVERIFY(
            panel.distribution()->describe(344.54).contains(QStringLiteral("cloud (sam-logs.txt): 0 warm, 4 cold")));
        QVERIFY(!panel.distribution()->grab().isNull());
        // The cloud's cold starts over its own time (25 minutes in 30 s buckets): the burst's two, the
        // one after the timeout reset its environment, and one after idle expiry at the end.
        const ColdShare &cloudShare = model.cloudColdShare();
        QCOMPARE(cloudShare.bucketMs(), qint64(30'000));
        QCOMPARE(cloudShare.buckets().front().cold, size_t(3));
        QCOMPARE(cloudShare.buckets().front().all, size_t(13));
        QCOMPARE(cloudShare.buckets().back().cold, size_t(1));
        QCOMPARE(cloudShare.buckets().back().all, size_t(2));
        size_t cloudAll = 0;
        for (const ColdShare::Bucket &b : cloudShare.buckets())
            cloudAll += b.all;
        QCOMPARE(cloudAll, size_t(16));
        const QSize withCloud = panel.coldShare()->sizeHint();

        // Another import replaces it (read off the GUI thread, as the button does); a file without
        // REPORT lines changes nothing and says so.
        panel.importCloudInBackground(data("filter-log-events.json"));
        QVERIFY(panel.cloudStatus().startsWith(QStringLiteral("reading filter-log-events.json")));
        QVERIFY(!panel.findChild<QToolButton *>(QStringLiteral("importCloud"))->isEnabled());
        QVERIFY(panel.waitForImport());
        QVERIFY(panel.findChild<QToolButton *>(QStringLiteral("importCloud"))->isEnabled());
        QCOMPARE(model.cloudName(), QStringLiteral("filter-log-events.json"));
        QVERIFY(!panel.messages()->isVisible());
        QVERIFY(!panel.importCloud(data("../../core/metrics/CMakeLists.txt")));
        QCOMPARE(model.cloudName(), QStringLiteral("filter-log-events.json"));
        QVERIFY(panel.messages()->text().contains(QStringLiteral("CMakeLists.txt: no REPORT lines")));

        panel.removeCloud();
        QVERIFY(!model.hasCloud());
        QVERIFY(panel.coldShare()->sizeHint().height() < withCloud.height()); // one band again
        QVERIFY(panel.view()->isColumnHidden(MetricsModel::CloudColdColumn));
        QCOMPARE(panel.cloudStatus(), QString());
        QCOMPARE(labels(panel).size(), 4);
    }
};

QTEST_MAIN(TestMetricsPanel)
#include "tst_metricspanel.moc"
