#pragma once
// What callers waited, as a histogram on a log time axis: warm and cold stacked in the colours of
// their phases (handler blue, cold start orange), so that a burst with cold starts shows its two
// humps. An imported cloud set is drawn mirrored below the axis, on the same axis, each half scaled
// to its own tallest bin. A bin's tooltip gives its range and counts.

#include <QWidget>

namespace fn {

class LatencyHistogram;
class MetricsModel;

class LatencyDistributionView final : public QWidget
{
    Q_OBJECT
public:
    explicit LatencyDistributionView(const MetricsModel &model, QWidget *parent = nullptr);

    static QColor coldColor();
    static QColor warmColor();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The text of the tooltip for a latency (what a bin under the mouse says); empty when nothing is there.
    QString describe(double ms) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Geometry
    {
        QRect plot;        // bars of all series
        int axisY = 0;     // where local bars stand (and cloud bars hang)
        double fromMs = 0; // the axis' ends
        double toMs = 0;
        double xOf(double ms) const;
        double msAt(double x) const;
    };
    Geometry geometry() const;
    void paintSeries(class QPainter &p, const Geometry &g, const LatencyHistogram &h, bool below) const;

    const MetricsModel &m_model;
};

} // namespace fn
