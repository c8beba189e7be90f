#include "memory/memoryseries.h"

#include <algorithm>

namespace fn {

QList<QPointF> MemorySeries::downsampled(qint64 fromMs, qint64 toMs, int buckets, qint64 originMs) const
{
    QList<QPointF> out;
    if (points.empty() || buckets <= 0 || toMs < fromMs)
        return out;
    constexpr double mib = 1024.0 * 1024.0;
    auto byTime = [](const MemoryPoint &p, qint64 t) { return p.timestampMs < t; };
    auto first = std::lower_bound(points.begin(), points.end(), fromMs, byTime);
    auto last = std::lower_bound(first, points.end(), toMs + 1, byTime);
    // Keep one point either side so the line reaches the edges of the view.
    if (first != points.begin())
        --first;
    if (last != points.end())
        ++last;
    const qsizetype n = last - first;
    auto put = [&](const MemoryPoint &p) { out.append(QPointF(double(p.timestampMs - originMs), p.bytes / mib)); };
    if (n <= 2 * buckets) {
        out.reserve(n);
        for (auto it = first; it != last; ++it)
            put(*it);
        return out;
    }
    out.reserve(2 * buckets + 2);
    const double span = double(qMax<qint64>(1, toMs - fromMs));
    auto it = first;
    // Edge points outside the range go out as they are.
    if (it->timestampMs < fromMs)
        put(*it++);
    const auto end = (last - 1)->timestampMs > toMs ? last - 1 : last;
    while (it != end) {
        const int bucket = qBound(0, int((it->timestampMs - fromMs) / span * buckets), buckets - 1);
        auto lo = it, hi = it;
        for (++it; it != end && qBound(0, int((it->timestampMs - fromMs) / span * buckets), buckets - 1) == bucket;
             ++it) {
            if (it->bytes < lo->bytes)
                lo = it;
            if (it->bytes > hi->bytes)
                hi = it;
        }
        if (lo == hi) {
            put(*lo);
        } else if (lo->timestampMs <= hi->timestampMs) {
            put(*lo);
            put(*hi);
        } else {
            put(*hi);
            put(*lo);
        }
    }
    if (end != last)
        put(*end);
    return out;
}

} // namespace fn
