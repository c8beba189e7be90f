#pragma once
// The engine: per-function pools of execution environments, cold and warm invocations,
// concurrency limits and throttling, provisioned environments, keep-warm expiry, logs, memory
// sampling. Commands are thread-safe; results come out as immutable snapshots through signals
// (emitted from engine threads: connect with the default AutoConnection from the GUI).

#include "engine/importprofilerun.h"
#include "project/functionconfig.h"
#include "snapshots/concurrencystate.h"
#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/logbatch.h"
#include "snapshots/memorysample.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace fn {

class Clock;
class RuntimeRegistry;
class SandboxBackend;

struct InvokeOptions
{
    bool forceCold = false;    // start a new environment even if a warm one is idle
    QByteArray clientContext;  // JSON, passed as Lambda-Runtime-Client-Context
    QString requestId;         // reuse this request id (async retries keep theirs); empty: a new one
    bool asynchronous = false; // delivered from the async queue: copied into the record
    int attempt = 1;
};

class Engine final : public QObject
{
    Q_OBJECT
public:
    // Uses the given registry and sandbox backend (both outlive the engine); pass nullptr to
    // load the default plugins and detect the backend.
    explicit Engine(const RuntimeRegistry *registry = nullptr, SandboxBackend *backend = nullptr,
                    QObject *parent = nullptr);
    ~Engine() override; // shuts every environment down

    const RuntimeRegistry &registry() const;
    SandboxBackend &backend() const;

    // Runs one invocation and blocks until it finished, failed or was rejected. Thread-safe:
    // concurrent calls get separate environments. Never call it from the GUI thread.
    InvocationRecord invoke(const FunctionConfig &function, const QByteArray &payload,
                            const InvokeOptions &options = {});

    // Same, on the engine's worker pool; the result arrives through invocationFinished carrying
    // the returned ticket as record.sequence.
    quint64 invokeAsync(const FunctionConfig &function, const QByteArray &payload, const InvokeOptions &options = {});

    // One cold start with the runtime writing the import profile of its module init: a new
    // environment of its own (never a warm one or a sandbox made ahead), ended after this one
    // invocation, since profiling slows every import it makes later. Blocks like invoke(); the
    // record is published like any other. The provided runtime cannot be profiled (error says so).
    ImportProfileRun profileImports(const FunctionConfig &function, const QByteArray &payload);

    QList<EnvironmentState> environments() const;
    void stopEnvironment(const QString &environmentId);
    void stopAll();
    // Lambda: updating a function's code or configuration ends its environments; the next invocation is cold.
    void retireFunction(const QString &functionName, const QString &reason);

    // How long an environment may take to initialize before it is killed (Lambda: 10 s).
    void setInitTimeoutMs(int ms);

    // Memory sampling period for busy environments (default 50 ms = 20 Hz); 0 disables.
    void setSamplingIntervalMs(int ms);

    // Variables every environment started from now on gets, for the local services served beside
    // the engine: AWS_ENDPOINT_URL_S3 and the placeholder credentials the local endpoint accepts.
    // Idle environments started before are replaced at their next invocation, as after an update.
    void setServiceEnvironment(const QList<QPair<QString, QString>> &variables);
    QList<QPair<QString, QString>> serviceEnvironment() const;
    // The credentials of a function's role session (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    // AWS_SESSION_TOKEN), asked for each environment made while services are served; they take the
    // place of the service environment's own. Called on engine threads. Empty: none.
    using CredentialSource = std::function<QList<QPair<QString, QString>>(const FunctionConfig &function)>;
    void setCredentialSource(CredentialSource source);

    // The clock keep-warm expiry reads (default: a real-time clock the engine owns).
    void setClock(std::shared_ptr<Clock> clock);
    std::shared_ptr<Clock> clock() const;

    // Concurrent invocations the account allows (Lambda's default 1000). Functions with
    // ReservedConcurrentExecutions are limited by that instead, and their reservations are
    // taken out of the account pool the others share.
    void setAccountConcurrencyLimit(int limit);
    int accountConcurrencyLimit() const;
    // Clock milliseconds an unprovisioned environment may stay idle before it is shut down
    // with stopReason "idle" (default 5 minutes; Lambda keeps environments for minutes).
    void setIdleTimeoutMs(qint64 ms);
    qint64 idleTimeoutMs() const;
    // Environments alive at once across the studio. Cold starts beyond it wait (invocationQueued)
    // after idle environments of other functions were shut down with stopReason "evicted".
    void setMaxLiveEnvironments(int count);
    // A guard this machine holds: one environment per 256 MB of RAM, at most 32 per CPU, 4 at least.
    static int defaultMaxLiveEnvironments();
    // Sandboxes made ahead: after a cold start, the next one of the same configuration is made in
    // the background, so that the next cold start pays only the runtime's start and the init (see
    // SpareSandboxes). At most `count` at once (default 4); 0 makes none. Unseen by the sandbox
    // count, the environments list and the memory samples until a cold start takes one.
    void setSpareSandboxes(int count);
    // Has the sandbox of `function`'s next cold start made now, in the background (the studio asks
    // when a function is chosen, so that even its first cold start finds one). Nothing if it cannot run.
    void prepareAhead(const FunctionConfig &function);
    // The environments made ahead, waiting: function name, version and environment id.
    QList<QStringList> spareSandboxes() const;

    // Starts function.provisionedConcurrency environments (less those already provisioned) with
    // AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency and parks them; invocations take them
    // first and spill over to on-demand environments. Blocks; returns how many are now provisioned.
    int provision(const FunctionConfig &function);

    // In-flight counts and limits, for a status line or the throttles the GUI shows.
    ConcurrencyState concurrency(const QString &functionName = {}) const;

Q_SIGNALS:
    void invocationStarted(const QString &requestId, const QString &functionName, const QString &environmentId,
                           bool coldStart);
    void invocationFinished(const fn::InvocationRecord &record);
    void environmentChanged(const fn::EnvironmentState &state);
    void logLines(const fn::LogBatch &batch);
    void memorySampled(const fn::MemorySample &sample);
    // A cold start waits for the studio-wide guard (reason says why); capacityAvailable follows.
    void invocationQueued(const QString &requestId, const QString &functionName, const QString &reason);
    void capacityAvailable(const QString &requestId);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
