#pragma once
// The studio's local SQS queues, kept in the project's Store so messages outlive the studio: send,
// receive with a visibility timeout, delete by receipt handle, and redrive to a dead-letter queue
// once a message was received maxReceiveCount times.

#include "snapshots/sqsqueuemessage.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace fn {

class Clock;
class Store;

class SqsQueueStore final
{
public:
    static constexpr int MaxBodyBytes = 262144; // SQS's message size limit
    static constexpr const char *DefaultSenderId = "AIDAIENQZJOLO23YVJ4VO";

    // The store and clock must outlive this. The queues' tables are part of the store's schema.
    SqsQueueStore(Store &store, std::shared_ptr<Clock> clock);
    ~SqsQueueStore();
    SqsQueueStore(const SqsQueueStore &) = delete;
    SqsQueueStore &operator=(const SqsQueueStore &) = delete;

    bool isValid() const { return m_valid; } // false when the store was not open

    // Creates the queue or updates its settings; sending to an unknown queue creates it with
    // defaults, as the studio's queues exist once named.
    bool setQueue(const SqsQueueSettings &settings);
    SqsQueueSettings queue(const QString &name) const;
    QStringList queueNames() const;

    static constexpr qint64 DeduplicationWindowMs = 5 * 60 * 1000; // FIFO queues

    // Appends a message; nullopt (with *error) when the body is empty or too large, or a FIFO
    // queue's message lacks its group or deduplication id. On a FIFO queue a message whose
    // deduplication id was accepted in the last 5 minutes is accepted again but not added: the
    // returned message is the first one (as SQS answers with its MessageId).
    std::optional<SqsQueueMessage> send(const QString &queue, const QByteArray &body,
                                        const QByteArray &messageAttributes = "{}", QString *error = nullptr);
    std::optional<SqsQueueMessage> send(const QString &queue, const QByteArray &body, const SqsSendOptions &options,
                                        QString *error = nullptr);

    // Up to `max` visible messages, oldest first, hidden for the queue's visibility timeout (or
    // `visibilityTimeoutSec` when ≥ 0). A message already received maxReceiveCount times moves
    // to the dead-letter queue instead of being received again. On a FIFO queue messages come in
    // order per message group, and none of a group while another of it is in flight.
    QList<SqsQueueMessage> receive(const QString &queue, int max, int visibilityTimeoutSec = -1);
    bool deleteMessage(const QString &queue, const QString &receiptHandle);
    // Undoes a receive of a message that was never handed on (a batch cut at its size limit):
    // visible at once, its receive count as before.
    bool unreceive(const QString &queue, const QString &receiptHandle);

    // Every message of the queue, visible or not, oldest first (for listings; receives nothing).
    QList<SqsQueueMessage> messages(const QString &queue) const;
    int purge(const QString &queue);
    // Clock time the next hidden message becomes visible; -1 when none is hidden.
    qint64 nextVisibleMs(const QString &queue) const;

    // The clock went back by `ms` (real time again after a lesson at speed): sent times, hidden
    // messages and deduplication windows move back with it, so each keeps the time it had left.
    bool rewind(qint64 ms);
    // Rewinds with the clock from now on. Only the one long-lived owner of a store's queues calls
    // this (TriggerHost): a second follower, such as a snapshot's short-lived reader, would move
    // every time back twice.
    void followClockRewinds();

    static QString md5Hex(const QByteArray &body);

    // The AWS::SQS::Queue resources of a SAM/CloudFormation template as local queues, named by
    // QueueName, else by logical id (with .fifo for a FIFO queue, as AWS names it): VisibilityTimeout,
    // FifoQueue, ContentBasedDeduplication and RedrivePolicy (deadLetterTargetArn by !GetAtt, !Ref or
    // ARN, maxReceiveCount). Empty, with *error set, when the file cannot be read.
    static QList<SqsQueueSettings> settingsFromTemplate(const QString &templateFile, QString *error = nullptr);

private:
    Store &m_store;
    std::shared_ptr<Clock> m_clock;
    bool m_valid = false;
    int m_clockToken = 0;
};

} // namespace fn
