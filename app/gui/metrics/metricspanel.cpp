#include "metrics/metricspanel.h"

#include "metrics/metricsmodel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace fn {

MetricsPanel::MetricsPanel(MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_chart(new QChart)
    , m_cold(new QBarSet(tr("cold")))
    , m_warm(new QBarSet(tr("warm")))
    , m_y(new QValueAxis)
{
    m_view->setModel(&m_model);
    m_view->setShowGrid(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);

    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundBrush(palette().color(QPalette::Base));
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setTitle(tr("Duration (ms), cold vs warm"));
    m_chart->setTitleBrush(palette().color(QPalette::Text));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->legend()->setLabelColor(palette().color(QPalette::Text));
    m_cold->setColor(QColor(0x8e, 0x5c, 0xd0));
    m_warm->setColor(QColor(0x2f, 0x8f, 0xd8));
    auto *series = new QBarSeries;
    series->append(m_cold);
    series->append(m_warm);
    m_chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append({tr("p50"), tr("p90"), tr("p99")});
    x->setLabelsColor(palette().color(QPalette::Text));
    m_y->setLabelFormat(QStringLiteral("%.1f"));
    m_y->setLabelsColor(palette().color(QPalette::Text));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(m_y);
    auto *chartView = new QChartView(m_chart, this);
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setFrameShape(QFrame::NoFrame);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_view);
    m_split->addWidget(chartView);
    m_split->setChildrenCollapsible(false);
    chartView->setMinimumSize(160, 160);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);

    connect(&m_model, &QAbstractItemModel::dataChanged, this, &MetricsPanel::updateChart);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &MetricsPanel::updateChart);
    updateChart();
}

void MetricsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Table and chart side by side in a wide dock, stacked in a tall one.
    const Qt::Orientation o = width() > height() * 1.2 ? Qt::Horizontal : Qt::Vertical;
    if (m_split->orientation() != o) {
        m_split->setOrientation(o);
        const int total = o == Qt::Horizontal ? width() : height();
        m_split->setSizes({total * 11 / 20, total * 9 / 20});
    }
}

void MetricsPanel::updateChart()
{
    double top = 1;
    for (auto [set, column] :
         {std::pair{m_cold, MetricsModel::ColdColumn}, std::pair{m_warm, MetricsModel::WarmColumn}}) {
        const QList<qreal> values = {m_model.value(MetricsModel::DurationP50Row, column),
                                     m_model.value(MetricsModel::DurationP90Row, column),
                                     m_model.value(MetricsModel::DurationP99Row, column)};
        if (set->count() == 0)
            set->append(values);
        else
            for (int i = 0; i < 3; ++i)
                set->replace(i, values[i]);
        for (qreal v : values)
            top = qMax(top, v);
    }
    m_y->setRange(0, top * 1.15);
}

} // namespace fn
