#pragma once
// The live execution environments and the idle ones parked warm by function: which one an
// invocation takes, when one is shut down (stale, evicted, expired, retired), and the
// studio-wide guard on how many may be alive at once.

#include "engine/pooledenvironment.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace fn {

class Clock;

class EnvironmentPool final
{
public:
    using EnvPtr = std::shared_ptr<PooledEnvironment>;
    static constexpr qint64 NoExpiry = std::numeric_limits<qint64>::max();

    // Called on the thread that caused them, never under the pool's lock.
    struct Listener
    {
        // A cold start waits for the guard (reason says why); `available` follows when it may go on.
        std::function<void(const QString &requestId, const QString &function, const QString &reason)> queued;
        std::function<void(const QString &requestId)> available;
        // An environment was added or parked: whoever samples, freezes or expires re-plans.
        std::function<void()> changed;
    };

    // Parked environments are stamped with `clock` time, which keep-warm expiry reads.
    explicit EnvironmentPool(std::shared_ptr<Clock> clock, Listener listener = {});
    EnvironmentPool(const EnvironmentPool &) = delete;
    EnvironmentPool &operator=(const EnvironmentPool &) = delete;

    // Environments parked until now count their idle time on the new clock from now on.
    void setClock(std::shared_ptr<Clock> clock);
    std::shared_ptr<Clock> clock() const;
    // The clock went back by `ms` (real time again after a lesson at speed): parked environments
    // keep the idle time they had, rather than waiting the rewind out too.
    void rewind(qint64 ms);
    // Clock milliseconds an on-demand environment may stay parked before expire() ends it.
    void setIdleTimeoutMs(qint64 ms);
    qint64 idleTimeoutMs() const;
    // Environments alive at once, cold starts pending included (default: no limit).
    void setMaxLive(int count);
    int maxLive() const;

    // What a warm environment must match to serve an invocation.
    struct WarmKey
    {
        QString function;
        QString fingerprint;
        quint64 serviceGeneration = 0;
        QString version = QStringLiteral("$LATEST");
    };

    // Takes a parked environment that matches `key` and is alive, busy from now on: a provisioned
    // one first, else the most recently parked. Parked ones of the function's same version that no
    // longer match are shut down first with stopReason "configuration changed", as after a Lambda
    // update; other versions' (an alias's provisioned ones) are left alone.
    EnvPtr takeWarm(const WarmKey &key);

    // The guard, before a cold start: waits until one more environment may be alive, shutting down
    // the least recently used parked on-demand environment (stopReason "evicted") rather than
    // waiting, and returns null: the caller then add()s the environment it starts. Or returns a
    // parked environment matching `key` (fingerprint set) that came free meanwhile, taken busy.
    EnvPtr reserveSlot(const QString &requestId, const WarmKey &key);
    // A new environment, busy until released; it takes the slot reserveSlot() held for it.
    void add(EnvPtr env);
    // After an invocation: parked, idle (markIdle) and ready for the next one; or shut down with
    // the retirement reason if its function was retired while it ran. True when parked.
    bool release(const EnvPtr &env);
    // Drops an environment that was shut down (or is being shut down by the caller).
    void forget(const EnvPtr &env);

    // Ends every environment of `function`: parked ones at once, running ones when their current
    // invocation finishes instead of being parked. Their stopReason is `reason`.
    void retire(const QString &function, const QString &reason);

    // Shuts down (stopReason "idle") on-demand environments parked for the idle timeout at clock
    // time now; provisioned ones never expire. Returns how many.
    int expire();
    // Clock time of the next expiry, NoExpiry when nothing is parked on demand.
    qint64 nextExpiryMs() const;

    // Freezes parked environments idle since `idleSinceMs` (wall clock) or before. Returns whether
    // any parked environment is still unfrozen afterwards.
    bool freezeParked(qint64 idleSinceMs);
    // Environments alive and not parked: starting, initializing or running an invocation.
    int inUse() const;
    // Those running an invocation now.
    std::vector<EnvPtr> running() const;

    std::vector<EnvPtr> environments() const;
    EnvPtr find(const QString &environmentId) const;
    int liveCount() const;
    int waitingForCapacity() const;
    // Provisioned environments of `function` alive; with a fingerprint, only those started with it.
    int provisioned(const QString &function, const QString &fingerprint = {}) const;

private:
    struct Parked
    {
        EnvPtr env;
        qint64 sinceClockMs = 0; // keep-warm expiry reads the Clock
        quint64 order = 0;       // when parked, among all: eviction takes the smallest
    };
    struct Retiring
    {
        const PooledEnvironment *env = nullptr;
        QString reason;
    };

    bool matchesLocked(const PooledEnvironment &env, const WarmKey &key) const;
    // Index into `list` of the environment to take: provisioned first, else the last parked.
    qsizetype pickLocked(const std::vector<Parked> &list) const;
    EnvPtr takeEvictionVictimLocked();
    std::optional<QString> takeRetirementLocked(const PooledEnvironment *env);
    void shutDown(const std::vector<EnvPtr> &envs, const QString &reason);
    void notifyChanged();

    Listener m_listener;
    mutable std::mutex m_mutex;
    std::shared_ptr<Clock> m_clock;
    qint64 m_idleTimeoutMs = 5 * 60 * 1000;
    std::vector<EnvPtr> m_all;
    QHash<QString, std::vector<Parked>> m_parked; // by function name, most recently parked last
    int m_parkedCount = 0;
    quint64 m_nextOrder = 0;
    std::vector<Retiring> m_retiring;
    std::atomic<int> m_retiringCount{0}; // m_retiring.size(), read without the lock on the warm path

    int m_maxLive = std::numeric_limits<int>::max();
    int m_pendingStarts = 0; // slots reserved for cold starts not yet add()ed
    int m_waitingForCapacity = 0;
    std::condition_variable m_capacity;
};

} // namespace fn
