#pragma once
// Value types the store keeps: an accepted asynchronous event and a message in a local queue.

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace fn {

struct StoredEvent
{
    QString requestId; // the id the 202 carried; every attempt keeps it
    QString functionName;
    QByteArray payload;
    qint64 acceptedMs = 0;    // clock time of the first accept (event age counts from here)
    int attempts = 0;         // invocations that ran to a result (throttles do not count)
    int throttles = 0;        // throttled or system-error attempts, for the backoff
    qint64 nextAttemptMs = 0; // clock time
    bool inFlight = false;    // an attempt was running when this was last written
    QString lastError;        // errorType of the last failed attempt
};

// One message in a dead-letter queue or destination queue.
struct QueueMessage
{
    qint64 id = 0;
    QString queue;        // the local queue's name
    QString kind;         // "dlq" or "destination"
    QString functionName; // the function whose event this is, for redrive
    QString requestId;
    QByteArray body;       // DLQ: the event as is; destination: the destination record
    QByteArray attributes; // DLQ message attributes as JSON ({} for destinations)
    qint64 createdMs = 0;  // clock time
};

struct QueueSummary
{
    QString name;
    QString kind; // "async" (a function's pending events), "dlq" or "destination"
    int count = 0;
    qint64 newestMs = 0;
};

} // namespace fn

Q_DECLARE_METATYPE(fn::StoredEvent)
Q_DECLARE_METATYPE(fn::QueueMessage)
Q_DECLARE_METATYPE(fn::QueueSummary)
