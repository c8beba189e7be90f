#include "timeline/timelinegeometry.h"

#include <cmath>

namespace fn {

void TimelineGeometry::zoomAround(double x, double factor)
{
    if (!(factor > 0))
        return;
    const double anchor = timeForX(x);
    msPerPixel = qBound(minMsPerPixel, msPerPixel * factor, maxMsPerPixel);
    startMs = anchor - (x - labelWidth) * msPerPixel;
}

void TimelineGeometry::panByPixels(double dx)
{
    startMs -= dx * msPerPixel;
}

void TimelineGeometry::fit(double fromMs, double toMs, int marginPx)
{
    if (toMs < fromMs)
        qSwap(fromMs, toMs);
    const int usable = qMax(1, areaWidth() - 2 * marginPx);
    // A single instant still gets a sensible scale (at least 1 ms across the area), never infinite zoom.
    const double span = qMax(toMs - fromMs, 1.0);
    msPerPixel = qBound(minMsPerPixel, span / usable, maxMsPerPixel);
    startMs = fromMs - marginPx * msPerPixel;
}

int TimelineGeometry::laneAt(double y, int laneCount) const
{
    const double rel = y - rulerHeight - laneGap;
    if (rel < 0)
        return -1;
    const int pitch = laneHeight + laneGap;
    const int lane = int(rel / pitch);
    if (lane >= laneCount || rel - lane * pitch >= laneHeight)
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
