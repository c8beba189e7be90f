#include "timeline/timelineview.h"

#include "timeline/timelinemodel.h"
#include "timeline/timelinepalette.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

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

} // namespace

TimelineView::TimelineView(TimelineModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_emptyText(tr("No invocations yet — press Ctrl+Return"))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TimelineView::modelChanged);
    connect(model, &QAbstractItemModel::modelReset, this, &TimelineView::modelChanged);
    connect(model, &QAbstractItemModel::dataChanged, this, [this] {
        // A lane that stopped may reach past the last invocation.
        if (m_autoFit)
            m_geo.fit(m_model->firstMs(), m_model->lastMs());
        update();
    });
    // While something runs, time moves: repaint (and keep the fit up to now) a few times a second.
    m_runningTimer.setInterval(100);
    connect(&m_runningTimer, &QTimer::timeout, this, [this] {
        if (m_autoFit)
            m_geo.fit(m_model->firstMs(), qMax(m_model->lastMs(), nowMs()));
        update();
    });
    connect(model, &TimelineModel::runningChanged, this, [this] {
        if (m_model->running().isEmpty())
            m_runningTimer.stop();
        else if (!m_runningTimer.isActive())
            m_runningTimer.start();
        update();
    });
    m_geo.width = width();
}

QSize TimelineView::sizeHint() const
{
    return {900, qMax(160, m_geo.contentHeight(int(m_model->lanes().size())) + 8)};
}

QSize TimelineView::minimumSizeHint() const
{
    return {300, qMax(90, m_geo.contentHeight(int(m_model->lanes().size())) + 8)};
}

void TimelineView::modelChanged()
{
    if (m_autoFit)
        m_geo.fit(m_model->firstMs(), m_model->lastMs());
    updateGeometry();
    setMinimumHeight(minimumSizeHint().height());
    update();
    Q_EMIT viewChanged();
}

void TimelineView::fitAll()
{
    m_autoFit = true;
    m_geo.fit(m_model->firstMs(), m_model->lastMs());
    update();
    Q_EMIT viewChanged();
}

void TimelineView::zoomBy(double factor)
{
    m_autoFit = false;
    m_geo.zoomAround(m_geo.labelWidth + m_geo.areaWidth() / 2.0, factor);
    update();
    Q_EMIT viewChanged();
}

