#pragma once
// Lambda's asynchronous invocation: Event invocations accepted into a durable queue and delivered
// with retries (function errors: MaximumRetryAttempts after ~1 and ~2 minutes; throttles and
// system errors: backoff from 1 s to 5 min), MaximumEventAgeInSeconds, and the dead-letter queue
// and OnSuccess/OnFailure destinations as local queues that can be browsed, re-driven and purged.

#include "project/functionconfig.h"
#include "snapshots/invocationrecord.h"
#include "store/storedevent.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace fn {

class Engine;
class Store;

class AsyncQueue final : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 MaxPayloadBytes = 1048576;      // Lambda's Event limit
    static constexpr qint64 LegacyMaxPayloadBytes = 262144; // its limit until 2025
    static constexpr qint64 FirstRetryDelayMs = 60 * 1000;
    static constexpr qint64 SecondRetryDelayMs = 2 * 60 * 1000;
    static constexpr qint64 BackoffStartMs = 1000;
    static constexpr qint64 BackoffMaxMs = 5 * 60 * 1000;
    static constexpr int DlqErrorMessageBytes = 1024;

    struct Accepted
    {
        QString requestId; // set when accepted (the 202's x-amzn-RequestId)
        QString errorType; // else why not: RequestEntityTooLargeException, ...
        QString errorMessage;
        bool ok() const { return errorType.isEmpty(); }
    };

    // Engine and store must outlive the queue; the engine's Clock times retries and event age.
    AsyncQueue(Engine &engine, Store &store, QObject *parent = nullptr);
    ~AsyncQueue() override; // stop()s

    // The project's functions: the configuration each event is delivered with (events of functions
    // not listed wait), and the functions a Lambda destination may name.
    void setFunctions(const QList<FunctionConfig> &functions);
    // 262,144 bytes for Event payloads instead of 1,048,576.
    void setLegacyPayloadLimit(bool legacy);

    // Checks the size, stores the event durably and returns at once (202 semantics).
    Accepted accept(const FunctionConfig &function, const QByteArray &payload);

    // Loads the events accepted earlier and not finished (queued or in flight when the process
    // ended: delivered again, at least once as on Lambda), starts delivering, and returns how
    // many it recovered (also signalled as recovered()).
    int start();
    // Stops dispatching; deliveries in progress run to their end. Unfinished events stay stored.
    void stop();

    // Blocks until the event finished (true) or the real-time timeout passed.
    bool waitForEvent(const QString &requestId, int timeoutMs) const;
    // Blocks until no event is pending or in flight.
    bool waitUntilIdle(int timeoutMs) const;
    // Success, RetriesExhausted or EventAgeExceeded once finished in this session.
    std::optional<QString> condition(const QString &requestId) const;
    QList<StoredEvent> pending() const;

    // The local queues (see Store::queues) and their messages.
    QList<QueueSummary> queues() const;
    QList<QueueMessage> messages(const QString &queue) const;
    // Sends every message of a dead-letter or destination queue back into its function's async
    // queue as a new event, removing it; returns how many were re-driven.
    int redrive(const QString &queue);
    int purge(const QString &queue);

    // The destination record exactly as Lambda writes it (field order included).
    static QByteArray destinationRecord(const QString &requestId, const QString &functionArn, const QString &condition,
                                        int approximateInvokeCount, const QByteArray &requestPayload,
                                        const InvocationRecord *last, qint64 timestampMs);
    // The local queue, bucket or function a DeadLetterQueue TargetArn, destination or event
    // names: the ARN's (or queue URL's) last part, a Ref's or Fn::GetAtt's resource by its name in
    // `names` (FunctionConfig::resourceNames), else by its logical id; `fallback` when the template
    // leaves it out.
    static QString targetName(const nlohmann::json &target, const QString &fallback,
                              const QHash<QString, QString> &names = {});

Q_SIGNALS:
    void eventAccepted(const fn::StoredEvent &event);
    // Another attempt is due at event.nextAttemptMs (clock time): a retry or a throttle backoff.
    void eventScheduled(const fn::StoredEvent &event, const fn::InvocationRecord &lastAttempt);
    void eventFinished(const QString &requestId, const QString &functionName, const QString &condition,
                       int approximateInvokeCount);
    void queueChanged(const QString &queue);
    void recovered(int count);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
