#pragma once
// The Scheduler panel's add form: function, event name, expression and enabled, with the next fire
// times previewed live as the expression is typed and the invalid field marked in the message.

#include <QDateTime>
#include <QList>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace fn {

class ScheduleForm final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int PreviewCount = 5;

    explicit ScheduleForm(QWidget *parent = nullptr);

    // The time previews count from (the studio's clock); the system clock until set.
    void setNow(std::function<QDateTime()> now) { m_now = std::move(now); }
    void setFunctions(const QStringList &functions, const QString &current = {});
    // Empty when the event name can be used, else why not (asked as the name is typed).
    void setNameCheck(std::function<QString(const QString &function, const QString &name)> check);
    // Starts a new schedule for the function with a free name and rate(5 minutes).
    void begin(const QString &function);
    // Edits the expression of an existing schedule (function and name fixed).
    void beginEdit(const QString &function, const QString &eventId, const QString &expression);
    bool isEditing() const { return m_editing; }

    QComboBox *functionCombo() const { return m_function; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *expressionEdit() const { return m_expression; }
    QLabel *previewLabel() const { return m_preview; }
    QLabel *problemLabel() const { return m_problem; }
    QPushButton *addButton() const { return m_add; }

    // The preview's times (empty when the expression is invalid) and the problem shown.
    QList<QDateTime> previewTimes() const { return m_times; }
    QString problem() const { return m_problemText; }

    // The expression as rich text with the field an error names ("field 2 (hours): …") marked.
    static QString markedExpression(const QString &expression, const QString &error);

Q_SIGNALS:
    void addRequested(const QString &function, const QString &eventId, const QString &expression, bool enabled);
    void editRequested(const QString &function, const QString &eventId, const QString &expression);
    void cancelled();

private:
    void updatePreview();
    void setEditing(bool editing);

    std::function<QDateTime()> m_now;
    std::function<QString(const QString &, const QString &)> m_nameCheck;
    QComboBox *m_function;
    QLineEdit *m_name;
    QLineEdit *m_expression;
    QCheckBox *m_enabled;
    QLabel *m_preview;
    QLabel *m_problem;
    QPushButton *m_add;
    QList<QDateTime> m_times;
    QString m_problemText;
    bool m_editing = false;
};

} // namespace fn
