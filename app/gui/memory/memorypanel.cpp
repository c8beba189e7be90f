#include "memory/memorypanel.h"

#include "common/export.h"
#include "memory/memorymodel.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace fn {

MemoryPanel::MemoryPanel(MemoryModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_chart(new QChart)
    , m_chartView(new QChartView(m_chart, this))
    , m_x(new QValueAxis(m_chart))
    , m_y(new QValueAxis(m_chart))
    , m_limit(new QLineSeries(m_chart))
    , m_oom(new QScatterSeries(m_chart))
    , m_empty(
          new QLabel(tr("No memory samples yet — they appear while a function runs, against its memory limit."), this))
    , m_refreshTimer(new QTimer(this))
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundBrush(palette().color(QPalette::Base));
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->legend()->setLabelColor(palette().color(QPalette::Text));
    m_x->setTitleText(tr("seconds"));
    m_x->setLabelFormat(QStringLiteral("%.1f"));
    m_y->setTitleText(tr("MB"));
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setRange(0, 128);
    for (QValueAxis *axis : {m_x, m_y}) {
        axis->setLabelsColor(palette().color(QPalette::Text));
        axis->setTitleBrush(palette().color(QPalette::PlaceholderText));
        axis->setGridLineColor(dark ? QColor(255, 255, 255, 30) : QColor(0, 0, 0, 25));
    }
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);

    m_limit->setName(tr("limit"));
    m_limit->setPen(QPen(QColor(0xd6, 0x3e, 0x3e), 1.5, Qt::DashLine));
    m_oom->setName(tr("out of memory"));
    m_oom->setColor(QColor(0xd6, 0x3e, 0x3e));
    m_oom->setBorderColor(Qt::white);
    m_oom->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_oom->setMarkerSize(11);
    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_limit), static_cast<QAbstractSeries *>(m_oom)}) {
        m_chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }

    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setFrameShape(QFrame::NoFrame);
    addChartExport(m_chartView, QStringLiteral("memory"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_chartView, 1);
    layout->addWidget(m_empty, 1);
    m_chartView->hide();

    // Samples arrive at 20 Hz per busy environment; redraw at most every 200 ms.
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(200);
    connect(m_refreshTimer, &QTimer::timeout, this, &MemoryPanel::refresh);
    connect(&m_model, &MemoryModel::seriesChanged, m_refreshTimer, [this] {
        if (!m_refreshTimer->isActive())
            m_refreshTimer->start();
    });
    connect(&m_model, &QAbstractItemModel::modelReset, this, &MemoryPanel::refresh);
}

QLineSeries *MemoryPanel::seriesFor(int row)
{
    if (QLineSeries *s = m_series.value(row))
        return s;
    auto *s = new QLineSeries(m_chart);
    s->setName(m_model.series(row).environmentId.left(8));
    m_chart->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    QPen pen = s->pen();
    pen.setWidthF(2);
    s->setPen(pen);
    m_series.insert(row, s);
    return s;
}

void MemoryPanel::refresh()
{
    m_refreshTimer->stop();
    const int rows = m_model.rowCount();
    if (rows < m_series.size()) { // after a reset
        for (QLineSeries *s : std::as_const(m_series)) {
            m_chart->removeSeries(s);
            delete s;
        }
        m_series.clear();
    }
    m_chartView->setVisible(rows > 0);
    m_empty->setVisible(rows == 0);
    if (rows == 0)
        return;
    const qint64 origin = m_model.firstTimestampMs();
    const qint64 last = m_model.lastTimestampMs();
    const int buckets = qMax(50, int(m_chart->plotArea().width()));
    double maxLimitMb = 0, maxPeakMb = 0;
    QList<QPointF> oom;
    for (int row = 0; row < rows; ++row) {
        const MemorySeries &series = m_model.series(row);
        QList<QPointF> points = series.downsampled(origin, last, buckets, origin);
        for (QPointF &p : points)
            p.setX(p.x() / 1000.0);
        seriesFor(row)->replace(points);
        maxLimitMb = qMax(maxLimitMb, series.limitBytes / 1048576.0);
        maxPeakMb = qMax(maxPeakMb, series.peakBytes / 1048576.0);
        if (series.outOfMemoryAtMs >= 0)
            oom.append(QPointF((series.outOfMemoryAtMs - origin) / 1000.0, series.limitBytes / 1048576.0));
    }
    const double spanS = qMax(0.1, (last - origin) / 1000.0);
    m_x->setRange(0, spanS);
    // Enough decimals that neighbouring ticks never read the same.
    m_x->setLabelFormat(spanS < 0.5 ? QStringLiteral("%.2f")
                        : spanS < 5 ? QStringLiteral("%.1f")
                                    : QStringLiteral("%.0f"));
    m_y->setRange(0, qMax(maxLimitMb, maxPeakMb) * 1.1 + 1);
    m_limit->replace({QPointF(0, maxLimitMb), QPointF(spanS, maxLimitMb)});
    m_limit->setVisible(maxLimitMb > 0);
    m_oom->replace(oom);
}

int MemoryPanel::plottedPoints(const QString &environmentId) const
{
    const int row = m_model.rowOf(environmentId);
    const QLineSeries *s = m_series.value(row);
    return s ? int(s->count()) : 0;
}

} // namespace fn
