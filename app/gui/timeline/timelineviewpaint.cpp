// TimelineView's painting: ruler, lanes, segments (aggregated per pixel column when dense), the
// folded row of stopped environments, collapsed idle gaps, retry connectors and throttles.
#include "timeline/timelinemodel.h"
#include "timeline/timelinepalette.h"
#include "timeline/timelineview.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace fn {

namespace {

QString timeLabel(double ms, double step)
{
    // Precision follows the tick step so labels never repeat nor show noise digits.
    if (step >= 1000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', step >= 10000 ? 0 : 1);
    if (step >= 1)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 0);
    const int decimals = step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', decimals);
}

// A gap's length, short enough for a collapsed gap's few pixels: "850 ms", "6.0 s", "12 min".
QString durationLabel(double ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 0);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms < 10'000 ? 1 : 0);
    if (ms < 3'600'000)
        return QStringLiteral("%1 min").arg(ms / 60'000.0, 0, 'f', ms < 600'000 ? 1 : 0);
    return QStringLiteral("%1 h").arg(ms / 3'600'000.0, 0, 'f', 1);
}

} // namespace

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const TimelinePalette pal = TimelinePalette::from(palette());
    p.fillRect(rect(), pal.background);
    m_paintedSegments = 0;
    m_paintedAggregates = 0;
    if (m_model->isEmpty()) {
        p.setPen(pal.dimText);
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.15);
        p.setFont(f);
        p.drawText(rect(), Qt::AlignCenter, m_emptyText);
        return;
    }
    paintRuler(p, pal);
    for (int row = 0; row < int(m_rows.size()); ++row) {
        if (m_rows[size_t(row)] == StoppedRow)
            paintStoppedRow(p, pal, row);
        else
            paintLane(p, pal, m_rows[size_t(row)], row);
    }
    paintIdleBreaks(p, pal);
    paintRetryLinks(p, pal);
    if (m_rangeSelecting && m_dragMoved) {
        const double x0 = qMax(double(m_geo.labelWidth), qMin(m_pressPos.x(), m_dragPos.x()));
        const double x1 = qMin(double(width()), qMax(m_pressPos.x(), m_dragPos.x()));
        QColor band = pal.selection;
        band.setAlpha(50);
        p.fillRect(QRectF(x0, 0, x1 - x0, height()), band);
        p.setPen(QPen(pal.selection, 1));
        p.drawLine(QPointF(x0, 0), QPointF(x0, height()));
        p.drawLine(QPointF(x1, 0), QPointF(x1, height()));
    }
}

void TimelineView::paintRetryLinks(QPainter &p, const TimelinePalette &pal)
{
    // Attempts of one async event share its request id; a thin connector makes the chain readable
    // even when the retry ran minutes later on another environment.
    const std::vector<TimelineRetryLink> links = m_model->retryLinks();
    if (links.empty())
        return;
    p.save();
    p.setClipRect(QRectF(m_geo.labelWidth, m_geo.rulerHeight, m_geo.areaWidth(), height() - m_geo.rulerHeight));
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(pal.retry, 1.2, Qt::DotLine));
    for (TimelineRetryLink link : links) {
        // Geometry works in display rows; a folded lane has none.
        link.fromLane = rowOfLane(link.fromLane);
        link.toLane = rowOfLane(link.toLane);
        if (link.fromLane < 0 || link.toLane < 0 || !m_geo.isVisible(link.fromMs, link.toMs))
            continue;
        const TimelineGeometry::Connector c = m_geo.connector(link);
        QPainterPath path(QPointF(c.x0, c.y0));
        const double bend = qMax(8.0, (c.x1 - c.x0) / 3);
        path.cubicTo(QPointF(c.x0 + bend, c.y0), QPointF(c.x1 - bend, c.y1), QPointF(c.x1, c.y1));
        p.drawPath(path);
    }
    p.restore();
}

