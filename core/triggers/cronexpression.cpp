#include "cronexpression.h"

#include <QStringList>

#include <algorithm>
#include <cstring>

namespace fn {

namespace {

// What each of the six fields accepts, after EventBridge's reference table.
struct Field
{
    int number;
    const char *name;
    int min;
    int max;
    const char *wildcards; // the specials allowed besides digits and names
};

constexpr Field Minutes{1, "minutes", 0, 59, ",-*/"};
constexpr Field Hours{2, "hours", 0, 23, ",-*/"};
constexpr Field DayOfMonth{3, "day-of-month", 1, 31, ",-*?/LW"};
constexpr Field Month{4, "month", 1, 12, ",-*/"};
constexpr Field DayOfWeek{5, "day-of-week", 1, 7, ",-*?L#"};
constexpr Field Year{6, "year", 1970, 2199, ",-*/"};

const QStringList monthNames{QStringLiteral("JAN"), QStringLiteral("FEB"), QStringLiteral("MAR"),
                             QStringLiteral("APR"), QStringLiteral("MAY"), QStringLiteral("JUN"),
                             QStringLiteral("JUL"), QStringLiteral("AUG"), QStringLiteral("SEP"),
                             QStringLiteral("OCT"), QStringLiteral("NOV"), QStringLiteral("DEC")};
const QStringList dayNames{QStringLiteral("SUN"), QStringLiteral("MON"), QStringLiteral("TUE"), QStringLiteral("WED"),
                           QStringLiteral("THU"), QStringLiteral("FRI"), QStringLiteral("SAT")};

// Parses the items of one field into a list of allowed values; reports the first problem in *error.
class FieldParser final
{
public:
    FieldParser(const Field &field, QString *error)
        : m_field(field)
        , m_error(error)
    {
    }

    bool fail(const QString &message)
    {
        if (m_error)
            *m_error =
                QStringLiteral("field %1 (%2): %3").arg(m_field.number).arg(QLatin1String(m_field.name), message);
        return false;
    }

    // Rejects characters the field does not take, naming the first one and what is allowed.
    bool checkCharacters(const QString &text)
    {
        for (const QChar c : text) {
            if (c.isLetterOrNumber() && c != QLatin1Char('L') && c != QLatin1Char('W'))
                continue;
            if ((c == QLatin1Char('L') || c == QLatin1Char('W')) && hasNames())
                continue; // part of a name such as JUL or WED; a misused one is caught as an unknown name
            if (!std::strchr(m_field.wildcards, c.toLatin1()) || c.unicode() > 127) {
                QString allowed;
                for (const char *w = m_field.wildcards; *w; ++w)
                    allowed += (allowed.isEmpty() ? QString() : QStringLiteral(" ")) + QLatin1Char(*w);
                return fail(QStringLiteral("\"%1\" is not allowed here (this field takes digits%2 and %3)")
                                .arg(c, hasNames() ? QStringLiteral(", names") : QString(), allowed));
            }
        }
        return true;
    }

    bool hasNames() const { return m_field.number == Month.number || m_field.number == DayOfWeek.number; }

    // A single value: a number or, in month and day-of-week, a three-letter name.
    std::optional<int> value(const QString &token)
    {
        if (token.isEmpty()) {
            fail(QStringLiteral("a value is missing"));
            return std::nullopt;
        }
        bool ok = false;
        const int n = token.toInt(&ok);
        if (ok && !token.startsWith(QLatin1Char('+')) && !token.startsWith(QLatin1Char('-'))) {
            if (n < m_field.min || n > m_field.max) {
                fail(QStringLiteral("%1 is outside %2–%3").arg(n).arg(m_field.min).arg(m_field.max));
                return std::nullopt;
            }
            return n;
        }
        const QString upper = token.toUpper();
        if (m_field.number == Month.number && monthNames.contains(upper))
            return int(monthNames.indexOf(upper)) + 1;
        if (m_field.number == DayOfWeek.number && dayNames.contains(upper))
            return int(dayNames.indexOf(upper)) + 1;
        if (m_field.number == Month.number)
            fail(QStringLiteral("\"%1\" is not a month (1–12 or JAN–DEC)").arg(token));
        else if (m_field.number == DayOfWeek.number)
            fail(QStringLiteral("\"%1\" is not a day of the week (1–7 or SUN–SAT, 1 = Sunday)").arg(token));
        else
            fail(QStringLiteral("\"%1\" is not a number").arg(token));
        return std::nullopt;
    }

