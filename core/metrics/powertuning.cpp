#include "metrics/powertuning.h"

#include "snapshots/invocationrecord.h"

#include <algorithm>
#include <cmath>

namespace fn {

std::optional<PowerTuning::Strategy> PowerTuning::strategyNamed(const QString &name)
{
    for (Strategy s : {Strategy::Cost, Strategy::Speed, Strategy::Balanced})
        if (PowerTuning::name(s) == name)
            return s;
    return std::nullopt;
}

QString PowerTuning::name(Strategy strategy)
{
    switch (strategy) {
    case Strategy::Cost:
        return QStringLiteral("cost");
    case Strategy::Speed:
        return QStringLiteral("speed");
    case Strategy::Balanced:
        return QStringLiteral("balanced");
    }
    return {};
}

double PowerTuning::trimmedMean(QList<double> values, double discard)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype drop = qsizetype(std::floor(double(values.size()) * std::clamp(discard, 0.0, 0.49)));
    double sum = 0;
    for (qsizetype i = drop; i < values.size() - drop; ++i)
        sum += values.at(i);
    return sum / double(values.size() - 2 * drop);
}

PowerTuning::SizeResult PowerTuning::summarise(int memoryMb, const QList<InvocationRecord> &records,
                                               Architecture architecture, double discard)
{
    SizeResult r;
    r.memoryMb = memoryMb;
    QList<double> speed;
    QList<double> billed;
    for (const InvocationRecord &record : records) {
        ++r.invocations;
        r.coldStarts += record.coldStart ? 1 : 0;
        r.errors += record.failed() ? 1 : 0;
        speed << record.durationMs + record.initDurationMs;
        billed << double(record.billedDurationMs);
    }
    r.durationMs = trimmedMean(speed, discard);
    r.billedDurationMs = trimmedMean(billed, discard);
    // Billed in whole milliseconds, as each invocation is.
    InvocationRecord typical;
    typical.memorySizeMb = memoryMb;
    typical.billedDurationMs = qint64(std::ceil(r.billedDurationMs));
    r.costUsd = records.isEmpty() ? 0 : invocationCost(typical, architecture);
    return r;
}

std::optional<qsizetype> PowerTuning::pick(const QList<SizeResult> &results, Strategy strategy, double weight)
{
    const auto candidate = [](const SizeResult &r) { return r.errors == 0 && r.invocations > 0; };
    double maxCost = 0;
    double maxDuration = 0;
    for (const SizeResult &r : results) {
        if (!candidate(r))
            continue;
        maxCost = std::max(maxCost, r.costUsd);
        maxDuration = std::max(maxDuration, r.durationMs);
    }
    const double w = std::clamp(weight, 0.0, 1.0);
    const auto score = [&](const SizeResult &r) {
        switch (strategy) {
        case Strategy::Cost:
            return std::pair{r.costUsd, r.durationMs};
        case Strategy::Speed:
            return std::pair{r.durationMs, r.costUsd};
        case Strategy::Balanced:
            break;
        }
        const double cost = maxCost > 0 ? r.costUsd / maxCost : 0;
        const double duration = maxDuration > 0 ? r.durationMs / maxDuration : 0;
        return std::pair{w * cost + (1 - w) * duration, r.durationMs};
    };
    std::optional<qsizetype> best;
    for (qsizetype i = 0; i < results.size(); ++i) {
        if (!candidate(results.at(i)))
            continue;
        if (!best || score(results.at(i)) < score(results.at(*best)))
            best = i;
    }
    return best;
}

} // namespace fn
