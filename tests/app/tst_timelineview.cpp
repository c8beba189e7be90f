// TimelineView: draws only the visible range, aggregates when zoomed out (100k invocations),
// zooms with the wheel around the cursor, pans by dragging, selects by clicking.
#include "snapshotfixtures.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinepalette.h"
#include "timeline/timelineview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace fn;
using namespace fn::testing;

class TestTimelineView final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsLightAndDarkPalettes()
    {
        QPalette light;
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        const TimelinePalette l = TimelinePalette::from(light);
        const TimelinePalette d = TimelinePalette::from(dark);
        QCOMPARE(l.background, QColor(Qt::white));
        QCOMPARE(d.background, QColor(0x1e, 0x1e, 0x1e));
        QVERIFY(d.laneBand.lightness() > d.background.lightness()); // bands stand out on dark
        QVERIFY(l.laneBand.lightness() < l.background.lightness());
        QVERIFY(d.laneText.lightness() > 200);
        QVERIFY(l.init != l.warmInvoke && l.coldInvoke != l.warmInvoke && l.failed != l.warmInvoke);
    }

    void emptyAndFit()
    {
        TimelineModel model;
        TimelineView view(&model);
        view.resize(1000, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.repaint();
        QCOMPARE(view.lastPaintCounts(), qMakePair(0, 0));
        model.append({record(1, 1, true, 0, 50), record(2, 1, false, 1000, 20)});
        view.repaint();
        // Auto-fit: everything visible, each segment drawn on its own.
        QVERIFY(view.geometry().isVisible(0, 1020));
        QVERIFY(view.geometry().xForTime(0) >= view.geometry().labelWidth);
        QVERIFY(view.geometry().xForTime(1020) <= view.width());
        QCOMPARE(view.lastPaintCounts().first, 2);
    }

    void hundredThousandAggregate()
    {
        TimelineModel model;
        QList<InvocationRecord> records;
        for (int i = 0; i < 100'000; ++i)
            records.append(record(i, i % 4, i < 4, qint64(i) * 5, 2.5));
        model.append(records);
        TimelineView view(&model);
        view.resize(1200, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.fitAll();
        QElapsedTimer timer;
        timer.start();
        view.repaint();
        const qint64 fitMs = timer.elapsed();
        const auto [segments, aggregates] = view.lastPaintCounts();
        qDebug("TimelineView: 100000 invocations in 4 lanes, fitted to %d px: %d segments + %d aggregate columns "
               "painted in %lld ms",
               view.geometry().areaWidth(), segments, aggregates, fitMs);
        QVERIFY(aggregates > 0);
        // Drawing is bounded by pixels, not by invocations.
        QVERIFY(segments + aggregates <= 4 * view.geometry().areaWidth());

        // Zoomed in around the middle, only the visible few are drawn, individually.
        const double x = view.geometry().xForTime(250'000);
        for (int i = 0; i < 30; ++i) {
            QWheelEvent in(QPointF(x, 50), view.mapToGlobal(QPointF(x, 50)), QPoint(), QPoint(0, 120), Qt::NoButton,
                           Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(&view, &in);
        }
        QVERIFY(qAbs(view.geometry().timeForX(x) - 250'000.0) < 1.0); // the time under the cursor stays
        timer.restart();
        view.repaint();
        qDebug("TimelineView: zoomed to %.4f ms/px: %d segments + %d aggregates painted in %lld ms",
               view.geometry().msPerPixel, view.lastPaintCounts().first, view.lastPaintCounts().second,
               timer.elapsed());
        // One invocation starts every 5 ms: only those in the visible span (plus an edge one per lane) are drawn.
        const double span = view.geometry().endMs() - view.geometry().startMs;
        QVERIFY(view.lastPaintCounts().first > 0);
        QVERIFY(view.lastPaintCounts().first <= int(span / 5) + 8);
    }

    void panAndSelect()
    {
        TimelineModel model;
        model.append({record(1, 1, true, 0, 100), record(2, 1, false, 400, 100), record(3, 2, true, 100, 100)});
        TimelineView view(&model);
        view.resize(900, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &TimelineView::requestClicked);

        // Click in the middle of the warm segment of lane 0.
        const TimelineGeometry g = view.geometry();
        const QPoint warm(int(g.xForTime(450)), g.laneTop(0) + g.laneHeight / 2);
        QTest::mouseClick(&view, Qt::LeftButton, {}, warm);
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked.at(0).at(0).toString(), requestId(2));
        QCOMPARE(view.selectedRequest(), requestId(2));
        // In the frozen gap: nothing.
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(int(g.xForTime(350)), g.laneTop(0) + g.laneHeight / 2));
        QCOMPARE(clicked.size(), 1);

        // Drag right by 100 px: earlier times come into view, nothing is selected.
        const double before = view.geometry().startMs;
        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(400, 100));
        QMouseEvent move(QEvent::MouseMove, QPointF(500, 100), view.mapToGlobal(QPointF(500, 100)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(500, 100));
        QCOMPARE(view.geometry().startMs, before - 100 * view.geometry().msPerPixel);
        QCOMPARE(clicked.size(), 1);

        view.selectRequest(requestId(3));
        QCOMPARE(view.selectedRequest(), requestId(3));
        view.fitAll();
        QVERIFY(view.geometry().isVisible(0, 587.42));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
