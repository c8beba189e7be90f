#include "clock/clock.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <vector>

namespace fn {

namespace {

qint64 realNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

Clock::Clock() = default;

Clock::Mode Clock::mode() const
{
    std::lock_guard lock(m_mutex);
    return m_mode;
}

double Clock::speed() const
{
    std::lock_guard lock(m_mutex);
    return m_mode == Mode::Manual ? 0 : m_mode == Mode::Real ? 1 : m_speed;
}

qint64 Clock::nowLocked() const
{
    switch (m_mode) {
    case Mode::Real:
        return realNowMs() + m_offsetMs;
    case Mode::Accelerated:
        return m_baseClockMs + qint64(std::llround(double(realNowMs() - m_baseRealMs) * m_speed));
    case Mode::Manual:
        break;
    }
    return m_baseClockMs;
}

qint64 Clock::nowMs() const
{
    std::lock_guard lock(m_mutex);
    return nowLocked();
}

void Clock::setReal()
{
    qint64 rewound = 0;
    {
        std::lock_guard lock(m_mutex);
        if (m_mode == Mode::Real)
            return;
        // The logs, the history and the timeline use wall time: after a lesson at 60x the clock
        // comes back to it rather than staying minutes ahead of them.
        rewound = std::max<qint64>(0, nowLocked() - realNowMs());
        m_offsetMs = 0;
        m_mode = Mode::Real;
    }
    notify(rewound);
}

void Clock::setSpeed(double factor)
{
    {
        std::lock_guard lock(m_mutex);
        const qint64 now = nowLocked();
        m_speed = std::clamp(factor, 1.0, MaxSpeed);
        m_baseClockMs = now;
        m_baseRealMs = realNowMs();
        m_mode = Mode::Accelerated;
    }
    notify();
}

void Clock::setManual(qint64 startMs)
{
    {
        std::lock_guard lock(m_mutex);
        m_baseClockMs = startMs >= 0 ? startMs : nowLocked();
        m_mode = Mode::Manual;
    }
    notify();
}

void Clock::advance(qint64 ms)
{
    if (ms <= 0)
        return;
    {
        std::lock_guard lock(m_mutex);
        if (m_mode == Mode::Real)
            m_offsetMs += ms;
        else
            m_baseClockMs += ms;
    }
    notify();
}

qint64 Clock::realMsUntil(qint64 clockMs) const
{
    std::lock_guard lock(m_mutex);
    const qint64 remaining = clockMs - nowLocked();
    if (remaining <= 0)
        return 0;
    switch (m_mode) {
    case Mode::Manual:
        return -1;
    case Mode::Accelerated:
        return std::max<qint64>(1, qint64(std::ceil(double(remaining) / m_speed)));
    case Mode::Real:
        break;
    }
    return remaining;
}

int Clock::subscribe(Listener listener)
{
    std::lock_guard lock(m_listenerMutex);
    const int token = m_nextToken++;
    m_listeners.emplace(token, std::move(listener));
    return token;
}

void Clock::unsubscribe(int token)
{
    std::lock_guard lock(m_listenerMutex);
    m_listeners.erase(token);
}

void Clock::notify(qint64 rewoundMs)
{
    std::lock_guard lock(m_listenerMutex);
    for (const auto &[token, listener] : m_listeners)
        listener(rewoundMs);
}

} // namespace fn
