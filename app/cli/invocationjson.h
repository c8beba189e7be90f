#pragma once
// One invocation as the JSON object `invoke --json` and `tune --json` print: what the caller
// observed, its anatomy (the phases that apply, adding up to observedMs), what Lambda bills for it.

#include "metrics/costmodel.h"

#include <nlohmann/json.hpp>

namespace fn {
struct InvocationRecord;
}

namespace fn::cli {

nlohmann::json invocationJson(const InvocationRecord &record, Architecture architecture);

} // namespace fn::cli
