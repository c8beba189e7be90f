#pragma once
// The Memory dock: memory over time per environment against its limit, out-of-memory kills marked.

#include <QColor>
#include <QHash>
#include <QWidget>

class QAbstractSeries;
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
    QChart *chart() const { return m_chart; }
    // The legend's entries as shown: one per function (its environments grouped), the limit, OOM.
    QStringList legendLabels() const;

    static QColor limitColor();
    static QColor outOfMemoryColor();

private:
    QLineSeries *seriesFor(int row);
    // The legend-only entry of a function: no points, its colour, its count of environments.
    QLineSeries *functionEntry(const QString &functionName);
    void explainInLegend(QAbstractSeries *series);

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
    QHash<QString, QLineSeries *> m_functions;
    QStringList m_functionOrder; // first seen first: a function keeps its colour
    QHash<QAbstractSeries *, QString> m_legendTips;
};

} // namespace fn
