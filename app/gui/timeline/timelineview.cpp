#include "timeline/timelineview.h"

#include "timeline/timelinemodel.h"
#include "timeline/timelinepalette.h"

#include <QCursor>
#include <QDateTime>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace fn {

TimelineView::TimelineView(TimelineModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_emptyText(tr("No invocations yet — press Ctrl+Return"))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TimelineView::modelChanged);
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_gapsRecords = -1;
        modelChanged();
    });
    // A lane that stopped may reach past the last invocation, and folds away.
    connect(model, &QAbstractItemModel::dataChanged, this, [this] {
        m_gapsRecords = -1;
        modelChanged();
    });
    // While something runs, time moves: repaint (and keep following up to now) a few times a second.
    m_runningTimer.setInterval(100);
    connect(&m_runningTimer, &QTimer::timeout, this, [this] {
        relayout();
        update();
    });
    connect(model, &TimelineModel::runningChanged, this, [this] {
        if (m_model->running().isEmpty())
            m_runningTimer.stop();
        else if (!m_runningTimer.isActive())
            m_runningTimer.start();
        m_gapsRecords = -1;
        rebuildRows();
        relayout();
        update();
    });
    m_geo.width = width();
    // The model may already hold invocations (a view opened later, a reloaded session).
    rebuildRows();
    relayout();
}

QSize TimelineView::sizeHint() const
{
    return {900, qMax(160, m_geo.contentHeight(int(m_rows.size())) + 8)};
}

QSize TimelineView::minimumSizeHint() const
{
    return {300, qMax(90, m_geo.contentHeight(int(m_rows.size())) + 8)};
}

void TimelineView::modelChanged()
{
    rebuildRows();
    relayout();
    updateGeometry();
    setMinimumHeight(minimumSizeHint().height());
    update();
    Q_EMIT viewChanged();
}

void TimelineView::rebuildRows()
{
    // Stopped environments fold into one row at the top (they are the older ones), live ones keep
    // their order below it, and the throttled invocations are always the bottom lane.
    std::vector<int> stopped, live;
    int throttle = -1;
    const auto &lanes = m_model->lanes();
    for (int i = 0; i < int(lanes.size()); ++i) {
        if (lanes[size_t(i)].isThrottleLane())
            throttle = i;
        else if (lanes[size_t(i)].isStopped())
            stopped.push_back(i);
        else
            live.push_back(i);
    }
    m_stoppedCount = int(stopped.size());
    m_rows.clear();
    if (!stopped.empty()) {
        m_rows.push_back(StoppedRow);
        if (m_stoppedExpanded)
            m_rows.insert(m_rows.end(), stopped.begin(), stopped.end());
    }
    m_rows.insert(m_rows.end(), live.begin(), live.end());
    if (throttle >= 0)
        m_rows.push_back(throttle);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_geo.foldedRowHeight = stopped.empty() ? 0 : qMax(12, QFontMetrics(small).height() + 2);
}

