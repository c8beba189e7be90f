// MemoryModel: samples per environment, peaks, OOM, and min/max downsampling for the chart.
#include "memory/memorymodel.h"
#include "memory/memorypanel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestMemoryModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seriesPerEnvironment()
    {
        MemoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy grown(&model, &MemoryModel::seriesChanged);
        model.append({memory(1, 0, 30), memory(1, 50, 42.5), memory(2, 60, 20)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(grown.size(), 1);
        QCOMPARE(grown.first().first().value<QList<int>>(), (QList<int>{0, 1}));
        model.append({memory(1, 100, 36), memory(1, 75, 40)}); // late sample lands in order
        const MemorySeries &s = model.series(0);
        QCOMPARE(s.points.size(), size_t(4));
        QCOMPARE(s.points[2].timestampMs, t0 + 75);
        QCOMPARE(s.peakBytes, qint64(42.5 * 1048576));
        QCOMPARE(s.limitBytes, 128ll * 1048576);
        QCOMPARE(model.index(0, MemoryModel::CurrentColumn).data().toString(), QStringLiteral("36.0 MB"));
        QCOMPARE(model.index(0, MemoryModel::PeakColumn).data().toString(), QStringLiteral("42.5 MB"));
        QCOMPARE(model.index(0, MemoryModel::SamplesColumn).data().toInt(), 4);
        QCOMPARE(model.index(0, MemoryModel::OutOfMemoryColumn).data().toString(), QString());
        QCOMPARE(model.firstTimestampMs(), t0);
        QCOMPARE(model.lastTimestampMs(), t0 + 100);

        model.append({memory(2, 200, 128, true), memory(2, 210, 0, true)});
        QCOMPARE(model.series(1).outOfMemoryAtMs, t0 + 200);
        QCOMPARE(model.index(1, MemoryModel::OutOfMemoryColumn).data().toString(), QStringLiteral("killed"));
        QCOMPARE(model.rowOf(environmentId(2)), 1);

        model.resetData({memory(3, 0, 1)});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOf(environmentId(1)), -1);
    }

    void downsamplingKeepsPeaks()
    {
        MemorySeries s;
        for (int i = 0; i < 10'000; ++i)
            s.points.push_back({t0 + i, qint64((i == 4321 ? 100 : 10 + i % 3) * 1048576.0)});
        const QList<QPointF> all = s.downsampled(t0, t0 + 9999, 100'000, t0);
        QCOMPARE(all.size(), 10'000);
        const QList<QPointF> few = s.downsampled(t0, t0 + 9999, 200, t0);
        QVERIFY(few.size() <= 400);
        QVERIFY(few.size() >= 200);
        double peak = 0, low = 1e9;
        for (int i = 0; i < few.size(); ++i) {
            peak = qMax(peak, few[i].y());
            low = qMin(low, few[i].y());
            if (i)
                QVERIFY(few[i].x() >= few[i - 1].x()); // time order
        }
        QCOMPARE(peak, 100.0);
        QCOMPARE(low, 10.0);
        // a window in the middle, with a neighbour outside each edge
        const QList<QPointF> window = s.downsampled(t0 + 5000, t0 + 5009, 50, t0);
        QCOMPARE(window.size(), 12);
        QCOMPARE(window.first().x(), 4999.0);
        QCOMPARE(window.last().x(), 5010.0);
        QVERIFY(s.downsampled(t0, t0 - 1, 10, t0).isEmpty());
        QVERIFY(MemorySeries().downsampled(0, 10, 10, 0).isEmpty());
    }

    void theChartLegendGroupsEnvironmentsByFunction()
    {
        // Twelve environments of two functions, one of them killed for running out of memory.
        MemoryModel model;
        QList<EnvironmentState> states;
        QList<MemorySample> samples;
        for (int env = 1; env <= 12; ++env) {
            EnvironmentState e = environment(env, EnvironmentPhase::Idle, 0, 1);
            if (env > 8)
                e.functionName = QStringLiteral("Resize");
            states.append(e);
            for (int i = 0; i < 5; ++i)
                samples.append(memory(env, env * 10 + i * 50, 30 + env + i));
        }
        samples.append(memory(12, 400, 128, true));
        model.applyEnvironments(states);
        model.append(samples);
        MemoryPanel panel(model);
        panel.resize(800, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.refresh();
        QCOMPARE(model.index(11, 0).data(MemoryModel::FunctionNameRole).toString(), QStringLiteral("Resize"));
        // One entry per function, then the limit and the OOM kill: nothing unlabelled, no entry per environment.
        QCOMPARE(panel.legendLabels(),
                 (QStringList{QStringLiteral("limit 128 MB"), QStringLiteral("OOM kill"),
                              QStringLiteral("HelloPython (8 envs)"), QStringLiteral("Resize (4 envs)")}));
        for (int env = 1; env <= 12; ++env)
            QVERIFY(panel.plottedPoints(environmentId(env)) > 0);
        // The limit and an OOM kill are told apart by shape and colour: a dashed line, a cross.
        const auto series = panel.chart()->series();
        const auto *limit = qobject_cast<QLineSeries *>(series.at(0));
        const auto *oom = qobject_cast<QScatterSeries *>(series.at(1));
        QVERIFY(limit && oom);
        QCOMPARE(limit->pen().style(), Qt::DashLine);
        QCOMPARE(limit->pen().color(), MemoryPanel::limitColor());
        QVERIFY(MemoryPanel::limitColor() != MemoryPanel::outOfMemoryColor());
        QCOMPARE(oom->count(), 1);
        QVERIFY(!oom->brush().textureImage().isNull()); // the cross
    }
};

QTEST_MAIN(TestMemoryModel)
#include "tst_memorymodel.moc"
