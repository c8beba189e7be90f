#include "engine/asyncqueue.h"

#include "clock/clock.h"
#include "engine/engine.h"
#include "store/store.h"

#include <QDateTime>
#include <QHash>
#include <QThreadPool>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace fn {

namespace {

using ordered_json = nlohmann::ordered_json;

const QString Success = QStringLiteral("Success");
const QString RetriesExhausted = QStringLiteral("RetriesExhausted");
const QString EventAgeExceeded = QStringLiteral("EventAgeExceeded");

// JSON as JSON; anything else (Lambda accepts any bytes in the queue) as a string.
ordered_json jsonOrString(const QByteArray &bytes)
{
    auto parsed = ordered_json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (parsed.is_discarded())
        return bytes.toStdString();
    return parsed;
}

// The first `limit` bytes of UTF-8 text, never cutting a character in two.
QByteArray utf8Prefix(const QString &text, int limit)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.size() <= limit)
        return bytes;
    qsizetype end = limit;
    while (end > 0 && (uchar(bytes.at(end)) & 0xC0) == 0x80)
        --end;
    return bytes.left(end);
}

bool isFunctionFailure(InvocationOutcome outcome)
{
    switch (outcome) {
    case InvocationOutcome::FunctionError:
    case InvocationOutcome::Timeout:
    case InvocationOutcome::OutOfMemory:
    case InvocationOutcome::RuntimeExit:
    case InvocationOutcome::InitError:
        return true;
    default:
        return false;
    }
}

} // namespace

struct AsyncQueue::Private
{
    AsyncQueue *q = nullptr;
    Engine &engine;
    Store &store;
    std::shared_ptr<Clock> clock;
    int clockToken = 0;

    mutable std::mutex mutex;
    mutable std::condition_variable changed; // dispatcher wake-ups and waiters
    QHash<QString, StoredEvent> events;      // pending and in flight, by request id
    QHash<QString, FunctionConfig> functions;
    QHash<QString, QString> finished; // request id → condition, this session
    bool legacyLimit = false;
    static constexpr int maxParallel = 32; // deliveries at once
    int active = 0;
    bool stopping = false;
    bool started = false;
    std::thread dispatcher;
    QThreadPool pool;

    Private(AsyncQueue *queue, Engine &e, Store &s)
        : q(queue)
        , engine(e)
        , store(s)
        , clock(e.clock())
    {
    }

    void dispatch();
    void deliver(StoredEvent event, const FunctionConfig &function);
    void finish(const StoredEvent &event, const FunctionConfig &function, const QString &condition,
                const InvocationRecord *last);
    void reschedule(StoredEvent event, const InvocationRecord &last);
};

AsyncQueue::AsyncQueue(Engine &engine, Store &store, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, engine, store))
{
    qRegisterMetaType<fn::StoredEvent>();
    qRegisterMetaType<fn::InvocationRecord>();
    d->pool.setMaxThreadCount(d->maxParallel);
    d->clockToken = d->clock->subscribe([this](qint64 rewoundMs) {
        QList<StoredEvent> moved;
        {
            std::lock_guard lock(d->mutex); // under the mutex: the dispatcher cannot miss the step
            // Back to real time: an event keeps its age and the wait it had left before its retry.
            if (rewoundMs > 0) {
                for (StoredEvent &e : d->events) {
                    e.acceptedMs -= rewoundMs;
                    e.nextAttemptMs -= rewoundMs;
                    if (!e.inFlight)
                        moved << e;
                }
            }
            d->changed.notify_all();
        }
        for (const StoredEvent &e : moved)
            d->store.putEvent(e);
    });
}

AsyncQueue::~AsyncQueue()
{
    stop();
    d->clock->unsubscribe(d->clockToken);
}

void AsyncQueue::setFunctions(const QList<FunctionConfig> &functions)
{
    {
        std::lock_guard lock(d->mutex);
        for (const FunctionConfig &f : functions)
            d->functions.insert(f.name, f);
    }
    d->changed.notify_all();
}

void AsyncQueue::setLegacyPayloadLimit(bool legacy)
{
    std::lock_guard lock(d->mutex);
    d->legacyLimit = legacy;
}

