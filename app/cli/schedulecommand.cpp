#include "clicommand.h"

#include "triggers/scheduleexpression.h"

#include <QCommandLineParser>

#include <cstdio>

namespace fn::cli {

namespace {

// ISO 8601; a time without a zone is read as UTC, since every schedule is in UTC.
QDateTime parseTime(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = QDateTime(date, QTime(0, 0), Qt::UTC);
    }
    if (time.isValid() && time.timeSpec() == Qt::LocalTime)
        time = QDateTime(time.date(), time.time(), Qt::UTC);
    return time.toUTC();
}

} // namespace

int schedule(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("schedule next EXPRESSION: the next fire times of an EventBridge schedule expression, "
                       "rate(value unit) or cron(minutes hours day-of-month month day-of-week year), one per line "
                       "in ISO 8601 UTC. A rate counts from --from."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("next"), QStringLiteral("the action (only `next` for now)"));
    parser.addPositionalArgument(QStringLiteral("EXPRESSION"), QStringLiteral("e.g. \"cron(0 9 ? * MON-FRI *)\""));
    const QCommandLineOption fromOpt(QStringLiteral("from"),
                                     QStringLiteral("start after this time (ISO 8601, UTC unless a zone is given; "
                                                    "default: now)"),
                                     QStringLiteral("TIME"));
    const QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("how many fire times (default 5)"),
                                      QStringLiteral("N"), QStringLiteral("5"));
    parser.addOptions({fromOpt, countOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty() || positional.constFirst() != QLatin1String("next") || positional.size() < 2) {
        error(QStringLiteral("usage: schedule next EXPRESSION [--from ISO-8601-TIME] [--count N]"));
        return 2;
    }
    positional.removeFirst();
    // Unquoted words are joined back, so `schedule next rate\(5 minutes\)` works too.
    const QString text = positional.join(QLatin1Char(' '));

    bool ok = false;
    const int count = parser.value(countOpt).toInt(&ok);
    if (!ok || count < 1 || count > 100000) {
        error(QStringLiteral("--count must be a whole number from 1 to 100000, not '%1'").arg(parser.value(countOpt)));
        return 2;
    }
    QDateTime from = QDateTime::currentDateTimeUtc();
    if (parser.isSet(fromOpt)) {
        from = parseTime(parser.value(fromOpt));
        if (!from.isValid()) {
            error(QStringLiteral("--from must be an ISO 8601 time such as 2026-01-05T09:00:00Z, not '%1'")
                      .arg(parser.value(fromOpt)));
            return 2;
        }
    }

    QString message;
    const auto expression = ScheduleExpression::parse(text, &message);
    if (!expression) {
        error(message);
        return 2;
    }
    const QList<QDateTime> times = expression->next(count, from);
    for (const QDateTime &t : times)
        std::printf("%s\n", t.toString(Qt::ISODate).toLatin1().constData());
    std::fflush(stdout);
    // Fewer than asked means the expression's years have run out; say so rather than end silently.
    if (times.size() < count)
        error(QStringLiteral("%1 has no fire times after %2")
                  .arg(expression->text(), (times.isEmpty() ? from : times.constLast()).toString(Qt::ISODate)));
    return 0;
}

} // namespace fn::cli