    // `*`, `v`, `a-b` (wrapping past the field's end when a > b, except for years), each optionally
    // followed by `/step`; `v/step` runs from v to the field's end.
    bool item(const QString &text, std::vector<int> &out)
    {
        QString base = text;
        int step = 0;
        const qsizetype slash = text.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            base = text.left(slash);
            const QString stepText = text.mid(slash + 1);
            bool ok = false;
            step = stepText.toInt(&ok);
            if (!ok || stepText.startsWith(QLatin1Char('+')) || stepText.startsWith(QLatin1Char('-')))
                return fail(QStringLiteral("the increment in \"%1\" must be a whole number").arg(text));
            if (step < 1)
                return fail(QStringLiteral("the increment in \"%1\" must be at least 1").arg(text));
            if (step > m_field.max - m_field.min + 1)
                return fail(QStringLiteral("the increment %1 in \"%2\" is larger than the field's range %3–%4")
                                .arg(step)
                                .arg(text)
                                .arg(m_field.min)
                                .arg(m_field.max));
        }
        int from = m_field.min;
        int to = m_field.max;
        if (base == QLatin1String("*")) {
            // the whole field
        } else if (const qsizetype dash = base.indexOf(QLatin1Char('-')); dash >= 0) {
            const auto a = value(base.left(dash));
            if (!a)
                return false;
            const auto b = value(base.mid(dash + 1));
            if (!b)
                return false;
            from = *a;
            to = *b;
            if (from > to && m_field.number == Year.number)
                return fail(QStringLiteral("the range %1 runs backwards; years do not wrap").arg(base));
        } else {
            const auto v = value(base);
            if (!v)
                return false;
            from = *v;
            to = slash >= 0 ? m_field.max : *v;
        }
        // Walk the range in order, past the end and round from the start when it wraps.
        std::vector<int> sequence;
        for (int v = from;; v = v == m_field.max ? m_field.min : v + 1) {
            sequence.push_back(v);
            if (v == to)
                break;
        }
        const int stride = step > 0 ? step : 1;
        for (size_t i = 0; i < sequence.size(); i += size_t(stride))
            out.push_back(sequence[i]);
        return true;
    }

private:
    const Field &m_field;
    QString *m_error;
};

template <size_t N>
bool parsePlainField(const QString &text, const Field &field, std::bitset<N> &bits, int offset, QString *error)
{
    FieldParser parser(field, error);
    if (!parser.checkCharacters(text))
        return false;
    if (text.contains(QLatin1Char('?')))
        return parser.fail(QStringLiteral("\"?\" is only for day-of-month or day-of-week"));
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString &item : items) {
        std::vector<int> values;
        if (!parser.item(item, values))
            return false;
        for (const int v : values)
            bits.set(size_t(v - offset));
    }
    return true;
}

int awsDayOfWeek(const QDate &date)
{
    return date.dayOfWeek() % 7 + 1; // Qt: Monday 1 … Sunday 7; AWS: Sunday 1 … Saturday 7
}

// The weekday nearest to day n of the month without leaving the month, or 0 when the month is shorter.
int nearestWeekday(const QDate &firstOfMonth, int n)
{
    const int last = firstOfMonth.daysInMonth();
    if (n > last)
        return 0;
    const int qtDay = QDate(firstOfMonth.year(), firstOfMonth.month(), n).dayOfWeek();
    if (qtDay == 6) // Saturday: the Friday before, unless that is in the previous month
        return n == 1 ? 3 : n - 1;
    if (qtDay == 7) // Sunday: the Monday after, unless that is in the next month
        return n == last ? n - 2 : n + 1;
    return n;
}

template <size_t N> int firstSetFrom(const std::bitset<N> &bits, int from)
{
    for (size_t i = size_t(from); i < N; ++i)
        if (bits.test(i))
            return int(i);
    return -1;
}

} // namespace