AsyncQueue::Accepted AsyncQueue::accept(const FunctionConfig &function, const QByteArray &payload)
{
    Accepted result;
    qint64 limit = MaxPayloadBytes;
    {
        std::lock_guard lock(d->mutex);
        limit = d->legacyLimit ? LegacyMaxPayloadBytes : MaxPayloadBytes;
        d->functions.insert(function.name, function);
    }
    if (payload.size() > limit) {
        result.errorType = QStringLiteral("RequestEntityTooLargeException");
        result.errorMessage =
            QStringLiteral("%1 byte payload is too large for the Event invocation type (limit %2 bytes)")
                .arg(payload.size())
                .arg(limit);
        return result;
    }
    StoredEvent event;
    event.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    event.functionName = function.name;
    event.payload = payload.trimmed().isEmpty() ? QByteArrayLiteral("{}") : payload;
    event.acceptedMs = d->clock->nowMs();
    event.nextAttemptMs = event.acceptedMs;
    // Durable before the 202: an accepted event survives a crash from here on.
    if (!d->store.putEvent(event)) {
        result.errorType = QStringLiteral("ServiceException");
        result.errorMessage = QStringLiteral("the event could not be stored in %1").arg(d->store.path());
        return result;
    }
    {
        std::lock_guard lock(d->mutex);
        d->events.insert(event.requestId, event);
    }
    d->changed.notify_all();
    result.requestId = event.requestId;
    Q_EMIT eventAccepted(event);
    Q_EMIT queueChanged(function.name);
    return result;
}

int AsyncQueue::start()
{
    const QList<StoredEvent> stored = d->store.events();
    int count = 0;
    {
        std::lock_guard lock(d->mutex);
        if (d->started)
            return 0;
        const qint64 now = d->clock->nowMs();
        for (StoredEvent e : stored) {
            if (d->events.contains(e.requestId))
                continue;
            // An attempt that was running when the process died has no result: run it again now.
            if (e.inFlight) {
                e.inFlight = false;
                e.nextAttemptMs = std::min(e.nextAttemptMs, now);
            }
            d->events.insert(e.requestId, e);
            ++count;
        }
        d->started = true;
        d->stopping = false;
        d->dispatcher = std::thread([this] { d->dispatch(); });
    }
    Q_EMIT recovered(count);
    return count;
}

void AsyncQueue::stop()
{
    {
        std::lock_guard lock(d->mutex);
        if (!d->started)
            return;
        d->stopping = true;
    }
    d->changed.notify_all();
    d->dispatcher.join();
    d->pool.waitForDone();
    std::lock_guard lock(d->mutex);
    d->started = false;
}

void AsyncQueue::Private::dispatch()
{
    std::unique_lock lock(mutex);
    while (!stopping) {
        const qint64 now = clock->nowMs();
        qint64 nextDue = std::numeric_limits<qint64>::max();
        for (auto it = events.begin(); it != events.end(); ++it) {
            StoredEvent &e = it.value();
            if (e.inFlight || !functions.contains(e.functionName))
                continue;
            if (e.nextAttemptMs > now) {
                nextDue = std::min(nextDue, e.nextAttemptMs);
                continue;
            }
            if (active >= maxParallel)
                break;
            e.inFlight = true;
            ++active;
            pool.start([this, event = e, function = functions.value(e.functionName)] { deliver(event, function); });
        }
        const qint64 waitMs = nextDue == std::numeric_limits<qint64>::max() ? -1 : clock->realMsUntil(nextDue);
        if (waitMs < 0)
            changed.wait(lock);
        else if (waitMs > 0)
            changed.wait_for(lock, std::chrono::milliseconds(waitMs));
    }
}

void AsyncQueue::Private::deliver(StoredEvent event, const FunctionConfig &function)
{
    const qint64 maxAgeMs = qint64(function.asyncInvoke.maximumEventAgeSeconds) * 1000;
    if (clock->nowMs() - event.acceptedMs >= maxAgeMs)
        return finish(event, function, EventAgeExceeded, nullptr);

    event.inFlight = true;
    store.putEvent(event);
    InvokeOptions options;
    options.requestId = event.requestId;
    options.asynchronous = true;
    options.attempt = event.attempts + 1;
    const InvocationRecord record = engine.invoke(function, event.payload, options);

    if (record.outcome == InvocationOutcome::Success) {
        ++event.attempts;
        return finish(event, function, Success, &record);
    }
    if (record.outcome == InvocationOutcome::Throttled && function.reservedConcurrency.value_or(-1) == 0) {
        // A function that may not run at all: straight to the failure targets, no retries.
        return finish(event, function, RetriesExhausted, &record);
    }
    if (isFunctionFailure(record.outcome)) {
        ++event.attempts;
        event.lastError = record.errorType;
        const int retries = std::clamp(function.asyncInvoke.maximumRetryAttempts, 0, 2);
        if (event.attempts > retries)
            return finish(event, function, RetriesExhausted, &record);
        event.nextAttemptMs = clock->nowMs() + (event.attempts == 1 ? FirstRetryDelayMs : SecondRetryDelayMs);
    } else {
        // Throttled, or refused by the platform: back to the queue, 1 s doubling up to 5 minutes.
        ++event.throttles;
        event.lastError = record.errorType;
        const qint64 backoff = std::min(BackoffMaxMs, BackoffStartMs << std::min(event.throttles - 1, 20));
        event.nextAttemptMs = clock->nowMs() + backoff;
    }
    {
        // A rewind during the attempt moved the queue's copy of the event: its age counts from there.
        std::lock_guard lock(mutex);
        if (const auto it = events.constFind(event.requestId); it != events.constEnd())
            event.acceptedMs = it->acceptedMs;
    }
    if (event.nextAttemptMs - event.acceptedMs >= maxAgeMs)
        return finish(event, function, EventAgeExceeded, &record);
    reschedule(event, record);
}

