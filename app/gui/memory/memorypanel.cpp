#include "memory/memorypanel.h"

#include "common/export.h"
#include "memory/memorymodel.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QImage>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QTimer>
#include <QToolTip>
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

    // The limit is a dashed amber line, an out-of-memory kill a red cross: two marks nobody confuses.
    m_limit->setName(tr("limit"));
    m_limit->setPen(QPen(limitColor(), 2, Qt::DashLine));
    m_oom->setName(tr("OOM kill"));
    constexpr int crossSize = 14;
    QImage cross(crossSize, crossSize, QImage::Format_ARGB32);
    cross.fill(Qt::transparent);
    {
        QPainter p(&cross);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(outOfMemoryColor(), 3, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(2.5, 2.5), QPointF(crossSize - 2.5, crossSize - 2.5));
        p.drawLine(QPointF(2.5, crossSize - 2.5), QPointF(crossSize - 2.5, 2.5));
    }
    m_oom->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_oom->setMarkerSize(crossSize);
    m_oom->setBrush(cross);
    m_oom->setPen(QColor(Qt::transparent));
    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_limit), static_cast<QAbstractSeries *>(m_oom)}) {
        m_chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
        explainInLegend(s);
    }
    m_legendTips.insert(m_limit, tr("The memory limit (MemorySize): past it the environment is killed"));
    m_legendTips.insert(m_oom, tr("An environment killed for running out of memory, at the limit"));

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

QColor MemoryPanel::limitColor()
{
    return QColor(0xe0, 0x8a, 0x00);
}

QColor MemoryPanel::outOfMemoryColor()
{
    return QColor(0xd6, 0x3e, 0x3e);
}

namespace {

// Hues for functions, none of them the limit's amber or the OOM's red.
QColor functionColor(int index)
{
    static const QColor colors[] = {QColor(0x2f, 0x8f, 0xd8), QColor(0x8e, 0x5c, 0xd0), QColor(0x2e, 0xa0, 0x6b),
                                    QColor(0x1a, 0x9a, 0xa8), QColor(0xc8, 0x4f, 0x9a), QColor(0x6b, 0x7b, 0x8c)};
    return colors[index % int(std::size(colors))];
}

QString functionLabel(const QString &functionName)
{
    return functionName.isEmpty() ? MemoryPanel::tr("environments") : functionName;
}

} // namespace

QLineSeries *MemoryPanel::functionEntry(const QString &functionName)
{
    if (QLineSeries *s = m_functions.value(functionName))
        return s;
    m_functionOrder.append(functionName);
    auto *s = new QLineSeries(m_chart);
    s->setPen(QPen(functionColor(int(m_functionOrder.size()) - 1), 2));
    m_chart->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    explainInLegend(s);
    m_functions.insert(functionName, s);
    return s;
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
    // Each environment is a line in its function's colour; the legend names the function once.
    for (QLegendMarker *marker : m_chart->legend()->markers(s))
        marker->setVisible(false);
    const QString id = m_model.series(row).environmentId;
    connect(s, &QLineSeries::hovered, this, [id](const QPointF &, bool on) {
        if (on)
            QToolTip::showText(QCursor::pos(), tr("Environment %1").arg(id));
        else
            QToolTip::hideText();
    });
    m_series.insert(row, s);
    return s;
}

void MemoryPanel::explainInLegend(QAbstractSeries *series)
{
    // A narrow dock elides the legend's labels: hovering one says it in full.
    for (QLegendMarker *marker : m_chart->legend()->markers(series)) {
        connect(marker, &QLegendMarker::hovered, this, [this, series](bool on) {
            if (on)
                QToolTip::showText(QCursor::pos(), m_legendTips.value(series, series->name()));
            else
                QToolTip::hideText();
        });
    }
}

QStringList MemoryPanel::legendLabels() const
{
    QStringList labels;
    // What seriesFor() hid (one line per environment) and hidden series are not in the legend.
    const QList<QLineSeries *> environments = m_series.values();
    for (QLegendMarker *marker : m_chart->legend()->markers()) {
        const auto *line = qobject_cast<QLineSeries *>(marker->series());
        if (marker->series()->isVisible() && !(line && environments.contains(line)))
            labels.append(marker->label());
    }
    return labels;
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
        for (QLineSeries *s : std::as_const(m_functions)) {
            m_legendTips.remove(s);
            m_chart->removeSeries(s);
            delete s;
        }
        m_functions.clear();
        m_functionOrder.clear();
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
    QHash<QString, int> environmentsOf;
    for (int row = 0; row < rows; ++row) {
        const MemorySeries &series = m_model.series(row);
        QList<QPointF> points = series.downsampled(origin, last, buckets, origin);
        for (QPointF &p : points)
            p.setX(p.x() / 1000.0);
        QLineSeries *line = seriesFor(row);
        line->replace(points);
        // Environments of one function share its hue, a little lighter or darker each.
        const QColor hue = functionEntry(series.functionName)->pen().color();
        environmentsOf[series.functionName] += 1;
        const int shade = environmentsOf[series.functionName] - 1;
        line->setPen(
            QPen(shade % 2 ? hue.lighter(100 + 12 * ((shade + 1) / 2)) : hue.darker(100 + 12 * (shade / 2)), 1.6));
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
    for (auto it = environmentsOf.cbegin(); it != environmentsOf.cend(); ++it)
        for (auto it = environmentsOf.cbegin(); it != environmentsOf.cend(); ++it) {
            QLineSeries *entry = m_functions.value(it.key());
            entry->setName(it.value() == 1 ? tr("%1 (1 env)").arg(functionLabel(it.key()))
                                           : tr("%1 (%2 envs)").arg(functionLabel(it.key())).arg(it.value()));
            m_legendTips.insert(entry, it.value() == 1
                                           ? tr("%1: one execution environment").arg(functionLabel(it.key()))
                                           : tr("%1: %2 execution environments, one line each in this colour")
                                                 .arg(functionLabel(it.key()))
                                                 .arg(it.value()));
        }
    m_limit->setName(tr("limit %1 MB").arg(maxLimitMb, 0, 'f', 0));
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
