#include "metrics/costmodel.h"

#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"

#include <QFile>

#include <nlohmann/json.hpp>

// Outside any namespace, as Q_INIT_RESOURCE must be.
static void registerPriceResource()
{
    Q_INIT_RESOURCE(fncore_prices); // a static library's resources are not registered by themselves
}

namespace fn {

namespace {

bool ranAtAll(const InvocationRecord &record)
{
    return record.outcome != InvocationOutcome::Throttled && record.outcome != InvocationOutcome::Rejected;
}

bool readPrices(const nlohmann::json &list, const char *architecture, LambdaPrices *out, QString *error)
{
    const auto number = [error, architecture](const nlohmann::json &object, const char *key, double *to) {
        if (!object.is_object() || !object.contains(key) || !object[key].is_number() || object[key].get<double>() < 0) {
            *error = QStringLiteral("architectures.%1: %2 must be a number of dollars, not negative")
                         .arg(QLatin1String(architecture), QLatin1String(key));
            return false;
        }
        *to = object[key].get<double>();
        return true;
    };
    if (!list.contains(architecture)) {
        *error = QStringLiteral("architectures.%1 is missing").arg(QLatin1String(architecture));
        return false;
    }
    const nlohmann::json &a = list[architecture];
    const nlohmann::json provisioned = a.is_object() && a.contains("provisioned") ? a["provisioned"] : nlohmann::json();
    return number(a, "requestUsd", &out->perRequest) && number(a, "durationUsdPerGbSecond", &out->perGbSecond)
           && number(provisioned, "concurrencyUsdPerGbSecond", &out->provisionedPerGbSecond)
           && number(provisioned, "durationUsdPerGbSecond", &out->provisionedDurationPerGbSecond);
}

PriceList loadBuiltIn()
{
    registerPriceResource();
    QFile file(QStringLiteral(":/fnstudio/lambda-prices.json"));
    PriceList list;
    QString error;
    if (!file.open(QIODevice::ReadOnly) || !PriceList::parse(file.readAll(), &list, &error))
        qFatal("fnstudio's built-in lambda-prices.json cannot be read: %s", qPrintable(error));
    return list;
}

} // namespace

Architecture architectureNamed(const QString &name)
{
    return name == QLatin1String("arm64") ? Architecture::Arm64 : Architecture::X86_64;
}

bool PriceList::parse(const QByteArray &json, PriceList *out, QString *error)
{
    const auto parsed = nlohmann::json::parse(json.constBegin(), json.constEnd(), nullptr, false);
    if (!parsed.is_object() || !parsed.contains("architectures") || !parsed["architectures"].is_object()) {
        *error = QStringLiteral("not a price list: an object with \"architectures\" is expected");
        return false;
    }
    const auto text = [&parsed](const char *key) {
        return parsed.contains(key) && parsed[key].is_string() ? QString::fromStdString(parsed[key].get<std::string>())
                                                               : QString();
    };
    out->date = text("date");
    out->source = text("source");
    if (out->date.isEmpty() || out->source.isEmpty()) {
        *error = QStringLiteral("a price list says its \"date\" and its \"source\"");
        return false;
    }
    return readPrices(parsed["architectures"], "x86_64", &out->x86_64, error)
           && readPrices(parsed["architectures"], "arm64", &out->arm64, error);
}

const PriceList &PriceList::builtIn()
{
    static const PriceList list = loadBuiltIn();
    return list;
}

const LambdaPrices &onDemandPrices(Architecture architecture)
{
    const PriceList &list = PriceList::builtIn();
    return architecture == Architecture::Arm64 ? list.arm64 : list.x86_64;
}

double gbSeconds(qint64 billedDurationMs, int memorySizeMb)
{
    return double(billedDurationMs) / 1000.0 * double(memorySizeMb) / 1024.0;
}

double invocationCost(const InvocationRecord &record, Architecture architecture)
{
    if (!ranAtAll(record))
        return 0;
    const LambdaPrices &prices = onDemandPrices(architecture);
    const bool provisioned = record.initializationType == QLatin1String("provisioned-concurrency");
    return prices.perRequest
           + gbSeconds(record.billedDurationMs, record.memorySizeMb)
                 * (provisioned ? prices.provisionedDurationPerGbSecond : prices.perGbSecond);
}

void CostModel::add(const InvocationRecord &record)
{
    if (!ranAtAll(record))
        return;
    ++m_requests;
    m_gbSeconds += fn::gbSeconds(record.billedDurationMs, record.memorySizeMb);
    m_costX86 += invocationCost(record, Architecture::X86_64);
    m_costArm64 += invocationCost(record, Architecture::Arm64);
}

double CostModel::cost(Architecture architecture) const
{
    return architecture == Architecture::Arm64 ? m_costArm64 : m_costX86;
}

double costPerMonth(const CostModel &cost, double requestsPerMonth, Architecture architecture)
{
    return cost.requests() ? cost.cost(architecture) / double(cost.requests()) * requestsPerMonth : 0;
}

double provisionedConcurrencyCost(double gbSeconds, Architecture architecture)
{
    return gbSeconds * onDemandPrices(architecture).provisionedPerGbSecond;
}

void ProvisionedCharge::update(const EnvironmentState &state)
{
    if (state.initializationType != QLatin1String("provisioned-concurrency"))
        return;
    Lifetime &l = m_environments[state.environmentId];
    l.createdAtMs = state.createdAtMs;
    l.memoryMb = state.memoryLimitMb;
    l.stoppedAtMs = state.phase == EnvironmentPhase::Stopped ? state.changedAtMs : 0;
}

double ProvisionedCharge::gbSeconds(qint64 nowMs) const
{
    double total = 0;
    for (const Lifetime &l : m_environments) {
        const qint64 lived = qMax<qint64>(0, (l.stoppedAtMs ? l.stoppedAtMs : nowMs) - l.createdAtMs);
        const qint64 billed = (lived + BillingStepMs - 1) / BillingStepMs * BillingStepMs;
        total += double(billed) / 1000.0 * double(l.memoryMb) / 1024.0;
    }
    return total;
}

double ProvisionedCharge::gbNow() const
{
    double total = 0;
    for (const Lifetime &l : m_environments)
        total += l.stoppedAtMs ? 0 : double(l.memoryMb) / 1024.0;
    return total;
}

double ProvisionedCharge::cost(qint64 nowMs, Architecture architecture) const
{
    return provisionedConcurrencyCost(gbSeconds(nowMs), architecture);
}

double ProvisionedCharge::costPerMonth(Architecture architecture) const
{
    return provisionedConcurrencyCost(gbNow() * HoursPerMonth * 3600, architecture);
}

} // namespace fn
