#pragma once
// A function's asynchronous invocation settings (SAM EventInvokeConfig), with Lambda's defaults.

#include <nlohmann/json.hpp>

namespace fn {

struct AsyncInvokeConfig
{
    int maximumRetryAttempts = 2;       // 0–2
    int maximumEventAgeSeconds = 21600; // 60–21600 (six hours)
    // DestinationConfig as written: {"OnSuccess": {"Type": ..., "Destination": ...}, "OnFailure": ...},
    // null when absent.
    nlohmann::json destinations;
};

} // namespace fn
