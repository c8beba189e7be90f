#include "triggers/scheduler.h"

#include "clock/clock.h"
#include "triggers/scheduledevent.h"
#include "triggers/scheduleexpression.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <map>

namespace fn {

namespace {

QString jsonString(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

QDateTime utcFromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

// The longest single wait, so a clock switched to another speed is never waited on for long.
constexpr qint64 MaxTimerMs = 60 * 1000;

} // namespace

struct Scheduler::Private
{
    struct Entry
    {
        ScheduleState state;
        FunctionConfig function;
        std::optional<ScheduleExpression> expression;
        QDateTime rateStart;
        qint64 nextMs = -1;          // clock time of the next regular fire; -1: none
        bool templateEnabled = true; // as the template says; state.enabled may be the user's toggle
    };

    std::shared_ptr<Clock> clock;
    Dispatch dispatch;
    std::map<QString, Entry> entries; // by id, so listings come out in a stable order
    QTimer timer;
    int clockToken = 0;
    bool running = false;

    void plan(Entry &entry, qint64 nowMs)
    {
        entry.nextMs = -1;
        entry.state.nextFires.clear();
        if (!entry.expression || !entry.state.enabled)
            return;
        const QDateTime now = utcFromMs(nowMs);
        const QDateTime next = entry.expression->nextAfter(now, entry.rateStart);
        if (next.isValid())
            entry.nextMs = next.toMSecsSinceEpoch();
        entry.state.nextFires = entry.expression->next(PreviewCount, now, entry.rateStart);
    }
};

Scheduler::Dispatch Scheduler::dispatchTo(AsyncQueue &queue)
{
    return
        [&queue](const FunctionConfig &function, const QByteArray &payload) { return queue.accept(function, payload); };
}

Scheduler::Scheduler(std::shared_ptr<Clock> clock, Dispatch dispatch, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<fn::ScheduleState>();
    d->clock = std::move(clock);
    d->dispatch = std::move(dispatch);
    d->timer.setSingleShot(true);
    connect(&d->timer, &QTimer::timeout, this, &Scheduler::poll);
    // The clock notifies on the stepping thread; the schedules are only touched on ours.
    QPointer<Scheduler> self(this);
    d->clockToken = d->clock->subscribe([self](qint64 rewoundMs) {
        if (self)
            QMetaObject::invokeMethod(
                self.data(),
                [self, rewoundMs] {
                    if (self)
                        self->clockChanged(rewoundMs);
                },
                Qt::QueuedConnection);
    });
}

Scheduler::~Scheduler()
{
    d->clock->unsubscribe(d->clockToken);
}

QStringList Scheduler::setFunctions(const QList<FunctionConfig> &functions)
{
    QStringList problems;
    std::map<QString, Private::Entry> previous;
    previous.swap(d->entries);
    for (const FunctionConfig &function : functions) {
        if (!function.events.is_object())
            continue;
        for (const auto &[key, event] : function.events.items()) {
            const QString type = jsonString(event, "Type");
            if (type != QLatin1String("Schedule") && type != QLatin1String("ScheduleV2"))
                continue;
            QString error;
            const QString id = addSchedule(function, QString::fromStdString(key), event, &error);
            if (!error.isEmpty())
                problems << error;
            // A reload keeps what the user saw: last fire, result, and a toggled enabled state.
            const auto old = previous.find(id);
            if (old != previous.end() && d->entries.count(id)) {
                Private::Entry &entry = d->entries[id];
                entry.state.lastFire = old->second.state.lastFire;
                entry.state.lastRequestId = old->second.state.lastRequestId;
                entry.state.lastResult = old->second.state.lastResult;
                entry.state.fireCount = old->second.state.fireCount;
                // The user's enable/disable outlives a reload unless the template itself changed it.
                if (old->second.templateEnabled == entry.templateEnabled
                    && old->second.state.enabled != entry.state.enabled) {
                    entry.state.enabled = old->second.state.enabled;
                    d->plan(entry, d->clock->nowMs());
                }
                // An unchanged schedule goes on: a reload neither restarts a rate's period nor
                // drops a fire that fell due before the clock's notification got here.
                const Private::Entry &was = old->second;
                if (entry.expression && was.expression && was.state.expression == entry.state.expression
                    && was.state.enabled == entry.state.enabled) {
                    entry.rateStart = was.rateStart;
                    entry.nextMs = was.nextMs;
                    entry.state.nextFires = was.state.nextFires;
                }
                Q_EMIT scheduleChanged(entry.state);
            }
        }
    }
    if (d->running)
        poll();
    return problems;
}

QString Scheduler::addSchedule(const FunctionConfig &function, const QString &eventId, const nlohmann::json &event,
                               QString *error)
{
    Private::Entry entry;
    entry.function = function;
    ScheduleState &state = entry.state;
    state.id = function.name + QLatin1Char('/') + eventId;
    state.functionName = function.name;
    state.eventId = eventId;
    state.type = jsonString(event, "Type");
    const nlohmann::json properties = event.value("Properties", nlohmann::json::object());
    const bool v2 = state.type == QLatin1String("ScheduleV2");
    state.expression = jsonString(properties, v2 ? "ScheduleExpression" : "Schedule");
    state.ruleName = jsonString(properties, "Name");
    if (state.ruleName.isEmpty())
        state.ruleName = function.name + eventId;

    // Schedule: Enabled (bool) or State; ScheduleV2: State. Both default to enabled.
    if (properties.contains("Enabled") && properties["Enabled"].is_boolean())
        state.enabled = properties["Enabled"].get<bool>();
    const QString stateText = jsonString(properties, "State");
    if (!stateText.isEmpty())
        state.enabled = stateText.compare(QLatin1String("DISABLED"), Qt::CaseInsensitive) != 0;
    entry.templateEnabled = state.enabled;

    // Input is JSON text in CloudFormation; a YAML mapping written inline is taken as that JSON.
    if (properties.contains("Input")) {
        const nlohmann::json &input = properties["Input"];
        state.input = input.is_string() ? QByteArray::fromStdString(input.get<std::string>())
                                        : QByteArray::fromStdString(input.dump());
        if (!nlohmann::json::accept(state.input.toStdString()))
            state.error = state.id + QStringLiteral(": Input is not valid JSON");
    }

    QString parseError;
    if (state.expression.isEmpty())
        state.error = state.id + QStringLiteral(": no schedule expression");
    else if (state.error.isEmpty() && !(entry.expression = ScheduleExpression::parse(state.expression, &parseError)))
        state.error = state.id + QStringLiteral(": ") + parseError;
    if (!state.error.isEmpty())
        entry.expression.reset();

    const qint64 now = d->clock->nowMs();
    entry.rateStart = utcFromMs(now);
    d->plan(entry, now);
    if (error)
        *error = state.error;
    const QString id = state.id;
    d->entries[id] = std::move(entry);
    Q_EMIT scheduleChanged(d->entries[id].state);
    if (d->running)
        poll();
    return id;
}

void Scheduler::start()
{
    d->running = true;
    // Counting from now is what makes missed fires not replay.
    const qint64 now = d->clock->nowMs();
    for (auto &[id, entry] : d->entries) {
        entry.rateStart = utcFromMs(now);
        d->plan(entry, now);
    }
    poll();
}

void Scheduler::stop()
{
    d->running = false;
    d->timer.stop();
}

bool Scheduler::isRunning() const
{
    return d->running;
}

QList<ScheduleState> Scheduler::schedules() const
{
    QList<ScheduleState> out;
    for (const auto &[id, entry] : d->entries)
        out << entry.state;
    return out;
}

std::optional<ScheduleState> Scheduler::schedule(const QString &id) const
{
    const auto it = d->entries.find(id);
    if (it == d->entries.end())
        return std::nullopt;
    return it->second.state;
}

QList<QDateTime> Scheduler::nextFireTimes(const QString &id, int count) const
{
    const auto it = d->entries.find(id);
    if (it == d->entries.end() || !it->second.expression || !it->second.state.enabled)
        return {};
    return it->second.expression->next(count, utcFromMs(d->clock->nowMs()), it->second.rateStart);
}

bool Scheduler::setEnabled(const QString &id, bool enabled)
{
    const auto it = d->entries.find(id);
    if (it == d->entries.end())
        return false;
    Private::Entry &entry = it->second;
    if (entry.state.enabled == enabled)
        return true;
    entry.state.enabled = enabled;
    const qint64 now = d->clock->nowMs();
    entry.rateStart = utcFromMs(now);
    d->plan(entry, now);
    Q_EMIT scheduleChanged(entry.state);
    if (d->running)
        poll();
    return true;
}

namespace {

void fireEntry(Scheduler *scheduler, const Scheduler::Dispatch &dispatch, ScheduleState &state,
               const FunctionConfig &function, qint64 fireMs)
{
    const QDateTime fireTime = utcFromMs(fireMs);
    const QByteArray payload =
        !state.input.isEmpty()
            ? state.input
            : QByteArray::fromStdString(scheduledEvent(state.ruleName, fireTime, {function.account, {}}).dump());
    const AsyncQueue::Accepted accepted = dispatch(function, payload);
    state.lastFire = fireTime;
    state.lastRequestId = accepted.requestId;
    state.lastResult = accepted.ok() ? QStringLiteral("Accepted") : accepted.errorType;
    ++state.fireCount;
    Q_EMIT scheduler->fired(state);
}

} // namespace

bool Scheduler::fireNow(const QString &id)
{
    const auto it = d->entries.find(id);
    if (it == d->entries.end())
        return false;
    Private::Entry &entry = it->second;
    fireEntry(this, d->dispatch, entry.state, entry.function, d->clock->nowMs());
    Q_EMIT scheduleChanged(entry.state);
    return true;
}

void Scheduler::clockChanged(qint64 rewoundMs)
{
    if (rewoundMs > 0) {
        // Back to real time: a rate keeps its phase and the time it had left, a cron expression
        // its next match on the wall clock.
        const qint64 now = d->clock->nowMs();
        for (auto &[id, entry] : d->entries) {
            entry.rateStart = entry.rateStart.addMSecs(-rewoundMs);
            if (entry.nextMs >= 0)
                d->plan(entry, now);
            Q_EMIT scheduleChanged(entry.state);
        }
    }
    poll();
}

void Scheduler::poll()
{
    if (!d->running)
        return;
    const qint64 now = d->clock->nowMs();
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (auto &[id, entry] : d->entries) {
        if (entry.nextMs >= 0 && entry.nextMs <= now) {
            // Every fire time the clock passed over, each with its own time, as a running rule
            // would have delivered them; only an absurd jump is cut short.
            int fires = 0;
            qint64 due = entry.nextMs;
            while (due >= 0 && due <= now && fires < MaxCatchUpFires) {
                fireEntry(this, d->dispatch, entry.state, entry.function, due);
                ++fires;
                const QDateTime next = entry.expression->nextAfter(utcFromMs(due), entry.rateStart);
                due = next.isValid() ? next.toMSecsSinceEpoch() : -1;
            }
            d->plan(entry, std::max(now, entry.state.lastFire.toMSecsSinceEpoch()));
            Q_EMIT scheduleChanged(entry.state);
        }
        if (entry.nextMs >= 0)
            earliest = std::min(earliest, entry.nextMs);
    }
    d->timer.stop();
    if (earliest == std::numeric_limits<qint64>::max())
        return;
    const qint64 wait = d->clock->realMsUntil(earliest);
    if (wait >= 0) // a manual clock is never waited on: its steps call poll()
        d->timer.start(int(std::min(std::max<qint64>(wait, 1), MaxTimerMs)));
}

void Scheduler::noteEventFinished(const QString &requestId, const QString &functionName, const QString &condition,
                                  int approximateInvokeCount)
{
    Q_UNUSED(approximateInvokeCount)
    for (auto &[id, entry] : d->entries) {
        if (entry.state.functionName == functionName && entry.state.lastRequestId == requestId
            && !requestId.isEmpty()) {
            entry.state.lastResult = condition;
            Q_EMIT scheduleChanged(entry.state);
        }
    }
}

QString Scheduler::missedFiresNote()
{
    return QStringLiteral("Schedules fire only while the studio runs: fires missed while it was closed "
                          "are not replayed (as with EventBridge); each schedule counts on from when it "
                          "was started.");
}

} // namespace fn
