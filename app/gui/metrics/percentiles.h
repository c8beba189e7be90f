#pragma once
// Nearest-rank percentiles over a growing set of values, sorted lazily when asked.

#include <vector>

namespace fn {

class Percentiles final
{
public:
    void add(double value)
    {
        m_values.push_back(value);
        m_sorted = false;
    }
    void clear()
    {
        m_values.clear();
        m_sorted = true;
    }
    std::size_t size() const { return m_values.size(); }
    // p in (0, 100]; the smallest value with at least p% of values at or below it; 0 when empty.
    double at(double p) const;
    double max() const;

private:
    mutable std::vector<double> m_values;
    mutable bool m_sorted = true;
};

} // namespace fn
