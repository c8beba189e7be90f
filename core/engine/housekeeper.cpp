#include "engine/housekeeper.h"

#include "clock/clock.h"
#include "engine/environmentpool.h"

#include <QDateTime>

#include <algorithm>

namespace fn {

Housekeeper::Housekeeper(EnvironmentPool &pool, SampleSink sink)
    : m_pool(pool)
    , m_sink(std::move(sink))
{
    m_thread = std::thread([this] { run(); });
}

Housekeeper::~Housekeeper()
{
    stop();
    std::lock_guard lock(m_clockMutex);
    if (m_clock)
        m_clock->unsubscribe(m_clockToken);
}

void Housekeeper::watch(const std::shared_ptr<Clock> &clock)
{
    // Not under m_mutex: the clock calls wake() holding its listener lock.
    {
        std::lock_guard lock(m_clockMutex);
        if (m_clock)
            m_clock->unsubscribe(m_clockToken);
        m_clock = clock;
        if (m_clock)
            m_clockToken = m_clock->subscribe([this](qint64 rewoundMs) {
                if (rewoundMs > 0)
                    m_pool.rewind(rewoundMs);
                wake();
            });
    }
    wake();
}

void Housekeeper::setSamplingIntervalMs(int ms)
{
    m_samplingMs = ms;
    wake();
}

void Housekeeper::setFreezeDelayMs(int ms)
{
    m_freezeDelayMs = std::max(0, ms);
    wake();
}

void Housekeeper::wake()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_wakeUps;
    }
    m_wake.notify_all();
}

void Housekeeper::nudge()
{
    using SteadyClock = std::chrono::steady_clock;
    const auto window = std::chrono::milliseconds(std::min(m_samplingMs.load(), m_freezeDelayMs.load()));
    {
        std::lock_guard lock(m_mutex);
        if (m_asleepUntil != SteadyClock::time_point::min() && m_asleepUntil <= SteadyClock::now() + window)
            return; // the planned round comes soon enough
        ++m_wakeUps;
    }
    m_wake.notify_all();
}

void Housekeeper::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

quint64 Housekeeper::rounds() const
{
    std::lock_guard lock(m_mutex);
    return m_rounds;
}

void Housekeeper::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        // A wake-up after this point, even while the round runs, ends the wait below at once.
        const quint64 seen = m_wakeUps;
        m_asleepUntil = std::chrono::steady_clock::time_point::min();
        lock.unlock();
        const qint64 waitMs = round();
        lock.lock();
        ++m_rounds;
        m_asleepUntil = waitMs < 0 ? std::chrono::steady_clock::time_point::max()
                                   : std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
        const auto woken = [this, seen] { return m_stopping || m_wakeUps != seen; };
        if (waitMs < 0)
            m_wake.wait(lock, woken);
        else
            m_wake.wait_for(lock, std::chrono::milliseconds(waitMs), woken);
    }
}

qint64 Housekeeper::round()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int period = m_samplingMs;
    const int freezeDelay = m_freezeDelayMs;
    m_pool.expire();
    const bool unfrozen = m_pool.freezeParked(now - freezeDelay);
    if (period > 0 && m_sink) {
        for (const auto &env : m_pool.running())
            m_sink(MemorySample{env->id(), now, env->memoryNow(), env->memoryLimitBytes(), false});
    }

    qint64 waitMs = -1; // until woken
    const auto atMost = [&waitMs](qint64 ms) { waitMs = waitMs < 0 ? ms : std::min(waitMs, ms); };
    // Polled, as nothing announces it: an environment starts running, a runtime settles in /next.
    if (period > 0 && m_pool.inUse() > 0)
        atMost(period);
    if (unfrozen)
        atMost(std::max(1, freezeDelay));
    if (const qint64 next = m_pool.nextExpiryMs(); next != EnvironmentPool::NoExpiry) {
        const qint64 untilExpiry = m_pool.clock()->realMsUntil(next); // -1 on a manual clock: its steps wake us
        if (untilExpiry >= 0)
            atMost(std::max<qint64>(1, untilExpiry));
    }
    return waitMs;
}

} // namespace fn
