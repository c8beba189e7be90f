#pragma once
// The engine: per-function pools of execution environments, cold and warm invocations, logs,
// memory sampling. Commands are thread-safe; results come out as immutable snapshots through
// signals (emitted from engine threads: connect with the default AutoConnection from the GUI).

#include "model/environmentstate.h"
#include "model/invocationrecord.h"
#include "model/logbatch.h"
#include "model/memorysample.h"
#include "project/functionconfig.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace fn {

class RuntimeRegistry;
class SandboxBackend;

struct InvokeOptions
{
    bool forceCold = false;     // start a new environment even if a warm one is idle
    QByteArray clientContext;   // JSON, passed as Lambda-Runtime-Client-Context
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
    quint64 invokeAsync(const FunctionConfig &function, const QByteArray &payload,
                        const InvokeOptions &options = {});

    QList<EnvironmentState> environments() const;
    void stopEnvironment(const QString &environmentId);
    void stopAll();

    // How long an environment may take to initialize before it is killed (Lambda: 10 s).
    void setInitTimeoutMs(int ms);
    // How long an idle environment runs on before it is frozen (default 50 ms; 0: at once).
    void setFreezeDelayMs(int ms);

    // Memory sampling period for busy environments (default 50 ms = 20 Hz); 0 disables.
    void setSamplingIntervalMs(int ms);

Q_SIGNALS:
    void invocationStarted(const QString &requestId, const QString &functionName,
                           const QString &environmentId, bool coldStart);
    void invocationFinished(const fn::InvocationRecord &record);
    void environmentChanged(const fn::EnvironmentState &state);
    void logLines(const fn::LogBatch &batch);
    void memorySampled(const fn::MemorySample &sample);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
