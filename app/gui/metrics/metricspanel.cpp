#include "metrics/metricspanel.h"

#include "common/anatomyview.h"
#include "metrics/metricsmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace fn {

MetricsPanel::MetricsPanel(MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QTableView(this))
    , m_headline(new QLabel(this))
    , m_comparison(new AnatomyView(this))
{
    m_view->setModel(&m_model);
    m_view->setShowGrid(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);

    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setContentsMargins(8, 6, 8, 2);
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_headline->setFont(big);
    m_comparison->setToolTip(tr("What callers waited, phase by phase, all on one scale"));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addWidget(m_headline);
    rightLayout->addWidget(m_comparison);
    rightLayout->addStretch(1);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_view);
    m_split->addWidget(right);
    m_split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);

    connect(&m_model, &QAbstractItemModel::dataChanged, this, &MetricsPanel::updateComparison);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &MetricsPanel::updateComparison);
    updateComparison();
}

void MetricsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Table and comparison side by side in a wide dock, stacked in a tall one.
    const Qt::Orientation o = width() > height() * 1.2 ? Qt::Horizontal : Qt::Vertical;
    if (m_split->orientation() != o) {
        m_split->setOrientation(o);
        const int total = o == Qt::Horizontal ? width() : height();
        m_split->setSizes({total / 2, total / 2});
    }
}

QString MetricsPanel::headline() const
{
    return m_headline->text();
}

void MetricsPanel::updateComparison()
{
    using C = MetricsModel::Column;
    QList<AnatomyView::Row> rows;
    for (const auto &[column, name] : {std::pair{C::ColdColumn, tr("cold")}, std::pair{C::WarmColumn, tr("warm")}})
        for (const double p : {50.0, 99.0})
            if (const auto a = m_model.anatomy(column, p))
                rows.append({QStringLiteral("%1 p%2").arg(name).arg(p), *a});
    m_comparison->setRows(rows);

    const auto cold = m_model.anatomy(C::ColdColumn, 50);
    const auto warm = m_model.anatomy(C::WarmColumn, 50);
    const QLocale locale;
    const auto ms = [&locale](double v) -> QString { return locale.toString(v, 'f', 2) + QStringLiteral(" ms"); };
    QStringList lines;
    if (cold)
        lines << tr("Cold %1").arg(cold->sum());
    if (warm && cold && warm->observedMs > 0)
        lines << tr("Warm %1: %2× faster")
                     .arg(ms(warm->observedMs), locale.toString(cold->observedMs / warm->observedMs, 'f', 0));
    else if (warm)
        lines << tr("Warm %1").arg(ms(warm->observedMs));
    if (lines.isEmpty())
        lines << tr("Invoke a function: its cold start and the warm invocations after it appear here, phase by phase.");
    else
        lines << tr("<span style='color:gray'>medians of what callers waited; p99 below them</span>");
    m_headline->setText(lines.join(QStringLiteral("<br>")));
}

} // namespace fn
