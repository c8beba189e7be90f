#pragma once
// One execution environment: a runtime process tree in a bubblewrap sandbox and a resource group,
// talking to its own Runtime API server. Started once (cold), invoked many times (warm), frozen
// between invocations, and thrown away after a timeout or crash.

#include "engine/pooledenvironment.h"
#include "project/functionconfig.h"
#include "runtime/runtimeapiserver.h"
#include "runtime/runtimedescriptor.h"
#include "sandbox/childprocess.h"
#include "sandbox/resourcegroup.h"
#include "sandbox/sandboxlauncher.h"
#include "sandbox/sandboxnetwork.h"
#include "sandbox/scratchdisk.h"
#include "snapshots/environmentstate.h"
#include "snapshots/logbatch.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace fn {

class SandboxBackend;

class ExecutionEnvironment final : public PooledEnvironment
{
public:
    using Clock = std::chrono::steady_clock;
    using LogSink = std::function<void(LogBatch &&)>;
    using StateSink = std::function<void(const EnvironmentState &)>;

    struct Setup
    {
        FunctionConfig function;
        RuntimeDescriptor runtime;
        QString initializationType = QStringLiteral("on-demand");
        int initTimeoutMs = 10000;
        // Set by the studio for the local services it serves (AWS_ENDPOINT_URL_S3, credentials
        // they accept); the function's own variables may override the endpoints.
        QList<QPair<QString, QString>> serviceEnvironment;
        quint64 serviceGeneration = 0;
        NetworkPool *networks = nullptr; // spare networks made ahead; none: each made at start
        // The runtime writes its import profile (runtime.importProfileEnvironment): its lines are
        // kept for takeImportProfileLines(), out of the function's logs.
        bool profileImports = false;
    };

    struct InitResult
    {
        bool ok = false;
        double initDurationMs = 0; // all of it: the three below
        double sandboxMs = 0;      // resource group, /tmp, network and bubblewrap, until the sandbox runs
        double runtimeStartMs = 0; // until the runtime's bootstrap first spoke to the Runtime API
        double moduleInitMs = 0;   // from then until its first GET /next
        // A sandbox made ahead (prepareAhead()): what making it took, off this cold start's path;
        // sandboxMs is then only the runtime's launch in it. 0 when it was made here.
        double sandboxMadeAheadMs = 0;
        QByteArray errorBody; // JSON error body to hand to the caller when !ok
        QString errorType;
        bool timedOut = false;
    };

    struct InvokeResult
    {
        RuntimeApiServer::Signal signal = RuntimeApiServer::Signal::None;
        QByteArray body;
        QString errorType; // from the runtime's header, or the platform's
        double durationMs = 0;
        qint64 peakBytes = 0;
        bool outOfMemory = false;
        QString exitDescription; // "signal: killed" when the runtime died
        qint64 attemptedSize = 0;
    };

    ExecutionEnvironment(Setup setup, SandboxBackend &backend, LogSink logSink, StateSink stateSink);
    ~ExecutionEnvironment() override; // shuts down

    const QString &id() const override { return m_id; }
    QString logStreamName() const { return m_logStream; }
    const QString &fingerprint() const override { return m_fingerprint; }
    const Setup &setup() const { return m_setup; }
    const QString &functionName() const override { return m_setup.function.name; }
    quint64 serviceGeneration() const override { return m_setup.serviceGeneration; }
    bool isProvisioned() const override { return m_provisioned; }
    const QString &version() const override { return m_setup.function.version; }
    qint64 memoryLimitBytes() const override { return qint64(m_setup.function.memoryMb) << 20; }

    // Makes the sandbox ahead of the invocation that will start it: resource group, /tmp, network,
    // and bubblewrap's namespaces and mounts with fnstudio-launch waiting inside (see SpareSandboxes).
    // Unseen until start(): no state reaches the state sink, and its platform notes wait. False when
    // it cannot be made; the environment is then only to be shut down.
    bool prepareAhead();
    // Cold start: sandbox (unless made ahead), runtime, module init, until the runtime's first GET /next.
    InitResult start(const QString &requestIdForErrors);
    // One invocation; blocks until answered, the deadline, or the runtime's death.
    InvokeResult invoke(const RuntimeApiServer::Invocation &invocation, Clock::time_point deadline);

