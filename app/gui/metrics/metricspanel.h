#pragma once
// The Metrics dock: invocation statistics with cold and warm side by side, and their durations as bars.

#include <QWidget>

class QBarSet;
class QChart;
class QSplitter;
class QTableView;
class QValueAxis;

namespace fn {

class MetricsModel;

class MetricsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsPanel(MetricsModel &model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateChart();

    MetricsModel &m_model;
    QTableView *m_view;
    QSplitter *m_split;
    QChart *m_chart;
    QBarSet *m_cold;
    QBarSet *m_warm;
    QValueAxis *m_y;
};

} // namespace fn
