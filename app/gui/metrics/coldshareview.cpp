#include "metrics/coldshareview.h"
#include "common/charttooltip.h"

#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>

#include <cmath>

namespace fn {

namespace {

constexpr int Margin = 6;
constexpr int LabelWidth = 44;
constexpr int BandHeight = 34;

} // namespace

ColdShareView::ColdShareView(const MetricsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    // A second band for the cloud set when there is one.
    connect(&m_model, &MetricsModel::cloudChanged, this, [this] {
        updateGeometry();
        update();
    });
}

QSize ColdShareView::sizeHint() const
{
    const int line = fontMetrics().height();
    return {480, 2 * Margin + line + line / 2 + int(bands().size()) * (BandHeight + line + 6)};
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

QList<ColdShareView::Band> ColdShareView::bands() const
{
    const int line = fontMetrics().height();
    // Half a line below the title, so the "100 %" beside the top is not cut by it.
    int top = Margin + line + line / 2;
    const int left = Margin + LabelWidth;
    const int w = std::max(20, width() - 2 * Margin - LabelWidth);
    QList<Band> out{{tr("local"), &m_model.coldShare(), QRect(left, top, w, BandHeight)}};
    if (m_model.hasCloud()) {
        top += BandHeight + line + 6;
        out.append({tr("cloud"), &m_model.cloudColdShare(), QRect(left, top, w, BandHeight)});
    }
    return out;
}

void ColdShareView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor text = palette().color(QPalette::Text);
    const QColor dim = palette().color(QPalette::PlaceholderText);
    QColor shade = text;
    shade.setAlpha(22);
    const QFontMetrics fm = fontMetrics();
    const QList<Band> all = bands();

    QStringList widths;
    for (const Band &band : all)
        if (!band.share->isEmpty())
            widths << durationText(band.share->bucketMs()) + (all.size() > 1 ? u' ' + band.name : QString());
    p.setPen(text);
    p.drawText(QPoint(Margin, Margin + fm.ascent()),
               widths.isEmpty() ? tr("Share of cold starts over time")
                                : tr("Share of cold starts over time, per %1").arg(widths.join(QStringLiteral(", "))));
    const QColor cold = LatencyDistributionView::coldColor();
    for (const Band &band : all) {
        const QRect r = band.rect;
        p.setPen(dim);
        p.drawText(QRect(Margin, r.top() - fm.height() / 2, LabelWidth - 4, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("100 %"));
        p.drawText(QRect(Margin, r.bottom() - fm.height() / 2, LabelWidth - 4, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, all.size() > 1 ? band.name : QStringLiteral("0"));
        p.drawLine(r.left(), r.bottom(), r.right(), r.bottom());
        const ColdShare &share = *band.share;
        if (share.isEmpty())
            continue;
        const auto &buckets = share.buckets();
        const double w = double(r.width()) / double(buckets.size());
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            const ColdShare::Bucket &b = buckets[i];
            if (!b.all)
                continue; // idle: nothing ran, nothing drawn
            const double x0 = r.left() + double(i) * w;
            const double bw = std::max(1.0, w - (w > 4 ? 1 : 0));
            p.fillRect(QRectF(x0, r.top(), bw, r.height()), shade);
            if (b.cold) {
                const double h = std::max(2.0, b.share() * r.height());
                p.fillRect(QRectF(x0, r.bottom() + 1 - h, bw, h), cold);
            }
        }
        const QString end = QStringLiteral("+") + durationText(share.bucketMs() * qint64(buckets.size()));
        p.setPen(dim);
        p.drawText(QPoint(r.left(), r.bottom() + 2 + fm.ascent()), QStringLiteral("0"));
        p.drawText(QPoint(r.right() - fm.horizontalAdvance(end), r.bottom() + 2 + fm.ascent()), end);
    }
}

QString ColdShareView::describe(const QPoint &pos) const
{
    for (const Band &band : bands()) {
        const QRect r = band.rect;
        const auto &buckets = band.share->buckets();
        if (buckets.empty() || !r.contains(pos))
            continue;
        const int i =
            std::min(int(buckets.size()) - 1, int(double(pos.x() - r.left()) / r.width() * double(buckets.size())));
        const qint64 width = band.share->bucketMs();
        const ColdShare::Bucket &b = buckets[std::size_t(i)];
        QString when = QStringLiteral("+%1 – %2").arg(durationText(width * i), durationText(width * (i + 1)));
        if (m_model.hasCloud())
            when = band.name + u' ' + when;
        if (!b.all)
            return tr("%1: no invocations").arg(when);
        const QLocale locale;
        return tr("%1: %2 of %3 cold (%4 %)")
            .arg(when, locale.toString(qulonglong(b.cold)), locale.toString(qulonglong(b.all)))
            .arg(std::lround(b.share() * 100));
    }
    return {};
}

bool ColdShareView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    return answerToolTip(event, this, describe(static_cast<QHelpEvent *>(event)->pos()));
}

} // namespace fn