std::optional<CronExpression> CronExpression::parse(const QString &fields, QString *error)
{
    const QStringList parts = fields.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.size() != 6) {
        if (error)
            *error = QStringLiteral("%1 field%2; a cron expression needs 6 (minutes hours day-of-month month "
                                    "day-of-week year)")
                         .arg(parts.size())
                         .arg(parts.size() == 1 ? QString() : QStringLiteral("s"));
        return std::nullopt;
    }
    CronExpression cron;
    if (!parsePlainField(parts[0], Minutes, cron.m_minutes, 0, error)
        || !parsePlainField(parts[1], Hours, cron.m_hours, 0, error)
        || !parsePlainField(parts[3], Month, cron.m_months, 0, error)
        || !parsePlainField(parts[5], Year, cron.m_years, FirstYear, error))
        return std::nullopt;

    // Day-of-month: values, ranges and steps, plus L, LW and nW.
    const QString &dom = parts[2];
    {
        FieldParser parser(DayOfMonth, error);
        if (!parser.checkCharacters(dom))
            return std::nullopt;
        if (dom == QLatin1String("?")) {
            cron.m_anyDayOfMonth = true;
        } else {
            for (const QString &item : dom.split(QLatin1Char(','))) {
                if (item == QLatin1String("?")) {
                    parser.fail(QStringLiteral("\"?\" must stand alone in the field"));
                    return std::nullopt;
                }
                if (item == QLatin1String("L")) {
                    cron.m_lastDayOfMonth = true;
                } else if (item == QLatin1String("LW")) {
                    cron.m_lastWeekdayOfMonth = true;
                } else if (item.endsWith(QLatin1Char('W'))) {
                    const QString day = item.chopped(1);
                    if (day.contains(QLatin1Char('-')) || day.contains(QLatin1Char('/')) || day == QLatin1String("*")) {
                        parser.fail(QStringLiteral("\"%1\": W takes a single day, as in 3W").arg(item));
                        return std::nullopt;
                    }
                    const auto n = parser.value(day);
                    if (!n)
                        return std::nullopt;
                    cron.m_nearestWeekday.push_back(*n);
                } else if (item.contains(QLatin1Char('L')) || item.contains(QLatin1Char('W'))) {
                    parser.fail(QStringLiteral("\"%1\": L and W are used as L, LW or nW (such as 3W)").arg(item));
                    return std::nullopt;
                } else {
                    std::vector<int> values;
                    if (!parser.item(item, values))
                        return std::nullopt;
                    for (const int v : values)
                        cron.m_daysOfMonth.set(size_t(v));
                }
            }
        }
    }

    // Day-of-week: values, names, ranges (no steps), plus L, nL and a single n#k.
    const QString &dow = parts[4];
    {
        FieldParser parser(DayOfWeek, error);
        if (!parser.checkCharacters(dow))
            return std::nullopt;
        if (dow == QLatin1String("?")) {
            cron.m_anyDayOfWeek = true;
        } else {
            const QStringList items = dow.split(QLatin1Char(','));
            if (dow.contains(QLatin1Char('#')) && (items.size() > 1 || dow.count(QLatin1Char('#')) > 1)) {
                parser.fail(QStringLiteral("\"%1\": only one # expression is allowed, alone in the field").arg(dow));
                return std::nullopt;
            }
            for (const QString &item : items) {
                if (item == QLatin1String("?")) {
                    parser.fail(QStringLiteral("\"?\" must stand alone in the field"));
                    return std::nullopt;
                }
                if (const qsizetype hash = item.indexOf(QLatin1Char('#')); hash >= 0) {
                    const auto day = parser.value(item.left(hash));
                    if (!day)
                        return std::nullopt;
                    bool ok = false;
                    const int k = item.mid(hash + 1).toInt(&ok);
                    if (!ok || k < 1 || k > 5) {
                        parser.fail(QStringLiteral("\"%1\": the occurrence after # must be 1–5").arg(item));
                        return std::nullopt;
                    }
                    cron.m_nthWeekday = *day;
                    cron.m_nthOccurrence = k;
                } else if (item == QLatin1String("L")) {
                    cron.m_daysOfWeek.set(7); // L alone: the last day of the week, Saturday
                } else if (item.endsWith(QLatin1Char('L')) && !dayNames.contains(item.toUpper())) {
                    const auto day = parser.value(item.chopped(1));
                    if (!day)
                        return std::nullopt;
                    cron.m_lastOfMonthWeekday.push_back(*day);
                } else {
                    std::vector<int> values;
                    if (!parser.item(item, values))
                        return std::nullopt;
                    for (const int v : values)
                        cron.m_daysOfWeek.set(size_t(v));
                }
            }
        }
    }

    if (cron.m_anyDayOfMonth == cron.m_anyDayOfWeek) {
        if (error)
            *error = cron.m_anyDayOfMonth
                         ? QStringLiteral("fields 3 and 5: day-of-month and day-of-week cannot both be ?; one of "
                                          "them must say which days")
                         : QStringLiteral("fields 3 and 5: one of day-of-month and day-of-week must be ? (EventBridge "
                                          "does not combine the two)");
        return std::nullopt;
    }
    return cron;
}

