#pragma once
// An invocation's record in Lambda's words: rejections, throttles, a failed init, and what the
// runtime's answer (or its death) means for the caller and for the environment.

#include "engine/executionenvironment.h"
#include "snapshots/invocationrecord.h"

#include <QString>

namespace fn {

struct FunctionConfig;

namespace InvocationResult {

// Rejected before anything ran: payload too large, unknown runtime, invalid variables.
void reject(InvocationRecord &rec, const QString &type, const QString &message);
// TooManyRequestsException with Lambda's body for `reason`.
void throttle(InvocationRecord &rec, const QString &reason);
// The environment never became ready.
void initFailed(InvocationRecord &rec, const ExecutionEnvironment::InitResult &init);
// The runtime's answer to one invocation. Returns why the environment must be shut down
// ("timeout", "out of memory", "runtime exited"), empty when it may serve again.
QString complete(InvocationRecord &rec, const ExecutionEnvironment::InvokeResult &result, const FunctionConfig &f);

} // namespace InvocationResult
} // namespace fn
