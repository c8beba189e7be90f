#pragma once
// Adds events to a function in a SAM template.yaml as text (a Schedule event for the studio's
// Scheduler), so that every byte outside the inserted lines stays as it was.

#include "project/templatetext.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace fn {

class TemplateEventEditor final : public TemplateText
{
public:
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

private:
    bool readsBack(const QByteArray &before, const QString &function, const QString &eventId, const QString &key,
                   const QString &expression);
};

} // namespace fn
