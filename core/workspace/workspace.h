#pragma once
// One open project as a whole: its Project, the Engine, the store with its history recorder and
// async queue, the triggers and local services, provisioned environments, bursts, and the watch on
// its files (a saved change to a function's code or configuration retires its environments, as an
// update does on Lambda; a broken template keeps the last good project). The studio's session and
// every CLI command are thin clients of it.

#include "project/diagnostic.h"
#include "project/functionconfig.h"
#include "project/functionversions.h"
#include "project/project.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/schedulestate.h"
#include "workspace/burst.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include <memory>
#include <optional>

namespace fn {

class AsyncQueue;
class Clock;
class Engine;
class HistoryRecorder;
class ProjectWatcher;
class RuntimeRegistry;
class SandboxBackend;
class SnapshotPublisher;
class Store;
class TriggerHost;

class Workspace final : public QObject
{
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };
    Q_ENUM(Severity)

    // What open() brings up besides the project and the engine.
    struct Options
    {
        bool durable = true;   // the project's store: history, Event invocations, SQS queues
        bool deliver = true;   // deliver Event invocations now (recovering an earlier run's)
        bool triggers = true;  // schedules, SQS event source mappings, bucket events (needs durable)
        bool watch = true;     // follow saved changes of the project's files
        bool provision = true; // start the functions' ProvisionedConcurrencyConfig environments
    };

    static constexpr int DefaultApiPort = 3000;
    static constexpr int DefaultInvokePort = 3001;
    static constexpr int DefaultS3Port = 3002;

    explicit Workspace(QObject *parent = nullptr);
    ~Workspace() override; // the triggers, the queue, the store, then every environment go, in that order

    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }
    // Applied over the template at every read (sam local --env-vars); empty: none.
    void setEnvVarsFile(const QString &path) { m_envVarsFile = path; }
    // Event payloads limited to 262,144 bytes whatever the project's settings say (a CLI flag).
    void forceLegacyAsyncPayloadLimit() { m_forceLegacyLimit = true; }

    // The real engine (runtimes from the plugin folder, detected sandbox) unless given; without it
    // a project still opens and invoking says why not.
    void startEngine(const RuntimeRegistry *registry = nullptr, SandboxBackend *backend = nullptr);
    Engine *engine() const { return m_engine.get(); }
    std::shared_ptr<Clock> clock() const;

    // Reads the project and brings up what the options ask for. Opening the folder already open
    // is a reload: queues, schedules (a disabled one stays disabled), serving and environments
    // of unchanged functions go on; a read with errors keeps the last good project (problems()).
    bool open(const QString &folder);
    bool reload();
    void close();
    bool hasProject() const { return !m_project.folder().isEmpty(); }
    const Project &project() const { return m_project; }
    QList<FunctionConfig> functions() const { return m_project.functions(); }
    // The configuration an invocation of `name` with `qualifier` ("", $LATEST, a version number or
    // an alias) runs; empty with Lambda's "Function not found" message when there is none.
    std::optional<FunctionConfig> function(const QString &name, const QString &qualifier, QString *why = nullptr) const;
    // The published versions and aliases (AutoPublishAlias), by function.
    const QHash<QString, VersionCatalogue> &versions() const { return m_versions.all(); }
    // Errors of the latest read of the project's files; empty once they read clean again.
    const QList<Diagnostic> &problems() const { return m_problems; }
    // The latest read had errors and the project before it is kept.
    bool keepsLastGoodProject() const { return m_keptLastGood; }

    // nullptr while closed, without durable parts, or when the store was refused (storeProblem()).
    Store *store() const { return m_store.get(); }
    AsyncQueue *queue() const { return m_queue.get(); }
    TriggerHost *triggers() const { return m_triggers.get(); }
    QString storeProblem() const { return m_storeProblem; }
    // The queues, SQS queues and buckets as snapshots read off this thread, for the panels.
    SnapshotPublisher &snapshots() const { return *m_publisher; }
    // Starts delivering Event invocations (what open() does unless Options::deliver is off),
    // recovering those an earlier run accepted; returns how many it recovered.
    int startDelivery();

    // The Invoke API, the API Gateway front and the S3 endpoint on host (port 0: a free one). A
    // failure names the server and its port; nothing is left listening then.
    bool startServing(const QString &host, int invokePort, int apiPort, int s3Port, QString *problem);
    void stopServing();
    bool isServing() const;
    // The bucket folders in .fnstudio/settings.json changed: buckets (and serving) restart on them.
    void reloadBucketFolders();

    QList<ScheduleState> schedules() const;
    bool setScheduleEnabled(const QString &id, bool enabled);
    bool fireNow(const QString &id);

    // Runs a burst (nullptr, with a message, when one runs already or there is no engine); the
    // workspace owns it until the next one starts.
    Burst *startBurst(const BurstRequest &request);
    void cancelBurst();
    bool isBursting() const { return m_burst && !m_burst->isFinished(); }

    // A client saved this file: looked at now, so the next invocation already runs what was saved.
    void fileSaved(const QString &path);
    // Blocks until the provisioning started so far has finished.
    void waitForProvisioning();

