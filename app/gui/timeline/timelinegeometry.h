#pragma once
// Time ↔ pixel arithmetic and lane layout of the timeline, as a plain value tested without a window.

#include "timeline/timelinelane.h"

#include <QtGlobal>

namespace fn {

struct TimelineGeometry
{
    // Times are milliseconds relative to the timeline model's origin; x is in widget pixels.
    double startMs = 0;      // time at the left edge of the lane area
    double msPerPixel = 1.0; // zoom: larger is further out
    int labelWidth = 160;    // lane labels on the left; the lane area starts after them
    int width = 800;         // whole widget width
    int rulerHeight = 22;    // time axis at the top
    int laneHeight = 24;
    int laneGap = 6;

    // Zoom limits: 1 µs per pixel up to a day per pixel.
    static constexpr double minMsPerPixel = 0.001;
    static constexpr double maxMsPerPixel = 86'400'000.0;

    int areaWidth() const { return qMax(1, width - labelWidth); }
    double endMs() const { return startMs + areaWidth() * msPerPixel; }

    double xForTime(double ms) const { return labelWidth + (ms - startMs) / msPerPixel; }
    double timeForX(double x) const { return startMs + (x - labelWidth) * msPerPixel; }
    double widthForDuration(double ms) const { return ms / msPerPixel; }

    bool isVisible(double fromMs, double toMs) const { return toMs >= startMs && fromMs <= endMs(); }

    // Multiplies msPerPixel by factor (< 1 zooms in) keeping the time under x fixed.
    void zoomAround(double x, double factor);
    // Moves the view by dx pixels; dragging right (dx > 0) shows earlier times.
    void panByPixels(double dx);
    // Shows [fromMs, toMs] across the lane area with marginPx of air on both sides.
    void fit(double fromMs, double toMs, int marginPx = 12);

    int laneTop(int lane) const { return rulerHeight + laneGap + lane * (laneHeight + laneGap); }
    // The lane under y, or -1 between lanes, above the first or past laneCount.
    int laneAt(double y, int laneCount) const;
    int contentHeight(int laneCount) const { return laneTop(laneCount); }

    double laneMiddle(int lane) const { return laneTop(lane) + laneHeight / 2.0; }

    // A throttle is an instant, not a span: a diamond centred on its time in the middle of its lane.
    struct Marker
    {
        double cx = 0, cy = 0, half = 0; // centre and half the diagonal
    };
    Marker throttleMarker(int lane, double ms) const
    {
        return {xForTime(ms), laneMiddle(lane), (laneHeight - 8) / 2.0};
    }

    // The connector of a retry: from the earlier attempt's end to the later one's start, lane middles.
    struct Connector
    {
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    };
    Connector connector(const TimelineRetryLink &link) const
    {
        return {xForTime(link.fromMs), laneMiddle(link.fromLane), xForTime(link.toMs), laneMiddle(link.toLane)};
    }

    // A readable tick spacing (1-2-5 series) so ticks are at least minPx apart.
    double tickStepMs(int minPx = 90) const;
};

} // namespace fn
