#include "metrics/coldshareview.h"

#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace fn {

namespace {

constexpr int Margin = 6;
constexpr int LabelWidth = 44;

} // namespace

ColdShareView::ColdShareView(const MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize ColdShareView::sizeHint() const
{
    return {480, fontMetrics().height() * 3 + 48};
}

QSize ColdShareView::minimumSizeHint() const
{
    return {240, sizeHint().height()};
}

QString ColdShareView::durationText(qint64 ms)
{
    const QLocale locale;
    if (ms < 1000)
        return locale.toString(ms) + QStringLiteral(" ms");
    if (ms < 60'000)
        return locale.toString(double(ms) / 1000, 'g', 3) + QStringLiteral(" s");
    if (ms < 3'600'000)
        return locale.toString(double(ms) / 60'000, 'g', 3) + QStringLiteral(" min");
    if (ms < 86'400'000)
        return locale.toString(double(ms) / 3'600'000, 'g', 3) + QStringLiteral(" h");
    return locale.toString(double(ms) / 86'400'000, 'g', 3) + QStringLiteral(" d");
}

QRect ColdShareView::plot() const
{
    const int line = fontMetrics().height();
    // Half a line below the title, so the "100 %" beside the top is not cut by it.
    return {Margin + LabelWidth, Margin + line + line / 2 + 2, std::max(20, width() - 2 * Margin - LabelWidth),
            std::max(10, height() - 2 * Margin - 2 * line - line / 2 - 4)};
}

int ColdShareView::bucketAt(int x) const
{
    const auto &buckets = m_model.coldShare().buckets();
    const QRect r = plot();
    if (buckets.empty() || x < r.left() || x > r.right())
        return -1;
    return std::min(int(buckets.size()) - 1, int(double(x - r.left()) / r.width() * double(buckets.size())));
}

void ColdShareView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor text = palette().color(QPalette::Text);
    const QColor dim = palette().color(QPalette::PlaceholderText);
    QColor band = text;
    band.setAlpha(22);
    const QFontMetrics fm = fontMetrics();
    const ColdShare &share = m_model.coldShare();
    const QRect r = plot();

    p.setPen(text);
    p.drawText(QPoint(Margin, Margin + fm.ascent()),
               share.isEmpty() ? tr("Share of cold starts over time")
                               : tr("Share of cold starts over time, per %1").arg(durationText(share.bucketMs())));
    p.setPen(dim);
    p.drawText(QRect(Margin, r.top() - fm.height() / 2, LabelWidth - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("100 %"));
    p.drawText(QRect(Margin, r.bottom() - fm.height() / 2, LabelWidth - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    p.drawLine(r.left(), r.bottom(), r.right(), r.bottom());
    if (share.isEmpty())
        return;

    const auto &buckets = share.buckets();
    const double w = double(r.width()) / double(buckets.size());
    const QColor cold = LatencyDistributionView::coldColor();
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const ColdShare::Bucket &b = buckets[i];
        if (!b.all)
            continue; // idle: nothing ran, nothing drawn
        const double x0 = r.left() + double(i) * w;
        const double bw = std::max(1.0, w - (w > 4 ? 1 : 0));
        p.fillRect(QRectF(x0, r.top(), bw, r.height()), band);
        if (b.cold) {
            const double h = std::max(2.0, b.share() * r.height());
            p.fillRect(QRectF(x0, r.bottom() + 1 - h, bw, h), cold);
        }
    }
    const QString end = QStringLiteral("+") + durationText(share.bucketMs() * qint64(buckets.size()));
    p.setPen(dim);
    p.drawText(QPoint(r.left(), r.bottom() + 4 + fm.ascent()), QStringLiteral("0"));
    p.drawText(QPoint(r.right() - fm.horizontalAdvance(end), r.bottom() + 4 + fm.ascent()), end);
}

QString ColdShareView::describe(int x) const
{
    const int i = bucketAt(x);
    if (i < 0)
        return {};
    const ColdShare &share = m_model.coldShare();
    const ColdShare::Bucket &b = share.buckets()[std::size_t(i)];
    const QString when =
        QStringLiteral("+%1 – %2").arg(durationText(share.bucketMs() * i), durationText(share.bucketMs() * (i + 1)));
    if (!b.all)
        return tr("%1: no invocations").arg(when);
    const QLocale locale;
    return tr("%1: %2 of %3 cold (%4 %)")
        .arg(when, locale.toString(qulonglong(b.cold)), locale.toString(qulonglong(b.all)))
        .arg(std::lround(b.share() * 100));
}

bool ColdShareView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto *help = static_cast<QHelpEvent *>(event);
    const QString text = describe(help->pos().x());
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
    } else {
        QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
}

} // namespace fn
