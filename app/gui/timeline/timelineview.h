#pragma once
// Paints the timeline model: a lane per environment, init and invoke segments, frozen gaps; zoom with
// the wheel, pan by dragging, click to select, hover for the REPORT line.

#include "timeline/timelinegeometry.h"

#include <QTimer>
#include <QWidget>

namespace fn {

class TimelineModel;

class TimelineView final : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineView(TimelineModel *model, QWidget *parent = nullptr);

    const TimelineGeometry &geometry() const { return m_geo; }
    // Shows everything and keeps doing so as invocations arrive, until the user zooms or pans.
    void fitAll();
    void zoomBy(double factor);
    void selectRequest(const QString &requestId);
    QString selectedRequest() const { return m_selected; }
    // Segments drawn individually and pixel columns drawn as aggregates in the last paint (tests).
    QPair<int, int> lastPaintCounts() const { return {m_paintedSegments, m_paintedAggregates}; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void requestClicked(const QString &requestId);
    void viewChanged();

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
    QPair<int, int> hit(const QPointF &pos) const;
    double nowMs() const; // wall clock, relative to the model's origin
    QString tooltipFor(int lane, int segment) const;
    void paintRuler(class QPainter &p, const struct TimelinePalette &pal);
    void paintLane(class QPainter &p, const struct TimelinePalette &pal, int lane);
    void paintRetryLinks(QPainter &p, const TimelinePalette &pal);
    void paintThrottle(QPainter &p, const TimelinePalette &pal, int lane, double ms);

    TimelineModel *m_model;
    TimelineGeometry m_geo;
    bool m_autoFit = true;
    bool m_dragging = false;
    bool m_dragMoved = false;
    QPointF m_pressPos;
    double m_pressStartMs = 0;
    QString m_selected;
    QString m_emptyText;
    QTimer m_runningTimer;
    int m_paintedSegments = 0;
    int m_paintedAggregates = 0;
};

} // namespace fn
