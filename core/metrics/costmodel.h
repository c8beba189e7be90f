#pragma once
// What invocations would cost on Lambda: GB-seconds of billed duration plus requests, priced at the
// us-east-1 on-demand list prices for x86_64 and arm64 (reference/lambda-behaviour.md, Pricing).

#include <QtGlobal>

namespace fn {

struct InvocationRecord;

enum class Architecture { X86_64, Arm64 };

struct LambdaPrices
{
    double perGbSecond = 0;
    double perRequest = 0;
};

// The first tier only: the next starts at 6 billion GB-seconds a month, which no studio reaches.
constexpr LambdaPrices onDemandPrices(Architecture architecture)
{
    return architecture == Architecture::Arm64 ? LambdaPrices{0.0000133334, 0.0000002}
                                               : LambdaPrices{0.0000166667, 0.0000002};
}

// Billed duration × configured memory, with 1 GB = 1024 MB as Lambda bills it.
double gbSeconds(qint64 billedDurationMs, int memorySizeMb);

// Running totals of what a set of invocations is billed for.
class CostModel final
{
public:
    // A throttled or rejected request never ran: it is neither billed nor counted as a request.
    void add(const InvocationRecord &record);
    void clear() { *this = {}; }

    qint64 requests() const { return m_requests; }
    double gbSeconds() const { return m_gbSeconds; }
    double cost(Architecture architecture) const;

private:
    qint64 m_requests = 0;
    double m_gbSeconds = 0;
};

} // namespace fn
