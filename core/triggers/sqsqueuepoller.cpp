#include "triggers/sqsqueuepoller.h"

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "store/sqsqueuestore.h"

#include <QSet>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace fn {

namespace {

// Sends from another process (fnstudio-cli sqs send) are seen within this much real time.
constexpr qint64 IdlePollMs = 1000;

std::string text(const QString &s)
{
    return s.toStdString();
}

} // namespace

struct SqsQueuePoller::Private
{
    SqsQueueStore &queues;
    std::shared_ptr<Clock> clock;
    Invoke invoke;
    QList<SqsEventSourceMapping> mappings;
    QList<qint64> windowStartMs; // per mapping (poll's own): when a partial batch started waiting; 0: none
    int clockToken = 0;

    std::mutex pollMutex;             // one round at a time; held while functions run
    mutable std::mutex mappingsMutex; // short: readers never wait for an invocation
    std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    bool woken = false;
    std::thread thread;

    Private(SqsQueueStore &q, std::shared_ptr<Clock> c, Invoke i)
        : queues(q)
        , clock(std::move(c))
        , invoke(std::move(i))
    {
    }
};

SqsQueuePoller::Invoke SqsQueuePoller::invokeWith(Engine &engine)
{
    return [&engine](const FunctionConfig &function, const QByteArray &payload) {
        return engine.invoke(function, payload);
    };
}

SqsQueuePoller::SqsQueuePoller(SqsQueueStore &queues, std::shared_ptr<Clock> clock, Invoke invoke, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(queues, std::move(clock), std::move(invoke)))
{
    qRegisterMetaType<fn::SqsBatchResult>();
    d->clockToken = d->clock->subscribe([this](qint64) { wake(); });
}

SqsQueuePoller::~SqsQueuePoller()
{
    stop();
    d->clock->unsubscribe(d->clockToken);
}

QStringList SqsQueuePoller::setFunctions(const QList<FunctionConfig> &functions)
{
    QStringList problems;
    QList<SqsEventSourceMapping> mappings;
    for (const FunctionConfig &function : functions) {
        if (!function.events.is_object())
            continue;
        for (const auto &[key, event] : function.events.items()) {
            if (event.value("Type", std::string()) != "SQS")
                continue;
            const nlohmann::json properties = event.value("Properties", nlohmann::json::object());
            SqsEventSourceMapping m;
            m.function = function;
            m.functionName = function.name;
            m.eventId = QString::fromStdString(key);
            m.queue =
                AsyncQueue::targetName(properties.value("Queue", nlohmann::json()), QString(), function.resourceNames);
            const QString where = function.name + QLatin1Char('/') + m.eventId + QStringLiteral(": ");
            if (m.queue.isEmpty()) {
                problems << where + QStringLiteral("Queue is missing");
                continue;
            }
            if (properties.contains("BatchSize") && properties["BatchSize"].is_number_integer())
                m.batchSize = properties["BatchSize"].get<int>();
            if (properties.contains("MaximumBatchingWindowInSeconds")
                && properties["MaximumBatchingWindowInSeconds"].is_number_integer())
                m.batchingWindowSec = properties["MaximumBatchingWindowInSeconds"].get<int>();
            if (properties.contains("Enabled") && properties["Enabled"].is_boolean())
                m.enabled = properties["Enabled"].get<bool>();
            for (const auto &type : properties.value("FunctionResponseTypes", nlohmann::json::array()))
                if (type.is_string() && type.get<std::string>() == "ReportBatchItemFailures")
                    m.reportBatchItemFailures = true;
            // The limits CreateEventSourceMapping enforces for a standard queue.
            if (m.batchSize < 1 || m.batchSize > 10000) {
                problems << where + QStringLiteral("BatchSize must be between 1 and 10000");
                continue;
            }
            if (m.batchingWindowSec < 0 || m.batchingWindowSec > 300) {
                problems << where + QStringLiteral("MaximumBatchingWindowInSeconds must be between 0 and 300");
                continue;
            }
            if (m.batchSize > 10 && m.batchingWindowSec < 1) {
                problems << where
                                + QStringLiteral(
                                    "a BatchSize over 10 needs MaximumBatchingWindowInSeconds of 1 or more");
                continue;
            }
            if (m.batchSize > MaxFifoBatchSize && d->queues.queue(m.queue).fifo) {
                problems << where
                                + QStringLiteral("BatchSize for the FIFO queue %1 must be between 1 and %2")
                                      .arg(m.queue)
                                      .arg(MaxFifoBatchSize);
                continue;
            }
            mappings << m;
        }
    }
    std::lock_guard lock(d->mappingsMutex);
    d->mappings = mappings;
    return problems;
}

