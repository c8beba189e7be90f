#include "engine/environmentpool.h"

#include "clock/clock.h"

#include <algorithm>

namespace fn {

EnvironmentPool::EnvironmentPool(std::shared_ptr<Clock> clock, Listener listener)
    : m_listener(std::move(listener))
    , m_clock(std::move(clock))
{
}

void EnvironmentPool::setClock(std::shared_ptr<Clock> clock)
{
    if (!clock)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_clock = std::move(clock);
        const qint64 now = m_clock->nowMs();
        for (auto &list : m_parked)
            for (Parked &p : list)
                p.sinceClockMs = now;
    }
    notifyChanged();
}

std::shared_ptr<Clock> EnvironmentPool::clock() const
{
    std::lock_guard lock(m_mutex);
    return m_clock;
}

void EnvironmentPool::rewind(qint64 ms)
{
    std::lock_guard lock(m_mutex);
    for (auto &list : m_parked)
        for (Parked &p : list)
            p.sinceClockMs -= ms;
}

void EnvironmentPool::setIdleTimeoutMs(qint64 ms)
{
    {
        std::lock_guard lock(m_mutex);
        m_idleTimeoutMs = std::max<qint64>(0, ms);
    }
    notifyChanged();
}

qint64 EnvironmentPool::idleTimeoutMs() const
{
    std::lock_guard lock(m_mutex);
    return m_idleTimeoutMs;
}

void EnvironmentPool::setMaxLive(int count)
{
    {
        std::lock_guard lock(m_mutex);
        m_maxLive = std::max(1, count);
    }
    m_capacity.notify_all();
}

int EnvironmentPool::maxLive() const
{
    std::lock_guard lock(m_mutex);
    return m_maxLive;
}

bool EnvironmentPool::matchesLocked(const PooledEnvironment &env, const WarmKey &key) const
{
    return env.fingerprint() == key.fingerprint && env.serviceGeneration() == key.serviceGeneration && env.isAlive();
}

qsizetype EnvironmentPool::pickLocked(const std::vector<Parked> &list) const
{
    // Provisioned environments serve first; on-demand ones take the spill-over.
    for (qsizetype i = qsizetype(list.size()) - 1; i >= 0; --i)
        if (list[size_t(i)].env->isProvisioned())
            return i;
    return qsizetype(list.size()) - 1;
}

EnvironmentPool::EnvPtr EnvironmentPool::takeWarm(const WarmKey &key)
{
    EnvPtr taken;
    std::vector<EnvPtr> stale;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_parked.find(key.function);
        if (it == m_parked.end())
            return {};
        auto &list = *it;
        for (auto p = list.begin(); p != list.end();) {
            if (matchesLocked(*p->env, key) || p->env->version() != key.version) {
                ++p;
                continue;
            }
            stale.push_back(p->env);
            p = list.erase(p);
            --m_parkedCount;
        }
        // What is left matches, except other versions' environments (an alias's beside $LATEST):
        // of the matching ones, the last provisioned, else the last parked (pickLocked's rule), in
        // one pass and without a copy, as this is the warm path.
        auto pick = list.end();
        for (auto p = list.begin(); p != list.end(); ++p)
            if (matchesLocked(*p->env, key)
                && (p->env->isProvisioned() || pick == list.end() || !pick->env->isProvisioned()))
                pick = p;
        if (pick != list.end()) {
            taken = pick->env;
            list.erase(pick);
            --m_parkedCount;
        }
    }
    shutDown(stale, QStringLiteral("configuration changed"));
    return taken;
}

EnvironmentPool::EnvPtr EnvironmentPool::takeEvictionVictimLocked()
{
    std::vector<Parked> *victimList = nullptr;
    std::vector<Parked>::iterator victim;
    for (auto &list : m_parked) {
        // The least recently parked first (lists are in parking order).
        const auto it = std::find_if(list.begin(), list.end(), [](const Parked &p) { return !p.env->isProvisioned(); });
        if (it != list.end() && (!victimList || it->order < victim->order)) {
            victimList = &list;
            victim = it;
        }
    }
    if (!victimList)
        return {};
    EnvPtr env = victim->env;
    victimList->erase(victim);
    --m_parkedCount;
    return env;
}

