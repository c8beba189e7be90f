#pragma once
// What the environment pool and the housekeeper need of an execution environment, so both can be
// tested with fakes instead of sandboxed processes.

#include "snapshots/environmentstate.h"

#include <QString>

namespace fn {

class PooledEnvironment
{
public:
    virtual ~PooledEnvironment() = default;
    PooledEnvironment(const PooledEnvironment &) = delete;
    PooledEnvironment &operator=(const PooledEnvironment &) = delete;

    // Fixed for the environment's life: the pool matches a warm one to an invocation by these.
    virtual const QString &id() const = 0;
    virtual const QString &functionName() const = 0;
    virtual const QString &fingerprint() const = 0; // of the configuration it was started with
    virtual quint64 serviceGeneration() const = 0;  // of the service variables it was started with
    virtual bool isProvisioned() const = 0;         // AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency
    // $LATEST or the published version it runs: environments of different versions live side by side.
    virtual const QString &version() const
    {
        static const QString latest = QStringLiteral("$LATEST");
        return latest;
    }
    virtual qint64 memoryLimitBytes() const = 0;

    virtual bool isAlive() const = 0;
    virtual EnvironmentPhase phase() const = 0;
    virtual EnvironmentState state() const = 0;
    // After an invocation: idle from now on (wall clock, see idleSinceMs), ready to be frozen.
    virtual void markIdle() = 0;
    virtual qint64 idleSinceMs() const = 0;
    // Freezes when the runtime waits for its next event; true if frozen now.
    virtual bool freezeIfParked() = 0;
    virtual qint64 memoryNow() const = 0;
    // Ends the environment; the timeline shows `reason` as its stop reason.
    virtual void shutdown(const QString &reason) = 0;

protected:
    PooledEnvironment() = default;
};

} // namespace fn
