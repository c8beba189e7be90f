// Time ↔ pixel arithmetic, zoom, pan, fit and lane layout of the timeline, without a window.
#include "timeline/timelinegeometry.h"

#include <QTest>

using fn::TimelineGeometry;

class TestTimelineGeometry final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timeAndPixelAreInverse()
    {
        TimelineGeometry g;
        g.labelWidth = 100;
        g.width = 1100;
        g.startMs = 500;
        g.msPerPixel = 2;
        QCOMPARE(g.xForTime(500), 100.0);
        QCOMPARE(g.xForTime(700), 200.0);
        QCOMPARE(g.timeForX(200), 700.0);
        QCOMPARE(g.endMs(), 500 + 1000 * 2.0);
        for (double t : {0.0, 123.25, 2500.0, -40.0})
            QCOMPARE(g.timeForX(g.xForTime(t)), t);
        QCOMPARE(g.widthForDuration(10), 5.0);
    }

    void markersAndConnectors()
    {
        TimelineGeometry g;
        g.labelWidth = 100;
        g.width = 1100;
        g.startMs = 0;
        g.msPerPixel = 10;
        g.rulerHeight = 20;
        g.laneHeight = 24;
        g.laneGap = 6;
        // A throttle: a diamond centred on its instant, inside its lane.
        const TimelineGeometry::Marker m = g.throttleMarker(1, 500);
        QCOMPARE(m.cx, 150.0);
        QCOMPARE(m.cy, double(g.laneTop(1)) + 12);
        QVERIFY(m.half > 0 && m.cy - m.half >= g.laneTop(1) && m.cy + m.half <= g.laneTop(1) + g.laneHeight);
        // A retry connector: from the end of attempt 1 (lane 0) to the start of attempt 2 (lane 2).
        fn::TimelineRetryLink link;
        link.fromLane = 0;
        link.fromMs = 1000;
        link.toLane = 2;
        link.toMs = 3000;
        const TimelineGeometry::Connector c = g.connector(link);
        QCOMPARE(c.x0, 200.0);
        QCOMPARE(c.x1, 400.0);
        QCOMPARE(c.y0, g.laneMiddle(0));
        QCOMPARE(c.y1, g.laneMiddle(2));
        QVERIFY(c.y1 > c.y0);
    }

    void visibility()
    {
        TimelineGeometry g;
        g.labelWidth = 0;
        g.width = 100;
        g.startMs = 100;
        g.msPerPixel = 1; // visible 100..200
        QVERIFY(g.isVisible(150, 160));
        QVERIFY(g.isVisible(50, 100)); // touches the left edge
        QVERIFY(g.isVisible(50, 500)); // spans the view
        QVERIFY(!g.isVisible(10, 99));
        QVERIFY(!g.isVisible(201, 300));
    }

    void zoomKeepsTheAnchorFixed()
    {
        TimelineGeometry g;
        g.labelWidth = 50;
        g.width = 850;
        g.startMs = 1000;
        g.msPerPixel = 4;
        const double x = 450;
        const double before = g.timeForX(x);
        g.zoomAround(x, 0.5);
        QCOMPARE(g.msPerPixel, 2.0);
        QCOMPARE(g.timeForX(x), before);
        g.zoomAround(x, 8);
        QCOMPARE(g.msPerPixel, 16.0);
        QCOMPARE(g.timeForX(x), before);
    }

    void zoomIsClamped()
    {
        TimelineGeometry g;
        g.zoomAround(300, 1e-12);
        QCOMPARE(g.msPerPixel, TimelineGeometry::minMsPerPixel);
        g.zoomAround(300, 1e30);
        QCOMPARE(g.msPerPixel, TimelineGeometry::maxMsPerPixel);
        const double before = g.msPerPixel;
        g.zoomAround(300, 0);  // ignored
        g.zoomAround(300, -2); // ignored
        QCOMPARE(g.msPerPixel, before);
    }

    void panMovesByPixels()
    {
        TimelineGeometry g;
        g.startMs = 1000;
        g.msPerPixel = 3;
        g.panByPixels(10); // drag right shows earlier times
        QCOMPARE(g.startMs, 970.0);
        g.panByPixels(-20);
        QCOMPARE(g.startMs, 1030.0);
    }

    void fitShowsTheRangeWithMargins()
    {
        TimelineGeometry g;
        g.labelWidth = 100;
        g.width = 1124; // area 1024, usable 1000 with 12 px margins
        g.fit(2000, 4000, 12);
        QCOMPARE(g.msPerPixel, 2.0);
        QCOMPARE(g.xForTime(2000), 112.0);
        QCOMPARE(g.xForTime(4000), 1112.0);
        // reversed bounds are accepted
        g.fit(4000, 2000, 12);
        QCOMPARE(g.xForTime(2000), 112.0);
        // a single instant gets a finite scale
        g.fit(50, 50, 12);
        QVERIFY(g.msPerPixel > 0);
        QVERIFY(qIsFinite(g.startMs));
        QVERIFY(g.isVisible(50, 50));
    }

    void idleGapsAreFoundBetweenActivity()
    {
        // A cold start (init + handler), a throttle instant inside it, overlapping warm ones on two
        // lanes, then 6 s of nothing, a warm one, 40 ms of nothing (too short), another.
        const std::vector<fn::IdleGap> gaps = TimelineGeometry::findIdleGaps(
            {{6000, 6000.3}, {0, 20.7}, {5, 5}, {30, 31}, {30.5, 32}, {6040.3, 6040.6}}, 100);
        QCOMPARE(gaps.size(), size_t(1));
        QCOMPARE(gaps[0].fromMs, 32.0);
        QCOMPARE(gaps[0].toMs, 6000.0);
        QVERIFY(TimelineGeometry::findIdleGaps({}, 100).empty());
        QCOMPARE(TimelineGeometry::findIdleGaps({{0, 1}, {200, 201}}, 100).size(), size_t(1));
    }

    void collapsedGapsShowAColdStartBesideWarmOnesSecondsApart()
    {
        // A 20 ms cold start, then warm invocations of 0.3 ms 6 s and 12 s later.
        const std::vector<std::pair<double, double>> spans{{0, 20.7}, {6000, 6000.3}, {12000, 12000.3}};
        TimelineGeometry wall;
        wall.labelWidth = 160;
        wall.width = 1160;
        wall.fit(0, 12000.3);
        // In wall time a warm invocation is a fraction of a pixel, the cold start two pixels.
        QVERIFY(wall.xForTime(6000.3) - wall.xForTime(6000) < 0.1);
        QVERIFY(wall.xForTime(20.7) - wall.xForTime(0) < 3);

        TimelineGeometry g = wall;
        g.setIdleGaps(TimelineGeometry::findIdleGaps(spans, 100));
        QCOMPARE(g.idleGaps().size(), size_t(2));
        g.fit(0, 12000.3);
        // Everything still fits, each gap is a break of collapsedGapPx, and the invocations are wide.
        QVERIFY(g.xForTime(0) >= g.labelWidth);
        QVERIFY(g.xForTime(12000.3) <= g.width + 0.01);
        for (const fn::IdleGap &gap : g.idleGaps()) {
            QVERIFY(g.isCompressed(gap));
            QCOMPARE(g.xForTime(gap.toMs) - g.xForTime(gap.fromMs), double(g.collapsedGapPx));
        }
        QVERIFY(g.xForTime(20.7) - g.xForTime(0) > 500);    // the cold start fills most of the view
        QVERIFY(g.xForTime(6000.3) - g.xForTime(6000) > 5); // a warm one is clearly visible
        QVERIFY(g.xForTime(6000) > g.xForTime(20.7));       // still in time order
        QVERIFY(g.xForTime(12000) > g.xForTime(6000.3));
    }

    void collapsedMappingIsInverseAndZoomsAroundTheCursor()
    {
        TimelineGeometry g;
        g.labelWidth = 100;
        g.width = 1100;
        g.setIdleGaps({{100, 5100}, {5200, 65200}});
        g.fit(0, 65300);
        for (double t : {0.0, 50.0, 100.0, 2600.0, 5100.0, 5150.0, 30000.0, 65250.0, -10.0, 70000.0})
            QVERIFY2(qAbs(g.timeForX(g.xForTime(t)) - t) < 1e-6, qPrintable(QString::number(t)));
        for (double x : {100.0, 333.3, 700.0, 1099.0})
            QVERIFY(qAbs(g.xForTime(g.timeForX(x)) - x) < 1e-6);
        // Monotone across gaps.
        double previous = -1e9;
        for (double t = -100; t < 70000; t += 97) {
            QVERIFY(g.xForTime(t) > previous);
            previous = g.xForTime(t);
        }
        // Zooming keeps the time under the cursor, inside a gap or not; panning moves by pixels.
        for (double x : {150.0, 400.0, 900.0}) {
            const double before = g.timeForX(x);
            g.zoomAround(x, 0.5);
            QVERIFY(qAbs(g.timeForX(x) - before) < 1e-6);
            g.zoomAround(x, 2);
            QVERIFY(qAbs(g.timeForX(x) - before) < 1e-6);
        }
        const double at500 = g.timeForX(500);
        g.panByPixels(40);
        QVERIFY(qAbs(g.xForTime(at500) - 540) < 1e-6);
        g.placeTimeAt(5150, 300);
        QVERIFY(qAbs(g.xForTime(5150) - 300) < 1e-6);
        // A range that starts and ends inside gaps (a selection dragged across breaks) fills the area exactly.
        g.fit(2600, 30000, 0);
        QVERIFY(qAbs(g.xForTime(2600) - g.labelWidth) < 1e-6);
        QVERIFY(qAbs(g.xForTime(30000) - g.width) < 1e-6);
        // Zoomed far out a gap narrower than collapsedGapPx at scale is drawn at scale, not widened.
        g.msPerPixel = 1000;
        QVERIFY(!g.isCompressed(g.idleGaps()[0]));
        QCOMPARE(g.xForTime(5100) - g.xForTime(100), 5.0);
        QVERIFY(g.isCompressed(g.idleGaps()[1]));
        QCOMPARE(g.xForTime(65200) - g.xForTime(5200), double(g.collapsedGapPx));
    }

    void laneLayout()
    {
        TimelineGeometry g;
        g.rulerHeight = 20;
        g.laneGap = 4;
        g.laneHeight = 16;
        QCOMPARE(g.laneTop(0), 24);
        QCOMPARE(g.laneTop(1), 44);
        QCOMPARE(g.laneAt(24, 3), 0);
        QCOMPARE(g.laneAt(39.9, 3), 0);
        QCOMPARE(g.laneAt(41, 3), -1); // in the gap
        QCOMPARE(g.laneAt(44, 3), 1);
        QCOMPARE(g.laneAt(10, 3), -1);               // ruler
        QCOMPARE(g.laneAt(g.laneTop(3) + 1, 3), -1); // past the last lane
        QCOMPARE(g.contentHeight(3), g.laneTop(3));

        // The folded stopped environments: a thin first row, the lanes below it moved up.
        g.foldedRowHeight = 10;
        QCOMPARE(g.laneTop(0), 24);
        QCOMPARE(g.rowHeight(0), 10);
        QCOMPARE(g.laneTop(1), 38);
        QCOMPARE(g.rowHeight(1), 16);
        QCOMPARE(g.laneTop(2), 58);
        QCOMPARE(g.laneMiddle(0), 29.0);
        QCOMPARE(g.laneAt(24, 3), 0);
        QCOMPARE(g.laneAt(33.9, 3), 0);
        QCOMPARE(g.laneAt(35, 3), -1); // in the gap
        QCOMPARE(g.laneAt(38, 3), 1);
        QCOMPARE(g.laneAt(53.9, 3), 1);
        QCOMPARE(g.laneAt(55, 3), -1);
        QCOMPARE(g.laneAt(58, 3), 2);
        QCOMPARE(g.laneAt(80, 3), -1); // past the last lane
    }

    void ticksAreReadable()
    {
        TimelineGeometry g;
        g.msPerPixel = 1;
        QCOMPARE(g.tickStepMs(90), 100.0);
        g.msPerPixel = 0.01;
        QCOMPARE(g.tickStepMs(90), 1.0);
        g.msPerPixel = 30;
        QCOMPARE(g.tickStepMs(90), 5000.0);
        g.msPerPixel = 0.0021;
        QCOMPARE(g.tickStepMs(90), 0.2);
    }
};

QTEST_GUILESS_MAIN(TestTimelineGeometry)
#include "tst_timelinegeometry.moc"
