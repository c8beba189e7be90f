#pragma once
// The one time source for retries, event age, keep-warm and schedules: real time, accelerated
// (a classroom watches minutes pass in seconds) or manual (tests step it; waiters wake on a step).
// Back to real time means back to the wall clock the logs use: the lead won at speed is given back,
// and listeners hear by how much so the deadlines they hold keep the time they had left.

#include <QtGlobal>

#include <functional>
#include <map>
#include <mutex>

namespace fn {

class Clock final
{
public:
    enum class Mode { Real, Accelerated, Manual };
    static constexpr double MaxSpeed = 3600;

    Clock(); // real time
    Clock(const Clock &) = delete;
    Clock &operator=(const Clock &) = delete;

    Mode mode() const;
    double speed() const; // 1 in real mode, 0 in manual mode

    // Clock time, Unix epoch milliseconds. Continuous across changes of speed; setReal() rewinds.
    qint64 nowMs() const;

    // Wall time from now on (and again after an acceleration or a manual clock ahead of it: the
    // listeners get the rewind).
    void setReal();
    // Clock time runs `factor` (1…3600) times faster than real time from now on.
    void setSpeed(double factor);
    // Clock time stands still at `startMs` (now if negative) until advance() or setManualTime().
    void setManual(qint64 startMs = -1);
    // Steps a manual clock forward; on other clocks shifts clock time forward by `ms` too.
    void advance(qint64 ms);

    // Real milliseconds until clock time reaches `clockMs`: 0 when already there, -1 when it never
    // will on its own (a manual clock), otherwise at least 1.
    qint64 realMsUntil(qint64 clockMs) const;

    // Called (on the stepping thread) whenever clock time jumps or its speed changes, so waiters
    // re-compute their deadlines. `rewoundMs` is 0 unless clock time went back by that much: a
    // holder of clock-time deadlines then moves them back as far, keeping the time they had left.
    // Returns a token for unsubscribe().
    using Listener = std::function<void(qint64 rewoundMs)>;
    int subscribe(Listener listener);
    void unsubscribe(int token);

private:
    void notify(qint64 rewoundMs = 0);
    qint64 nowLocked() const;

    mutable std::mutex m_mutex;
    Mode m_mode = Mode::Real;
    double m_speed = 1;
    qint64 m_baseClockMs = 0; // clock time at m_baseRealMs (accelerated and manual modes)
    qint64 m_baseRealMs = 0;
    qint64 m_offsetMs = 0; // real mode: shift added by advance()
    std::mutex m_listenerMutex;
    std::map<int, Listener> m_listeners;
    int m_nextToken = 1;
};

} // namespace fn
