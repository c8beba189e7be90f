#include "metrics/percentiles.h"

#include <algorithm>
#include <cmath>

namespace fn {

double Percentiles::at(double p) const
{
    if (m_values.empty())
        return 0;
    if (!m_sorted) {
        std::sort(m_values.begin(), m_values.end());
        m_sorted = true;
    }
    const double rank = std::ceil(p / 100.0 * double(m_values.size()));
    const std::size_t i = std::size_t(std::clamp(rank, 1.0, double(m_values.size()))) - 1;
    return m_values[i];
}

double Percentiles::max() const
{
    return at(100);
}

} // namespace fn