void AsyncQueue::Private::reschedule(StoredEvent event, const InvocationRecord &last)
{
    event.inFlight = false;
    store.putEvent(event);
    {
        std::lock_guard lock(mutex);
        events.insert(event.requestId, event);
        --active;
    }
    changed.notify_all();
    Q_EMIT q->eventScheduled(event, last);
}

void AsyncQueue::Private::finish(const StoredEvent &event, const FunctionConfig &function, const QString &condition,
                                 const InvocationRecord *last)
{
    const qint64 now = clock->nowMs();
    QList<QueueMessage> messages;
    QList<QPair<FunctionConfig, QByteArray>> forwards; // Lambda destinations, invoked asynchronously
    const auto target = [&](const char *key) -> const nlohmann::json * {
        const auto &config = function.asyncInvoke.destinations;
        if (!config.is_object() || !config.contains(key) || !config[key].is_object())
            return nullptr;
        return &config[key];
    };
    const bool succeeded = condition == Success;
    if (const nlohmann::json *dest = target(succeeded ? "OnSuccess" : "OnFailure")) {
        const QByteArray record = AsyncQueue::destinationRecord(event.requestId, function.arn(), condition,
                                                                event.attempts, event.payload, last, now);
        const QString name = AsyncQueue::targetName(
            dest->contains("Destination") ? (*dest)["Destination"] : nlohmann::json(),
            function.name + (succeeded ? QStringLiteral("-OnSuccess") : QStringLiteral("-OnFailure")),
            function.resourceNames);
        const std::string type =
            dest->contains("Type") && (*dest)["Type"].is_string() ? (*dest)["Type"].get<std::string>() : "";
        std::optional<FunctionConfig> targetFunction;
        {
            std::lock_guard lock(mutex);
            // By its logical id (a Ref or GetAtt) or by the name in an ARN (its FunctionName).
            if (type == "Lambda" && functions.contains(name))
                targetFunction = functions.value(name);
            for (auto it = functions.cbegin(); type == "Lambda" && !targetFunction && it != functions.cend(); ++it)
                if (it->lambdaName() == name)
                    targetFunction = *it;
        }
        if (targetFunction)
            forwards.append({*targetFunction, record});
        else
            messages.append(
                {0, name, QStringLiteral("destination"), function.name, event.requestId, record, QByteArray(), now});
    }
    if (!succeeded && function.deadLetterQueue.is_object()) {
        const auto &dlq = function.deadLetterQueue;
        const QString name = AsyncQueue::targetName(dlq.contains("TargetArn") ? dlq["TargetArn"] : nlohmann::json(),
                                                    function.name + QStringLiteral("-DLQ"), function.resourceNames);
        const bool ran = last && last->outcome != InvocationOutcome::Throttled;
        const QString message =
            last ? (last->errorMessage.isEmpty() ? last->errorType : last->errorMessage) : condition;
        ordered_json attributes{
            {"RequestID", {{"DataType", "String"}, {"StringValue", event.requestId.toStdString()}}},
            {"ErrorCode", {{"DataType", "Number"}, {"StringValue", ran ? "200" : "429"}}},
            {"ErrorMessage",
             {{"DataType", "String"}, {"StringValue", utf8Prefix(message, DlqErrorMessageBytes).toStdString()}}}};
        messages.append({0, name, QStringLiteral("dlq"), function.name, event.requestId, event.payload,
                         QByteArray::fromStdString(attributes.dump()), now});
    }

    // A Lambda destination's event is accepted first: a crash in between delivers it twice, never
    // not at all. The event leaves the queue and its records arrive in one transaction.
    for (const auto &[targetFunction, record] : std::as_const(forwards))
        q->accept(targetFunction, record);
    store.finishEvent(event.requestId, messages);
    {
        std::lock_guard lock(mutex);
        events.remove(event.requestId);
        finished.insert(event.requestId, condition);
        --active;
    }
    changed.notify_all();
    Q_EMIT q->eventFinished(event.requestId, function.name, condition, event.attempts);
    Q_EMIT q->queueChanged(function.name);
    for (const QueueMessage &m : std::as_const(messages))
        Q_EMIT q->queueChanged(m.queue);
}

bool AsyncQueue::waitForEvent(const QString &requestId, int timeoutMs) const
{
    std::unique_lock lock(d->mutex);
    return d->changed.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                               [&] { return d->finished.contains(requestId); });
}

