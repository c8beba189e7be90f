#include "invocationjson.h"

#include "metrics/anatomy.h"
#include "snapshots/invocationrecord.h"

#include <cmath>

namespace fn::cli {

namespace {

// Figures to the microsecond: more digits than that are noise.
double rounded(double ms)
{
    return std::round(ms * 1000.0) / 1000.0;
}

} // namespace

nlohmann::json invocationJson(const InvocationRecord &r, Architecture architecture)
{
    const Anatomy anatomy = Anatomy::of(r);
    nlohmann::json phases = nlohmann::json::object();
    for (const Anatomy::Part &part : anatomy.parts)
        phases[Anatomy::jsonKey(part.phase).toStdString()] = rounded(part.ms);
    nlohmann::json out{
        {"requestId", r.requestId.toStdString()},
        {"function", r.functionName.toStdString()},
        {"cold", r.coldStart},
        {"initializationType", r.initializationType.toStdString()},
        {"environmentId", r.environmentId.toStdString()},
        {"outcome", outcomeName(r.outcome).toStdString()},
        {"observedMs", rounded(r.observedMs)},
        {"phases", phases},
        {"durationMs", rounded(r.durationMs)},
        {"initDurationMs", rounded(r.initDurationMs)},
        {"billedDurationMs", r.billedDurationMs},
        {"memorySizeMb", r.memorySizeMb},
        {"maxMemoryUsedMb", r.maxMemoryUsedMb},
        {"costUsd", invocationCost(r, architecture)},
    };
    if (r.failed()) {
        out["errorType"] = r.errorType.toStdString();
        out["errorMessage"] = r.errorMessage.toStdString();
    }
    // The answer as JSON when it is JSON (a handler's usual return), else as the text it is.
    const auto payload = nlohmann::json::parse(r.payload.constBegin(), r.payload.constEnd(), nullptr, false);
    out["payload"] = payload.is_discarded() ? nlohmann::json(r.payload.toStdString()) : payload;
    return out;
}

} // namespace fn::cli