    // Writes a platform line into this environment's log stream, in order with the function's output.
    void logPlatform(const QString &text, const QString &requestId);
    // Reads whatever the runtime has written so far, so platform lines that follow come after it.
    void drainOutput();
    // The import profile lines read so far (Setup::profileImports), handed over once.
    QByteArrayList takeImportProfileLines();

    bool isAlive() const override { return !m_exited.load(); }
    bool freezeIfParked() override; // freezes when the runtime waits in /next; true if frozen now
    void markIdle() override;
    qint64 idleSinceMs() const override { return m_idleSinceMs.load(); }
    qint64 memoryNow() const override;
    EnvironmentPhase phase() const override;
    EnvironmentState state() const override;
    void shutdown(const QString &reason) override;

    static QString makeFingerprint(const FunctionConfig &function);
    static NetworkPolicy networkPolicy(const Setup &setup);
    static QStringList buildEnvironment(const Setup &setup, const QString &runtimeApi, const QString &logStream);

private:
    bool makeSandbox(Clock::time_point deadline, QString *error);
    void note(const QString &text); // a platform line, held back while the environment is unseen
    void readerLoop();
    void readAvailableLocked();
    void emitLinesLocked(const char *data, qsizetype size, bool flushPartial);
    void setPhase(EnvironmentPhase phase, const QString &reason = {});
    void thawIfFrozen();
    std::shared_ptr<ResourceGroup> group() const;
    void joinReader();

    Setup m_setup;
    SandboxBackend &m_backend;
    LogSink m_logSink;
    StateSink m_stateSink;
    QString m_id;
    QString m_logStream;
    QString m_fingerprint;
    bool m_provisioned = false;
    qint64 m_createdAtMs = 0;

    RuntimeApiServer m_api;
    ChildProcess m_process;
    SandboxLauncher m_launcher;             // starts the runtime in the sandbox once it is made
    bool m_prepared = false;                // the sandbox is made and its launcher waits
    double m_preparedMs = 0;                // what making it took, when made ahead
    std::atomic<bool> m_announced{true};    // false while made ahead and not yet started: unseen
    QStringList m_heldNotes;                // platform lines from the making, logged once started
    std::unique_ptr<NetworkSlot> m_network; // the environment's own network namespace and its pasta
    // Shared with the threads using it (invoking, sampling) so that a shutdown on another thread
    // cannot free it under them; replaced only under m_stateMutex (see group()).
    std::shared_ptr<ResourceGroup> m_group;
    std::shared_ptr<ScratchDisk> m_tmp; // /tmp on disk (null: a tmpfs); likewise, under m_stateMutex
    qint64 m_tmpCheckedAtMs = 0;        // when /tmp's size was last looked at (by invoke(), one at a time)
    bool m_tmpWarned = false;
    std::thread m_reader;
    std::mutex m_readerJoinMutex; // start(), invoke() and shutdown() may each join the reader
    int m_wakeFd = -1;            // eventfd: tells the reader to stop

    mutable std::mutex m_logMutex; // output pipe, partial line, current request id
    QByteArray m_partial;
    QString m_currentRequestId;
    QByteArrayList m_importProfileLines;

    mutable std::mutex m_stateMutex;
    EnvironmentState m_state;
    bool m_frozen = false;
    std::atomic<bool> m_exited{false};
    std::atomic<qint64> m_idleSinceMs{0};
    std::optional<ExitStatus> m_exitStatus; // under m_stateMutex
    std::condition_variable m_exitCv;
    std::atomic<qint64> m_uncharged{0}; // resident file pages the cgroup charged elsewhere, measured after init

    void checkTmpSize(const QString &requestId);
};

} // namespace fn
