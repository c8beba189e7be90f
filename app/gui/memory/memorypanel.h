#pragma once
// The Memory dock: memory over time per environment against its limit, out-of-memory kills marked.

#include <QHash>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QTimer;
class QValueAxis;

namespace fn {

class MemoryModel;

class MemoryPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit MemoryPanel(MemoryModel &model, QWidget *parent = nullptr);

    // Points currently plotted for an environment (after downsampling), for tests.
    int plottedPoints(const QString &environmentId) const;
    // Applies pending sample batches to the chart now (normally on a short timer).
    void refresh();

private:
    QLineSeries *seriesFor(int row);

    MemoryModel &m_model;
    QChart *m_chart;
    QChartView *m_chartView;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QLineSeries *m_limit;
    QScatterSeries *m_oom;
    QLabel *m_empty;
    QTimer *m_refreshTimer;
    QHash<int, QLineSeries *> m_series;
};

} // namespace fn
