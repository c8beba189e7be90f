// MemoryModel: samples per environment, peaks, OOM, and min/max downsampling for the chart.
#include "memory/memorymodel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
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
};

QTEST_MAIN(TestMemoryModel)
#include "tst_memorymodel.moc"
