#include "timeline/timelinelegend.h"

#include "timeline/timelinepalette.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace fn {

namespace {
constexpr int swatch = 14;
constexpr int gap = 4;
constexpr int spacing = 14;
} // namespace

TimelineLegend::TimelineLegend(QWidget *parent)
    : QWidget(parent)
    , m_entries(entriesFor(TimelinePalette::from(palette())))
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

QList<TimelineLegend::Entry> TimelineLegend::entriesFor(const TimelinePalette &pal)
{
    return {
        {Mark::Fill, pal.init, tr("Init (cold start)"),
         tr("Sandbox, runtime start and module init: the Init Duration")},
        {Mark::Fill, pal.coldInvoke, tr("Invoke, cold"), tr("The handler, on an environment that just started")},
        {Mark::Fill, pal.warmInvoke, tr("Invoke, warm"), tr("The handler, on an environment reused warm")},
        {Mark::Fill, pal.failed, tr("Failed"), tr("An error, a timeout, out of memory or a crash")},
        {Mark::Diamond, pal.throttled, tr("Throttled"),
         tr("Rejected before running (TooManyRequestsException): on the bottom lane")},
        {Mark::Hatched, pal.frozen, tr("Frozen"), tr("The environment is warm and frozen between invocations")},
        {Mark::Striped, pal.warmInvoke, tr("Running"), tr("Started, not finished yet")},
        {Mark::Badge, pal.provisioned, tr("Provisioned"),
         tr("Made ahead of any invocation for provisioned concurrency: no cold start on it")},
        {Mark::Dotted, pal.retry, tr("Retry"), tr("The next attempt of the same event (same request id)")},
        {Mark::Dashed, pal.dimText, tr("Stopped"),
         tr("The environment ended: idle (keep-warm expiry), timeout, crash…")},
        {Mark::Dashed, pal.stale, tr("Stale code"),
         tr("Retired because the code or configuration changed: the next invocation starts cold")},
        {Mark::Break, pal.dimText, tr("Idle gap, collapsed"),
         tr("Nothing ran for the time written on it; drawn narrow so the starts either side fit (C)")},
    };
}

QList<QRect> TimelineLegend::layoutFor(int width) const
{
    QList<QRect> rects;
    const QFontMetrics fm(font());
    const int lineHeight = qMax(swatch, fm.height()) + 4;
    int x = 0, y = 0;
    for (const Entry &e : m_entries) {
        const int w = swatch + gap + fm.horizontalAdvance(e.text);
        if (x > 0 && x + w > width) {
            x = 0;
            y += lineHeight;
        }
        rects.append(QRect(x, y, w, lineHeight));
        x += w + spacing;
    }
    return rects;
}

int TimelineLegend::heightForWidth(int width) const
{
    const QList<QRect> rects = layoutFor(width);
    return rects.isEmpty() ? 0 : rects.last().bottom() + 1;
}

QSize TimelineLegend::sizeHint() const
{
    const QList<QRect> rects = layoutFor(QWIDGETSIZE_MAX);
    return {rects.isEmpty() ? 0 : rects.last().right() + 1, heightForWidth(QWIDGETSIZE_MAX)};
}

QSize TimelineLegend::minimumSizeHint() const
{
    return {100, heightForWidth(QWIDGETSIZE_MAX)};
}

int TimelineLegend::entryAt(const QPoint &pos) const
{
    const QList<QRect> rects = layoutFor(width());
    for (int i = 0; i < rects.size(); ++i) {
        if (rects.at(i).contains(pos))
            return i;
    }
    return -1;
}

void TimelineLegend::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        m_entries = entriesFor(TimelinePalette::from(palette()));
        updateGeometry();
    }
    QWidget::changeEvent(event);
}

bool TimelineLegend::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int i = entryAt(help->pos());
        if (i >= 0)
            QToolTip::showText(help->globalPos(), m_entries.at(i).toolTip, this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void TimelineLegend::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QList<QRect> rects = layoutFor(width());
    for (int i = 0; i < m_entries.size(); ++i) {
        const Entry &e = m_entries.at(i);
        const QRect r = rects.at(i);
        const QRectF s(r.left() + 0.5, r.center().y() - swatch / 2.0 + 0.5, swatch - 1, swatch - 1);
        // Each mark as the lanes draw it.
        switch (e.mark) {
        case Mark::Fill:
            p.fillRect(s, e.color);
            break;
        case Mark::Hatched:
            p.fillRect(s, QBrush(e.color.darker(150), Qt::BDiagPattern));
            break;
        case Mark::Striped:
            p.fillRect(s, e.color.lighter(130));
            p.fillRect(s, QBrush(e.color.darker(120), Qt::FDiagPattern));
            break;
        case Mark::Diamond: {
            const QPointF c = s.center();
            const double h = s.width() / 2;
            const QPointF diamond[4] = {{c.x(), c.y() - h}, {c.x() + h, c.y()}, {c.x(), c.y() + h}, {c.x() - h, c.y()}};
            p.setPen(QPen(e.color.darker(130), 1));
            p.setBrush(e.color);
            p.drawPolygon(diamond, 4);
            break;
        }
        case Mark::Badge: {
            QFont small = font();
            small.setPointSizeF(small.pointSizeF() * 0.7);
            small.setBold(true);
            p.fillRect(s, e.color);
            p.setFont(small);
            p.setPen(Qt::white);
            p.drawText(s, Qt::AlignCenter, QStringLiteral("PC"));
            p.setFont(font());
            break;
        }
        case Mark::Dotted:
            p.setPen(QPen(e.color, 1.5, Qt::DotLine));
            p.drawLine(QPointF(s.left(), s.bottom()), QPointF(s.right(), s.top()));
            break;
        case Mark::Dashed:
            p.setPen(QPen(e.color, 2, Qt::DashLine));
            p.drawLine(QPointF(s.center().x(), s.top()), QPointF(s.center().x(), s.bottom()));
            break;
        case Mark::Break:
            p.setPen(QPen(e.color, 1.2));
            for (double dx : {-3.0, 3.0})
                p.drawLine(QPointF(s.center().x() + dx - 3, s.bottom()), QPointF(s.center().x() + dx + 3, s.top()));
            break;
        }
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(QRect(r.left() + swatch + gap, r.top(), r.width() - swatch - gap, r.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }
}

} // namespace fn