Q_SIGNALS:
    void projectChanged();
    void problemsChanged(const QList<fn::Diagnostic> &problems);
    void message(fn::Workspace::Severity severity, const QString &text);
    // The triggers were made, re-read or dropped: re-read schedules, buckets, queues.
    void triggersChanged();
    void scheduleChanged(const fn::ScheduleState &state);
    void servingChanged(bool serving);
    // A function called a local service its role does not allow (see TriggerHost::accessDenied);
    // queued from the servers' threads.
    void accessDenied(const QString &function, const QString &line);
    void serveFailed(const QString &problem);
    // Some queue's content changed (coalesced).
    void queuesChanged();
    void eventsRecovered(int count);
    void eventFinished(const QString &requestId, const QString &condition);
    // A function's environments were retired (its code or configuration changed).
    void environmentsRetired(const QString &functionName, const QString &reason);
    void burstRecord(const fn::InvocationRecord &record);
    void burstProgress(int finished, int total);
    void burstFinished(const fn::BurstSummary &summary);

private:
    void openDurable();
    void closeDurable();
    void applySettings();
    void refreshTriggers(bool reload);
    void dropTriggers(const QString &why);
    void updatePublisher();
    void provision(const QList<FunctionConfig> &functions);
    void retire(const QStringList &functionNames, const QString &reason);
    // Publishes a version of each function (of `names`; all when empty) whose AutoPublishAlias
    // version is out of date; returns those whose alias moved.
    QStringList publishVersions(const QStringList &names = {});
    void say(Severity severity, const QString &text) { Q_EMIT message(severity, text); }

    Options m_options;
    QString m_envVarsFile;
    bool m_forceLegacyLimit = false;
    Project m_project;
    FunctionVersions m_versions;
    std::optional<ProjectSettings> m_settingsInForce; // what applySettings() last put in force
    QList<Diagnostic> m_problems;
    bool m_keptLastGood = false;
    bool m_lastReadClean = false;

    std::unique_ptr<Engine> m_engine;
    // Destroyed in reverse order: the triggers stop before the queue, the queue before the recorder
    // and the store.
    std::unique_ptr<Store> m_store;
    std::unique_ptr<HistoryRecorder> m_history;
    std::unique_ptr<AsyncQueue> m_queue;
    std::unique_ptr<TriggerHost> m_triggers;
    QString m_storePath;
    QString m_storeProblem;
    bool m_delivering = false;
    QStringList m_shownWarnings;
    QString m_servingHost = QStringLiteral("127.0.0.1");
    QTimer m_queuesChanged;
    std::unique_ptr<SnapshotPublisher> m_publisher;

    std::unique_ptr<ProjectWatcher> m_watcher;
    QThreadPool m_provisioning; // one at a time: two provision() calls for a function would overshoot
    std::unique_ptr<Burst> m_burst;
};

} // namespace fn
