#include "timeline/timelinegeometry.h"

#include <algorithm>
#include <cmath>

namespace fn {

void TimelineGeometry::setIdleGaps(std::vector<IdleGap> gaps)
{
    m_gaps = std::move(gaps);
    m_gapMsBefore.assign(m_gaps.size() + 1, 0.0);
    for (size_t i = 0; i < m_gaps.size(); ++i)
        m_gapMsBefore[i + 1] = m_gapMsBefore[i] + m_gaps[i].lengthMs();
    m_gapPxAt = -1;
}

void TimelineGeometry::ensureGapPixels() const
{
    if (m_gapPxAt == msPerPixel && m_gapPxBefore.size() == m_gaps.size() + 1)
        return;
    m_gapPxBefore.assign(m_gaps.size() + 1, 0.0);
    for (size_t i = 0; i < m_gaps.size(); ++i)
        m_gapPxBefore[i + 1] = m_gapPxBefore[i] + gapWidth(m_gaps[i]);
    m_gapPxAt = msPerPixel;
}

double TimelineGeometry::offset(double ms) const
{
    ensureGapPixels();
    // Gaps wholly before ms, then maybe the one ms is in.
    const size_t i =
        size_t(std::partition_point(m_gaps.begin(), m_gaps.end(), [ms](const IdleGap &g) { return g.toMs <= ms; })
               - m_gaps.begin());
    if (i < m_gaps.size() && m_gaps[i].fromMs < ms) {
        const IdleGap &g = m_gaps[i];
        const double atFrom = (g.fromMs - m_gapMsBefore[i]) / msPerPixel + m_gapPxBefore[i];
        return atFrom + gapWidth(g) * (ms - g.fromMs) / g.lengthMs();
    }
    return (ms - m_gapMsBefore[i]) / msPerPixel + m_gapPxBefore[i];
}

double TimelineGeometry::timeAt(double px) const
{
    ensureGapPixels();
    auto fromOffset = [this](size_t i) {
        return (m_gaps[i].fromMs - m_gapMsBefore[i]) / msPerPixel + m_gapPxBefore[i];
    };
    // First gap that does not end at or before px.
    size_t lo = 0, hi = m_gaps.size();
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (fromOffset(mid) + gapWidth(m_gaps[mid]) <= px)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m_gaps.size() && fromOffset(lo) < px) {
        const IdleGap &g = m_gaps[lo];
        return g.fromMs + (px - fromOffset(lo)) / gapWidth(g) * g.lengthMs();
    }
    return (px - m_gapPxBefore[lo]) * msPerPixel + m_gapMsBefore[lo];
}

double TimelineGeometry::xForTime(double ms) const
{
    if (m_gaps.empty())
        return labelWidth + (ms - startMs) / msPerPixel;
    return labelWidth + offset(ms) - offset(startMs);
}

double TimelineGeometry::timeForX(double x) const
{
    if (m_gaps.empty())
        return startMs + (x - labelWidth) * msPerPixel;
    return timeAt(offset(startMs) + x - labelWidth);
}

void TimelineGeometry::placeTimeAt(double ms, double x)
{
    if (m_gaps.empty())
        startMs = ms - (x - labelWidth) * msPerPixel;
    else
        startMs = timeAt(offset(ms) - (x - labelWidth));
}

void TimelineGeometry::zoomAround(double x, double factor)
{
    if (!(factor > 0))
        return;
    const double anchor = timeForX(x);
    msPerPixel = qBound(minMsPerPixel, msPerPixel * factor, maxMsPerPixel);
    placeTimeAt(anchor, x);
}

void TimelineGeometry::panByPixels(double dx)
{
    if (m_gaps.empty())
        startMs -= dx * msPerPixel;
    else
        startMs = timeAt(offset(startMs) - dx);
}

void TimelineGeometry::fit(double fromMs, double toMs, int marginPx)
{
    if (toMs < fromMs)
        qSwap(fromMs, toMs);
    const int usable = qMax(1, areaWidth() - 2 * marginPx);
    // A single instant still gets a sensible scale (at least 1 ms across the area), never infinite zoom.
    double span = qMax(toMs - fromMs, 1.0);
    // With collapsed gaps the scale is the one at which the longest k gaps are compressed (each
    // collapsedGapPx wide, or its share of that for a gap the range cuts) and the others drawn at
    // scale: try k from all of them down.
    struct Part
    {
        double length, insideMs, insideShare;
    };
    std::vector<Part> parts;
    for (const IdleGap &g : m_gaps) {
        const double inside = qMin(g.toMs, toMs) - qMax(g.fromMs, fromMs);
        if (inside > 0)
            parts.push_back({g.lengthMs(), inside, inside / g.lengthMs()});
    }
    std::sort(parts.begin(), parts.end(), [](const Part &a, const Part &b) { return a.length > b.length; });
    double scale = span / usable;
    double compressedMs = 0, compressedPx = 0;
    for (const Part &part : parts) {
        compressedMs += part.insideMs;
        compressedPx += part.insideShare * collapsedGapPx;
    }
    for (size_t k = parts.size(); k > 0; --k) {
        const double px = usable - compressedPx;
        const double candidate = (span - compressedMs) / px;
        const bool consistent = px > usable / 4.0 && candidate > 0 && parts[k - 1].length / candidate > collapsedGapPx
                                && (k == parts.size() || parts[k].length / candidate <= collapsedGapPx);
        if (consistent) {
            scale = candidate;
            break;
        }
        compressedMs -= parts[k - 1].insideMs;
        compressedPx -= parts[k - 1].insideShare * collapsedGapPx;
    }
    msPerPixel = qBound(minMsPerPixel, scale, maxMsPerPixel);
    placeTimeAt(fromMs, labelWidth + marginPx);
}

std::vector<IdleGap> TimelineGeometry::findIdleGaps(std::vector<std::pair<double, double>> spans, double minGapMs)
{
    std::vector<IdleGap> gaps;
    if (spans.empty())
        return gaps;
    std::sort(spans.begin(), spans.end());
    double busyUntil = spans.front().second;
    for (const auto &[from, to] : spans) {
        if (from - busyUntil >= minGapMs && from > busyUntil)
            gaps.push_back({busyUntil, from});
        busyUntil = qMax(busyUntil, to);
    }
    return gaps;
}

int TimelineGeometry::laneAt(double y, int laneCount) const
{
    if (laneCount <= 0 || y < laneTop(0))
        return -1;
    if (foldedRowHeight > 0 && y < laneTop(1))
        return y < laneTop(0) + foldedRowHeight ? 0 : -1;
    const int first = foldedRowHeight > 0 ? 1 : 0;
    const double rel = y - laneTop(first);
    const int pitch = laneHeight + laneGap;
    const int lane = first + int(rel / pitch);
    if (lane >= laneCount || rel - (lane - first) * pitch >= laneHeight)
        return -1;
    return lane;
}

double TimelineGeometry::tickStepMs(int minPx) const
{
    const double raw = minPx * msPerPixel;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * decade >= raw)
            return m * decade;
    }
    return 10 * decade;
}

} // namespace fn
