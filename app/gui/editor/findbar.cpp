#include "editor/findbar.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace fn {

FindBar::FindBar(QWidget *parent)
    : QWidget(parent)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_replaceRow(new QWidget(this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_regex(new QCheckBox(tr("Regular expression"), this))
    , m_status(new QLabel(this))
{
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    m_replace->setPlaceholderText(tr("Replace with"));

    auto button = [this](const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    QToolButton *prev = button(tr("Previous"), tr("Find previous (Shift+F3)"));
    QToolButton *next = button(tr("Next"), tr("Find next (F3)"));
    QToolButton *close = button(QStringLiteral("✕"), tr("Close (Esc)"));
    QToolButton *replace = button(tr("Replace"), tr("Replace this match and find the next"));
    QToolButton *replaceAll = button(tr("Replace all"), tr("Replace every match"));

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(4);
    grid->addWidget(m_find, 0, 0);
    grid->addWidget(prev, 0, 1);
    grid->addWidget(next, 0, 2);
    grid->addWidget(m_case, 0, 3);
    grid->addWidget(m_regex, 0, 4);
    grid->addWidget(m_status, 0, 5);
    grid->addWidget(close, 0, 6);
    auto *row = new QHBoxLayout(m_replaceRow);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_replace, 1);
    row->addWidget(replace);
    row->addWidget(replaceAll);
    row->addStretch(1);
    grid->addWidget(m_replaceRow, 1, 0, 1, 7);
    grid->setColumnStretch(0, 2);
    grid->setColumnStretch(5, 1);

    connect(m_find, &QLineEdit::returnPressed, this, [this] { Q_EMIT findRequested(true); });
    connect(m_replace, &QLineEdit::returnPressed, this, &FindBar::replaceRequested);
    connect(prev, &QToolButton::clicked, this, [this] { Q_EMIT findRequested(false); });
    connect(next, &QToolButton::clicked, this, [this] { Q_EMIT findRequested(true); });
    connect(replace, &QToolButton::clicked, this, &FindBar::replaceRequested);
    connect(replaceAll, &QToolButton::clicked, this, &FindBar::replaceAllRequested);
    connect(close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT closed();
    });
    hide();
}

QString FindBar::findText() const
{
    return m_find->text();
}
QString FindBar::replaceText() const
{
    return m_replace->text();
}
bool FindBar::caseSensitive() const
{
    return m_case->isChecked();
}
bool FindBar::regularExpression() const
{
    return m_regex->isChecked();
}
void FindBar::setFindText(const QString &text)
{
    m_find->setText(text);
}
void FindBar::setStatus(const QString &text)
{
    m_status->setText(text);
}

void FindBar::activate(bool withReplace)
{
    m_replaceRow->setVisible(withReplace);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        Q_EMIT closed();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace fn
