// EventBridge schedule expressions: the times they fire and the messages for the ones EventBridge refuses.

#include "triggers/scheduledevent.h"
#include "triggers/scheduleexpression.h"

#include <QStandardPaths>
#include <QTest>
#include <QUuid>

using namespace fn;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QLatin1String(iso), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

QString str(const nlohmann::json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

QStringList iso(const QList<QDateTime> &times)
{
    QStringList out;
    for (const QDateTime &t : times)
        out << t.toString(Qt::ISODate);
    return out;
}

} // namespace

class TestScheduleExpression final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void nextFireTimes_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QStringList>("expected"); // the count asked for is expected.size(), or 3 when empty

        auto row = [](const char *name, const char *expr, const char *from, std::initializer_list<const char *> times) {
            QStringList expected;
            for (const char *t : times)
                expected << QString::fromLatin1(t);
            QTest::newRow(name) << QString::fromUtf8(expr) << QString::fromUtf8(from) << expected;
        };
        // Plain values, names, lists.
        row("daily 10:15, strictly after", "cron(15 10 * * ? *)", "2026-01-01T10:15:00",
            {"2026-01-02T10:15:00Z", "2026-01-03T10:15:00Z"});
        row("seconds are ignored", "cron(0 10 * * ? *)", "2026-01-01T09:59:59.999",
            {"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"});
        row("Mondays 9:00", "cron(0 9 ? * MON *)", "2026-01-01T00:00:00",
            {"2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z", "2026-01-19T09:00:00Z"});
        row("weekdays 18:00 (MON-FRI)", "cron(0 18 ? * MON-FRI *)", "2026-01-02T18:00:00",
            {"2026-01-05T18:00:00Z", "2026-01-06T18:00:00Z"});
        row("weekends by number (1 = Sunday)", "cron(0 0 ? * 1,7 *)", "2026-01-01T00:00:00",
            {"2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z"});
        row("lower-case names", "cron(0 0 ? jan mon *)", "2026-01-20T00:00:00",
            {"2026-01-26T00:00:00Z", "2027-01-04T00:00:00Z"});
        row("month names list", "cron(0 0 1 JAN,JUL ? *)", "2026-01-01T00:00:00",
            {"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"});

        // Steps.
        row("0/15 minutes", "cron(0/15 * * * ? *)", "2026-01-01T00:07:00",
            {"2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"});
        row("10-40/10 minutes", "cron(10-40/10 9 * * ? *)", "2026-01-01T00:00:00",
            {"2026-01-01T09:10:00Z", "2026-01-01T09:20:00Z", "2026-01-01T09:30:00Z", "2026-01-01T09:40:00Z",
             "2026-01-02T09:10:00Z"});
        row("*/20 minutes of */6 hours", "cron(*/20 */6 * * ? *)", "2026-01-01T05:50:00",
            {"2026-01-01T06:00:00Z", "2026-01-01T06:20:00Z", "2026-01-01T06:40:00Z", "2026-01-01T12:00:00Z"});
        row("1/10 days skip February's missing 31st", "cron(0 0 1/10 * ? *)", "2026-02-01T00:00:00",
            {"2026-02-11T00:00:00Z", "2026-02-21T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-11T00:00:00Z"});
        row("years 2030/5", "cron(0 0 1 1 ? 2030/5)", "2026-06-01T00:00:00",
            {"2030-01-01T00:00:00Z", "2035-01-01T00:00:00Z", "2040-01-01T00:00:00Z"});

        // Ranges that wrap past the end of the field.
        row("hours 22-1 wrap midnight", "cron(0 22-1 * * ? *)", "2026-01-01T21:00:00",
            {"2026-01-01T22:00:00Z", "2026-01-01T23:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z",
             "2026-01-02T22:00:00Z"});
        row("days FRI-MON wrap the week", "cron(0 12 ? * FRI-MON *)", "2026-01-01T00:00:00",
            {"2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z", "2026-01-04T12:00:00Z", "2026-01-05T12:00:00Z",
             "2026-01-09T12:00:00Z"});
        row("minutes 50-10/10 wrap the hour", "cron(50-10/10 * * * ? *)", "2026-01-01T00:00:00",
            {"2026-01-01T00:10:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:00:00Z", "2026-01-01T01:10:00Z"});
        row("months NOV-FEB wrap the year", "cron(0 0 1 NOV-FEB ? *)", "2026-03-01T00:00:00",
            {"2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z",
             "2027-11-01T00:00:00Z"});

        // Month ends and leap years.
        row("day 31 skips short months", "cron(0 0 31 * ? *)", "2026-01-31T00:00:00",
            {"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"});
        row("29 February only in leap years", "cron(0 0 29 2 ? *)", "2026-01-01T00:00:00",
            {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"});
        row("2100 is not a leap year", "cron(0 0 29 2 ? 2096-2104)", "2096-03-01T00:00:00", {"2104-02-29T00:00:00Z"});

        // L, W and #.
        row("L: last day of each month", "cron(0 0 L * ? *)", "2026-01-15T00:00:00",
            {"2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"});
        row("L in February of a leap year", "cron(30 23 L 2 ? *)", "2027-03-01T00:00:00",
            {"2028-02-29T23:30:00Z", "2029-02-28T23:30:00Z"});
        row("LW: last weekday of the month", "cron(0 0 LW * ? *)", "2026-01-01T00:00:00",
            {"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z"});
        row("L in day-of-week is Saturday", "cron(0 0 ? * L *)", "2026-01-01T00:00:00",
            {"2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z"});
        row("6L: last Friday, until the years end", "cron(15 10 ? * 6L 2019-2022)", "2022-10-01T00:00:00",
            {"2022-10-28T10:15:00Z", "2022-11-25T10:15:00Z", "2022-12-30T10:15:00Z"});
        row("1W: Saturday the 1st moves to Monday the 3rd", "cron(0 8 1W * ? 2026)", "2026-07-15T00:00:00",
            {"2026-08-03T08:00:00Z", "2026-09-01T08:00:00Z", "2026-10-01T08:00:00Z"});
        row("1W: Sunday the 1st moves to Monday the 2nd", "cron(0 8 1W * ? *)", "2026-01-15T00:00:00",
            {"2026-02-02T08:00:00Z", "2026-03-02T08:00:00Z", "2026-04-01T08:00:00Z"});
        row("15W: Saturday moves back to Friday", "cron(0 0 15W 8 ? 2026)", "2026-01-01T00:00:00",
            {"2026-08-14T00:00:00Z"});
        row("31W: Sunday the 31st moves back to Friday, 30-day months never fire", "cron(0 0 31W * ? *)",
            "2026-04-01T00:00:00", {"2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"});
        row("3#2: second Tuesday", "cron(0 9 ? * 3#2 *)", "2026-01-01T00:00:00",
            {"2026-01-13T09:00:00Z", "2026-02-10T09:00:00Z", "2026-03-10T09:00:00Z"});
        row("2#1: first Monday", "cron(0 9 ? * 2#1 *)", "2026-01-01T00:00:00",
            {"2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z"});
        row("THU#5: only months with five Thursdays", "cron(0 9 ? * THU#5 *)", "2026-01-01T00:00:00",
            {"2026-01-29T09:00:00Z", "2026-04-30T09:00:00Z", "2026-07-30T09:00:00Z"});

        // Years that have run out: no more fire times, an empty list.
        row("years already past: none", "cron(0 0 1 1 ? 2020-2022)", "2026-01-01T00:00:00", {});
        row("the last minute EventBridge knows", "cron(59 23 31 12 ? 2199)", "2199-12-31T23:58:00",
            {"2199-12-31T23:59:00Z"});
        row("before 1970 starts at 1970", "cron(0 0 1 1 ? *)", "1960-05-01T00:00:00",
            {"1970-01-01T00:00:00Z", "1971-01-01T00:00:00Z"});

        // Rates count from the start (here the `from` time).
        row("rate(5 minutes)", "rate(5 minutes)", "2026-01-05T09:00:00",
            {"2026-01-05T09:05:00Z", "2026-01-05T09:10:00Z", "2026-01-05T09:15:00Z"});
        row("rate(1 hour)", "rate(1 hour)", "2026-01-05T09:30:00", {"2026-01-05T10:30:00Z", "2026-01-05T11:30:00Z"});
        row("rate(1 day)", "rate(1 day)", "2026-02-28T12:00:00", {"2026-03-01T12:00:00Z", "2026-03-02T12:00:00Z"});
        row("rate(2 days)", "rate(2 days)", "2026-01-01T00:00:00", {"2026-01-03T00:00:00Z", "2026-01-05T00:00:00Z"});
        row("rate(1 minute) with spaces around", "  rate( 1  minute )  ", "2026-01-01T00:00:00",
            {"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"});
    }

    void nextFireTimes()
    {
        QFETCH(QString, expression);
        QFETCH(QString, from);
        QFETCH(QStringList, expected);
        QString error;
        const auto schedule = ScheduleExpression::parse(expression, &error);
        QVERIFY2(schedule, qPrintable(error));
        const int count = expected.isEmpty() ? 3 : int(expected.size());
        // Asking for more than remain gives only those that remain (none at all once the years are over).
        const QStringList got = iso(schedule->next(expected.size() == 1 ? 3 : count, utc(from.toLatin1())));
        QCOMPARE(got, expected);
        if (expected.isEmpty())
            QVERIFY(!schedule->nextAfter(utc(from.toLatin1())).isValid());
    }

    void rateCountsFromItsStart()
    {
        const auto rate = ScheduleExpression::parse(QStringLiteral("rate(5 minutes)"));
        QVERIFY(rate);
        QCOMPARE(rate->kind(), ScheduleExpression::Kind::Rate);
        QCOMPARE(rate->rateSeconds(), 300);
        const QDateTime created = utc("2026-01-05T10:00:30");
        QCOMPARE(rate->nextAfter(utc("2026-01-05T10:07:00"), created), utc("2026-01-05T10:10:30"));
        QCOMPARE(rate->nextAfter(utc("2026-01-05T10:10:30"), created), utc("2026-01-05T10:15:30"));
        // Asked about a time before the schedule began: its start.
        QCOMPARE(rate->nextAfter(utc("2026-01-05T09:00:00"), created), created);
        QCOMPARE(iso(rate->next(2, utc("2026-01-05T10:07:00"), created)),
                 (QStringList{QStringLiteral("2026-01-05T10:10:30Z"), QStringLiteral("2026-01-05T10:15:30Z")}));
    }

    void cronIgnoresTheRateStart()
    {
        const auto cron = ScheduleExpression::parse(QStringLiteral("cron(0 * * * ? *)"));
        QVERIFY(cron);
        QCOMPARE(cron->kind(), ScheduleExpression::Kind::Cron);
        QCOMPARE(cron->nextAfter(utc("2026-01-05T10:07:00"), utc("2026-01-05T10:05:00")), utc("2026-01-05T11:00:00"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        auto row = [](const char *expr, const char *message) {
            QTest::newRow(expr) << QString::fromUtf8(expr) << QString::fromUtf8(message);
        };
        row("every 5 minutes", "every 5 minutes: a schedule expression is rate(value unit) or cron(minutes hours "
                               "day-of-month month day-of-week year)");
        row("rate(5 minutes", "rate(5 minutes: the closing parenthesis is missing");
        row("rate(5)", "rate(5): a rate is rate(value unit), such as rate(5 minutes) or rate(1 day)");
        row("rate(0 minutes)", "rate(0 minutes): the value must be a whole number of at least 1, not \"0\"");
        row("rate(-2 minutes)", "rate(-2 minutes): the value must be a whole number of at least 1, not \"-2\"");
        row("rate(1.5 hours)", "rate(1.5 hours): the value must be a whole number of at least 1, not \"1.5\"");
        row("rate(1 hours)", "rate(1 hours): use the singular unit \"hour\" for the value 1");
        row("rate(5 hour)", "rate(5 hour): use the plural unit \"hours\" for a value other than 1");
        row("rate(1 minutes)", "rate(1 minutes): use the singular unit \"minute\" for the value 1");
        row("rate(2 day)", "rate(2 day): use the plural unit \"days\" for a value other than 1");
        row("rate(5 seconds)",
            "rate(5 seconds): the unit must be minute, minutes, hour, hours, day or days, not \"seconds\"");
        row("rate(2 weeks)",
            "rate(2 weeks): the unit must be minute, minutes, hour, hours, day or days, not \"weeks\"");
        row("cron(0 10 * * ?)", "cron(0 10 * * ?): 5 fields; a cron expression needs 6 (minutes hours day-of-month "
                                "month day-of-week year)");
        row("cron(0 10 * * ? * *)", "cron(0 10 * * ? * *): 7 fields; a cron expression needs 6 (minutes hours "
                                    "day-of-month month day-of-week year)");
        row("cron(60 * * * ? *)", "cron(60 * * * ? *): field 1 (minutes): 60 is outside 0–59");
        row("cron(0 25 * * ? *)", "cron(0 25 * * ? *): field 2 (hours): 25 is outside 0–23");
        row("cron(0 0 32 * ? *)", "cron(0 0 32 * ? *): field 3 (day-of-month): 32 is outside 1–31");
        row("cron(0 0 0 * ? *)", "cron(0 0 0 * ? *): field 3 (day-of-month): 0 is outside 1–31");
        row("cron(0 0 1 13 ? *)", "cron(0 0 1 13 ? *): field 4 (month): 13 is outside 1–12");
        row("cron(0 0 ? * 8 *)", "cron(0 0 ? * 8 *): field 5 (day-of-week): 8 is outside 1–7");
        row("cron(0 0 ? * 0 *)", "cron(0 0 ? * 0 *): field 5 (day-of-week): 0 is outside 1–7");
        row("cron(0 0 1 1 ? 2200)", "cron(0 0 1 1 ? 2200): field 6 (year): 2200 is outside 1970–2199");
        row("cron(0 0 1 1 ? 1969)", "cron(0 0 1 1 ? 1969): field 6 (year): 1969 is outside 1970–2199");
        row("cron(x 0 * * ? *)", "cron(x 0 * * ? *): field 1 (minutes): \"x\" is not a number");
        row("cron(0 0 1 FOO ? *)", "cron(0 0 1 FOO ? *): field 4 (month): \"FOO\" is not a month (1–12 or JAN–DEC)");
        row("cron(0 0 ? * FUN *)", "cron(0 0 ? * FUN *): field 5 (day-of-week): \"FUN\" is not a day of the week "
                                   "(1–7 or SUN–SAT, 1 = Sunday)");
        row("cron(0 L * * ? *)",
            "cron(0 L * * ? *): field 2 (hours): \"L\" is not allowed here (this field takes digits and , - * /)");
        row("cron(0 0 ? * MON/2 *)", "cron(0 0 ? * MON/2 *): field 5 (day-of-week): \"/\" is not allowed here (this "
                                     "field takes digits, names and , - * ? L #)");
        row("cron(0 0 1# * ? *)", "cron(0 0 1# * ? *): field 3 (day-of-month): \"#\" is not allowed here (this field "
                                  "takes digits and , - * ? / L W)");
        row("cron(? 0 * * ? *)", "cron(? 0 * * ? *): field 1 (minutes): \"?\" is not allowed here (this field takes "
                                 "digits and , - * /)");
        row("cron(0/0 * * * ? *)",
            "cron(0/0 * * * ? *): field 1 (minutes): the increment in \"0/0\" must be at least 1");
        row("cron(0/x * * * ? *)",
            "cron(0/x * * * ? *): field 1 (minutes): the increment in \"0/x\" must be a whole number");
        row("cron(0/61 * * * ? *)", "cron(0/61 * * * ? *): field 1 (minutes): the increment 61 in \"0/61\" is larger "
                                    "than the field's range 0–59");
        row("cron(0 0 1,,2 * ? *)", "cron(0 0 1,,2 * ? *): field 3 (day-of-month): a value is missing");
        row("cron(0 0-25 * * ? *)", "cron(0 0-25 * * ? *): field 2 (hours): 25 is outside 0–23");
        row("cron(0 0 1 1 ? 2030-2020)",
            "cron(0 0 1 1 ? 2030-2020): field 6 (year): the range 2030-2020 runs backwards; years do not wrap");
        row("cron(0 0 1-5W * ? *)",
            "cron(0 0 1-5W * ? *): field 3 (day-of-month): \"1-5W\": W takes a single day, as in 3W");
        row("cron(0 0 32W * ? *)", "cron(0 0 32W * ? *): field 3 (day-of-month): 32 is outside 1–31");
        row("cron(0 0 L-2 * ? *)",
            "cron(0 0 L-2 * ? *): field 3 (day-of-month): \"L-2\": L and W are used as L, LW or nW (such as 3W)");
        row("cron(0 0 ?,1 * ? *)", "cron(0 0 ?,1 * ? *): field 3 (day-of-month): \"?\" must stand alone in the field");
        row("cron(0 0 ? * 3#1,6#3 *)", "cron(0 0 ? * 3#1,6#3 *): field 5 (day-of-week): \"3#1,6#3\": only one # "
                                       "expression is allowed, alone in the field");
        row("cron(0 0 ? * 3#6 *)",
            "cron(0 0 ? * 3#6 *): field 5 (day-of-week): \"3#6\": the occurrence after # must be 1–5");
        row("cron(0 0 ? * 8L *)", "cron(0 0 ? * 8L *): field 5 (day-of-week): 8 is outside 1–7");
        row("cron(0 0 * * * *)", "cron(0 0 * * * *): fields 3 and 5: one of day-of-month and day-of-week must be ? "
                                 "(EventBridge does not combine the two)");
        row("cron(0 0 1 * MON *)", "cron(0 0 1 * MON *): fields 3 and 5: one of day-of-month and day-of-week must be "
                                   "? (EventBridge does not combine the two)");
        row("cron(0 0 ? * ? *)", "cron(0 0 ? * ? *): fields 3 and 5: day-of-month and day-of-week cannot both be ?; "
                                 "one of them must say which days");
    }

    void errors()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!ScheduleExpression::parse(expression, &error));
        QCOMPARE(error, message);
    }

    void scheduledEventShape()
    {
        const nlohmann::json event = scheduledEvent(QStringLiteral("nightly"), utc("2026-01-05T09:00:00.250"));
        QCOMPARE(str(event.at("version")), QStringLiteral("0"));
        QCOMPARE(str(event.at("detail-type")), QStringLiteral("Scheduled Event"));
        QCOMPARE(str(event.at("source")), QStringLiteral("aws.events"));
        QCOMPARE(str(event.at("account")), QStringLiteral("123456789012"));
        QCOMPARE(str(event.at("region")), QStringLiteral("us-east-1"));
        QCOMPARE(str(event.at("time")), QStringLiteral("2026-01-05T09:00:00Z"));
        QCOMPARE(event.at("resources").size(), size_t(1));
        QCOMPARE(str(event.at("resources").at(0)),
                 QStringLiteral("arn:aws:events:us-east-1:123456789012:rule/nightly"));
        QVERIFY(event.at("detail").is_object() && event.at("detail").empty());
        // Each delivery has its own UUID.
        const QString id = QString::fromStdString(event.at("id").get<std::string>());
        QCOMPARE(id.size(), 36);
        QVERIFY(QUuid::fromString(id).version() == QUuid::Random);
        QVERIFY(scheduledEvent(QStringLiteral("nightly"), utc("2026-01-05T09:00:00")).at("id") != event.at("id"));

        ScheduledEventOptions options;
        options.account.region = QStringLiteral("eu-west-1");
        options.account.accountId = QStringLiteral("111122223333");
        options.id = QStringLiteral("fixed");
        const nlohmann::json other = scheduledEvent(QStringLiteral("r"), utc("2026-01-05T09:00:00"), options);
        QCOMPARE(str(other.at("id")), QStringLiteral("fixed"));
        QCOMPARE(str(other.at("resources").at(0)), QStringLiteral("arn:aws:events:eu-west-1:111122223333:rule/r"));
    }
};

QTEST_GUILESS_MAIN(TestScheduleExpression)
#include "tst_scheduleexpression.moc"