void TimelineView::paintRuler(QPainter &p, const TimelinePalette &pal)
{
    const double step = m_geo.tickStepMs();
    const int bottom = height();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    p.setFont(small);
    // Ticks run through each stretch drawn at scale; a compressed gap breaks the axis and is
    // labelled on its own (paintIdleBreaks). Labels never overlap across a break.
    const double viewEnd = m_geo.endMs();
    double runFrom = m_geo.startMs;
    double lastLabelRight = -1e9;
    auto ticks = [&](double from, double to, double labelLimitX) {
        for (double t = std::ceil(from / step) * step; t <= to; t += step) {
            const double x = m_geo.xForTime(t);
            p.setPen(pal.grid);
            p.drawLine(QPointF(x, m_geo.rulerHeight - 4), QPointF(x, bottom));
            const QString label = timeLabel(t, step);
            const double right = x + 3 + p.fontMetrics().horizontalAdvance(label);
            if (x + 3 < lastLabelRight + 6 || right > labelLimitX)
                continue;
            p.setPen(pal.dimText);
            p.drawText(QRectF(x + 3, 0, 120, m_geo.rulerHeight - 2), Qt::AlignLeft | Qt::AlignVCenter, label);
            lastLabelRight = right;
        }
    };
    for (const IdleGap &gap : m_geo.idleGaps()) {
        if (gap.toMs < m_geo.startMs || !m_geo.isCompressed(gap))
            continue;
        if (gap.fromMs > viewEnd)
            break;
        ticks(runFrom, gap.fromMs, m_geo.xForTime(gap.fromMs) - 2);
        lastLabelRight = qMax(lastLabelRight, m_geo.xForTime(gap.toMs));
        runFrom = gap.toMs;
    }
    ticks(runFrom, viewEnd, 1e9);
    p.setPen(pal.grid);
    p.drawLine(QPointF(m_geo.labelWidth, m_geo.rulerHeight), QPointF(width(), m_geo.rulerHeight));
}

void TimelineView::paintIdleBreaks(QPainter &p, const TimelinePalette &pal)
{
    // A compressed gap: a shaded band across the lanes, a double slash (the axis is broken here)
    // and how long nothing happened, so nobody reads the squeezed distance as time.
    p.save();
    p.setClipRect(QRectF(m_geo.labelWidth, 0, m_geo.areaWidth(), height()));
    p.setRenderHint(QPainter::Antialiasing);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    const double viewEnd = m_geo.endMs();
    for (const IdleGap &gap : m_geo.idleGaps()) {
        if (gap.toMs < m_geo.startMs || !m_geo.isCompressed(gap))
            continue;
        if (gap.fromMs > viewEnd)
            break;
        const double x0 = m_geo.xForTime(gap.fromMs), x1 = m_geo.xForTime(gap.toMs);
        const double mid = (x0 + x1) / 2;
        p.fillRect(QRectF(x0, m_geo.rulerHeight, x1 - x0, height() - m_geo.rulerHeight), pal.idleBreak);
        // The length sits in the ruler, where a tick label would be; the slashes cut the axis line.
        const QString label = durationLabel(gap.lengthMs());
        const double w = qMin(x1 - x0, p.fontMetrics().horizontalAdvance(label) + 4.0);
        const QRectF box(mid - w / 2, 0, w, m_geo.rulerHeight - 6);
        p.fillRect(QRectF(x0, 0, x1 - x0, m_geo.rulerHeight + 1), pal.background);
        p.setPen(pal.dimText);
        p.drawText(box, Qt::AlignCenter, p.fontMetrics().elidedText(label, Qt::ElideRight, int(w)));
        p.setPen(QPen(pal.dimText, 1.2));
        for (double dx : {-3.0, 3.0})
            p.drawLine(QPointF(mid + dx - 3, m_geo.rulerHeight + 4), QPointF(mid + dx + 3, m_geo.rulerHeight - 5));
    }
    p.restore();
}

void TimelineView::paintStoppedRow(QPainter &p, const TimelinePalette &pal, int row)
{
    // The stopped environments, folded: one thin row that says how many, their invocations overlaid
    // so their activity stays visible; a click unfolds them.
    const double top = m_geo.laneTop(row);
    const double h = m_geo.rowHeight(row);
    p.fillRect(QRectF(0, top, width(), h), pal.laneBand);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    p.setPen(pal.dimText);
    const QString label = rowLabel(row);
    p.drawText(QRectF(8, top, m_geo.labelWidth - 12, h), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(label, Qt::ElideRight, m_geo.labelWidth - 12));
    if (m_stoppedExpanded)
        return;
    p.save();
    p.setClipRect(QRectF(m_geo.labelWidth, top, m_geo.areaWidth(), h));
    const auto &lanes = m_model->lanes();
    for (int lane = 0; lane < int(lanes.size()); ++lane) {
        if (!lanes[size_t(lane)].isThrottleLane() && lanes[size_t(lane)].isStopped())
            paintSegments(p, pal, lane, top + h / 4, h / 2);
    }
    p.restore();
}

