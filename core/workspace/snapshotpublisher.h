#pragma once
// Publishes what the Queues and Buckets panels show (async queues, SQS queues, buckets, and the
// content of the one queue a panel looks at) as snapshots, read on a worker thread of its own so
// the thread that owns it never waits on SQLite or scans a bucket's folder.

#include "snapshots/bucketssnapshot.h"
#include "snapshots/sqsqueuessnapshot.h"
#include "workspace/asyncqueuessnapshot.h"

#include <QFlags>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace fn {

class AsyncQueue;
class Clock;
class Store;
class TriggerHost;

class SnapshotPublisher final : public QObject
{
    Q_OBJECT
public:
    enum Part { AsyncQueues = 0x1, SqsQueues = 0x2, Buckets = 0x4, AllParts = 0x7 };
    Q_DECLARE_FLAGS(Parts, Part)

    // A burst of changes (a batch of deliveries, a folder of uploads) costs one read.
    static constexpr int CoalesceMs = 50;
    // Re-reads what changes with the clock alone (SQS visibility timeouts, "next attempt in 42 s"),
    // only while the latest snapshot has some.
    static constexpr int ClockTickMs = 1000;

    // What is read. The store and the queue are read on the worker thread (both are thread-safe);
    // the trigger host's configuration (mappings, notifications, endpoint) is copied on this
    // thread when a read starts.
    struct Sources
    {
        Store *store = nullptr;
        AsyncQueue *queue = nullptr;
        TriggerHost *triggers = nullptr;
        std::shared_ptr<Clock> clock;
    };

    explicit SnapshotPublisher(QObject *parent = nullptr);
    ~SnapshotPublisher() override; // waits for a read in progress

    // Once this returns nothing reads the previous sources any more (it waits for a read in
    // progress), so they may go; everything is read again from the new ones.
    void setSources(const Sources &sources);

    // Something changed: the parts are read again within CoalesceMs.
    void changed(Parts parts = AllParts);
    // Read the parts now (after a command, whose result should show at once).
    void refresh(Parts parts = AllParts);

    // Asks for the content of one queue (kind "async": a function's pending events; "dlq" or
    // "destination": its messages), answered by queueMessagesPublished and again after every
    // change of the async queues, each answer carrying the returned id. A later request
    // supersedes it: answers to an earlier one are dropped, here and by the panel. An empty name
    // asks for nothing.
    quint64 requestQueueMessages(const QString &kind, const QString &name);
    // The same for the messages of one SQS queue (sqsMessagesPublished).
    quint64 requestSqsMessages(const QString &queue);

    // The latest published snapshots.
    const AsyncQueuesSnapshot &asyncQueues() const { return m_async; }
    const SqsQueuesSnapshot &sqsQueues() const { return m_sqs; }
    const BucketsSnapshot &buckets() const { return m_buckets; }

Q_SIGNALS:
    void asyncQueuesPublished(const fn::AsyncQueuesSnapshot &snapshot);
    void sqsQueuesPublished(const fn::SqsQueuesSnapshot &snapshot);
    void bucketsPublished(const fn::BucketsSnapshot &snapshot);
    void queueMessagesPublished(const fn::QueueMessagesSnapshot &snapshot);
    void sqsMessagesPublished(const fn::SqsMessagesSnapshot &snapshot);

private:
    struct Read;
    struct Result;
    static Result read(const Read &request);
    void schedule(int delayMs);
    void startRead();
    void adopt(const Result &result);
    void connectSources();

    Sources m_sources;
    QPointer<AsyncQueue> m_queue; // what the connections were made to
    QPointer<TriggerHost> m_triggers;
    quint64 m_generation = 0; // bumped by setSources: results read from older sources are dropped
    QThreadPool m_pool;       // one thread: reads never overlap
    QTimer m_coalesce;
    QTimer m_tick;
    bool m_reading = false;
    Parts m_dirty;

    struct QueueDetail
    {
        quint64 id = 0;
        QString kind;
        QString name;
        bool dirty = false;
    };
    quint64 m_lastRequestId = 0;
    QueueDetail m_queueDetail; // kind unused for SQS
    QueueDetail m_sqsDetail;

    AsyncQueuesSnapshot m_async;
    SqsQueuesSnapshot m_sqs;
    BucketsSnapshot m_buckets;
};

} // namespace fn

Q_DECLARE_OPERATORS_FOR_FLAGS(fn::SnapshotPublisher::Parts)
