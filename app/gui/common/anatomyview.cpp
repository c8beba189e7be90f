#include "common/anatomyview.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace fn {

namespace {

constexpr int Margin = 6;
constexpr int MinLabelWidth = 72;

const QList<Anatomy::Phase> &allPhases()
{
    using P = Anatomy::Phase;
    static const QList<P> phases{P::Admission, P::Sandbox, P::RuntimeStart, P::Init, P::Handler, P::Overhead};
    return phases;
}

QString ms(double v)
{
    return QLocale().toString(v, 'f', v < 10 ? 2 : 1) + QStringLiteral(" ms");
}

} // namespace

AnatomyView::AnatomyView(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

QColor AnatomyView::colorOf(Anatomy::Phase phase)
{
    switch (phase) {
    case Anatomy::Phase::Admission:
        return QColor(0x9e, 0x9e, 0x9e);
    case Anatomy::Phase::Sandbox:
        return QColor(0x8e, 0x5c, 0xd0);
    case Anatomy::Phase::RuntimeStart:
        return QColor(0xe0, 0x7b, 0x24);
    case Anatomy::Phase::Init:
        return QColor(0xf2, 0xb8, 0x4b);
    case Anatomy::Phase::Handler:
        return QColor(0x2f, 0x8f, 0xd8);
    case Anatomy::Phase::Overhead:
        return QColor(0x5a, 0xa8, 0x6a);
    }
    return Qt::gray;
}

void AnatomyView::setRows(const QList<Row> &rows)
{
    m_rows = rows;
    m_labelWidth = 0;
    updateGeometry();
    update();
}

int AnatomyView::rowHeight() const
{
    return fontMetrics().height() + 10;
}

int AnatomyView::legendTop() const
{
    return Margin + int(m_rows.size()) * rowHeight() + 4;
}

QList<QPoint> AnatomyView::legendPositions(int width, int *height) const
{
    QList<QPoint> out;
    const int box = fontMetrics().ascent() - 2;
    const int left = Margin + labelWidth();
    int x = left;
    int y = legendTop();
    for (const Anatomy::Phase phase : allPhases()) {
        const int w = box + 4 + fontMetrics().horizontalAdvance(Anatomy::name(phase));
        if (x > left && x + w > width - Margin) {
            x = left;
            y += fontMetrics().height() + 2;
        }
        out << QPoint(x, y);
        x += w + 12;
    }
    *height = y + fontMetrics().height() + Margin;
    return out;
}

int AnatomyView::heightForWidth(int width) const
{
    int height = 0;
    legendPositions(width, &height);
    return height;
}

QSize AnatomyView::sizeHint() const
{
    return {480, heightForWidth(480)};
}

QSize AnatomyView::minimumSizeHint() const
{
    return {240, heightForWidth(240)};
}

int AnatomyView::labelWidth() const
{
    // Wide enough for the longest label ("cloud cold p99" beside "cold p50"); measured once per rows.
    if (m_labelWidth == 0) {
        m_labelWidth = MinLabelWidth;
        for (const Row &r : m_rows)
            m_labelWidth = std::max(m_labelWidth, fontMetrics().horizontalAdvance(r.label) + 8);
    }
    return m_labelWidth;
}

double AnatomyView::scaleMs() const
{
    double top = 0;
    for (const Row &r : m_rows)
        top = std::max(top, r.anatomy.observedMs);
    return top > 0 ? top : 1;
}

AnatomyView::Geometry AnatomyView::geometryOf(int row) const
{
    const int h = rowHeight();
    const int y = Margin + row * h;
    const int totalWidth = fontMetrics().horizontalAdvance(QStringLiteral("0000.0 ms")) + 8;
    const int barLeft = Margin + labelWidth();
    const int barWidth = std::max(20, width() - barLeft - totalWidth - Margin);
    return {QRect(Margin, y, labelWidth() - 6, h), QRect(barLeft, y + 3, barWidth, h - 6),
            QRect(barLeft, y, barWidth + totalWidth, h)};
}

void AnatomyView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor text = palette().color(QPalette::Text);
    const double scale = scaleMs();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        const Geometry g = geometryOf(i);
        p.setPen(text);
        p.drawText(g.label, Qt::AlignRight | Qt::AlignVCenter, row.label);
        double x = g.bar.left();
        for (const Anatomy::Part &part : row.anatomy.parts) {
            const double w = part.ms / scale * g.bar.width();
            if (part.ms <= 0)
                continue;
            // At least a pixel: a phase that happened is never invisible.
            const QRectF segment(x, g.bar.top(), std::max(1.0, w), g.bar.height());
            p.fillRect(segment, colorOf(part.phase));
            x += w;
        }
        p.setPen(text);
        const QRect totalRect(int(x) + 6, g.total.top(), g.total.right() - int(x) - 6, g.total.height());
        p.drawText(totalRect, Qt::AlignLeft | Qt::AlignVCenter, ms(row.anatomy.observedMs));
    }
    // The legend: every phase, in order, wrapping where the width ends.
    int height = 0;
    const QList<QPoint> at = legendPositions(width(), &height);
    const int box = fontMetrics().ascent() - 2;
    for (qsizetype i = 0; i < at.size(); ++i) {
        const Anatomy::Phase phase = allPhases().at(i);
        const QPoint pos = at.at(i);
        p.fillRect(QRect(pos.x(), pos.y() + (fontMetrics().height() - box) / 2, box, box), colorOf(phase));
        p.setPen(text);
        p.drawText(QPoint(pos.x() + box + 4, pos.y() + fontMetrics().ascent()), Anatomy::name(phase));
    }
}

bool AnatomyView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const QPoint pos = static_cast<QHelpEvent *>(event)->pos();
    const double scale = scaleMs();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Geometry g = geometryOf(i);
        if (pos.y() < g.bar.top() || pos.y() > g.bar.bottom())
            continue;
        const Anatomy &a = m_rows.at(i).anatomy;
        double x = g.bar.left();
        for (const Anatomy::Part &part : a.parts) {
            const double w = std::max(part.ms > 0 ? 1.0 : 0.0, part.ms / scale * g.bar.width());
            if (pos.x() >= x && pos.x() <= x + w) {
                const double share = a.observedMs > 0 ? 100.0 * part.ms / a.observedMs : 0;
                QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(),
                                   tr("%1, %2: %3 (%4 % of %5)")
                                       .arg(m_rows.at(i).label, Anatomy::name(part.phase), ms(part.ms))
                                       .arg(share, 0, 'f', share < 10 ? 1 : 0)
                                       .arg(ms(a.observedMs)),
                                   this);
                return true;
            }
            x += part.ms / scale * g.bar.width();
        }
        QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), a.sum(), this);
        return true;
    }
    QToolTip::hideText();
    event->ignore();
    return true;
}

} // namespace fn
