#pragma once
// The project's SQLite database (<project>/.fnstudio/fnstudio.db): accepted asynchronous events,
// dead-letter and destination queues, invocation history with logs, and the tables of the local SQS
// queues, all under one versioned schema (store/schema.h). All SQL runs on the store's own thread;
// event and queue writes are committed before the call returns, history is batched.

#include "snapshots/invocationrecord.h"
#include "snapshots/logbatch.h"
#include "store/storedevent.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>

class QSqlDatabase;
class QThread;

namespace fn {

class Store final
{
public:
    static QString defaultPath(const QString &projectDir);

    Store();
    ~Store(); // flushes and closes
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Opens or creates the database and brings an older one to the current schema. Refuses (false,
    // with a message naming the file) a file that is not SQLite, is corrupt, belongs to another
    // application or to a newer fnstudio, or whose migration fails; such a file is never written.
    bool open(const QString &path, QString *error);
    bool isOpen() const;
    QString path() const;

    // Accepted events. putEvent inserts or replaces; both are durable when they return.
    bool putEvent(const StoredEvent &event);
    QList<StoredEvent> events() const;
    // Removes a finished event and appends its dead-letter/destination messages in one transaction.
    bool finishEvent(const QString &requestId, const QList<QueueMessage> &messages);

    bool appendMessage(const QueueMessage &message);
    // Every non-empty queue: each function's pending events (kind "async"), then the dead-letter
    // ("dlq") and destination queues.
    QList<QueueSummary> queues() const;
    QList<QueueMessage> messages(const QString &queue) const;
    int removeMessages(const QString &queue); // purge; returns how many were removed
    bool removeMessage(qint64 id);

    // Invocation history and logs: queued and written in batches on the store's thread.
    void recordInvocation(const InvocationRecord &record);
    void recordLogs(const LogBatch &batch);
    int invocationCount(const QString &requestId = {}) const;
    QList<InvocationRecord> invocations(const QString &requestId) const; // oldest first
    QStringList logText(const QString &requestId) const;
    void flush() const; // waits until everything queued so far is committed

    // History is kept to the most recent `invocations` records and `logLines` log lines (defaults
    // 100,000 and 1,000,000: a class's day of bursts, some hundred MB at most); older ones are
    // deleted every 1,024 history writes and when the store opens. pruneHistory() does it now.
    static constexpr qint64 DefaultKeptInvocations = 100000;
    static constexpr qint64 DefaultKeptLogLines = 1000000;
    void setHistoryLimits(qint64 invocations, qint64 logLines);
    bool pruneHistory();

    // Runs `job` on the store's thread in its own savepoint and returns once it is committed
    // (false if it failed or the store is closed). For the schema's tables that another class of
    // the store reads and writes (SqsQueueStore's queues and messages).
    bool transact(const std::function<bool(QSqlDatabase &)> &job);

    // Counts the calls that wait for the store's thread made from `thread` (nullptr: none), so a
    // test can hold a thread to no SQL: the studio's GUI thread reads snapshots, not the store.
    void countCallsFrom(QThread *thread);
    int countedCalls() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
