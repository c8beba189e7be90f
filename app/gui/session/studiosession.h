#pragma once
// The studio's state behind every panel: the open project, the engine, and the models fed from the
// engine's snapshots in batches; commands (invoke, burst, stop) in, selection and messages out.

#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/logbatch.h"
#include "snapshots/memorysample.h"
#include "project/functionconfig.h"
#include "session/invokerequest.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace fn {

class AsyncDelivery;
class Engine;
class EnvironmentModel;
class InvocationModel;
class LogModel;
class MemoryModel;
class MetricsModel;
class Project;
class TimelineModel;

class StudioSession final : public QObject
{
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };
    Q_ENUM(Severity)

    // Without startEngine() the studio still opens projects and shows snapshots; invoking reports
    // that the engine is unavailable. Tests feed snapshots through the adopt* slots.
    explicit StudioSession(QObject *parent = nullptr);
    ~StudioSession() override;

    // Creates the real engine (runtimes from the plugin folder, detected sandbox backend).
    void startEngine();
    bool hasEngine() const { return m_engine != nullptr; }
    Engine *engine() const { return m_engine.get(); }
    // The project's store and async queue; nullptr without an engine, and not open while no
    // project is open or its database was refused.
    AsyncDelivery *asyncDelivery() const { return m_async; }

    bool openProject(const QString &folder);
    const Project &project() const { return *m_project; }
    bool hasProject() const;
    QList<FunctionConfig> functions() const;
    QStringList eventFiles(const QString &functionName) const;

    InvocationModel &invocations() const { return *m_invocations; }
    EnvironmentModel &environments() const { return *m_environments; }
    LogModel &logs() const { return *m_logs; }
    MemoryModel &memory() const { return *m_memory; }
    TimelineModel &timeline() const { return *m_timeline; }
    MetricsModel &metrics() const { return *m_metrics; }

    // Starts request.count invocations, at most request.concurrency at a time, off the GUI thread.
    void invoke(const InvokeRequest &request);
    void cancelBurst();
    bool isBusy() const { return m_burstTotal > 0; }
    void stopEnvironment(const QString &environmentId);
    QStringList liveEnvironmentIds() const;

    void selectInvocation(const QString &requestId);
    QString selectedRequestId() const { return m_selected; }
    const InvocationRecord *selectedRecord() const;

    void showMessage(Severity severity, const QString &text);
    // Panels ask; the window opens the file in the editor area.
    void requestOpenFile(const QString &path) { Q_EMIT openFileRequested(path); }
    // The function (and event, if one was picked) the invoke bar should target.
    void chooseTarget(const QString &functionName, const QString &eventPath) { Q_EMIT targetChosen(functionName, eventPath); }
    // Panels ask; the window offers the event catalogue for that function.
    void requestNewEvent(const QString &functionName) { Q_EMIT newEventRequested(functionName); }
    // Panels ask; the window offers the New Function dialog.
    void requestNewFunction() { Q_EMIT newFunctionRequested(); }
    // A panel rewrote a project file (why: "Properties applied"); an open tab on it is refreshed.
    void notifyFileWritten(const QString &path, const QString &why) { Q_EMIT fileWritten(path, why); }

    // Incoming snapshots are queued and applied to the models together every flush interval, so a
    // burst of thousands of invocations costs a few model updates a second, not thousands.
    void adoptInvocation(const fn::InvocationRecord &record);
    void adoptEnvironment(const fn::EnvironmentState &state);
    void adoptLogs(const fn::LogBatch &batch);
    void adoptMemory(const fn::MemorySample &sample);
    void flush();

Q_SIGNALS:
    void projectChanged();
    void message(fn::StudioSession::Severity severity, const QString &text);
    void invocationSelected(const QString &requestId);
    // A result of an invocation this session started (the Result panel shows it).
    void resultArrived(const fn::InvocationRecord &record);
    // An Event invocation was accepted (202) into the project's async queue.
    void asyncAccepted(const QString &functionName, const QString &requestId);
    void eventsRecovered(int count);
    // The content of some local queue changed (coalesced).
    void queuesChanged();
    void burstProgress(int finished, int total);
    void busyChanged(bool busy);
    void flushed();
    void openFileRequested(const QString &path);
    void targetChosen(const QString &functionName, const QString &eventPath);
    void newEventRequested(const QString &functionName);
    void newFunctionRequested();
    void fileWritten(const QString &path, const QString &why);

private:
    void launchMore();
    void acceptEvents(const InvokeRequest &request, const FunctionConfig &function);
    void openDelivery();
    void finishBurstIfDone();

    std::unique_ptr<Project> m_project;
    std::unique_ptr<Engine> m_engine;
    AsyncDelivery *m_async = nullptr;
    QSet<QString> m_acceptedRequests; // our Event invocations whose results the Result panel shows
    InvocationModel *m_invocations;
    EnvironmentModel *m_environments;
    LogModel *m_logs;
    MemoryModel *m_memory;
    TimelineModel *m_timeline;
    MetricsModel *m_metrics;

    QList<InvocationRecord> m_pendingRecords;
    QList<EnvironmentState> m_pendingEnvironments;
    LogBatch m_pendingLogs;
    QList<MemorySample> m_pendingMemory;
    QTimer m_flushTimer;

    // Burst bookkeeping: tickets of our invocations in flight; results for others are only adopted.
    InvokeRequest m_burst;
    FunctionConfig m_burstFunction;
    QSet<quint64> m_inFlight;
    int m_burstTotal = 0;
    int m_burstLaunched = 0;
    int m_burstFinished = 0;
    bool m_burstCancelled = false;

    QString m_selected;
};

} // namespace fn