int TimelineView::rowOfLane(int lane) const
{
    const auto it = std::find(m_rows.begin(), m_rows.end(), lane);
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

QString TimelineView::rowLabel(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return {};
    if (m_rows[size_t(row)] == StoppedRow)
        return (m_stoppedExpanded ? QStringLiteral("▾ ") : QStringLiteral("▸ "))
               + (m_stoppedCount == 1 ? tr("1 stopped environment")
                                      : tr("%1 stopped environments").arg(m_stoppedCount));
    const TimelineLane &lane = m_model->lanes()[size_t(m_rows[size_t(row)])];
    // The throttle lane says how many requests never ran.
    if (lane.isThrottleLane())
        return tr("%1 throttled / not run").arg(lane.segments.size());
    return lane.environmentId.left(8) + QStringLiteral("  ") + lane.functionName;
}

double TimelineView::latestMs() const
{
    double latest = m_model->lastMs();
    if (!m_model->running().isEmpty())
        latest = qMax(latest, nowMs());
    return latest;
}

void TimelineView::relayout()
{
    // The gaps change only with what happened (one append announces several row blocks, and a
    // running invocation only grows at the end): found again only then.
    if (m_collapseIdle && m_gapsRecords != m_model->records().size()) {
        m_gapsRecords = m_model->records().size();
        std::vector<std::pair<double, double>> spans = m_model->activity();
        const double now = nowMs();
        for (const TimelineModel::Running &r : m_model->running())
            spans.emplace_back(r.startMs, now);
        m_geo.setIdleGaps(TimelineGeometry::findIdleGaps(std::move(spans), collapseThresholdMs));
    } else if (!m_collapseIdle && !m_geo.idleGaps().empty()) {
        m_geo.setIdleGaps({});
    }
    if (m_model->isEmpty())
        return;
    const double latest = latestMs();
    if (m_autoFit) {
        m_geo.fit(m_model->firstMs(), latest);
    } else if (m_follow && !m_geo.isVisible(latest, latest)) {
        // Scroll (zoom kept) so the latest activity sits at the right edge.
        m_geo.placeTimeAt(latest, m_geo.width - 12);
    }
}

void TimelineView::userMovedView()
{
    m_autoFit = false;
    const double latest = latestMs();
    const bool follow = m_model->isEmpty() || m_geo.isVisible(latest, latest);
    if (follow != m_follow) {
        m_follow = follow;
        Q_EMIT followingChanged(m_follow);
    }
    update();
    Q_EMIT viewChanged();
}

void TimelineView::fitAll()
{
    m_autoFit = true;
    const bool changed = !m_follow;
    m_follow = true;
    relayout();
    update();
    if (changed)
        Q_EMIT followingChanged(true);
    Q_EMIT viewChanged();
}

void TimelineView::setFollowing(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (m_follow && !m_model->isEmpty()) {
        const double latest = latestMs();
        if (!m_geo.isVisible(latest, latest) || m_geo.xForTime(latest) > m_geo.width - 12)
            m_geo.placeTimeAt(latest, m_geo.width - 12);
    }
    if (!m_follow)
        m_autoFit = false;
    update();
    Q_EMIT followingChanged(m_follow);
    Q_EMIT viewChanged();
}

void TimelineView::setCollapsingIdle(bool collapse)
{
    if (collapse == m_collapseIdle)
        return;
    // Keep what is in the middle in the middle across the change of scale.
    const double middleX = m_geo.labelWidth + m_geo.areaWidth() / 2.0;
    const double middle = m_geo.timeForX(middleX);
    m_collapseIdle = collapse;
    m_gapsRecords = -1;
    relayout();
    if (!m_autoFit)
        m_geo.placeTimeAt(middle, middleX);
    update();
    Q_EMIT viewChanged();
}

void TimelineView::zoomBy(double factor)
{
    double x = m_geo.labelWidth + m_geo.areaWidth() / 2.0;
    const QPointF mouse = mapFromGlobal(QCursor::pos());
    const auto [lane, segment] = m_model->find(m_selected);
    const double latest = latestMs();
    const TimelineSegment *selected =
        lane >= 0 && rowOfLane(lane) >= 0 ? &m_model->lanes()[size_t(lane)].segments[size_t(segment)] : nullptr;
    if (selected && m_geo.isVisible(selected->startMs, selected->endMs()))
        x = qBound(double(m_geo.labelWidth), m_geo.xForTime((selected->startMs + selected->endMs()) / 2),
                   double(m_geo.width));
    else if (underMouse() && mouse.x() > m_geo.labelWidth && rect().contains(mouse.toPoint()))
        x = mouse.x();
    else if (!m_model->isEmpty() && m_geo.isVisible(latest, latest))
        x = m_geo.xForTime(latest);
    m_geo.zoomAround(x, factor);
    userMovedView();
}

void TimelineView::zoomToRange(double fromMs, double toMs)
{
    m_geo.fit(fromMs, toMs, 0);
    userMovedView();
}

void TimelineView::setStoppedExpanded(bool expanded)
{
    if (expanded == m_stoppedExpanded)
        return;
    m_stoppedExpanded = expanded;
    rebuildRows();
    updateGeometry();
    setMinimumHeight(minimumSizeHint().height());
    update();
}

void TimelineView::selectRequest(const QString &requestId)
{
    if (requestId == m_selected)
        return;
    m_selected = requestId;
    const auto [lane, segment] = m_model->find(requestId);
    if (lane >= 0) {
        // A selection in a folded lane unfolds it.
        if (rowOfLane(lane) < 0)
            setStoppedExpanded(true);
        // Bring the selection into view without changing the zoom.
        const TimelineSegment &s = m_model->lanes()[size_t(lane)].segments[size_t(segment)];
        if (!m_geo.isVisible(s.startMs, s.endMs())) {
            m_geo.placeTimeAt(s.startMs, m_geo.labelWidth + m_geo.areaWidth() / 2.0);
            userMovedView();
        }
    }
    update();
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    m_geo.width = width();
    relayout();
}

double TimelineView::nowMs() const
{
    return double(QDateTime::currentMSecsSinceEpoch() - m_model->originMs());
}

QPair<int, int> TimelineView::hit(const QPointF &pos) const
{
    if (pos.x() < m_geo.labelWidth)
        return {-1, -1};
    const int row = m_geo.laneAt(pos.y(), int(m_rows.size()));
    if (row < 0 || m_rows[size_t(row)] == StoppedRow)
        return {-1, -1};
    const int lane = m_rows[size_t(row)];
    // Three pixels of slack so thin segments can still be hovered and clicked.
    const double t = m_geo.timeForX(pos.x());
    const double slack = qMax(m_geo.timeForX(pos.x() + 3) - t, t - m_geo.timeForX(pos.x() - 3));
    return {lane, m_model->segmentAt(lane, t, slack)};
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
        m_geo.panByPixels(event->angleDelta().x() / 2.0);
    } else {
        m_geo.zoomAround(event->position().x(), std::pow(0.8, steps));
    }
    userMovedView();
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_dragging = true;
    m_dragMoved = false;
    m_pressPos = m_dragPos = event->position();
    m_pressStartMs = m_geo.startMs;
    // Shift-drag, or a drag along the time axis, marks a range to zoom to; a plain drag pans.
    m_rangeSelecting = (event->modifiers() & Qt::ShiftModifier) || event->position().y() < m_geo.rulerHeight;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    const double dx = event->position().x() - m_pressPos.x();
    if (!m_dragMoved && std::abs(dx) < 4)
        return;
    m_dragMoved = true;
    m_dragPos = event->position();
    if (m_rangeSelecting) {
        update();
        return;
    }
    setCursor(Qt::ClosedHandCursor);
    m_geo.startMs = m_pressStartMs;
    m_geo.panByPixels(dx);
    userMovedView();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return QWidget::mouseReleaseEvent(event);
    m_dragging = false;
    unsetCursor();
    if (m_rangeSelecting) {
        m_rangeSelecting = false;
        if (m_dragMoved) {
            const double a = qMax(double(m_geo.labelWidth), qMin(m_pressPos.x(), event->position().x()));
            const double b = qMax(m_pressPos.x(), event->position().x());
            if (b - a >= 4)
                zoomToRange(m_geo.timeForX(a), m_geo.timeForX(b));
            update();
            return;
        }
    }
    if (m_dragMoved)
        return;
    const int row = m_geo.laneAt(event->position().y(), int(m_rows.size()));
    if (row >= 0 && m_rows[size_t(row)] == StoppedRow) {
        setStoppedExpanded(!m_stoppedExpanded);
        return;
    }
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
    case Qt::Key_L:
    case Qt::Key_End:
        setFollowing(true);
        break;
    case Qt::Key_C:
        setCollapsingIdle(!m_collapseIdle);
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        m_geo.panByPixels(event->key() == Qt::Key_Left ? 80 : -80);
        userMovedView();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace fn