void TimelineView::selectRequest(const QString &requestId)
{
    if (requestId == m_selected)
        return;
    m_selected = requestId;
    const auto [lane, segment] = m_model->find(requestId);
    if (lane >= 0) {
        // Bring the selection into view without changing the zoom.
        const TimelineSegment &s = m_model->lanes()[size_t(lane)].segments[size_t(segment)];
        if (!m_geo.isVisible(s.startMs, s.endMs())) {
            m_autoFit = false;
            m_geo.startMs = s.startMs - m_geo.areaWidth() * m_geo.msPerPixel / 2;
        }
    }
    update();
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_geo.width = width();
    if (m_autoFit)
        m_geo.fit(m_model->firstMs(), m_model->lastMs());
}

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
    for (int lane = 0; lane < int(m_model->lanes().size()); ++lane)
        paintLane(p, pal, lane);
    paintRetryLinks(p, pal);
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
    for (const TimelineRetryLink &link : links) {
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

double TimelineView::nowMs() const
{
    return double(QDateTime::currentMSecsSinceEpoch() - m_model->originMs());
}

void TimelineView::paintRuler(QPainter &p, const TimelinePalette &pal)
{
    p.setPen(pal.dimText);
    const double step = m_geo.tickStepMs();
    const double first = std::ceil(m_geo.startMs / step) * step;
    const int bottom = height();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    p.setFont(small);
    for (double t = first; t <= m_geo.endMs(); t += step) {
        const double x = m_geo.xForTime(t);
        p.setPen(pal.grid);
        p.drawLine(QPointF(x, m_geo.rulerHeight - 4), QPointF(x, bottom));
        p.setPen(pal.dimText);
        p.drawText(QRectF(x + 3, 0, 120, m_geo.rulerHeight - 2), Qt::AlignLeft | Qt::AlignVCenter, timeLabel(t, step));
    }
    p.setPen(pal.grid);
    p.drawLine(QPointF(m_geo.labelWidth, m_geo.rulerHeight), QPointF(width(), m_geo.rulerHeight));
}

void TimelineView::paintLane(QPainter &p, const TimelinePalette &pal, int laneIndex)
{
    const TimelineLane &lane = m_model->lanes()[size_t(laneIndex)];
    const double top = m_geo.laneTop(laneIndex);
    const double h = m_geo.laneHeight;
    const QRectF area(m_geo.labelWidth, top, m_geo.areaWidth(), h);
    p.fillRect(QRectF(0, top, width(), h), pal.laneBand);

    // Label: environment id and its function; stopped lanes dimmed; provisioned ones carry a "PC"
    // badge and a green edge, as they were initialized ahead of any invocation.
    p.setFont(font());
    double labelX = 8;
    if (lane.provisioned) {
        p.fillRect(QRectF(0, top, 3, h), pal.provisioned);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        small.setBold(true);
        p.setFont(small);
        const QRectF badge(6, top + 4, p.fontMetrics().horizontalAdvance(QStringLiteral("PC")) + 6, h - 8);
        p.fillRect(badge, pal.provisioned);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, QStringLiteral("PC"));
        p.setFont(font());
        labelX = badge.right() + 5;
    }
    p.setPen(lane.stoppedMs >= 0 ? pal.dimText : pal.laneText);
    const QString label = lane.environmentId.isEmpty()
                              ? tr("throttled / not run")
                              : lane.environmentId.left(8) + QStringLiteral("  ") + lane.functionName;
    p.drawText(QRectF(labelX, top, m_geo.labelWidth - labelX - 4, h), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(label, Qt::ElideRight, int(m_geo.labelWidth - labelX - 4)));

    p.save();
    p.setClipRect(area);
    const auto &segs = lane.segments;
    // Frozen: between invocations, the environment exists but does not run (hatched).
    if (!lane.environmentId.isEmpty() && !segs.empty()) {
        const double laneEnd = lane.stoppedMs >= 0 ? lane.stoppedMs : m_model->lastMs();
        QBrush hatch(pal.frozen, Qt::BDiagPattern);
        double from = segs.front().endMs();
        auto it = std::upper_bound(segs.begin(), segs.end(), m_geo.startMs,
                                   [](double t, const TimelineSegment &s) { return t < s.startMs; });
        if (it != segs.begin())
            --it;
        for (; it != segs.end() && it->startMs <= m_geo.endMs(); ++it) {
            from = it->endMs();
            const double to = (it + 1) != segs.end() ? (it + 1)->startMs : laneEnd;
            const double x0 = m_geo.xForTime(from), x1 = m_geo.xForTime(to);
            if (x1 - x0 >= 1)
                p.fillRect(QRectF(x0, top + h * 0.3, x1 - x0, h * 0.4), hatch);
        }
        if (lane.stoppedMs >= 0) {
            const double x = m_geo.xForTime(lane.stoppedMs);
            p.setPen(QPen(pal.dimText, 1, Qt::DashLine));
            p.drawLine(QPointF(x, top), QPointF(x, top + h));
            // Why the lane ends: "idle" is keep-warm expiry, which a class watches happen.
            if (!lane.stopReason.isEmpty()) {
                p.setPen(pal.dimText);
                const QString reason = tr("■ %1").arg(lane.stopReason);
                const double w = p.fontMetrics().horizontalAdvance(reason) + 2;
                // Right of the line when there is room, else left of it (a lane often ends at the edge).
                const bool room = x + 4 + w <= m_geo.width;
                p.drawText(QRectF(room ? x + 4 : x - 4 - w, top, w, h),
                           (room ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, reason);
            }
        }
    }

    // Segments. Where several fall into one pixel column they are drawn as one aggregate column
    // (coloured by the most telling flag), and the walk jumps to the next column by binary search,
    // so a paint costs O(pixels · log n) however many invocations there are.
    const double viewStart = m_geo.startMs, viewEnd = m_geo.endMs();
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
                paintThrottle(p, pal, laneIndex, s.startMs);
            } else {
                if (s.initMs > 0)
                    p.fillRect(QRectF(x0, top + 3, xi - x0, h - 6), pal.init);
                const QColor c = s.has(TimelineSegment::Failed) ? pal.failed
                                 : s.has(TimelineSegment::Cold) ? pal.coldInvoke
                                                                : pal.warmInvoke;
                p.fillRect(QRectF(xi, top + 3, qMax(1.0, x1 - xi), h - 6), c);
                if (s.has(TimelineSegment::Failed) && x1 - xi > 26) {
                    p.setPen(Qt::white);
                    QString mark = s.has(TimelineSegment::OutOfMemory) ? QStringLiteral("OOM")
                                   : s.has(TimelineSegment::Timeout)   ? QStringLiteral("timeout")
                                   : s.has(TimelineSegment::Crashed)   ? QStringLiteral("crash")
                                                                       : QStringLiteral("error");
                    if (s.has(TimelineSegment::Async))
                        mark = QStringLiteral("#%1 ").arg(s.attempt) + mark;
                    p.drawText(QRectF(xi, top, x1 - xi, h), Qt::AlignCenter,
                               p.fontMetrics().elidedText(mark, Qt::ElideRight, int(x1 - xi) - 4));
                } else if (s.has(TimelineSegment::Async) && x1 - x0 > 18) {
                    // The attempt number ties a retry to its original (same request id).
                    p.setPen(Qt::white);
                    p.drawText(QRectF(x0, top, x1 - x0, h), Qt::AlignCenter, QStringLiteral("#%1").arg(s.attempt));
                }
            }
            if (selected.first == laneIndex && selected.second == int(it - segs.begin()))
                selectedRect = QRectF(x0 - 1.5, top + 1.5, x1 - x0 + 3, h - 3);
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
            selectedRect = QRectF(column - 2, top + 1.5, 5, h - 3);
        const QColor c = (flags & TimelineSegment::Failed) ? pal.failed
                         : (flags & TimelineSegment::Cold) ? pal.init
                                                           : pal.warmInvoke;
        if (flags & TimelineSegment::Throttled)
            paintThrottle(p, pal, laneIndex, it->startMs);
        else
            p.fillRect(QRectF(column, top + 3, 1, h - 6), c);
        ++m_paintedAggregates;
        it = last == it ? it + 1 : last;
    }
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
    if (!selectedRect.isNull()) {
        p.setPen(QPen(pal.selection, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(selectedRect);
    }
    p.restore();
}

void TimelineView::paintThrottle(QPainter &p, const TimelinePalette &pal, int lane, double ms)
{
    // An instant, not a span: a diamond, so a throttle never reads as a very short invocation.
    const TimelineGeometry::Marker m = m_geo.throttleMarker(lane, ms);
    const QPointF diamond[4] = {
        {m.cx, m.cy - m.half}, {m.cx + m.half, m.cy}, {m.cx, m.cy + m.half}, {m.cx - m.half, m.cy}};
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(pal.throttled.darker(130), 1));
    p.setBrush(pal.throttled);
    p.drawPolygon(diamond, 4);
    p.restore();
}

