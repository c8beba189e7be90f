#include "metrics/coldshare.h"

#include "snapshots/invocationrecord.h"

#include <algorithm>
#include <array>

namespace fn {

namespace {

// Each width a whole multiple of the one before, so widening merges whole buckets and the edges stay.
constexpr std::array<qint64, 15> Widths{100,       500,        1'000,      5'000,      10'000,
                                        30'000,    60'000,     300'000,    600'000,    1'800'000,
                                        3'600'000, 21'600'000, 43'200'000, 86'400'000, 604'800'000};

} // namespace

ColdShare::ColdShare(int maxBuckets)
    : m_maxBuckets(std::max(2, maxBuckets))
{
    clear();
}

void ColdShare::clear()
{
    m_buckets.clear();
    m_originMs = 0;
    m_widthStep = 0;
    m_bucketMs = Widths[0];
}

void ColdShare::add(const InvocationRecord &r)
{
    if (r.outcome == InvocationOutcome::Throttled || r.outcome == InvocationOutcome::Rejected)
        return;
    add(r.startedAtMs, r.coldStart);
}

void ColdShare::add(qint64 startedAtMs, bool cold)
{
    if (m_buckets.empty()) {
        m_originMs = startedAtMs;
        m_buckets.resize(1);
    }
    // Records arrive as invocations finish, so one may have started before the first one seen:
    // the origin moves back by whole buckets.
    if (startedAtMs < m_originMs) {
        const qint64 before = (m_originMs - startedAtMs + m_bucketMs - 1) / m_bucketMs;
        m_buckets.insert(m_buckets.begin(), std::size_t(before), Bucket{});
        m_originMs -= before * m_bucketMs;
    }
    std::size_t i = std::size_t((startedAtMs - m_originMs) / m_bucketMs);
    while ((i >= std::size_t(m_maxBuckets) || m_buckets.size() > std::size_t(m_maxBuckets))
           && m_widthStep + 1 < Widths.size()) {
        widen();
        i = std::size_t((startedAtMs - m_originMs) / m_bucketMs);
    }
    if (i >= m_buckets.size())
        m_buckets.resize(i + 1);
    Bucket &b = m_buckets[i];
    ++b.all;
    b.cold += cold;
}

void ColdShare::widen()
{
    ++m_widthStep;
    const qint64 factor = Widths[m_widthStep] / m_bucketMs;
    m_bucketMs = Widths[m_widthStep];
    std::vector<Bucket> merged((m_buckets.size() + std::size_t(factor) - 1) / std::size_t(factor));
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        Bucket &to = merged[i / std::size_t(factor)];
        to.cold += m_buckets[i].cold;
        to.all += m_buckets[i].all;
    }
    m_buckets = std::move(merged);
}

} // namespace fn
