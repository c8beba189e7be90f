#include "result/icicleview.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace fn {

namespace {

// A module's colour follows its top-level package, so json.decoder sits in json's hue.
QColor colourOf(const QString &module)
{
    const QString package = module.section(QLatin1Char('.'), 0, 0).section(QLatin1Char('/'), 0, 0);
    return QColor::fromHsv(int(qHash(package) % 360), 90, 235);
}

} // namespace

IcicleView::IcicleView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("importProfileIcicle"));
    setMouseTracking(true);
    setMinimumHeight(120);
}

void IcicleView::setProfile(const ImportProfile &profile)
{
    m_layout = IcicleLayout::of(profile);
    updateGeometry();
    update();
}

int IcicleView::rowHeight() const
{
    return fontMetrics().height() + 6;
}

QSize IcicleView::sizeHint() const
{
    return {600, std::max(120, m_layout.depthCount * rowHeight())};
}

QRectF IcicleView::rectOf(const IcicleLayout::Box &box) const
{
    return {box.start * width(), double(box.depth * rowHeight()), box.width * width(), double(rowHeight() - 1)};
}

void IcicleView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (m_layout.boxes.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No import profile yet"));
        return;
    }
    for (const IcicleLayout::Box &box : m_layout.boxes) {
        const QRectF r = rectOf(box);
        if (r.width() < 1)
            continue;
        p.fillRect(r.adjusted(0, 0, -1, 0), colourOf(box.module));
        if (r.width() > 24) {
            p.setPen(Qt::black);
            const QString text = fontMetrics().elidedText(box.module, Qt::ElideRight, int(r.width()) - 6);
            p.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
        }
    }
}

bool IcicleView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int depth = help->pos().y() / rowHeight();
        const int i = width() > 0 ? m_layout.boxAt(double(help->pos().x()) / width(), depth) : -1;
        if (i < 0) {
            QToolTip::hideText();
        } else {
            const IcicleLayout::Box &b = m_layout.boxes.at(i);
            QToolTip::showText(help->globalPos(),
                               tr("%1\n%2 ms with what it imported (%3 %), %4 ms its own")
                                   .arg(b.module)
                                   .arg(double(b.cumulativeUs) / 1000.0, 0, 'f', 2)
                                   .arg(b.width * 100.0, 0, 'f', 1)
                                   .arg(double(b.selfUs) / 1000.0, 0, 'f', 2),
                               this);
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace fn
