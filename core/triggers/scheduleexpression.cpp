#include "scheduleexpression.h"

#include <QStringList>

namespace fn {

namespace {

// `rate(value unit)`: the period in seconds, or 0 after setting *error.
qint64 parseRate(const QString &inner, QString *error)
{
    const QStringList parts = inner.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.size() != 2) {
        *error = QStringLiteral("a rate is rate(value unit), such as rate(5 minutes) or rate(1 day)");
        return 0;
    }
    bool ok = false;
    const qint64 value = parts[0].toLongLong(&ok);
    if (!ok || value < 1 || parts[0].startsWith(QLatin1Char('+'))) {
        *error = QStringLiteral("the value must be a whole number of at least 1, not \"%1\"").arg(parts[0]);
        return 0;
    }
    const QString unit = parts[1];
    struct Unit
    {
        const char *singular;
        const char *plural;
        qint64 seconds;
    };
    static constexpr Unit units[] = {{"minute", "minutes", 60}, {"hour", "hours", 3600}, {"day", "days", 86400}};
    for (const Unit &u : units) {
        const QLatin1String singular(u.singular);
        const QLatin1String plural(u.plural);
        if (unit != singular && unit != plural)
            continue;
        // EventBridge is strict about grammar: 1 takes the singular, anything else the plural.
        if (value == 1 && unit == plural) {
            *error = QStringLiteral("use the singular unit \"%1\" for the value 1").arg(singular);
            return 0;
        }
        if (value != 1 && unit == singular) {
            *error = QStringLiteral("use the plural unit \"%1\" for a value other than 1").arg(plural);
            return 0;
        }
        // Beyond this the period overflows any date Qt can show; no real schedule comes near it.
        if (value > 100'000'000) {
            *error = QStringLiteral("the value %1 is too large").arg(value);
            return 0;
        }
        return value * u.seconds;
    }
    *error = QStringLiteral("the unit must be minute, minutes, hour, hours, day or days, not \"%1\"").arg(unit);
    return 0;
}

} // namespace

std::optional<ScheduleExpression> ScheduleExpression::parse(const QString &text, QString *error)
{
    QString message;
    const QString trimmed = text.trimmed();
    auto failed = [&](const QString &why) -> std::optional<ScheduleExpression> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(trimmed, why);
        return std::nullopt;
    };
    const bool isRate = trimmed.startsWith(QLatin1String("rate("));
    const bool isCron = trimmed.startsWith(QLatin1String("cron("));
    if (!isRate && !isCron)
        return failed(QStringLiteral("a schedule expression is rate(value unit) or cron(minutes hours day-of-month "
                                     "month day-of-week year)"));
    if (!trimmed.endsWith(QLatin1Char(')')))
        return failed(QStringLiteral("the closing parenthesis is missing"));
    const QString inner = trimmed.mid(5, trimmed.size() - 6);

    ScheduleExpression expression(isRate ? Kind::Rate : Kind::Cron, trimmed);
    if (isRate) {
        expression.m_rateSeconds = parseRate(inner, &message);
        if (expression.m_rateSeconds == 0)
            return failed(message);
    } else {
        expression.m_cron = CronExpression::parse(inner, &message);
        if (!expression.m_cron)
            return failed(message);
    }
    return expression;
}

QDateTime ScheduleExpression::nextAfter(const QDateTime &after, const QDateTime &rateStart) const
{
    if (m_kind == Kind::Cron)
        return m_cron->nextAfter(after);
    const QDateTime start = (rateStart.isValid() ? rateStart : after).toUTC();
    const QDateTime from = after.toUTC();
    if (from < start)
        return start;
    // The first start + k·period strictly after `from`.
    const qint64 elapsed = start.secsTo(from);
    const qint64 periods = elapsed / m_rateSeconds + 1;
    return start.addSecs(periods * m_rateSeconds);
}

QList<QDateTime> ScheduleExpression::next(int count, const QDateTime &from, const QDateTime &rateStart) const
{
    QList<QDateTime> times;
    const QDateTime start = rateStart.isValid() ? rateStart : from;
    QDateTime t = from;
    while (times.size() < count) {
        t = nextAfter(t, start);
        if (!t.isValid())
            break;
        times.append(t);
    }
    return times;
}

} // namespace fn
