#pragma once
// What invocations would cost on Lambda: GB-seconds of billed duration (init included for on-demand
// starts, as billed since 2025-08-01) plus requests, and provisioned concurrency's own charge. The
// prices are data, lambda-prices.json beside this file (with its date and source), built in.

#include <QString>
#include <QtGlobal>

namespace fn {

struct InvocationRecord;

enum class Architecture { X86_64, Arm64 };

Architecture architectureNamed(const QString &name); // "arm64" or else x86_64, as FunctionConfig says

struct LambdaPrices
{
    double perGbSecond = 0; // duration
    double perRequest = 0;
    double provisionedPerGbSecond = 0;         // provisioned concurrency, for as long as it is configured
    double provisionedDurationPerGbSecond = 0; // duration on a provisioned environment
};

// The price list built in: us-east-1, first tier (the next starts at 6 billion GB-seconds a month,
// which no studio reaches).
struct PriceList
{
    QString date;
    QString source;
    LambdaPrices x86_64;
    LambdaPrices arm64;

    static const PriceList &builtIn();
    // Reads a list of lambda-prices.json's shape; false with the reason when it is not one.
    static bool parse(const QByteArray &json, PriceList *out, QString *error);
};

const LambdaPrices &onDemandPrices(Architecture architecture);

// Billed duration × configured memory, with 1 GB = 1024 MB as Lambda bills it.
double gbSeconds(qint64 billedDurationMs, int memorySizeMb);

// One invocation as billed: a request and its billed duration (init included on a cold on-demand
// start) at the duration price of the kind of environment it ran on; nothing if it never ran.
double invocationCost(const InvocationRecord &record, Architecture architecture);

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
    double m_costX86 = 0;
    double m_costArm64 = 0;
};

} // namespace fn
