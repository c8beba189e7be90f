#include "workspace/burst.h"

#include "engine/engine.h"

#include <algorithm>

namespace fn {

Burst::Burst(Engine &engine, BurstRequest request, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_request(std::move(request))
{
    qRegisterMetaType<fn::BurstSummary>();
}

Burst::~Burst()
{
    cancel();
    wait();
}

void Burst::start()
{
    if (!m_workers.empty())
        return;
    const int total = std::max(1, m_request.count);
    const int threads = std::clamp(m_request.concurrency, 1, total);
    m_running = threads;
    m_workers.reserve(size_t(threads));
    for (int t = 0; t < threads; ++t)
        m_workers.emplace_back([this] { work(); });
}

void Burst::work()
{
    const int total = std::max(1, m_request.count);
    for (;;) {
        if (m_cancelled.load())
            break;
        const int index = m_next.fetch_add(1);
        if (index >= total)
            break;
        InvokeOptions options;
        options.forceCold = m_request.forceColdFirst && index == 0;
        const InvocationRecord record = m_engine.invoke(m_request.function, m_request.payload, options);
        if (record.outcome == InvocationOutcome::Success)
            ++m_completed;
        else if (record.outcome == InvocationOutcome::Throttled)
            ++m_throttled;
        else
            ++m_failed;
        Q_EMIT recordFinished(record);
        Q_EMIT progress(m_completed + m_throttled + m_failed, total);
    }
    // The last worker out says the burst is over, once.
    if (m_running.fetch_sub(1) == 1) {
        m_done = true;
        Q_EMIT finished(summary());
    }
}

void Burst::cancel()
{
    m_cancelled = true;
}

BurstSummary Burst::wait()
{
    for (auto &w : m_workers)
        if (w.joinable())
            w.join();
    return summary();
}

BurstSummary Burst::summary() const
{
    BurstSummary s;
    s.total = std::max(1, m_request.count);
    s.completed = m_completed;
    s.throttled = m_throttled;
    s.failed = m_failed;
    s.launched = std::min(s.total, m_next.load());
    s.cancelled = m_cancelled.load() && s.finished() < s.total;
    return s;
}

} // namespace fn
