#include "scheduler/scheduleform.h"

#include "scheduler/schedulemodel.h"
#include "triggers/scheduleexpression.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>

namespace fn {

ScheduleForm::ScheduleForm(QWidget *parent)
    : QWidget(parent)
    , m_now([] { return QDateTime::currentDateTimeUtc(); })
    , m_function(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_expression(new QLineEdit(this))
    , m_enabled(new QCheckBox(tr("Enabled"), this))
    , m_preview(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_add(new QPushButton(tr("Add to template.yaml"), this))
{
    m_function->setObjectName(QStringLiteral("scheduleFunction"));
    m_name->setObjectName(QStringLiteral("scheduleName"));
    m_expression->setObjectName(QStringLiteral("scheduleExpression"));
    m_expression->setPlaceholderText(tr("rate(5 minutes) or cron(0 9 ? * MON-FRI *)"));
    m_enabled->setChecked(true);
    m_preview->setObjectName(QStringLiteral("schedulePreview"));
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setObjectName(QStringLiteral("scheduleProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::RichText);
    m_add->setObjectName(QStringLiteral("scheduleAdd"));
    auto *cancel = new QPushButton(tr("Cancel"), this);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Function:"), m_function);
    form->addRow(tr("Event name:"), m_name);
    form->addRow(tr("Expression (UTC):"), m_expression);
    form->addRow(QString(), m_enabled);
    form->addRow(tr("Next fires:"), m_preview);
    form->addRow(QString(), m_problem);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(cancel);
    buttons->addWidget(m_add);
    form->addRow(buttons);

    connect(m_expression, &QLineEdit::textChanged, this, &ScheduleForm::updatePreview);
    connect(m_name, &QLineEdit::textChanged, this, &ScheduleForm::updatePreview);
    connect(m_function, &QComboBox::currentTextChanged, this, &ScheduleForm::updatePreview);
    connect(m_add, &QPushButton::clicked, this, [this] {
        updatePreview();
        if (!m_problemText.isEmpty())
            return;
        if (m_editing)
            Q_EMIT editRequested(m_function->currentText(), m_name->text().trimmed(), m_expression->text().trimmed());
        else
            Q_EMIT addRequested(m_function->currentText(), m_name->text().trimmed(), m_expression->text().trimmed(),
                                m_enabled->isChecked());
    });
    connect(cancel, &QPushButton::clicked, this, &ScheduleForm::cancelled);
    updatePreview();
}

void ScheduleForm::setFunctions(const QStringList &functions, const QString &current)
{
    const QString keep = current.isEmpty() ? m_function->currentText() : current;
    m_function->clear();
    m_function->addItems(functions);
    if (functions.contains(keep))
        m_function->setCurrentText(keep);
}

void ScheduleForm::setNameCheck(std::function<QString(const QString &, const QString &)> check)
{
    m_nameCheck = std::move(check);
    updatePreview();
}

void ScheduleForm::setEditing(bool editing)
{
    m_editing = editing;
    m_function->setEnabled(!editing);
    m_name->setReadOnly(editing);
    m_enabled->setVisible(!editing);
    m_add->setText(editing ? tr("Save to template.yaml") : tr("Add to template.yaml"));
}

void ScheduleForm::beginEdit(const QString &function, const QString &eventId, const QString &expression)
{
    setEditing(true);
    m_function->setCurrentText(function);
    m_name->setText(eventId);
    m_expression->setText(expression);
    m_expression->setFocus();
    updatePreview();
}

void ScheduleForm::begin(const QString &function)
{
    setEditing(false);
    if (!function.isEmpty())
        m_function->setCurrentText(function);
    QString name = QStringLiteral("Schedule");
    for (int n = 2; m_nameCheck && !m_nameCheck(m_function->currentText(), name).isEmpty() && n < 100; ++n)
        name = QStringLiteral("Schedule%1").arg(n);
    m_name->setText(name);
    m_expression->setText(QStringLiteral("rate(5 minutes)"));
    m_enabled->setChecked(true);
    m_expression->setFocus();
    m_expression->selectAll();
    updatePreview();
}

QString ScheduleForm::markedExpression(const QString &expression, const QString &error)
{
    static const QRegularExpression fieldNumber(QStringLiteral("field (\\d) \\("));
    const QRegularExpressionMatch m = fieldNumber.match(error);
    const QString text = expression.trimmed();
    const qsizetype open = text.indexOf(u'(');
    if (!m.hasMatch() || open < 0)
        return text.toHtmlEscaped();
    const int wanted = m.captured(1).toInt();
    // The fields are the whitespace-separated words inside the parentheses.
    int field = 0;
    qsizetype i = open + 1;
    const qsizetype end = text.endsWith(u')') ? text.size() - 1 : text.size();
    while (i < end) {
        while (i < end && text.at(i).isSpace())
            ++i;
        const qsizetype start = i;
        while (i < end && !text.at(i).isSpace())
            ++i;
        if (start < i && ++field == wanted) {
            return text.left(start).toHtmlEscaped() + QStringLiteral("<b><u><span style=\"color:#c00000\">")
                   + text.mid(start, i - start).toHtmlEscaped() + QStringLiteral("</span></u></b>")
                   + text.mid(i).toHtmlEscaped();
        }
    }
    return text.toHtmlEscaped();
}

void ScheduleForm::updatePreview()
{
    m_times.clear();
    QString problem;
    QString marked;
    const QString expressionText = m_expression->text().trimmed();
    if (m_function->currentText().isEmpty()) {
        problem = tr("The project has no function to schedule.");
    } else if (expressionText.isEmpty()) {
        problem = tr("Type a schedule expression.");
    } else {
        QString error;
        const std::optional<ScheduleExpression> expression = ScheduleExpression::parse(expressionText, &error);
        if (!expression) {
            problem = error;
            marked = markedExpression(expressionText, error);
        } else {
            m_times = expression->next(PreviewCount, m_now().toUTC());
            if (m_times.isEmpty())
                problem = tr("This expression never fires again.");
        }
    }
    if (problem.isEmpty() && m_nameCheck && !m_editing)
        problem = m_nameCheck(m_function->currentText(), m_name->text().trimmed());

    QStringList lines;
    for (const QDateTime &t : std::as_const(m_times))
        lines.append(ScheduleModel::timeText(t));
    m_preview->setText(lines.isEmpty() ? tr("—") : lines.join(u'\n'));
    m_problemText = problem;
    m_problem->setText(problem.isEmpty() ? QString()
                                         : QStringLiteral("<span style=\"color:#c00000\">%1</span>%2")
                                               .arg(problem.toHtmlEscaped(),
                                                    marked.isEmpty() ? QString() : QStringLiteral("<br/>") + marked));
    m_problem->setVisible(!problem.isEmpty());
    // The expression field itself says it is wrong, next to where it is typed.
    const bool expressionBad = !m_function->currentText().isEmpty() && m_times.isEmpty();
    m_expression->setStyleSheet(expressionBad ? QStringLiteral("QLineEdit { border: 1px solid #c00000; }") : QString());
    m_expression->setToolTip(problem);
    m_add->setEnabled(problem.isEmpty());
}

} // namespace fn
