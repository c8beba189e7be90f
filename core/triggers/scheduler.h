#pragma once
// Runs the template's Schedule and ScheduleV2 events on the shared Clock, handing each fire to the
// asynchronous queue as EventBridge hands it to Lambda (an Event invocation).

#include "engine/asyncqueue.h"
#include "project/functionconfig.h"
#include "snapshots/schedulestate.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace fn {

class Clock;

class Scheduler final : public QObject
{
    Q_OBJECT
public:
    // How a fire reaches the function: AsyncQueue::accept in the studio, a recorder in tests.
    using Dispatch = std::function<AsyncQueue::Accepted(const FunctionConfig &, const QByteArray &)>;
    static Dispatch dispatchTo(AsyncQueue &queue);

    // Fires beyond this in one clock jump are skipped, so a jump of years cannot flood the queue.
    static constexpr int MaxCatchUpFires = 1000;
    static constexpr int PreviewCount = 5;

    // Lives on the thread that creates it; the clock may be stepped from any thread.
    Scheduler(std::shared_ptr<Clock> clock, Dispatch dispatch, QObject *parent = nullptr);
    ~Scheduler() override;

    // Replaces the schedules with those of the functions' Schedule and ScheduleV2 events (state of
    // schedules that stay is kept). Returns one message per schedule that cannot run.
    QStringList setFunctions(const QList<FunctionConfig> &functions);
    // Adds or replaces one schedule from an event definition {"Type", "Properties"}; returns its
    // id, or an empty string with *error set.
    QString addSchedule(const FunctionConfig &function, const QString &eventId, const nlohmann::json &event,
                        QString *error = nullptr);

    // Starts firing. Fire times are counted from now: fires missed while the studio was not
    // running are not replayed (missedFiresNote()).
    void start();
    void stop();
    bool isRunning() const;

    QList<ScheduleState> schedules() const;
    std::optional<ScheduleState> schedule(const QString &id) const;
    QList<QDateTime> nextFireTimes(const QString &id, int count) const;

    // Enabling restarts a rate's period from now, as enabling an EventBridge rule does.
    bool setEnabled(const QString &id, bool enabled);
    // Fires once at the current clock time, enabled or not; the regular fire times are unchanged.
    bool fireNow(const QString &id);

    // Fires everything due at the current clock time (the clock's listener does this itself).
    void poll();

    // Connect AsyncQueue::eventFinished here to learn how each fire ended.
    void noteEventFinished(const QString &requestId, const QString &functionName, const QString &condition,
                           int approximateInvokeCount);

    // EventBridge does not deliver rules' fires that fell in a time the target could not be
    // reached; neither does the studio for the time it was closed. Said wherever schedules show.
    static QString missedFiresNote();

Q_SIGNALS:
    void scheduleChanged(const fn::ScheduleState &state);
    void fired(const fn::ScheduleState &state);

private:
    // From the clock's listener, on this object's thread: re-plans after a rewind, then polls.
    void clockChanged(qint64 rewoundMs);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