bool AsyncQueue::waitUntilIdle(int timeoutMs) const
{
    std::unique_lock lock(d->mutex);
    return d->changed.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return d->events.isEmpty(); });
}

std::optional<QString> AsyncQueue::condition(const QString &requestId) const
{
    std::lock_guard lock(d->mutex);
    const auto it = d->finished.constFind(requestId);
    if (it == d->finished.constEnd())
        return std::nullopt;
    return *it;
}

QList<StoredEvent> AsyncQueue::pending() const
{
    std::lock_guard lock(d->mutex);
    QList<StoredEvent> out = d->events.values();
    std::sort(out.begin(), out.end(), [](const StoredEvent &a, const StoredEvent &b) {
        return a.acceptedMs != b.acceptedMs ? a.acceptedMs < b.acceptedMs : a.requestId < b.requestId;
    });
    return out;
}

QList<QueueSummary> AsyncQueue::queues() const
{
    return d->store.queues();
}

QList<QueueMessage> AsyncQueue::messages(const QString &queue) const
{
    return d->store.messages(queue);
}

int AsyncQueue::redrive(const QString &queue)
{
    int count = 0;
    for (const QueueMessage &m : d->store.messages(queue)) {
        std::optional<FunctionConfig> function;
        {
            std::lock_guard lock(d->mutex);
            if (d->functions.contains(m.functionName))
                function = d->functions.value(m.functionName);
        }
        if (!function)
            continue; // its function is not in the project any more: leave the message where it is
        QByteArray payload = m.body;
        if (m.kind == QLatin1String("destination")) {
            const auto record = nlohmann::json::parse(m.body.begin(), m.body.end(), nullptr, false);
            if (record.is_object() && record.contains("requestPayload"))
                payload = QByteArray::fromStdString(record["requestPayload"].dump());
        }
        if (accept(*function, payload).ok() && d->store.removeMessage(m.id))
            ++count;
    }
    if (count > 0)
        Q_EMIT queueChanged(queue);
    return count;
}

int AsyncQueue::purge(const QString &queue)
{
    const int removed = d->store.removeMessages(queue);
    if (removed > 0)
        Q_EMIT queueChanged(queue);
    return removed;
}

QByteArray AsyncQueue::destinationRecord(const QString &requestId, const QString &functionArn, const QString &condition,
                                         int approximateInvokeCount, const QByteArray &requestPayload,
                                         const InvocationRecord *last, qint64 timestampMs)
{
    ordered_json record;
    record["version"] = "1.0";
    record["timestamp"] =
        QDateTime::fromMSecsSinceEpoch(timestampMs, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
    ordered_json context;
    context["requestId"] = requestId.toStdString();
    context["functionArn"] = QString(functionArn + QStringLiteral(":$LATEST")).toStdString();
    context["condition"] = condition.toStdString();
    context["approximateInvokeCount"] = approximateInvokeCount;
    record["requestContext"] = context;
    record["requestPayload"] = jsonOrString(requestPayload);
    // An event that never ran (only throttled) has the throttle as its response.
    const bool ran = last && last->outcome != InvocationOutcome::Throttled;
    ordered_json response;
    response["statusCode"] = ran || !last ? 200 : 429;
    response["executedVersion"] = "$LATEST";
    if (last && last->failed() && ran)
        response["functionError"] = "Unhandled";
    record["responseContext"] = response;
    if (last)
        record["responsePayload"] = jsonOrString(last->payload);
    return QByteArray::fromStdString(record.dump());
}

QString AsyncQueue::targetName(const nlohmann::json &target, const QString &fallback,
                               const QHash<QString, QString> &names)
{
    if (target.is_string()) {
        const QString arn = QString::fromStdString(target.get<std::string>());
        const qsizetype function = arn.indexOf(QLatin1String(":function:"));
        if (function >= 0)
            return arn.mid(function + 10).section(QLatin1Char(':'), 0, 0);
        if (arn.startsWith(QLatin1String("https://")) || arn.startsWith(QLatin1String("http://")))
            return arn.section(QLatin1Char('/'), -1); // a queue URL
        return arn.section(QLatin1Char(':'), -1);
    }
    if (target.is_object()) {
        const auto named = [&names](const QString &logicalId) { return names.value(logicalId, logicalId); };
        if (target.contains("Ref") && target["Ref"].is_string())
            return named(QString::fromStdString(target["Ref"].get<std::string>()));
        if (target.contains("Fn::GetAtt")) {
            const auto &att = target["Fn::GetAtt"];
            if (att.is_array() && !att.empty() && att[0].is_string())
                return named(QString::fromStdString(att[0].get<std::string>()));
            if (att.is_string())
                return named(QString::fromStdString(att.get<std::string>()).section(QLatin1Char('.'), 0, 0));
        }
    }
    return fallback;
}

} // namespace fn
