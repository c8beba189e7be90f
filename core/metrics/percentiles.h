#pragma once
// Percentiles by the nearest-rank rule, the one definition behind the studio's Metrics panel and
// `fnstudio-cli bench`, so that a p99 means the same in both.
//
// The p-th percentile of n values is the value at 1-based rank ceil(p/100 × n) in ascending order:
// the smallest value with at least p% of the values at or below it. It is always a measured value,
// never an interpolation; the median is p50, which for an even count is the lower middle value.

#include <cstddef>
#include <vector>

namespace fn {

class Percentiles final
{
public:
    Percentiles() = default;
    explicit Percentiles(std::vector<double> values);

    void add(double value);
    void clear();
    std::size_t size() const { return m_values.size(); }
    bool isEmpty() const { return m_values.empty(); }

    // p in (0, 100]; p <= 0 gives the smallest value. 0 when there are no values.
    double at(double p) const;
    double median() const { return at(50); }
    double max() const { return at(100); }

private:
    // Sorted when first asked rather than on every add (values arrive far more often than reads),
    // and then only what arrived since: m_values is sorted up to m_sorted.
    mutable std::vector<double> m_values;
    mutable std::size_t m_sorted = 0;
};

} // namespace fn