QList<SqsEventSourceMapping> SqsQueuePoller::mappings() const
{
    std::lock_guard lock(d->mappingsMutex);
    return d->mappings;
}

namespace {

nlohmann::ordered_json record(const SqsQueueMessage &m, const AwsAccount &account)
{
    nlohmann::ordered_json attributes{
        {"ApproximateReceiveCount", std::to_string(m.receiveCount)},
        {"SentTimestamp", std::to_string(m.sentMs)},
    };
    // A FIFO queue's messages carry their order and group, in the order Lambda writes them.
    if (!m.messageGroupId.isEmpty()) {
        attributes["SequenceNumber"] = text(m.sequenceNumber);
        attributes["MessageGroupId"] = text(m.messageGroupId);
    }
    attributes["SenderId"] = text(m.senderId);
    if (!m.messageGroupId.isEmpty())
        attributes["MessageDeduplicationId"] = text(m.messageDeduplicationId);
    attributes["ApproximateFirstReceiveTimestamp"] = std::to_string(m.firstReceiveMs);
    nlohmann::ordered_json messageAttributes = nlohmann::ordered_json::object();
    if (nlohmann::json::accept(m.messageAttributes.toStdString()))
        messageAttributes = nlohmann::ordered_json::parse(m.messageAttributes.toStdString());
    return {
        {"messageId", text(m.messageId)},
        {"receiptHandle", text(m.receiptHandle)},
        {"body", m.body.toStdString()},
        {"attributes", attributes},
        {"messageAttributes", messageAttributes},
        {"md5OfBody", text(m.md5OfBody)},
        {"eventSource", "aws:sqs"},
        {"eventSourceARN", text(account.queueArn(m.queue))},
        {"awsRegion", text(account.region)},
    };
}

} // namespace

QByteArray SqsQueuePoller::event(const QList<SqsQueueMessage> &batch, const AwsAccount &account)
{
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    for (const SqsQueueMessage &m : batch)
        records.push_back(record(m, account));
    return QByteArray::fromStdString(nlohmann::ordered_json{{"Records", records}}.dump());
}

qsizetype SqsQueuePoller::fittingCount(const QList<SqsQueueMessage> &batch, const AwsAccount &account, qint64 maxBytes)
{
    qint64 size = qint64(std::string(R"({"Records":[]})").size());
    for (qsizetype i = 0; i < batch.size(); ++i) {
        size += qint64(record(batch.at(i), account).dump().size()) + (i > 0 ? 1 : 0); // the comma between records
        if (size > maxBytes)
            return std::max<qsizetype>(i, 1);
    }
    return batch.size();
}

std::optional<QStringList> SqsQueuePoller::failedItems(const QByteArray &response, const QList<SqsQueueMessage> &batch)
{
    const QByteArray trimmed = response.trimmed();
    if (trimmed.isEmpty())
        return QStringList();
    if (!nlohmann::json::accept(trimmed.toStdString()))
        return std::nullopt;
    const nlohmann::json value = nlohmann::json::parse(trimmed.toStdString());
    if (!value.is_object() || !value.contains("batchItemFailures") || value["batchItemFailures"].is_null())
        return QStringList();
    const nlohmann::json &failures = value["batchItemFailures"];
    if (!failures.is_array())
        return std::nullopt;
    QSet<QString> known;
    for (const SqsQueueMessage &m : batch)
        known.insert(m.messageId);
    QStringList out;
    for (const nlohmann::json &item : failures) {
        if (!item.is_object() || !item.contains("itemIdentifier") || !item["itemIdentifier"].is_string())
            return std::nullopt;
        const QString id = QString::fromStdString(item["itemIdentifier"].get<std::string>());
        if (id.isEmpty() || !known.contains(id))
            return std::nullopt;
        if (!out.contains(id))
            out << id;
    }
    return out;
}

