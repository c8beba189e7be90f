#pragma once
// One EventBridge six-field cron expression (minutes hours day-of-month month day-of-week year), parsed
// into sets of allowed values and able to find the next minute, in UTC, that it fires.

#include <QDateTime>
#include <QString>

#include <bitset>
#include <optional>
#include <vector>

namespace fn {

class CronExpression final
{
public:
    // Parses the fields inside `cron( … )`. On failure returns nullopt and sets *error to a message that
    // names the field ("field 2 (hours): 25 is outside 0–23"), without the expression itself.
    static std::optional<CronExpression> parse(const QString &fields, QString *error);

    // The first fire time strictly after `after` (UTC, whole minutes), or an invalid QDateTime when the
    // expression never fires again (its years have run out: the last allowed year is 2199).
    QDateTime nextAfter(const QDateTime &after) const;

    // Whether the expression fires on this calendar day (day-of-month, month, day-of-week, year).
    bool firesOn(const QDate &date) const;

private:
    CronExpression() = default;
    bool dayOfMonthMatches(const QDate &date) const;
    bool dayOfWeekMatches(const QDate &date) const;

    static constexpr int FirstYear = 1970;
    static constexpr int LastYear = 2199;

    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth; // index = day, 1..31
    std::bitset<13> m_months;      // index = month, 1..12
    std::bitset<8> m_daysOfWeek;   // index = AWS day of week, 1 (Sunday)..7 (Saturday)
    std::bitset<LastYear - FirstYear + 1> m_years;

    // Day-of-month specials.
    bool m_lastDayOfMonth = false;     // L
    bool m_lastWeekdayOfMonth = false; // LW
    std::vector<int> m_nearestWeekday; // nW: the weekday nearest to day n, in the same month

    // Day-of-week specials.
    std::vector<int> m_lastOfMonthWeekday; // nL: the last weekday n of the month
    int m_nthWeekday = 0;                  // n#k: weekday n …
    int m_nthOccurrence = 0;               // … its k-th occurrence in the month

    bool m_anyDayOfMonth = false; // day-of-month is `?`: day-of-week decides
    bool m_anyDayOfWeek = false;  // day-of-week is `?`: day-of-month decides
};

} // namespace fn
