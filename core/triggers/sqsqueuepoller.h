#pragma once
// The template's SQS event source mappings: polls the local queues on the shared Clock, invokes
// each function synchronously with a batch in the SQS event shape, deletes what succeeded and
// leaves the rest to reappear after the visibility timeout (or to move to the dead-letter queue).

#include "project/functionconfig.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/sqsqueuemessage.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace fn {

class Clock;
class Engine;
class SqsQueueStore;

struct SqsEventSourceMapping
{
    QString functionName;
    QString eventId;
    QString queue; // the local queue: the logical id Queue's Ref/GetAtt names
    int batchSize = 10;
    int batchingWindowSec = 0; // MaximumBatchingWindowInSeconds
    bool reportBatchItemFailures = false;
    bool enabled = true;
    FunctionConfig function;
};

// What one batch did, for logs and the studio.
struct SqsBatchResult
{
    QString functionName;
    QString queue;
    QString requestId;
    QStringList messageIds;
    QStringList failedIds; // returned to the queue (all of them when the batch failed)
    QString error;         // why the whole batch failed; empty otherwise
};

class SqsQueuePoller final : public QObject
{
    Q_OBJECT
public:
    // Synchronous invocation: Engine::invoke in the studio, a stand-in in tests.
    using Invoke = std::function<InvocationRecord(const FunctionConfig &, const QByteArray &)>;
    static Invoke invokeWith(Engine &engine);

    // Lambda caps a batch by its payload: the messages that would push the event past the
    // synchronous invocation limit wait for the next batch.
    static constexpr qint64 MaxBatchPayloadBytes = 6291456;
    static constexpr int MaxFifoBatchSize = 10;

    // Queues and clock outlive the poller.
    SqsQueuePoller(SqsQueueStore &queues, std::shared_ptr<Clock> clock, Invoke invoke, QObject *parent = nullptr);
    ~SqsQueuePoller() override; // stop()s

    // Reads the functions' SQS events; returns a message for each that cannot be mapped.
    QStringList setFunctions(const QList<FunctionConfig> &functions);
    QList<SqsEventSourceMapping> mappings() const;

    // One round over every mapping: invokes each that has a batch ready and returns how many
    // batches ran. Blocks while the functions run.
    int poll();

    // Polls on a thread of its own until stop(); woken by clock steps and wake().
    void start();
    void stop();
    // A message was sent: poll now rather than at the next round.
    void wake();

    // {"Records": [...]} as Lambda delivers a batch from the queue.
    static QByteArray event(const QList<SqsQueueMessage> &batch, const AwsAccount &account);
    // How many of `batch` (from the front) fit in one event of at most `maxBytes`; at least one.
    static qsizetype fittingCount(const QList<SqsQueueMessage> &batch, const AwsAccount &account,
                                  qint64 maxBytes = MaxBatchPayloadBytes);
    // The messageIds a ReportBatchItemFailures response names, or nullopt when the response
    // fails the whole batch (invalid JSON, a missing, empty or unknown itemIdentifier).
    static std::optional<QStringList> failedItems(const QByteArray &response, const QList<SqsQueueMessage> &batch);

Q_SIGNALS:
    void batchProcessed(const fn::SqsBatchResult &result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn

Q_DECLARE_METATYPE(fn::SqsBatchResult)
