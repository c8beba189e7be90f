#include "metrics/latencyhistogram.h"

#include "snapshots/invocationrecord.h"

#include <algorithm>
#include <cmath>

namespace fn {

namespace {

constexpr std::size_t index(LatencyHistogram::Start start)
{
    return start == LatencyHistogram::Start::Cold ? 0 : 1;
}

} // namespace

double LatencyHistogram::latencyMs(const InvocationRecord &r)
{
    if (r.outcome == InvocationOutcome::Throttled || r.outcome == InvocationOutcome::Rejected)
        return 0;
    return r.observedMs > 0 ? r.observedMs : r.initDurationMs + r.durationMs;
}

void LatencyHistogram::add(const InvocationRecord &record)
{
    const double ms = latencyMs(record);
    if (ms > 0)
        add(ms, record.coldStart ? Start::Cold : Start::Warm);
}

void LatencyHistogram::add(double ms, Start start)
{
    ++m_counts[index(start)][std::size_t(binOf(ms))];
}

int LatencyHistogram::binOf(double ms)
{
    if (!(ms > MinMs)) // also NaN
        return 0;
    // A hair above, so that an edge such as exactly 1 ms lands in the bin it opens despite rounding.
    const double bin = std::floor(axisPosition(ms) * BinCount + 1e-9);
    return int(std::clamp(bin, 0.0, double(BinCount - 1)));
}

double LatencyHistogram::lowerMs(int bin)
{
    return MinMs * std::pow(10.0, double(bin) / BinsPerDecade);
}

double LatencyHistogram::upperMs(int bin)
{
    return lowerMs(bin + 1);
}

double LatencyHistogram::axisPosition(double ms)
{
    return std::log10(ms / MinMs) / std::log10(MaxMs / MinMs);
}

LatencyHistogram::Span LatencyHistogram::decadesAround(int first, int last, int atLeast)
{
    const double minDecade = std::log10(MinMs);
    const double maxDecade = std::log10(MaxMs);
    if (first < 0 || last < first)
        return {};
    double low = std::floor(std::log10(lowerMs(first)) + 1e-9);
    double high = std::ceil(std::log10(upperMs(last)) - 1e-9);
    while (high - low < atLeast) {
        if (high < maxDecade)
            ++high;
        else if (low > minDecade)
            --low;
        else
            break;
    }
    return {std::pow(10.0, std::max(low, minDecade)), std::pow(10.0, std::min(high, maxDecade))};
}

std::size_t LatencyHistogram::count(int bin, Start start) const
{
    return bin >= 0 && bin < BinCount ? m_counts[index(start)][std::size_t(bin)] : 0;
}

std::size_t LatencyHistogram::total(Start start) const
{
    std::size_t n = 0;
    for (const std::size_t c : m_counts[index(start)])
        n += c;
    return n;
}

std::size_t LatencyHistogram::maxBinCount() const
{
    std::size_t top = 0;
    for (int i = 0; i < BinCount; ++i)
        top = std::max(top, count(i));
    return top;
}

int LatencyHistogram::firstBin() const
{
    for (int i = 0; i < BinCount; ++i)
        if (count(i))
            return i;
    return -1;
}

int LatencyHistogram::lastBin() const
{
    for (int i = BinCount - 1; i >= 0; --i)
        if (count(i))
            return i;
    return -1;
}

} // namespace fn
