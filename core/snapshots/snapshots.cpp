#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"

namespace fn {

QString outcomeName(InvocationOutcome outcome)
{
    switch (outcome) {
    case InvocationOutcome::Success:
        return QStringLiteral("success");
    case InvocationOutcome::FunctionError:
        return QStringLiteral("error");
    case InvocationOutcome::Timeout:
        return QStringLiteral("timeout");
    case InvocationOutcome::OutOfMemory:
        return QStringLiteral("out of memory");
    case InvocationOutcome::RuntimeExit:
        return QStringLiteral("runtime exited");
    case InvocationOutcome::InitError:
        return QStringLiteral("init error");
    case InvocationOutcome::Throttled:
        return QStringLiteral("throttled");
    case InvocationOutcome::Rejected:
        return QStringLiteral("rejected");
    }
    return {};
}

QString phaseName(EnvironmentPhase phase)
{
    switch (phase) {
    case EnvironmentPhase::Starting:
        return QStringLiteral("starting");
    case EnvironmentPhase::Initializing:
        return QStringLiteral("initializing");
    case EnvironmentPhase::Idle:
        return QStringLiteral("idle");
    case EnvironmentPhase::Frozen:
        return QStringLiteral("frozen");
    case EnvironmentPhase::Busy:
        return QStringLiteral("busy");
    case EnvironmentPhase::ShuttingDown:
        return QStringLiteral("shutting down");
    case EnvironmentPhase::Stopped:
        return QStringLiteral("stopped");
    }
    return {};
}

} // namespace fn