QPair<int, int> TimelineView::hit(const QPointF &pos) const
{
    if (pos.x() < m_geo.labelWidth)
        return {-1, -1};
    const int lane = m_geo.laneAt(pos.y(), int(m_model->lanes().size()));
    if (lane < 0)
        return {-1, -1};
    // Three pixels of slack so thin segments can still be hovered and clicked.
    return {lane, m_model->segmentAt(lane, m_geo.timeForX(pos.x()), 3 * m_geo.msPerPixel)};
}

QString TimelineView::tooltipFor(int lane, int segment) const
{
    const TimelineSegment &s = m_model->lanes()[size_t(lane)].segments[size_t(segment)];
    const InvocationRecord &r = m_model->records().at(s.record);
    QString text = QStringLiteral("<b>%1</b> — %2, %3<br/>")
                       .arg(r.functionName.toHtmlEscaped(), r.coldStart ? tr("cold start") : tr("warm start"),
                            outcomeName(r.outcome));
    if (!r.errorType.isEmpty())
        text +=
            QStringLiteral("%1: %2<br/>").arg(r.errorType.toHtmlEscaped(), r.errorMessage.left(200).toHtmlEscaped());
    if (r.coldStart && (r.phases.sandboxMs > 0 || r.phases.runtimeStartMs > 0))
        text += tr("sandbox %1 ms · runtime start %2 ms · init %3 ms<br/>")
                    .arg(r.phases.sandboxMs, 0, 'f', 1)
                    .arg(r.phases.runtimeStartMs, 0, 'f', 1)
                    .arg(r.phases.initMs, 0, 'f', 1);
    QString report = r.reportLine.toHtmlEscaped();
    report.replace(u'\t', QStringLiteral("<br/>&nbsp;&nbsp;"));
    if (!r.throttleReason.isEmpty())
        text += tr("Throttled: %1<br/>").arg(r.throttleReason.toHtmlEscaped());
    if (r.asynchronous)
        text += tr("Event invocation, attempt %1 of request %2<br/>").arg(r.attempt).arg(r.requestId);
    text += QStringLiteral("<span style='font-family: monospace'>%1</span>").arg(report);
    return text;
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const auto [lane, segment] = hit(help->pos());
        if (segment >= 0)
            QToolTip::showText(help->globalPos(), tooltipFor(lane, segment), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        // Horizontal wheel or touchpad swipe pans.
        m_autoFit = false;
        m_geo.panByPixels(event->angleDelta().x() / 2.0);
    } else {
        m_autoFit = false;
        m_geo.zoomAround(event->position().x(), std::pow(0.8, steps));
    }
    update();
    Q_EMIT viewChanged();
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_dragging = true;
    m_dragMoved = false;
    m_pressPos = event->position();
    m_pressStartMs = m_geo.startMs;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    const double dx = event->position().x() - m_pressPos.x();
    if (!m_dragMoved && std::abs(dx) < 4)
        return;
    m_dragMoved = true;
    m_autoFit = false;
    setCursor(Qt::ClosedHandCursor);
    m_geo.startMs = m_pressStartMs;
    m_geo.panByPixels(dx);
    update();
    Q_EMIT viewChanged();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return QWidget::mouseReleaseEvent(event);
    m_dragging = false;
    unsetCursor();
    if (m_dragMoved)
        return;
    const auto [lane, segment] = hit(event->position());
    if (segment < 0)
        return;
    const TimelineSegment &s = m_model->lanes()[size_t(lane)].segments[size_t(segment)];
    const QString requestId = m_model->records().at(s.record).requestId;
    m_selected = requestId;
    update();
    Q_EMIT requestClicked(requestId);
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *)
{
    fitAll();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(0.5);
        break;
    case Qt::Key_Minus:
        zoomBy(2);
        break;
    case Qt::Key_F:
    case Qt::Key_0:
        fitAll();
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        m_autoFit = false;
        m_geo.panByPixels(event->key() == Qt::Key_Left ? 80 : -80);
        update();
        Q_EMIT viewChanged();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace fn
