#pragma once
// One environment's memory readings over time, and the min/max downsampling the chart draws from.

#include <QList>
#include <QPointF>
#include <QString>

#include <vector>

namespace fn {

struct MemoryPoint
{
    qint64 timestampMs = 0;
    qint64 bytes = 0;
};

struct MemorySeries
{
    QString environmentId;
    QString functionName; // from the environment's state; empty until it is known
    qint64 limitBytes = 0;
    qint64 peakBytes = 0;
    qint64 outOfMemoryAtMs = -1;     // when the limit killed it; -1 if never
    std::vector<MemoryPoint> points; // in time order

    // At most 2 * buckets points (the minimum and maximum of each time bucket, in time order) over
    // [fromMs, toMs], x in ms relative to originMs and y in MiB, so peaks survive any zoom level.
    QList<QPointF> downsampled(qint64 fromMs, qint64 toMs, int buckets, qint64 originMs) const;
};

} // namespace fn
