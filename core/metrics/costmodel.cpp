#include "metrics/costmodel.h"

#include "snapshots/invocationrecord.h"

namespace fn {

double gbSeconds(qint64 billedDurationMs, int memorySizeMb)
{
    return double(billedDurationMs) / 1000.0 * double(memorySizeMb) / 1024.0;
}

void CostModel::add(const InvocationRecord &record)
{
    if (record.outcome == InvocationOutcome::Throttled || record.outcome == InvocationOutcome::Rejected)
        return;
    ++m_requests;
    m_gbSeconds += fn::gbSeconds(record.billedDurationMs, record.memorySizeMb);
}

double CostModel::cost(Architecture architecture) const
{
    const LambdaPrices prices = onDemandPrices(architecture);
    return m_gbSeconds * prices.perGbSecond + double(m_requests) * prices.perRequest;
}

} // namespace fn