int SqsQueuePoller::poll()
{
    std::lock_guard lock(d->pollMutex);
    const QList<SqsEventSourceMapping> mappings = this->mappings();
    if (d->windowStartMs.size() != mappings.size())
        d->windowStartMs = QList<qint64>(mappings.size(), 0);
    int batches = 0;
    for (qsizetype i = 0; i < mappings.size(); ++i) {
        const SqsEventSourceMapping &m = mappings.at(i);
        if (!m.enabled)
            continue;
        const qint64 now = d->clock->nowMs();
        const QList<SqsQueueMessage> all = d->queues.messages(m.queue);
        const auto visible = std::count_if(all.cbegin(), all.cend(),
                                           [now](const SqsQueueMessage &msg) { return msg.visibleAtMs <= now; });
        if (visible == 0) {
            d->windowStartMs[i] = 0;
            continue;
        }
        // With a batching window Lambda waits for a full batch or the end of the window.
        if (visible < m.batchSize && m.batchingWindowSec > 0) {
            // (A window opened before the clock went back to real time starts again from now.)
            if (d->windowStartMs[i] == 0 || d->windowStartMs[i] > now)
                d->windowStartMs[i] = now;
            if (now - d->windowStartMs[i] < qint64(m.batchingWindowSec) * 1000)
                continue;
        }
        d->windowStartMs[i] = 0;
        QList<SqsQueueMessage> batch = d->queues.receive(m.queue, m.batchSize);
        if (batch.isEmpty())
            continue; // all of them went to the dead-letter queue
        // What does not fit in one payload waits, as if it had not been received.
        const qsizetype fitting = fittingCount(batch, m.function.account);
        for (qsizetype j = fitting; j < batch.size(); ++j)
            d->queues.unreceive(m.queue, batch.at(j).receiptHandle);
        batch.resize(fitting);
        ++batches;

        SqsBatchResult result;
        result.functionName = m.functionName;
        result.queue = m.queue;
        for (const SqsQueueMessage &msg : batch)
            result.messageIds << msg.messageId;
        const InvocationRecord record = d->invoke(m.function, event(batch, m.function.account));
        result.requestId = record.requestId;

        QStringList failed;
        if (record.outcome != InvocationOutcome::Success) {
            result.error = record.errorType.isEmpty() ? QStringLiteral("the invocation failed") : record.errorType;
            failed = result.messageIds;
        } else if (m.reportBatchItemFailures) {
            if (const auto items = failedItems(record.payload, batch)) {
                failed = *items;
            } else {
                result.error = QStringLiteral("invalid batchItemFailures response");
                failed = result.messageIds;
            }
        }
        // Failed messages stay hidden until their visibility timeout ends, then come back.
        for (const SqsQueueMessage &msg : batch)
            if (!failed.contains(msg.messageId))
                d->queues.deleteMessage(m.queue, msg.receiptHandle);
        result.failedIds = failed;
        Q_EMIT batchProcessed(result);
    }
    return batches;
}

void SqsQueuePoller::start()
{
    std::lock_guard lock(d->mutex);
    if (d->thread.joinable())
        return;
    d->stopping = false;
    d->thread = std::thread([this] {
        std::unique_lock lock(d->mutex);
        while (!d->stopping) {
            lock.unlock();
            const int ran = poll();
            qint64 due = std::numeric_limits<qint64>::max();
            for (const SqsEventSourceMapping &m : mappings()) {
                const qint64 visible = d->queues.nextVisibleMs(m.queue);
                if (visible >= 0)
                    due = std::min(due, visible);
                if (m.batchingWindowSec > 0)
                    due = std::min(due, d->clock->nowMs() + qint64(m.batchingWindowSec) * 1000);
            }
            qint64 waitMs = ran > 0 ? 0 : IdlePollMs;
            if (due != std::numeric_limits<qint64>::max()) {
                const qint64 untilDue = d->clock->realMsUntil(due);
                if (untilDue >= 0)
                    waitMs = std::min(waitMs, untilDue);
            }
            lock.lock();
            if (!d->stopping && !d->woken && waitMs > 0)
                d->changed.wait_for(lock, std::chrono::milliseconds(waitMs));
            d->woken = false;
        }
    });
}

void SqsQueuePoller::stop()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->changed.notify_all();
    if (d->thread.joinable())
        d->thread.join();
}

void SqsQueuePoller::wake()
{
    {
        std::lock_guard lock(d->mutex);
        d->woken = true;
    }
    d->changed.notify_all();
}

} // namespace fn