bool CronExpression::dayOfMonthMatches(const QDate &date) const
{
    const int day = date.day();
    if (m_daysOfMonth.test(size_t(day)))
        return true;
    const int last = date.daysInMonth();
    if (m_lastDayOfMonth && day == last)
        return true;
    const QDate first(date.year(), date.month(), 1);
    if (m_lastWeekdayOfMonth && day == nearestWeekday(first, last))
        return true;
    return std::any_of(m_nearestWeekday.begin(), m_nearestWeekday.end(),
                       [&](int n) { return nearestWeekday(first, n) == day; });
}

bool CronExpression::dayOfWeekMatches(const QDate &date) const
{
    const int weekday = awsDayOfWeek(date);
    if (m_daysOfWeek.test(size_t(weekday)))
        return true;
    const bool lastOfItsKind = date.day() + 7 > date.daysInMonth();
    if (lastOfItsKind
        && std::find(m_lastOfMonthWeekday.begin(), m_lastOfMonthWeekday.end(), weekday) != m_lastOfMonthWeekday.end())
        return true;
    return m_nthWeekday == weekday && (date.day() - 1) / 7 + 1 == m_nthOccurrence;
}

bool CronExpression::firesOn(const QDate &date) const
{
    if (date.year() < FirstYear || date.year() > LastYear || !m_years.test(size_t(date.year() - FirstYear))
        || !m_months.test(size_t(date.month())))
        return false;
    return m_anyDayOfWeek ? dayOfMonthMatches(date) : dayOfWeekMatches(date);
}

QDateTime CronExpression::nextAfter(const QDateTime &after) const
{
    // The first whole minute strictly after `after`.
    QDateTime start = after.toUTC();
    start.setTime(QTime(start.time().hour(), start.time().minute()));
    start = start.addSecs(60);
    QDate date = start.date();
    int hour = start.time().hour();
    int minute = start.time().minute();
    if (date.year() < FirstYear) {
        date = QDate(FirstYear, 1, 1);
        hour = minute = 0;
    }
    while (date.year() <= LastYear) {
        // Skip whole years and months that cannot fire; most expressions are settled here.
        if (!m_years.test(size_t(date.year() - FirstYear))) {
            date = QDate(date.year() + 1, 1, 1);
            hour = minute = 0;
            continue;
        }
        if (!m_months.test(size_t(date.month()))) {
            date = QDate(date.year(), date.month(), 1).addMonths(1);
            hour = minute = 0;
            continue;
        }
        if (firesOn(date)) {
            for (int h = firstSetFrom(m_hours, hour); h >= 0; h = firstSetFrom(m_hours, h + 1)) {
                const int m = firstSetFrom(m_minutes, h == hour ? minute : 0);
                if (m >= 0)
                    return QDateTime(date, QTime(h, m), Qt::UTC);
            }
        }
        date = date.addDays(1);
        hour = minute = 0;
    }
    return {};
}

} // namespace fn