void TimelineView::paintLane(QPainter &p, const TimelinePalette &pal, int laneIndex, int row)
{
    const TimelineLane &lane = m_model->lanes()[size_t(laneIndex)];
    const double top = m_geo.laneTop(row);
    const double h = m_geo.laneHeight;
    const QRectF area(m_geo.labelWidth, top, m_geo.areaWidth(), h);
    p.fillRect(QRectF(0, top, width(), h), pal.laneBand);

    // Label: environment id and its function; stopped lanes dimmed; provisioned ones carry a "PC"
    // badge and a green edge, as they were initialized ahead of any invocation.
    p.setFont(font());
    double labelX = m_stoppedExpanded && lane.isStopped() ? 20 : 8;
    if (lane.provisioned) {
        p.fillRect(QRectF(0, top, 3, h), pal.provisioned);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        small.setBold(true);
        p.setFont(small);
        const QRectF badge(labelX - 2, top + 4, p.fontMetrics().horizontalAdvance(QStringLiteral("PC")) + 6, h - 8);
        p.fillRect(badge, pal.provisioned);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, QStringLiteral("PC"));
        p.setFont(font());
        labelX = badge.right() + 5;
    }
    p.setPen(lane.isStopped() ? pal.dimText : pal.laneText);
    const QString label = rowLabel(row);
    if (lane.isThrottleLane())
        p.setPen(pal.throttled);
    p.drawText(QRectF(labelX, top, m_geo.labelWidth - labelX - 4, h), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(label, Qt::ElideRight, int(m_geo.labelWidth - labelX - 4)));

    p.save();
    p.setClipRect(area);
    const auto &segs = lane.segments;
    // Frozen: between invocations, the environment exists but does not run (hatched).
    if (!lane.isThrottleLane() && !segs.empty()) {
        const double laneEnd = lane.isStopped() ? lane.stoppedMs : latestMs();
        QBrush hatch(pal.frozen, Qt::BDiagPattern);
        auto it = std::upper_bound(segs.begin(), segs.end(), m_geo.startMs,
                                   [](double t, const TimelineSegment &s) { return t < s.startMs; });
        if (it != segs.begin())
            --it;
        const double viewEnd = m_geo.endMs();
        for (; it != segs.end() && it->startMs <= viewEnd; ++it) {
            const double from = it->endMs();
            const double to = (it + 1) != segs.end() ? (it + 1)->startMs : laneEnd;
            const double x0 = m_geo.xForTime(from), x1 = m_geo.xForTime(to);
            if (x1 - x0 >= 1)
                p.fillRect(QRectF(x0, top + h * 0.3, x1 - x0, h * 0.4), hatch);
        }
        if (lane.isStopped()) {
            // Why the lane ends: "idle" is keep-warm expiry, which a class watches happen; a stale
            // environment (its code changed) ends in brown.
            const QColor stopColor = lane.isStale() ? pal.stale : pal.dimText;
            const double x = m_geo.xForTime(lane.stoppedMs);
            p.setPen(QPen(stopColor, lane.isStale() ? 2 : 1, Qt::DashLine));
            p.drawLine(QPointF(x, top), QPointF(x, top + h));
            if (!lane.stopReason.isEmpty()) {
                p.setPen(stopColor);
                const QString reason =
                    lane.isStale() ? tr("■ stale: %1").arg(lane.stopReason) : tr("■ %1").arg(lane.stopReason);
                const double w = p.fontMetrics().horizontalAdvance(reason) + 2;
                // Right of the line when there is room, else left of it (a lane often ends at the edge).
                const bool room = x + 4 + w <= m_geo.width;
                p.drawText(QRectF(room ? x + 4 : x - 4 - w, top, w, h),
                           (room ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, reason);
            }
        }
    }
    paintSegments(p, pal, laneIndex, top + 3, h - 6);
    // Running: from its start until now, striped, in the colour it will likely have.
    for (const TimelineModel::Running &r : m_model->running()) {
        if (r.lane != laneIndex)
            continue;
        const double x0 = m_geo.xForTime(r.startMs);
        const double x1 = qMax(x0 + 3, m_geo.xForTime(nowMs()));
        const QColor c = r.coldStart ? pal.init : pal.warmInvoke;
        p.fillRect(QRectF(x0, top + 3, x1 - x0, h - 6), c.lighter(130));
        p.fillRect(QRectF(x0, top + 3, x1 - x0, h - 6), QBrush(c.darker(120), Qt::FDiagPattern));
    }
    p.restore();
}

