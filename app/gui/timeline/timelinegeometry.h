#pragma once
// Time ↔ pixel arithmetic and lane layout of the timeline, as a plain value tested without a window.

#include "timeline/timelinelane.h"

#include <QtGlobal>

#include <utility>
#include <vector>

namespace fn {

// A stretch of time with no activity at all (no invocation, init, throttle or stop), relative ms.
struct IdleGap
{
    double fromMs = 0;
    double toMs = 0;
    double lengthMs() const { return toMs - fromMs; }
};

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
    // Collapsed idle: each idle gap is drawn at most this wide, a break in the time axis, so a cold
    // start and warm invocations seconds apart fit one screen. Never wider than the gap at scale.
    int collapsedGapPx = 48;

    // Zoom limits: 1 µs per pixel up to a day per pixel.
    static constexpr double minMsPerPixel = 0.001;
    static constexpr double maxMsPerPixel = 86'400'000.0;

    int areaWidth() const { return qMax(1, width - labelWidth); }
    double endMs() const { return m_gaps.empty() ? startMs + areaWidth() * msPerPixel : timeForX(width); }

    double xForTime(double ms) const;
    double timeForX(double x) const;
    // Only for spans with no collapsed gap inside (a segment's parts).
    double widthForDuration(double ms) const { return ms / msPerPixel; }

    bool isVisible(double fromMs, double toMs) const { return toMs >= startMs && fromMs <= endMs(); }

    // Multiplies msPerPixel by factor (< 1 zooms in) keeping the time under x fixed.
    void zoomAround(double x, double factor);
    // Moves the view by dx pixels; dragging right (dx > 0) shows earlier times.
    void panByPixels(double dx);
    // Scrolls (zoom unchanged) so that time ms is drawn at x.
    void placeTimeAt(double ms, double x);
    // Shows [fromMs, toMs] across the lane area with marginPx of air on both sides.
    void fit(double fromMs, double toMs, int marginPx = 12);

    // Wall time when empty; else the gaps drawn compressed (sorted, disjoint).
    void setIdleGaps(std::vector<IdleGap> gaps);
    const std::vector<IdleGap> &idleGaps() const { return m_gaps; }
    // A gap drawn narrower than at scale: it gets a break mark and its length as a label.
    bool isCompressed(const IdleGap &gap) const { return gap.lengthMs() / msPerPixel > collapsedGapPx; }
    double gapWidth(const IdleGap &gap) const { return qMin(double(collapsedGapPx), gap.lengthMs() / msPerPixel); }
    // The idle gaps of at least minGapMs between activity spans [from, to] (any order, may overlap;
    // an instant is a span of length 0).
    static std::vector<IdleGap> findIdleGaps(std::vector<std::pair<double, double>> spans, double minGapMs);

    // > 0: row 0 is the thin row of the folded stopped environments, this tall.
    int foldedRowHeight = 0;

    int rowHeight(int lane) const { return lane == 0 && foldedRowHeight > 0 ? foldedRowHeight : laneHeight; }
    int laneTop(int lane) const
    {
        if (foldedRowHeight <= 0 || lane == 0)
            return rulerHeight + laneGap + lane * (laneHeight + laneGap);
        return rulerHeight + laneGap + foldedRowHeight + laneGap + (lane - 1) * (laneHeight + laneGap);
    }
    // The lane under y, or -1 between lanes, above the first or past laneCount.
    int laneAt(double y, int laneCount) const;
    int contentHeight(int laneCount) const { return laneTop(laneCount); }

    double laneMiddle(int lane) const { return laneTop(lane) + rowHeight(lane) / 2.0; }

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

private:
    // With gaps, x is an offset on a piecewise linear scale: 1/msPerPixel where something happens,
    // gapWidth/length inside a gap. offset() is that scale from time 0, timeAt() its inverse.
    double offset(double ms) const;
    double timeAt(double offset) const;
    void ensureGapPixels() const;

    std::vector<IdleGap> m_gaps;
    std::vector<double> m_gapMsBefore; // total length of the gaps before gap i
    // Widths depend on the zoom: cached for the msPerPixel they were computed at.
    mutable std::vector<double> m_gapPxBefore;
    mutable double m_gapPxAt = -1;
};

} // namespace fn
