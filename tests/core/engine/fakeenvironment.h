#pragma once
// Fake execution environments for the pool and housekeeper tests: no process, their life in plain
// fields a test sets and reads (alive, running, parked in /next, memory), their stop reason kept.

#include "engine/environmentpool.h"
#include "engine/pooledenvironment.h"

#include <QDateTime>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace fn::test {

class FakeEnvironment final : public PooledEnvironment
{
public:
    struct Config
    {
        QString function;
        QString fingerprint = QStringLiteral("v1");
        quint64 serviceGeneration = 0;
        bool provisioned = false;
        qint64 memoryLimitBytes = qint64(128) << 20;
    };

    FakeEnvironment(QString id, Config config)
        : m_id(std::move(id))
        , m_config(std::move(config))
    {
    }

    const QString &id() const override { return m_id; }
    const QString &functionName() const override { return m_config.function; }
    const QString &fingerprint() const override { return m_config.fingerprint; }
    quint64 serviceGeneration() const override { return m_config.serviceGeneration; }
    bool isProvisioned() const override { return m_config.provisioned; }
    qint64 memoryLimitBytes() const override { return m_config.memoryLimitBytes; }

    bool isAlive() const override
    {
        std::lock_guard lock(m_mutex);
        return m_alive;
    }
    EnvironmentPhase phase() const override
    {
        std::lock_guard lock(m_mutex);
        return m_phase;
    }
    EnvironmentState state() const override
    {
        std::lock_guard lock(m_mutex);
        EnvironmentState s;
        s.environmentId = m_id;
        s.functionName = m_config.function;
        s.phase = m_phase;
        s.stopReason = m_stopReason;
        return s;
    }
    void markIdle() override
    {
        std::lock_guard lock(m_mutex);
        m_phase = EnvironmentPhase::Idle;
        m_idleSinceMs = QDateTime::currentMSecsSinceEpoch();
        ++m_markedIdle;
    }
    qint64 idleSinceMs() const override
    {
        std::lock_guard lock(m_mutex);
        return m_idleSinceMs;
    }
    bool freezeIfParked() override
    {
        std::lock_guard lock(m_mutex);
        if (m_phase == EnvironmentPhase::Frozen)
            return true;
        if (!m_alive || !m_waitingInNext || m_phase != EnvironmentPhase::Idle)
            return false;
        m_phase = EnvironmentPhase::Frozen;
        return true;
    }
    qint64 memoryNow() const override
    {
        std::lock_guard lock(m_mutex);
        return m_memoryBytes;
    }
    void shutdown(const QString &reason) override
    {
        std::lock_guard lock(m_mutex);
        if (m_phase == EnvironmentPhase::Stopped)
            return;
        m_phase = EnvironmentPhase::Stopped;
        m_stopReason = reason;
        m_alive = false;
    }

    // What the engine does with an environment it took: thaw it and run an invocation.
    void beginInvocation()
    {
        std::lock_guard lock(m_mutex);
        m_phase = EnvironmentPhase::Busy;
    }
    // The runtime sits in GET /next, so a freeze holds (a real one refuses before that).
    void setWaitingInNext(bool waiting)
    {
        std::lock_guard lock(m_mutex);
        m_waitingInNext = waiting;
    }
    void setIdleSinceMs(qint64 ms)
    {
        std::lock_guard lock(m_mutex);
        m_idleSinceMs = ms;
    }
    void setMemoryBytes(qint64 bytes)
    {
        std::lock_guard lock(m_mutex);
        m_memoryBytes = bytes;
    }
    void die() // the runtime exited on its own while parked
    {
        std::lock_guard lock(m_mutex);
        m_alive = false;
    }
    QString stopReason() const
    {
        std::lock_guard lock(m_mutex);
        return m_stopReason;
    }
    int timesMarkedIdle() const
    {
        std::lock_guard lock(m_mutex);
        return m_markedIdle;
    }
    bool stopped() const { return phase() == EnvironmentPhase::Stopped; }

private:
    const QString m_id;
    const Config m_config;
    mutable std::mutex m_mutex;
    EnvironmentPhase m_phase = EnvironmentPhase::Starting;
    bool m_alive = true;
    bool m_waitingInNext = true;
    qint64 m_idleSinceMs = 0;
    qint64 m_memoryBytes = 0;
    QString m_stopReason;
    int m_markedIdle = 0;
};

// Makes fakes named env-1, env-2, ... and starts them in a pool as the engine's cold start does.
class FakeEnvironmentFactory final
{
public:
    using Config = FakeEnvironment::Config;

    std::shared_ptr<FakeEnvironment> make(Config config)
    {
        return std::make_shared<FakeEnvironment>(QStringLiteral("env-%1").arg(++m_made), std::move(config));
    }
    // Through the guard (which must have room), then running its first invocation.
    std::shared_ptr<FakeEnvironment> startBusy(EnvironmentPool &pool, Config config)
    {
        auto env = make(std::move(config));
        pool.reserveSlot({}, {env->functionName()});
        pool.add(env);
        env->beginInvocation();
        return env;
    }
    // Started, served one invocation, parked warm.
    std::shared_ptr<FakeEnvironment> startParked(EnvironmentPool &pool, Config config)
    {
        auto env = startBusy(pool, std::move(config));
        pool.release(env);
        return env;
    }

private:
    int m_made = 0;
};

inline FakeEnvironment::Config onDemand(const QString &function, const QString &fingerprint = QStringLiteral("v1"))
{
    return {function, fingerprint};
}

inline FakeEnvironment::Config provisioned(const QString &function, const QString &fingerprint = QStringLiteral("v1"))
{
    FakeEnvironment::Config c{function, fingerprint};
    c.provisioned = true;
    return c;
}

} // namespace fn::test
