// TimelineView: draws only the visible range, aggregates when zoomed out (100k invocations),
// zooms with the wheel around the cursor, pans by dragging, selects by clicking.
#include "snapshotfixtures.h"
#include "timeline/timelinelegend.h"
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

    void collapsedIdleShowsWarmStartsBesideTheColdOne()
    {
        // A 20 ms cold start (19.3 ms init + 0.7 ms), then warm invocations of 0.3 ms 6 s and 12 s later.
        InvocationRecord cold = record(1, 1, true, 0, 0.7);
        cold.initDurationMs = 19.3;
        TimelineModel model;
        model.append({cold, record(2, 1, false, 6000, 0.3), record(3, 1, false, 12000, 0.3)});
        TimelineView view(&model);
        view.resize(1200, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.isCollapsingIdle()); // the default
        view.repaint();
        // All three drawn as themselves, side by side, the two idle gaps as labelled breaks.
        QCOMPARE(view.lastPaintCounts(), qMakePair(3, 0));
        const TimelineGeometry &g = view.geometry();
        QCOMPARE(g.idleGaps().size(), size_t(2));
        QVERIFY(g.xForTime(6000.3) - g.xForTime(6000) >= 2);
        QVERIFY(g.xForTime(12000.3) <= view.width());
        QVERIFY(g.xForTime(20) - g.xForTime(0) > view.width() / 2); // the cold start is most of it

        // In wall time all three shrink to single pixel columns.
        view.setCollapsingIdle(false);
        view.repaint();
        QVERIFY(view.geometry().idleGaps().empty());
        QCOMPARE(view.lastPaintCounts(), qMakePair(0, 3));
    }

    void followsTheLatestInvocationUntilTheUserLooksBack()
    {
        TimelineModel model;
        model.append({record(1, 1, true, 0, 20), record(2, 1, false, 400, 5)});
        TimelineView view(&model);
        view.resize(1000, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy following(&view, &TimelineView::followingChanged);
        QVERIFY(view.isFollowing());
        // + zooms around the latest invocation, not the empty middle: it stays in view, followed.
        for (int i = 0; i < 4; ++i)
            view.zoomBy(0.5);
        QVERIFY(view.geometry().isVisible(405, 405));
        QVERIFY(view.isFollowing());
        const double msPerPixel = view.geometry().msPerPixel;
        model.append({record(3, 1, false, 900, 5)});
        QVERIFY(view.geometry().isVisible(905, 905)); // scrolled to it, zoom kept
        QCOMPARE(view.geometry().msPerPixel, msPerPixel);

        // Panning back in time stops following: the next invocation arrives out of view.
        QTest::keyClick(&view, Qt::Key_Left);
        for (int i = 0; i < 20 && view.geometry().isVisible(905, 905); ++i)
            QTest::keyClick(&view, Qt::Key_Left);
        QVERIFY(!view.isFollowing());
        QCOMPARE(following.size(), 1);
        model.append({record(4, 1, false, 2000, 5)});
        QVERIFY(!view.geometry().isVisible(2005, 2005));
        // L (or the Follow button) brings it back.
        QTest::keyClick(&view, Qt::Key_L);
        QVERIFY(view.isFollowing());
        QVERIFY(view.geometry().isVisible(2005, 2005));
    }

    void shiftDragZoomsToTheRange()
    {
        TimelineModel model;
        QList<InvocationRecord> records;
        for (int i = 0; i < 20; ++i)
            records.append(record(i, 1, i == 0, 250 + i * 50, 40));
        model.append(records);
        TimelineView view(&model);
        view.resize(1000, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const TimelineGeometry before = view.geometry();
        const double x0 = before.xForTime(600), x1 = before.xForTime(800);
        const double y = before.laneMiddle(0);
        QTest::mousePress(&view, Qt::LeftButton, Qt::ShiftModifier, QPoint(int(x0), int(y)));
        QMouseEvent move(QEvent::MouseMove, QPointF(x1, y), view.mapToGlobal(QPointF(x1, y)), Qt::NoButton,
                         Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(&view, &move);
        QTest::mouseRelease(&view, Qt::LeftButton, Qt::ShiftModifier, QPoint(int(x1), int(y)));
        // The range now spans the lane area (within the pixel the mouse was rounded to).
        const TimelineGeometry &after = view.geometry();
        const double slack = 2 * before.msPerPixel;
        QVERIFY2(qAbs(after.startMs - 600) < slack, qPrintable(QString::number(after.startMs)));
        QVERIFY2(qAbs(after.endMs() - 800) < slack, qPrintable(QString::number(after.endMs())));
        QVERIFY(after.msPerPixel < before.msPerPixel);
        QVERIFY(view.selectedRequest().isEmpty()); // a range, not a click
    }

    void stoppedLanesFoldAndThrottlesStayAtTheBottom()
    {
        TimelineModel model;
        model.append({record(1, 1, true, 0, 20), record(2, 0, false, 10, 0, InvocationOutcome::Throttled),
                      record(3, 2, true, 20, 20), record(4, 3, true, 40, 20),
                      record(5, 0, false, 50, 0, InvocationOutcome::Throttled)});
        TimelineView view(&model);
        view.resize(1000, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int throttleLane = 1; // its lane came second, it is drawn last
        QCOMPARE(view.rows(), (std::vector<int>{0, 2, 3, throttleLane}));
        QCOMPARE(view.rowLabel(3), QStringLiteral("2 throttled / not run"));

        model.applyEnvironments(
            {environment(1, EnvironmentPhase::Stopped, 100, 1), environment(2, EnvironmentPhase::Stopped, 100, 1)});
        QCOMPARE(view.rows(), (std::vector<int>{TimelineView::StoppedRow, 3, throttleLane}));
        QCOMPARE(view.rowLabel(0), QStringLiteral("▸ 2 stopped environments"));
        // A click on the folded row unfolds it; another folds it again.
        const TimelineGeometry &g = view.geometry();
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(40, int(g.laneMiddle(0))));
        QCOMPARE(view.rows(), (std::vector<int>{TimelineView::StoppedRow, 0, 2, 3, throttleLane}));
        QCOMPARE(view.rowLabel(0), QStringLiteral("▾ 2 stopped environments"));
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(40, int(g.laneMiddle(0))));
        QCOMPARE(view.rows().size(), size_t(3));
        // Selecting an invocation of a folded environment unfolds it.
        view.selectRequest(requestId(1));
        QVERIFY(view.isStoppedExpanded());
        view.repaint();
    }

    void theLegendNamesEveryState()
    {
        const TimelinePalette pal = TimelinePalette::from(QPalette());
        const QList<TimelineLegend::Entry> entries = TimelineLegend::entriesFor(pal);
        QStringList texts;
        QSet<QString> marks;
        for (const TimelineLegend::Entry &e : entries) {
            QVERIFY(!e.text.isEmpty() && !e.toolTip.isEmpty());
            texts.append(e.text);
            marks.insert(QStringLiteral("%1 %2").arg(int(e.mark)).arg(e.color.name()));
        }
        for (const char *state : {"Init (cold start)", "Invoke, cold", "Invoke, warm", "Failed", "Throttled", "Frozen",
                                  "Running", "Provisioned", "Retry", "Stopped", "Stale code", "Idle gap, collapsed"})
            QVERIFY2(texts.contains(QLatin1String(state)), state);
        QCOMPARE(marks.size(), entries.size()); // no two states look alike

        // Narrow, it wraps onto more lines instead of clipping.
        TimelineLegend legend;
        QVERIFY(legend.heightForWidth(300) > legend.heightForWidth(3000));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
