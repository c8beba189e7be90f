#pragma once
// What callers waited, counted in bins evenly spaced in log10(ms), cold and warm apart, so that a
// burst with cold starts shows its two humps (warm near a millisecond, cold tens of milliseconds on).
// Adding is O(1); the bins are fixed (10 per decade, 0.01 ms to 1,000 s), latencies outside them
// count in the first or last bin.

#include <array>
#include <cstddef>

namespace fn {

struct InvocationRecord;

class LatencyHistogram final
{
public:
    static constexpr double MinMs = 0.01;
    static constexpr double MaxMs = 1'000'000;
    static constexpr int BinsPerDecade = 10;
    static constexpr int BinCount = 8 * BinsPerDecade; // log10(MaxMs / MinMs) decades
    enum class Start { Cold, Warm };

    // What the caller waited: observedMs, or, where it was not measured (older history, imported
    // CloudWatch REPORT lines), Init Duration + Duration. 0 for a request that never ran (throttled,
    // rejected), which is not counted.
    static double latencyMs(const InvocationRecord &record);

    void add(const InvocationRecord &record);
    void add(double ms, Start start);
    void clear() { *this = {}; }

    static int binOf(double ms);    // clamped to [0, BinCount)
    static double lowerMs(int bin); // the bin's edges: lowerMs(i + 1) == upperMs(i)
    static double upperMs(int bin);
    static double axisPosition(double ms); // log10 scale, 0 at MinMs, 1 at MaxMs (unclamped)
    // The whole decades around bins first…last, at least atLeast of them and within the bins' range:
    // the stretch of axis a view shows (0.1 ms to 100 ms for a burst whose warm ones take 0.3 ms and
    // cold ones 25 ms).
    struct Span
    {
        double fromMs = 0.1;
        double toMs = 100;
    };
    static Span decadesAround(int first, int last, int atLeast = 2);

    std::size_t count(int bin, Start start) const;
    std::size_t count(int bin) const { return count(bin, Start::Cold) + count(bin, Start::Warm); }
    std::size_t total(Start start) const;
    std::size_t total() const { return total(Start::Cold) + total(Start::Warm); }
    std::size_t maxBinCount() const; // cold and warm together: the tallest stacked bar
    // The first and last bins with anything in them; {-1, -1} when empty.
    int firstBin() const;
    int lastBin() const;

private:
    std::array<std::array<std::size_t, BinCount>, 2> m_counts{};
};

} // namespace fn
