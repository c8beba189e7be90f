#pragma once
// Adds events to a function in a SAM template.yaml as text (a Schedule event for the studio's
// Scheduler), so that every byte outside the inserted lines stays as it was.

#include <QByteArray>
#include <QList>
#include <QString>

namespace fn {

class TemplateEventEditor final
{
public:
    bool load(const QString &path);
    // Text already in memory; path is where save() writes.
    void setText(const QByteArray &text, const QString &path = {});
    QByteArray text() const;
    QString path() const { return m_path; }

    // Appends Events/<eventId> {Type: Schedule, Properties: {Schedule: expression[, Enabled: false]}}
    // to the function, creating its Events mapping when it has none, indented as the template is.
    // The expression is written as given: check it with ScheduleExpression::parse first. False,
    // with text() unchanged and errorString() saying why, when the edit cannot be made.
    bool addScheduleEvent(const QString &function, const QString &eventId, const QString &expression,
                          bool enabled = true);
    // Replaces the expression of the function's Schedule (Schedule) or ScheduleV2
    // (ScheduleExpression) event in place, keeping the value's quoting and a trailing comment.
    bool setScheduleExpression(const QString &function, const QString &eventId, const QString &expression);
    // Empty when eventId can name a new event of the function in text(), else why not.
    QString newEventIdProblem(const QString &function, const QString &eventId) const;

    // Writes text() to path() atomically (QSaveFile).
    bool save();
    QString errorString() const { return m_error; }

private:
    struct Line
    {
        QByteArray content; // without the line ending
        QByteArray eol;     // "\n", "\r\n" or empty on a last line without one
    };

    bool fail(const QString &message);
    bool readsBack(const QByteArray &before, const QString &function, const QString &eventId, const QString &key,
                   const QString &expression);
    QByteArray eol() const;
    // One past the last line of the block that starts on firstLine and holds lines indented at
    // least `indent` (blank lines and less-indented comments after it stay outside).
    int blockEnd(int firstLine, int indent) const;
    void insertLines(int at, const QList<QByteArray> &contents);

    QList<Line> m_lines;
    QString m_path;
    QString m_error;
};

} // namespace fn
