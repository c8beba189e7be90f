// EventBridge schedule expressions, `rate(…)` and `cron(…)`, as a template or the studio gives them:
// a refusal says why; an accepted schedule's next fires are strictly later, one after another, and
// are found without running away (the years end in 2199).

#include "fuzzinput.h"
#include "triggers/scheduleexpression.h"

#include <QTimeZone>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    const QString text = QString::fromUtf8(in.data(), qsizetype(in.size()));
    QString error;
    const std::optional<fn::ScheduleExpression> schedule = fn::ScheduleExpression::parse(text, &error);
    if (!schedule) {
        fn::fuzz::expect(!error.isEmpty(), "a refused schedule says why");
        return 0;
    }
    const QDateTime from(QDate(2026, 12, 7), QTime(14, 27, 13), QTimeZone::utc());
    QDateTime previous = from;
    for (const QDateTime &fire : schedule->next(5, from, from)) {
        fn::fuzz::expect(fire.isValid() && fire > previous, "each fire is later than the one before");
        previous = fire;
    }
    return 0;
}
