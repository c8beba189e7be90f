#pragma once
// Immutable snapshots of the project's local SQS queues as the Queues panel shows them: each queue
// with its counts at one clock time, and the messages of one queue answering a detail request.

#include "snapshots/sqsqueuemessage.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace fn {

// One queue counted at one clock time.
struct SqsQueueSummary
{
    SqsQueueSettings settings;
    int visible = 0;       // ApproximateNumberOfMessages
    int inFlight = 0;      // ApproximateNumberOfMessagesNotVisible
    QStringList functions; // event source mappings reading this queue

    // Counts of `messages` at clock time nowMs: visible ones, and those hidden by a receive.
    static SqsQueueSummary count(const SqsQueueSettings &settings, const QList<SqsQueueMessage> &messages,
                                 qint64 nowMs);
};

struct SqsQueuesSnapshot
{
    bool available = false;        // the project's triggers run (they own the SQS queues); else no queues
    QList<SqsQueueSummary> queues; // by name
    qint64 nowMs = 0;              // the clock time the counts are for
    // Something changes with the clock alone: a message in flight comes back, a mapped function
    // is about to receive one.
    bool changesWithTime() const;
};

// The answer to one detail request: every message of `queue`, visible or not.
struct SqsMessagesSnapshot
{
    quint64 requestId = 0; // the request it answers; a newer request makes it stale
    QString queue;
    QList<SqsQueueMessage> messages;
    qint64 nowMs = 0;
};

} // namespace fn

Q_DECLARE_METATYPE(fn::SqsQueuesSnapshot)
Q_DECLARE_METATYPE(fn::SqsMessagesSnapshot)
