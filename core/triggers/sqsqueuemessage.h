#pragma once
// Value types of the local SQS queues: one message as a receiver sees it, and a queue's settings.

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace fn {

struct SqsQueueMessage
{
    QString messageId;        // a UUID, as SQS gives
    QString queue;
    QByteArray body;
    QString md5OfBody;        // hex MD5 of the body
    QByteArray messageAttributes = "{}"; // JSON object, as the event carries it
    qint64 sentMs = 0;        // clock time (SentTimestamp)
    QString senderId;
    int receiveCount = 0;     // ApproximateReceiveCount
    qint64 firstReceiveMs = 0; // ApproximateFirstReceiveTimestamp; 0 before the first receive
    qint64 visibleAtMs = 0;   // hidden from receivers until this clock time
    QString receiptHandle;    // of the latest receive; deleting needs it
};

struct SqsQueueSettings
{
    QString name;
    int visibilityTimeoutSec = 30; // SQS's default
    QString deadLetterQueue;       // RedrivePolicy deadLetterTargetArn's queue; empty: none
    int maxReceiveCount = 0;       // RedrivePolicy maxReceiveCount; 0: no redrive
};

} // namespace fn

Q_DECLARE_METATYPE(fn::SqsQueueMessage)
