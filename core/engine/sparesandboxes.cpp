#include "sparesandboxes.h"

#include "engine/executionenvironment.h"

namespace fn {

namespace {

bool sameKey(const EnvironmentPool::WarmKey &a, const EnvironmentPool::WarmKey &b)
{
    return a.function == b.function && a.fingerprint == b.fingerprint && a.serviceGeneration == b.serviceGeneration
           && a.version == b.version;
}

} // namespace

SpareSandboxes::SpareSandboxes(int capacity, std::chrono::seconds lifetime)
    : m_lifetime(lifetime)
    , m_capacity(std::max(0, capacity))
    , m_maker([this] { run(); })
{
}

SpareSandboxes::~SpareSandboxes()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_maker.join();
    std::vector<EnvPtr> ended;
    for (Entry &e : m_entries)
        ended.push_back(std::move(e.env));
    m_entries.clear();
    end(ended);
}

void SpareSandboxes::end(std::vector<EnvPtr> &envs)
{
    for (const EnvPtr &env : envs)
        env->shutdown(QStringLiteral("spare sandbox not needed"));
    envs.clear();
}

void SpareSandboxes::endLocked(std::vector<EnvPtr> &ended, const std::function<bool(const Entry &)> &which)
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (which(*it)) {
            ended.push_back(std::move(it->env));
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
}

SpareSandboxes::EnvPtr SpareSandboxes::take(const EnvironmentPool::WarmKey &key)
{
    EnvPtr env;
    {
        std::lock_guard lock(m_mutex);
        const auto it =
            std::find_if(m_entries.begin(), m_entries.end(), [&key](const Entry &e) { return sameKey(e.key, key); });
        if (it == m_entries.end())
            return {};
        env = std::move(it->env);
        m_entries.erase(it);
    }
    if (env->isAlive())
        return env;
    env->shutdown(QStringLiteral("spare sandbox ended"));
    return {};
}

void SpareSandboxes::replenish(const EnvironmentPool::WarmKey &key, Factory make)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_capacity == 0 || m_stopping)
            return;
        const auto queued = [&key](const auto &r) { return sameKey(r.key, key); };
        if (std::any_of(m_requests.begin(), m_requests.end(), queued)
            || std::any_of(m_entries.begin(), m_entries.end(), queued))
            return;
        m_requests.push_back({key, std::move(make)});
    }
    m_wake.notify_all();
}

void SpareSandboxes::retire(const QString &function)
{
    std::vector<EnvPtr> ended;
    {
        // No wait for one being made (a network may take ~100 ms): the epoch has the maker end it.
        std::lock_guard lock(m_mutex);
        ++m_epoch;
        std::erase_if(m_requests, [&function](const Request &r) { return r.key.function == function; });
        endLocked(ended, [&function](const Entry &e) { return e.key.function == function; });
    }
    end(ended);
}

void SpareSandboxes::renew(quint64 generation)
{
    std::vector<EnvPtr> ended;
    {
        std::lock_guard lock(m_mutex);
        ++m_epoch; // one being made has the old services
        for (Request &r : m_requests)
            r.key.serviceGeneration = generation;
        if (m_inFlight) { // ended when made (the epoch): asked again
            Request again = *m_inFlight;
            again.key.serviceGeneration = generation;
            m_requests.push_back(std::move(again));
        }
        for (Entry &e : m_entries) {
            EnvironmentPool::WarmKey key = e.key;
            key.serviceGeneration = generation;
            m_requests.push_back({std::move(key), std::move(e.make)});
            ended.push_back(std::move(e.env));
        }
        m_entries.clear();
    }
    m_wake.notify_all();
    end(ended);
}

void SpareSandboxes::clear()
{
    std::vector<EnvPtr> ended;
    {
        std::unique_lock lock(m_mutex);
        ++m_epoch;
        m_requests.clear();
        m_idle.wait(lock, [this] { return !m_making; });
        endLocked(ended, [](const Entry &) { return true; });
    }
    end(ended);
}

void SpareSandboxes::setCapacity(int capacity)
{
    {
        std::lock_guard lock(m_mutex);
        m_capacity = std::max(0, capacity);
    }
    if (capacity <= 0)
        clear();
}

std::vector<SpareSandboxes::Spare> SpareSandboxes::spares() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Spare> out;
    for (const Entry &e : m_entries)
        out.push_back({e.key.function, e.key.version, e.env->id()});
    return out;
}

void SpareSandboxes::run()
{
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::seconds(30), [this] { return m_stopping || !m_requests.empty(); });
        if (m_stopping)
            break;
        std::vector<EnvPtr> ended;
        const auto now = Clock::now();
        endLocked(ended, [this, now](const Entry &e) { return now - e.madeAt > m_lifetime || !e.env->isAlive(); });
        std::optional<Request> request;
        if (!m_requests.empty()) {
            request = std::move(m_requests.front());
            m_requests.pop_front();
            const EnvironmentPool::WarmKey &key = request->key;
            if (std::any_of(m_entries.begin(), m_entries.end(), [&key](const Entry &e) { return sameKey(e.key, key); }))
                request.reset(); // asked twice (renew() beside replenish()): one is there
        }
        if (request) {
            const EnvironmentPool::WarmKey &key = request->key;
            // The function's other configurations of this version are out of date.
            endLocked(ended, [&key](const Entry &e) {
                return e.key.function == key.function && e.key.version == key.version && !sameKey(e.key, key);
            });
        }
        m_making = request.has_value() || !ended.empty(); // clear() waits for the ending too
        m_inFlight = request;
        const quint64 epoch = m_epoch;
        lock.unlock();
        end(ended);
        EnvPtr env;
        if (request) {
            env = request->make();
            if (env && !env->prepareAhead()) {
                env->shutdown(QStringLiteral("spare sandbox could not be made"));
                env.reset();
            }
        }
        lock.lock();
        if (env && epoch == m_epoch && !m_stopping && m_capacity > 0) {
            m_entries.push_back({request->key, std::move(env), Clock::now(), request->make});
            while (int(m_entries.size()) > m_capacity) {
                ended.push_back(std::move(m_entries.front().env));
                m_entries.erase(m_entries.begin());
            }
        } else if (env) {
            ended.push_back(std::move(env));
        }
        lock.unlock();
        end(ended); // before clear() may return: it waits while this is making
        lock.lock();
        m_making = false;
        m_inFlight.reset();
        m_idle.notify_all();
    }
}

} // namespace fn
