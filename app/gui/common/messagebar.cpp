#include "common/messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace fn {

MessageBar::MessageBar(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setText(QStringLiteral("✕"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(8);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    hide();
}

void MessageBar::showMessage(Level level, const QString &text)
{
    m_history.append(text);
    if (!m_pending.contains(text))
        m_pending.append(text);
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QColor tint(0x2f, 0x8f, 0xd8);
    if (level == Level::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        tint = QColor(0xe0, 0x9a, 0x20);
    } else if (level == Level::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        tint = QColor(0xd6, 0x3e, 0x3e);
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
    QPalette pal = palette();
    const QColor base = pal.color(QPalette::Window);
    // Blend by hand: an alpha background on a widget that fills itself would show garbage.
    const QColor mixed =
        QColor::fromRgbF(base.redF() * 0.82f + tint.redF() * 0.18f, base.greenF() * 0.82f + tint.greenF() * 0.18f,
                         base.blueF() * 0.82f + tint.blueF() * 0.18f);
    pal.setColor(QPalette::Window, mixed);
    setPalette(pal);
    const QString more = m_pending.size() > 1 ? tr("  (%1 messages; latest shown)").arg(m_pending.size()) : QString();
    m_text->setText(text + more);
    show();
}

void MessageBar::dismiss()
{
    m_pending.clear();
    hide();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace fn
