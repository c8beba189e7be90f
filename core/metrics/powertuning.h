#pragma once
// Power tuning, locally: the same function run at several memory sizes (CPU follows memory as on
// Lambda, 1,769 MB = one vCPU), each size summarised by a trimmed mean, and the best size picked by
// cost, speed or a weighted balance, as AWS Lambda Power Tuning does (reference/lambda-behaviour.md):
//   speed    - the fastest; between equally fast, the cheaper
//   cost     - the cheapest; between equally cheap, the faster
//   balanced - the least  w * cost / maxCost + (1 - w) * duration / maxDuration  (w = 1: cost only)
// One difference, said: a size's cost is what one invocation is billed, the request included (the
// same for every size), where Power Tuning counts duration only.

#include "metrics/costmodel.h"

#include <QList>
#include <QString>

#include <optional>

namespace fn {

struct InvocationRecord;

class PowerTuning final
{
public:
    enum class Strategy { Cost, Speed, Balanced };
    static std::optional<Strategy> strategyNamed(const QString &name); // cost | speed | balanced
    static QString name(Strategy strategy);

    struct SizeResult
    {
        int memoryMb = 0;
        int invocations = 0;
        int coldStarts = 0;
        int errors = 0;
        double durationMs = 0;       // trimmed mean of Duration + Init Duration: the speed a caller sees
        double billedDurationMs = 0; // trimmed mean of Billed Duration
        double costUsd = 0;          // one invocation at that billed duration, request included
    };

    // The mean of values without the floor(n * discard) smallest and as many largest.
    static double trimmedMean(QList<double> values, double discard = 0.2);
    // One size's summary from its invocations (all at memoryMb).
    static SizeResult summarise(int memoryMb, const QList<InvocationRecord> &records, Architecture architecture,
                                double discard = 0.2);
    // The index in results of the size the strategy picks; sizes with errors are never picked, and
    // nullopt when every size had some. weight: balanced only, 0..1.
    static std::optional<qsizetype> pick(const QList<SizeResult> &results, Strategy strategy, double weight = 0.5);
};

} // namespace fn