EnvironmentPool::EnvPtr EnvironmentPool::reserveSlot(const QString &requestId, const WarmKey &key)
{
    bool announced = false;
    std::unique_lock lock(m_mutex);
    while (int(m_all.size()) + m_pendingStarts >= m_maxLive) {
        // An environment of this function that came free since the caller looked is taken warm.
        if (!key.fingerprint.isEmpty()) {
            if (const auto own = m_parked.find(key.function); own != m_parked.end()) {
                std::vector<Parked> matching;
                for (const Parked &p : *own)
                    if (matchesLocked(*p.env, key))
                        matching.push_back(p);
                if (!matching.empty()) {
                    EnvPtr env = matching[size_t(pickLocked(matching))].env;
                    own->erase(
                        std::find_if(own->begin(), own->end(), [&env](const Parked &p) { return p.env == env; }));
                    --m_parkedCount;
                    if (announced) {
                        --m_waitingForCapacity;
                        lock.unlock();
                        if (m_listener.available)
                            m_listener.available(requestId);
                    }
                    return env;
                }
            }
        }
        // Rather than wait, shut down the least recently used parked on-demand environment.
        if (EnvPtr victim = takeEvictionVictimLocked()) {
            lock.unlock();
            victim->shutdown(QStringLiteral("evicted"));
            forget(victim);
            lock.lock();
            continue;
        }
        if (!announced) {
            announced = true;
            ++m_waitingForCapacity;
            const QString reason = QStringLiteral("%1 execution environments are alive, the studio's limit; the "
                                                  "invocation waits for one to finish")
                                       .arg(m_all.size());
            lock.unlock();
            if (m_listener.queued)
                m_listener.queued(requestId, key.function, reason);
            lock.lock();
            continue;
        }
        m_capacity.wait(lock);
    }
    ++m_pendingStarts;
    if (announced) {
        --m_waitingForCapacity;
        lock.unlock();
        if (m_listener.available)
            m_listener.available(requestId);
    }
    return {};
}

void EnvironmentPool::add(EnvPtr env)
{
    {
        std::lock_guard lock(m_mutex);
        m_all.push_back(std::move(env));
        m_pendingStarts = std::max(0, m_pendingStarts - 1);
    }
    notifyChanged();
}

std::optional<QString> EnvironmentPool::takeRetirementLocked(const PooledEnvironment *env)
{
    const auto it =
        std::find_if(m_retiring.begin(), m_retiring.end(), [env](const Retiring &r) { return r.env == env; });
    if (it == m_retiring.end())
        return std::nullopt;
    QString reason = std::move(it->reason);
    m_retiring.erase(it);
    m_retiringCount = int(m_retiring.size());
    return reason;
}

bool EnvironmentPool::release(const EnvPtr &env)
{
    std::optional<QString> retirement;
    // Checked before markIdle so a retired environment never shows as idle; again under the lock
    // that parks it, as retire() may run in between.
    if (m_retiringCount.load() > 0) {
        std::lock_guard lock(m_mutex);
        retirement = takeRetirementLocked(env.get());
    }
    if (!retirement) {
        env->markIdle();
        {
            std::lock_guard lock(m_mutex);
            if (!m_retiring.empty())
                retirement = takeRetirementLocked(env.get());
            if (!retirement) {
                m_parked[env->functionName()].push_back({env, m_clock->nowMs(), m_nextOrder++});
                ++m_parkedCount;
            }
        }
        if (!retirement) {
            notifyChanged();
            m_capacity.notify_all(); // a cold start held by the guard may take it or evict it
            return true;
        }
    }
    env->shutdown(*retirement);
    forget(env);
    return false;
}

void EnvironmentPool::forget(const EnvPtr &env)
{
    {
        std::lock_guard lock(m_mutex);
        m_all.erase(std::remove(m_all.begin(), m_all.end(), env), m_all.end());
        for (auto &list : m_parked) {
            const auto end = std::remove_if(list.begin(), list.end(), [&env](const Parked &p) { return p.env == env; });
            m_parkedCount -= int(list.end() - end);
            list.erase(end, list.end());
        }
        if (!m_retiring.empty())
            takeRetirementLocked(env.get());
    }
    m_capacity.notify_all();
}

