#include "metrics/percentiles.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace fn {

Percentiles::Percentiles(std::vector<double> values)
    : m_values(std::move(values))
{
}

void Percentiles::add(double value)
{
    m_values.push_back(value);
}

void Percentiles::clear()
{
    m_values.clear();
    m_sorted = 0;
}

double Percentiles::at(double p) const
{
    if (m_values.empty())
        return 0;
    if (m_sorted < m_values.size()) {
        // What came since the last read, sorted and merged in: a merge, not a sort of everything.
        const auto middle = m_values.begin() + std::ptrdiff_t(m_sorted);
        std::sort(middle, m_values.end());
        std::inplace_merge(m_values.begin(), middle, m_values.end());
        m_sorted = m_values.size();
    }
    const double n = double(m_values.size());
    // p × n first: exact for whole p, so ceil does not step past an exact rank (0.07 × 100 is
    // 7.000000000000001, which would make p7 of 100 values the 8th).
    const double rank = std::ceil(p * n / 100.0);
    return m_values[std::size_t(std::clamp(rank, 1.0, n)) - 1];
}

} // namespace fn
