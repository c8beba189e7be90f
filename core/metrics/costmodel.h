#pragma once
// What invocations would cost on Lambda: GB-seconds of billed duration (init included for on-demand
// starts, as billed since 2025-08-01) plus requests, and provisioned concurrency's own charge. The
// prices are data, lambda-prices.json beside this file (with its date and source), built in.

#include <QHash>
#include <QString>
#include <QtGlobal>

namespace fn {

struct EnvironmentState;
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

// A month as AWS's pricing examples count it.
inline constexpr double HoursPerMonth = 730;

// Provisioned concurrency's own charge: per GB-second of environments kept initialized, invoked or
// not, for as long as they are configured. AWS rounds the configured time up to 5 minutes; here each
// provisioned environment's lifetime is, which is the same while the configuration outlives them.
double provisionedConcurrencyCost(double gbSeconds, Architecture architecture);

// The provisioned environments of a run, from their snapshots: the GB-seconds they were kept for and
// the GB kept now (what a month of the current configuration is charged for).
class ProvisionedCharge final
{
public:
    static constexpr qint64 BillingStepMs = 5 * 60 * 1000;

    void update(const EnvironmentState &state); // on-demand environments are ignored
    void clear() { m_environments.clear(); }

    double gbSeconds(qint64 nowMs) const; // alive ones count until nowMs (epoch milliseconds)
    double gbNow() const;
    double cost(qint64 nowMs, Architecture architecture) const;
    double costPerMonth(Architecture architecture) const;
    bool isEmpty() const { return m_environments.isEmpty(); }

private:
    struct Lifetime
    {
        qint64 createdAtMs = 0;
        qint64 stoppedAtMs = 0; // 0 while alive
        int memoryMb = 0;
    };
    QHash<QString, Lifetime> m_environments;
};

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

// What `requestsPerMonth` requests would cost if each cost what the invocations in `cost` cost on
// average (duration and request, no free tier); 0 when it holds none.
double costPerMonth(const CostModel &cost, double requestsPerMonth, Architecture architecture);

} // namespace fn
