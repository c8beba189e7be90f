#pragma once
// Immutable snapshots of the project's asynchronous-invocation queues as the Queues panel shows
// them: each function's async queue with when its next attempt is due, the dead-letter and
// destination queues with their counts, and the content of one queue answering a detail request.
// (Here rather than in snapshots/: they carry the store's own value types.)

#include "store/storedevent.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>

namespace fn {

struct AsyncQueuesSnapshot
{
    bool available = false;               // the project's store is open; else no queues
    QList<QueueSummary> queues;           // as Store::queues(): async ones, then dead letters and destinations
    QHash<QString, qint64> nextAttemptMs; // per function: clock time its earliest pending event is due
    int pendingEvents = 0;                // accepted and not finished, all functions
    qint64 nowMs = 0;                     // the clock time the snapshot was read at
    // "Next attempt in 42 s" counts down while events wait.
    bool changesWithTime() const { return pendingEvents > 0; }
};

// The answer to one detail request: a function's pending events (kind "async") or the messages of
// a dead-letter or destination queue.
struct QueueMessagesSnapshot
{
    quint64 requestId = 0; // the request it answers; a newer request makes it stale
    QString kind;          // "async", "dlq" or "destination"
    QString name;
    QList<StoredEvent> pendingEvents;
    QList<QueueMessage> messages;
    qint64 nowMs = 0;
};

} // namespace fn

Q_DECLARE_METATYPE(fn::AsyncQueuesSnapshot)
Q_DECLARE_METATYPE(fn::QueueMessagesSnapshot)
