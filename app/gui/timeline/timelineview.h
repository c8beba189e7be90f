#pragma once
// Paints the timeline model: a lane per environment, init and invoke segments, frozen gaps; follows
// the latest invocation, zooms with the wheel or to a Shift-dragged range, pans by dragging, can
// collapse idle gaps, folds stopped environments into one row; click to select, hover for REPORT.

#include "timeline/timelinegeometry.h"

#include <QTimer>
#include <QWidget>

#include <vector>

namespace fn {

class TimelineModel;

class TimelineView final : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineView(TimelineModel *model, QWidget *parent = nullptr);

    // A display row that stands for every stopped environment, folded.
    static constexpr int StoppedRow = -1;
    // Idle gaps at least this long are candidates for collapsing.
    static constexpr double collapseThresholdMs = 100;

    const TimelineGeometry &geometry() const { return m_geo; }
    // Shows everything and keeps doing so as invocations arrive, until the user zooms or pans.
    void fitAll();
    // Keeps the latest activity in view as invocations arrive (on by default). Panning or zooming
    // away from it turns it off; turning it on scrolls back to it at the current zoom.
    void setFollowing(bool follow);
    bool isFollowing() const { return m_follow; }
    // Idle gaps drawn compressed to a fixed width with their length, so starts seconds apart fit.
    void setCollapsingIdle(bool collapse);
    bool isCollapsingIdle() const { return m_collapseIdle; }
    // Zooms around the selection if it is in view, else the mouse over the lanes, else the latest
    // activity, else the middle.
    void zoomBy(double factor);
    // Shows [fromMs, toMs] (relative to the model's origin) across the view.
    void zoomToRange(double fromMs, double toMs);
    void setStoppedExpanded(bool expanded);
    bool isStoppedExpanded() const { return m_stoppedExpanded; }
    // Model lane per display row (StoppedRow for the folded stopped environments); the lane of
    // throttled invocations is always last.
    const std::vector<int> &rows() const { return m_rows; }
    int rowOfLane(int lane) const;
    // What the label column says for a row.
    QString rowLabel(int row) const;
    // The end of the latest activity (an invocation still running counts up to now).
    double latestMs() const;

    void selectRequest(const QString &requestId);
    QString selectedRequest() const { return m_selected; }
    // Segments drawn individually and pixel columns drawn as aggregates in the last paint (tests).
    QPair<int, int> lastPaintCounts() const { return {m_paintedSegments, m_paintedAggregates}; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void requestClicked(const QString &requestId);
    void viewChanged();
    void followingChanged(bool following);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    void modelChanged();
    // Applies the automatic parts of the view (gaps, fit, follow) after data or size changed.
    void relayout();
    void rebuildRows();
    // After the user moved the view: no more fitting, following only if the latest is still in view.
    void userMovedView();
    QPair<int, int> hit(const QPointF &pos) const;
    double nowMs() const; // wall clock, relative to the model's origin
    QString tooltipFor(int lane, int segment) const;
    void paintRuler(class QPainter &p, const struct TimelinePalette &pal);
    void paintIdleBreaks(QPainter &p, const TimelinePalette &pal);
    void paintLane(QPainter &p, const TimelinePalette &pal, int lane, int row);
    void paintStoppedRow(QPainter &p, const TimelinePalette &pal, int row);
    void paintSegments(QPainter &p, const TimelinePalette &pal, int lane, double top, double h);
    void paintRetryLinks(QPainter &p, const TimelinePalette &pal);
    void paintThrottle(QPainter &p, const TimelinePalette &pal, double x, double cy, double half);

    TimelineModel *m_model;
    TimelineGeometry m_geo;
    bool m_autoFit = true;
    bool m_follow = true;
    bool m_collapseIdle = true;
    bool m_stoppedExpanded = false;
    std::vector<int> m_rows;
    qsizetype m_gapsRecords = -1; // records the idle gaps were found for; -1: find them again
    int m_stoppedCount = 0;
    bool m_dragging = false;
    bool m_dragMoved = false;
    bool m_rangeSelecting = false; // Shift-drag, or a drag on the ruler: zoom to the range
    QPointF m_pressPos;
    QPointF m_dragPos;
    double m_pressStartMs = 0;
    QString m_selected;
    QString m_emptyText;
    QTimer m_runningTimer;
    int m_paintedSegments = 0;
    int m_paintedAggregates = 0;
};

} // namespace fn
