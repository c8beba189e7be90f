#pragma once
// The studio's state behind every panel: a client of the open project's Workspace (engine, store,
// triggers, services) holding the models fed from the engine's snapshots in batches; commands
// (invoke, burst, stop) in, selection and messages out.

#include "engine/importprofilerun.h"
#include "metrics/packagesize.h"
#include "project/diagnostic.h"
#include "project/functionconfig.h"
#include "session/invokerequest.h"
#include "session/messenger.h"
#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/logbatch.h"
#include "snapshots/memorysample.h"
#include "workspace/burst.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace fn {

class Engine;
class EnvironmentModel;
class InvocationModel;
class InvocationSelection;
class LogModel;
class MemoryModel;
class MetricsModel;
class Project;
class TimelineModel;
class Workspace;

class StudioSession final : public QObject, public Messenger
{
    Q_OBJECT
public:
    // Without startEngine() the studio still opens projects and shows snapshots; invoking reports
    // that the engine is unavailable. Tests feed snapshots through the adopt* slots.
    explicit StudioSession(QObject *parent = nullptr);
    ~StudioSession() override;

    // Creates the real engine (runtimes from the plugin folder, detected sandbox backend).
    void startEngine();
    bool hasEngine() const;
    Engine *engine() const;
    // The open project as a whole: store, queue, triggers, serving, schedules.
    Workspace &workspace() const { return *m_workspace; }

    // Opening the folder already open re-reads it (a broken template keeps the last good project).
    bool openProject(const QString &folder);
    const Project &project() const;
    bool hasProject() const;
    // A file the editor saved: the workspace looks at it now, so the next invocation runs it.
    void fileSaved(const QString &path);
    QList<FunctionConfig> functions() const;
    QStringList eventFiles(const QString &functionName) const;

    InvocationModel &invocations() const { return *m_invocations; }
    EnvironmentModel &environments() const { return *m_environments; }
    LogModel &logs() const { return *m_logs; }
    MemoryModel &memory() const { return *m_memory; }
    TimelineModel &timeline() const { return *m_timeline; }
    MetricsModel &metrics() const { return *m_metrics; }
    // The invocation being looked at (list, timeline, logs, result).
    InvocationSelection &selection() const { return *m_selection; }

    // Starts request.count invocations, at most request.concurrency at a time, off the GUI thread.
    void invoke(const InvokeRequest &request);
    // The function the invoke bar targets: its next cold start's sandbox is made now (Engine::prepareAhead).
    void prepareAhead(const QString &functionName, const QString &qualifier);
    void cancelBurst();
    bool isBusy() const { return m_burstTotal > 0; }
    // One cold start of the request's function with its init's imports profiled, off the GUI
    // thread (Engine::profileImports); importProfileArrived follows.
    void profileImports(const InvokeRequest &request);
    bool isProfiling() const { return m_profiling; }
    // Panels ask (the Result panel's "Profile init"); the window profiles with the invoke bar's event.
    void requestImportProfile(const QString &functionName) { Q_EMIT importProfileRequested(functionName); }
    void stopEnvironment(const QString &environmentId);
    QStringList liveEnvironmentIds() const;

    void showMessage(Severity severity, const QString &text) override;
    // Panels ask; the window opens the file in the editor area.
    void requestOpenFile(const QString &path) { Q_EMIT openFileRequested(path); }
    // The function (and event, if one was picked) the invoke bar should target.
    void chooseTarget(const QString &functionName, const QString &eventPath)
    {
        Q_EMIT targetChosen(functionName, eventPath);
    }
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
    // The errors of the latest read of the project's files (empty once they read clean again).
    void problemsChanged(const QList<fn::Diagnostic> &problems);
    void message(fn::Messenger::Severity severity, const QString &text);
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
    void importProfileRequested(const QString &functionName);
    void importProfileStarted(const QString &functionName);
    void importProfileArrived(const fn::ImportProfileRun &run, const QList<fn::PackageSize> &sizes);

private:
    void acceptEvents(const InvokeRequest &request, const FunctionConfig &function);
    void connectEngine();
    void adoptBurstRecord(const fn::InvocationRecord &record);
    void finishBurst(const fn::BurstSummary &summary);

    Workspace *m_workspace;
    QSet<QString> m_acceptedRequests; // our Event invocations whose results the Result panel shows
    InvocationModel *m_invocations;
    EnvironmentModel *m_environments;
    LogModel *m_logs;
    MemoryModel *m_memory;
    TimelineModel *m_timeline;
    MetricsModel *m_metrics;
    InvocationSelection *m_selection;

    QList<InvocationRecord> m_pendingRecords;
    QList<EnvironmentState> m_pendingEnvironments;
    LogBatch m_pendingLogs;
    QList<MemorySample> m_pendingMemory;
    QTimer m_flushTimer;

    int m_burstTotal = 0; // while a burst of ours runs
    bool m_profiling = false;
    QThreadPool m_profiler; // its thread calls into the engine: waited for before the engine goes
};

} // namespace fn
