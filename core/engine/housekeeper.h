#pragma once
// The pool's caretaker thread: samples the memory of environments running an invocation, freezes
// parked ones after the freeze delay, and shuts down those whose keep-warm time ran out on the Clock.

#include "snapshots/memorysample.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace fn {

class Clock;
class EnvironmentPool;

class Housekeeper final
{
public:
    using SampleSink = std::function<void(const MemorySample &)>;

    // Starts the thread. `pool` outlives the housekeeper; samples go to `sink` on its thread.
    Housekeeper(EnvironmentPool &pool, SampleSink sink);
    ~Housekeeper(); // stops and joins
    Housekeeper(const Housekeeper &) = delete;
    Housekeeper &operator=(const Housekeeper &) = delete;

    // Wakes on every step of `clock` (keep-warm expiry reads the pool's clock, which should be this one).
    void watch(const std::shared_ptr<Clock> &clock);

    // Memory sampling period for environments running an invocation; 0 disables.
    void setSamplingIntervalMs(int ms);
    // How long (wall clock) a parked environment runs on before it is frozen; 0: at once.
    void setFreezeDelayMs(int ms);

    // Something changed (an environment added or parked, a setting): look again now. Never missed:
    // a wake-up during a round makes the next wait return at once.
    void wake();
    // The pool changed in a way the next planned round will see in time (an environment parked or
    // added): wakes only if that round is further off than the sampling period and the freeze
    // delay, so a warm invocation does not cost the housekeeper a round each.
    void nudge();
    void stop();

    // Rounds done so far: a test that checks what a round did not do waits for the next one.
    quint64 rounds() const;

private:
    // One round of work; returns how long to sleep before the next (-1: until woken).
    qint64 round();
    void run();

    EnvironmentPool &m_pool;
    SampleSink m_sink;
    std::atomic<int> m_samplingMs{50};
    std::atomic<int> m_freezeDelayMs{50};

    std::mutex m_clockMutex; // apart from m_mutex: the clock calls wake() under its own lock
    std::shared_ptr<Clock> m_clock;
    int m_clockToken = 0;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    quint64 m_wakeUps = 0;
    // When the thread's current wait ends: min() while a round runs, max() while it waits to be woken.
    std::chrono::steady_clock::time_point m_asleepUntil = std::chrono::steady_clock::time_point::min();
    quint64 m_rounds = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace fn