void TimelineView::paintSegments(QPainter &p, const TimelinePalette &pal, int laneIndex, double top, double h)
{
    // Segments. Where several fall into one pixel column they are drawn as one aggregate column
    // (coloured by the most telling flag), and the walk jumps to the next column by binary search,
    // so a paint costs O(pixels · log n) however many invocations there are.
    const auto &segs = m_model->lanes()[size_t(laneIndex)].segments;
    const double viewStart = m_geo.startMs, viewEnd = m_geo.endMs();
    const double half = qMin((m_geo.laneHeight - 8) / 2.0, h / 2);
    const double cy = top + h / 2;
    auto it = std::upper_bound(segs.begin(), segs.end(), viewStart,
                               [](double t, const TimelineSegment &s) { return t < s.startMs; });
    // A segment starting left of the view may still reach into it; long ones are rare, look back a little.
    for (int back = 0; back < 8 && it != segs.begin(); ++back) {
        if ((it - 1)->endMs() < viewStart && back > 0)
            break;
        --it;
    }
    const auto selected = m_model->find(m_selected);
    QRectF selectedRect;
    while (it != segs.end() && it->startMs <= viewEnd) {
        const double x0 = m_geo.xForTime(it->startMs);
        const double xi = m_geo.xForTime(it->invokeStartMs());
        const double x1 = m_geo.xForTime(it->endMs());
        if (x1 < m_geo.labelWidth) {
            ++it;
            continue;
        }
        if (x1 - x0 >= 2) {
            const TimelineSegment &s = *it;
            if (s.has(TimelineSegment::Throttled)) {
                paintThrottle(p, pal, x0, cy, half);
            } else {
                if (s.initMs > 0)
                    p.fillRect(QRectF(x0, top, xi - x0, h), pal.init);
                const QColor c = s.has(TimelineSegment::Failed) ? pal.failed
                                 : s.has(TimelineSegment::Cold) ? pal.coldInvoke
                                                                : pal.warmInvoke;
                p.fillRect(QRectF(xi, top, qMax(1.0, x1 - xi), h), c);
                if (s.has(TimelineSegment::Failed) && x1 - xi > 26 && h > 12) {
                    p.setPen(Qt::white);
                    QString mark = s.has(TimelineSegment::OutOfMemory) ? QStringLiteral("OOM")
                                   : s.has(TimelineSegment::Timeout)   ? QStringLiteral("timeout")
                                   : s.has(TimelineSegment::Crashed)   ? QStringLiteral("crash")
                                                                       : QStringLiteral("error");
                    if (s.has(TimelineSegment::Async))
                        mark = QStringLiteral("#%1 ").arg(s.attempt) + mark;
                    p.drawText(QRectF(xi, top, x1 - xi, h), Qt::AlignCenter,
                               p.fontMetrics().elidedText(mark, Qt::ElideRight, int(x1 - xi) - 4));
                } else if (s.has(TimelineSegment::Async) && x1 - x0 > 18 && h > 12) {
                    // The attempt number ties a retry to its original (same request id).
                    p.setPen(Qt::white);
                    p.drawText(QRectF(x0, top, x1 - x0, h), Qt::AlignCenter, QStringLiteral("#%1").arg(s.attempt));
                }
            }
            if (selected.first == laneIndex && selected.second == int(it - segs.begin()))
                selectedRect = QRectF(x0 - 1.5, top - 1.5, x1 - x0 + 3, h + 3);
            ++m_paintedSegments;
            ++it;
            continue;
        }
        // Aggregate every segment that starts within this pixel column.
        const double column = std::floor(x0);
        const double columnEndMs = m_geo.timeForX(column + 1);
        const auto last = std::lower_bound(it, segs.end(), columnEndMs,
                                           [](const TimelineSegment &s, double t) { return s.startMs < t; });
        quint8 flags = 0;
        for (auto k = it; k != last && k - it < 64; ++k)
            flags |= k->flags;
        if (selected.first == laneIndex && selected.second >= int(it - segs.begin())
            && selected.second < int(last - segs.begin()))
            selectedRect = QRectF(column - 2, top - 1.5, 5, h + 3);
        const QColor c = (flags & TimelineSegment::Failed) ? pal.failed
                         : (flags & TimelineSegment::Cold) ? pal.init
                                                           : pal.warmInvoke;
        if (flags & TimelineSegment::Throttled)
            paintThrottle(p, pal, x0, cy, half);
        else
            p.fillRect(QRectF(column, top, 1, h), c);
        ++m_paintedAggregates;
        it = last == it ? it + 1 : last;
    }
    if (!selectedRect.isNull()) {
        p.setPen(QPen(pal.selection, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(selectedRect);
    }
}

void TimelineView::paintThrottle(QPainter &p, const TimelinePalette &pal, double x, double cy, double half)
{
    // An instant, not a span: a diamond, so a throttle never reads as a very short invocation.
    const QPointF diamond[4] = {{x, cy - half}, {x + half, cy}, {x, cy + half}, {x - half, cy}};
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(pal.throttled.darker(130), 1));
    p.setBrush(pal.throttled);
    p.drawPolygon(diamond, 4);
    p.restore();
}

} // namespace fn
