#include "metrics/latencydistributionview.h"

#include "common/anatomyview.h"
#include "common/charttooltip.h"
#include "metrics/metricsmodel.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace fn {

namespace {

constexpr int Margin = 6;
constexpr int LabelWidth = 44;
using Start = LatencyHistogram::Start;

QString msText(double ms)
{
    const QLocale locale;
    if (ms >= 1000)
        return locale.toString(ms / 1000, 'g', 3) + QStringLiteral(" s");
    return locale.toString(ms, 'g', 3) + QStringLiteral(" ms");
}

} // namespace

LatencyDistributionView::LatencyDistributionView(const MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QColor LatencyDistributionView::coldColor()
{
    return AnatomyView::colorOf(Anatomy::Phase::RuntimeStart);
}

QColor LatencyDistributionView::warmColor()
{
    return AnatomyView::colorOf(Anatomy::Phase::Handler);
}

QSize LatencyDistributionView::sizeHint() const
{
    return {480, fontMetrics().height() * 2 + 120};
}

QSize LatencyDistributionView::minimumSizeHint() const
{
    return {240, fontMetrics().height() * 2 + 60};
}

double LatencyDistributionView::Geometry::xOf(double ms) const
{
    const double f = (std::log10(ms) - std::log10(fromMs)) / (std::log10(toMs) - std::log10(fromMs));
    return plot.left() + f * plot.width();
}

double LatencyDistributionView::Geometry::msAt(double x) const
{
    const double f = (x - plot.left()) / std::max(1, plot.width());
    return fromMs * std::pow(toMs / fromMs, f);
}

LatencyDistributionView::Geometry LatencyDistributionView::geometry() const
{
    Geometry g;
    const LatencyHistogram &local = m_model.histogram();
    const LatencyHistogram &cloud = m_model.cloudHistogram();
    int first = local.firstBin();
    int last = local.lastBin();
    if (cloud.total() > 0) {
        first = first < 0 ? cloud.firstBin() : std::min(first, cloud.firstBin());
        last = std::max(last, cloud.lastBin());
    }
    const LatencyHistogram::Span span = LatencyHistogram::decadesAround(first, last);
    g.fromMs = span.fromMs;
    g.toMs = span.toMs;
    const int line = fontMetrics().height();
    g.plot = QRect(Margin + LabelWidth, Margin + line + 4, std::max(20, width() - 2 * Margin - LabelWidth),
                   std::max(20, height() - 2 * Margin - 2 * line - 8));
    g.axisY = m_model.hasCloud() ? g.plot.top() + g.plot.height() * 3 / 5 : g.plot.bottom();
    return g;
}

void LatencyDistributionView::paintSeries(QPainter &p, const Geometry &g, const LatencyHistogram &h, bool below) const
{
    const double top = double(std::max<std::size_t>(1, h.maxBinCount()));
    const int room = below ? g.plot.bottom() - g.axisY - 1 : g.axisY - g.plot.top();
    const int alpha = below ? 150 : 255; // the cloud a shade lighter: the same kinds, another place
    QColor warm = warmColor(), cold = coldColor();
    warm.setAlpha(alpha);
    cold.setAlpha(alpha);
    for (int bin = 0; bin < LatencyHistogram::BinCount; ++bin) {
        const std::size_t w = h.count(bin, Start::Warm);
        const std::size_t c = h.count(bin, Start::Cold);
        if (!w && !c)
            continue;
        const double lo = std::max(LatencyHistogram::lowerMs(bin), g.fromMs);
        const double hi = std::min(LatencyHistogram::upperMs(bin), g.toMs);
        if (hi <= lo)
            continue;
        const double x0 = g.xOf(lo);
        const double x1 = std::max(x0 + 1, g.xOf(hi) - 1);
        // At least a pixel or two each: a bin with anything in it is never invisible.
        const double wh = w ? std::max(2.0, room * double(w) / top) : 0;
        const double ch = c ? std::max(2.0, room * double(c) / top) : 0;
        const double sign = below ? 1 : -1;
        const double base = below ? g.axisY + 1 : g.axisY;
        const auto bar = [&](double from, double h) {
            return below ? QRectF(x0, from, x1 - x0, h) : QRectF(x0, from - h, x1 - x0, h);
        };
        if (wh > 0)
            p.fillRect(bar(base, wh), warm);
        if (ch > 0)
            p.fillRect(bar(base + sign * wh, ch), cold);
    }
}

void LatencyDistributionView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor text = palette().color(QPalette::Text);
    const QColor dim = palette().color(QPalette::PlaceholderText);
    QColor grid = text;
    grid.setAlpha(30);
    const Geometry g = geometry();
    const QFontMetrics fm = fontMetrics();
    const QLocale locale;
    const LatencyHistogram &local = m_model.histogram();
    const LatencyHistogram &cloud = m_model.cloudHistogram();

    // Title and legend.
    p.setPen(text);
    p.drawText(QPoint(Margin, Margin + fm.ascent()), tr("What callers waited (log scale)"));
    int x = width() - Margin;
    const int box = fm.ascent() - 2;
    for (const auto &[color, name] : {std::pair{coldColor(), tr("cold")}, std::pair{warmColor(), tr("warm")}}) {
        x -= fm.horizontalAdvance(name);
        p.setPen(text);
        p.drawText(QPoint(x, Margin + fm.ascent()), name);
        x -= box + 4;
        p.fillRect(QRect(x, Margin + (fm.height() - box) / 2, box, box), color);
        x -= 12;
    }

    // Decades: a grid line and a label each.
    const int labelY = g.plot.bottom() + 4 + fm.ascent();
    for (double ms = g.fromMs; ms <= g.toMs * 1.0001; ms *= 10) {
        const int gx = int(std::lround(g.xOf(ms)));
        p.setPen(grid);
        p.drawLine(gx, g.plot.top(), gx, g.plot.bottom());
        const QString label = msText(ms);
        const int w = fm.horizontalAdvance(label);
        p.setPen(dim);
        p.drawText(QPoint(std::clamp(gx - w / 2, g.plot.left() - LabelWidth / 2, width() - Margin - w), labelY), label);
    }

    if (local.total() == 0 && cloud.total() == 0) {
        p.setPen(dim);
        p.drawText(g.plot, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Invoke a function, or run a burst: the latencies it gives appear here."));
        return;
    }
    paintSeries(p, g, local, false);
    p.setPen(text);
    p.drawLine(g.plot.left(), g.axisY, g.plot.right(), g.axisY);
    const auto seriesLabel = [&](const QString &name, std::size_t n, int y) {
        p.setPen(text);
        p.drawText(QRect(Margin, y, LabelWidth - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter, name);
        p.setPen(dim);
        p.drawText(QRect(Margin, y + fm.height(), LabelWidth - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   locale.toString(qulonglong(n)));
    };
    seriesLabel(tr("local"), local.total(), g.axisY - 2 * fm.height() - 2);
    if (m_model.hasCloud()) {
        paintSeries(p, g, cloud, true);
        seriesLabel(tr("cloud"), cloud.total(), g.axisY + 2);
    }
}

QString LatencyDistributionView::describe(double ms) const
{
    const int bin = LatencyHistogram::binOf(ms);
    const QLocale locale;
    const auto counts = [&](const LatencyHistogram &h) {
        return tr("%1 warm, %2 cold")
            .arg(locale.toString(qulonglong(h.count(bin, Start::Warm))),
                 locale.toString(qulonglong(h.count(bin, Start::Cold))));
    };
    if (!m_model.histogram().count(bin) && !m_model.cloudHistogram().count(bin))
        return {};
    QString s = tr("%1 – %2: %3")
                    .arg(msText(LatencyHistogram::lowerMs(bin)), msText(LatencyHistogram::upperMs(bin)),
                         counts(m_model.histogram()));
    if (m_model.hasCloud())
        s += tr("; cloud (%1): %2").arg(m_model.cloudName(), counts(m_model.cloudHistogram()));
    return s;
}

bool LatencyDistributionView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto *help = static_cast<QHelpEvent *>(event);
    const Geometry g = geometry();
    return answerToolTip(event, this, g.plot.contains(help->pos()) ? describe(g.msAt(help->pos().x())) : QString());
}

} // namespace fn
