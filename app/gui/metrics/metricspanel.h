#pragma once
// The Metrics dock: invocation statistics with cold and warm side by side, and beside them the
// comparison a class comes for: the median (and p99) cold and warm invocation drawn phase by phase
// on one scale, under a headline that says how much faster warm is.

#include <QWidget>

class QLabel;
class QSplitter;
class QTableView;

namespace fn {

class AnatomyView;
class MetricsModel;

class MetricsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsPanel(MetricsModel &model, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    AnatomyView *comparison() const { return m_comparison; }
    QString headline() const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateComparison();

    MetricsModel &m_model;
    QTableView *m_view;
    QSplitter *m_split;
    QLabel *m_headline;
    AnatomyView *m_comparison;
};

} // namespace fn