void EnvironmentPool::retire(const QString &function, const QString &reason)
{
    std::vector<EnvPtr> parked;
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_parked.find(function); it != m_parked.end()) {
            for (const Parked &p : *it)
                parked.push_back(p.env);
            m_parkedCount -= int(it->size());
            it->clear();
        }
        for (const EnvPtr &env : m_all) {
            if (env->functionName() != function || std::find(parked.begin(), parked.end(), env) != parked.end())
                continue;
            const auto known = std::find_if(m_retiring.begin(), m_retiring.end(),
                                            [&env](const Retiring &r) { return r.env == env.get(); });
            if (known != m_retiring.end())
                known->reason = reason;
            else
                m_retiring.push_back({env.get(), reason});
        }
        m_retiringCount = int(m_retiring.size());
    }
    shutDown(parked, reason);
}

int EnvironmentPool::expire()
{
    std::vector<EnvPtr> expired;
    {
        std::lock_guard lock(m_mutex);
        const qint64 now = m_clock->nowMs();
        for (auto &list : m_parked) {
            for (auto it = list.begin(); it != list.end();) {
                if (!it->env->isProvisioned() && now - it->sinceClockMs >= m_idleTimeoutMs) {
                    expired.push_back(it->env); // out of the list first: nobody can take it now
                    it = list.erase(it);
                    --m_parkedCount;
                } else {
                    ++it;
                }
            }
        }
    }
    shutDown(expired, QStringLiteral("idle"));
    return int(expired.size());
}

qint64 EnvironmentPool::nextExpiryMs() const
{
    std::lock_guard lock(m_mutex);
    qint64 next = NoExpiry;
    for (const auto &list : m_parked)
        for (const Parked &p : list)
            if (!p.env->isProvisioned())
                next = std::min(next, p.sinceClockMs + m_idleTimeoutMs);
    return next;
}

bool EnvironmentPool::freezeParked(qint64 idleSinceMs)
{
    bool unfrozen = false;
    // Under the pool's lock: no invocation can take an environment while it is being frozen.
    std::lock_guard lock(m_mutex);
    for (const auto &list : std::as_const(m_parked)) {
        for (const Parked &p : list) {
            if (p.env->phase() != EnvironmentPhase::Idle)
                continue;
            if (p.env->idleSinceMs() <= idleSinceMs && p.env->freezeIfParked())
                continue;
            unfrozen = true;
        }
    }
    return unfrozen;
}

int EnvironmentPool::inUse() const
{
    std::lock_guard lock(m_mutex);
    return int(m_all.size()) - m_parkedCount;
}

std::vector<EnvironmentPool::EnvPtr> EnvironmentPool::running() const
{
    std::vector<EnvPtr> busy;
    std::lock_guard lock(m_mutex);
    for (const EnvPtr &env : m_all)
        if (env->phase() == EnvironmentPhase::Busy)
            busy.push_back(env);
    return busy;
}

std::vector<EnvironmentPool::EnvPtr> EnvironmentPool::environments() const
{
    std::lock_guard lock(m_mutex);
    return m_all;
}

EnvironmentPool::EnvPtr EnvironmentPool::find(const QString &environmentId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = std::find_if(m_all.begin(), m_all.end(), [&](const EnvPtr &e) { return e->id() == environmentId; });
    return it == m_all.end() ? EnvPtr() : *it;
}

int EnvironmentPool::liveCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_all.size());
}

int EnvironmentPool::waitingForCapacity() const
{
    std::lock_guard lock(m_mutex);
    return m_waitingForCapacity;
}

int EnvironmentPool::provisioned(const QString &function, const QString &fingerprint) const
{
    std::lock_guard lock(m_mutex);
    return int(std::count_if(m_all.begin(), m_all.end(), [&](const EnvPtr &env) {
        return env->functionName() == function && env->isProvisioned() && env->isAlive()
               && (fingerprint.isEmpty() || env->fingerprint() == fingerprint);
    }));
}

void EnvironmentPool::shutDown(const std::vector<EnvPtr> &envs, const QString &reason)
{
    for (const EnvPtr &env : envs) {
        env->shutdown(reason);
        forget(env);
    }
}

void EnvironmentPool::notifyChanged()
{
    if (m_listener.changed)
        m_listener.changed();
}

} // namespace fn
