#pragma once
// An immutable snapshot of one schedule the Scheduler runs: what it is, when it fires next, and how
// its last fire went.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace fn {

struct ScheduleState
{
    QString id; // "<function>/<event id>", stable across reloads
    QString functionName;
    QString eventId;    // the template's event logical id
    QString type;       // "Schedule" or "ScheduleV2"
    QString ruleName;   // Name, else <function><event id> as SAM names it
    QString expression; // rate(…) or cron(…)
    QString error;      // why the expression cannot run (never fires then)
    bool enabled = true;
    QByteArray input;           // Input JSON, sent instead of the scheduled event; empty: none
    QList<QDateTime> nextFires; // UTC, the next few while enabled
    QDateTime lastFire;         // UTC clock time of the last fire (invalid: never fired)
    QString lastRequestId;      // the async request the last fire was accepted as
    // "Accepted" until the async queue finishes it, then Success, RetriesExhausted or
    // EventAgeExceeded; or the errorType when the queue refused the event.
    QString lastResult;
    int fireCount = 0; // fires in this session
};

} // namespace fn

Q_DECLARE_METATYPE(fn::ScheduleState)
