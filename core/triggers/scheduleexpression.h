#pragma once
// An EventBridge schedule expression, `rate(value unit)` or `cron(…)`, validated as EventBridge does and
// able to list the times it fires, in UTC.

#include "cronexpression.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace fn {

class ScheduleExpression final
{
public:
    enum class Kind { Rate, Cron };

    // Parses `rate(…)` or `cron(…)`. On failure returns nullopt and sets *error to a message that starts
    // with the expression and names the field: `cron(0 25 * * ? *): field 2 (hours): 25 is outside 0–23`.
    static std::optional<ScheduleExpression> parse(const QString &text, QString *error = nullptr);

    Kind kind() const { return m_kind; }
    QString text() const { return m_text; }
    // A rate's period in seconds; 0 for cron.
    qint64 rateSeconds() const { return m_rateSeconds; }

    // The first fire time strictly after `after`, or an invalid QDateTime when there is none (a cron
    // expression whose years have run out). A rate fires every period counted from `rateStart` (the time
    // the schedule was created or enabled); when rateStart is invalid it counts from `after`. Cron ignores it.
    QDateTime nextAfter(const QDateTime &after, const QDateTime &rateStart = QDateTime()) const;

    // Up to `count` fire times after `from`, in order; fewer (possibly none) when the schedule ends.
    QList<QDateTime> next(int count, const QDateTime &from, const QDateTime &rateStart = QDateTime()) const;

private:
    ScheduleExpression(Kind kind, QString text)
        : m_kind(kind)
        , m_text(std::move(text))
    {
    }

    Kind m_kind;
    QString m_text;
    qint64 m_rateSeconds = 0;
    std::optional<CronExpression> m_cron;
};

} // namespace fn
