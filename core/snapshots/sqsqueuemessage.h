#pragma once
// Value types of the local SQS queues: one message as a receiver sees it, and a queue's settings.

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace fn {

struct SqsQueueMessage
{
    QString messageId; // a UUID, as SQS gives
    QString queue;
    QByteArray body;
    QString md5OfBody;                   // hex MD5 of the body
    QByteArray messageAttributes = "{}"; // JSON object, as the event carries it
    qint64 sentMs = 0;                   // clock time (SentTimestamp)
    QString senderId;
    int receiveCount = 0;      // ApproximateReceiveCount
    qint64 firstReceiveMs = 0; // ApproximateFirstReceiveTimestamp; 0 before the first receive
    qint64 visibleAtMs = 0;    // hidden from receivers until this clock time
    QString receiptHandle;     // of the latest receive; deleting needs it
    // FIFO queues only.
    QString messageGroupId;
    QString messageDeduplicationId;
    QString sequenceNumber; // 20 digits, growing in the order the queue accepted the messages
};

// What SendMessage takes besides the body (FIFO queues need a group, and a deduplication id
// unless the queue derives it from the body).
struct SqsSendOptions
{
    QByteArray messageAttributes = "{}";
    QString messageGroupId;
    QString messageDeduplicationId;
};

struct SqsQueueSettings
{
    QString name;
    int visibilityTimeoutSec = 30;          // SQS's default
    QString deadLetterQueue;                // RedrivePolicy deadLetterTargetArn's queue; empty: none
    int maxReceiveCount = 0;                // RedrivePolicy maxReceiveCount; 0: no redrive
    bool fifo = false;                      // FifoQueue: ordered per message group, deduplicated for 5 minutes
    bool contentBasedDeduplication = false; // the deduplication id is the body's SHA-256
};

} // namespace fn

Q_DECLARE_METATYPE(fn::SqsQueueMessage)
