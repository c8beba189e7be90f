#include "engine/invocationresult.h"

#include "engine/platformlog.h"
#include "project/functionconfig.h"

#include <nlohmann/json.hpp>

namespace fn::InvocationResult {

namespace {

QByteArray errorJson(const QString &type, const QString &message)
{
    nlohmann::json body{{"errorType", type.toStdString()}, {"errorMessage", message.toStdString()}};
    return QByteArray::fromStdString(body.dump());
}

QString jsonString(const QByteArray &json, const char *key)
{
    const auto parsed = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (parsed.is_object() && parsed.contains(key) && parsed[key].is_string())
        return QString::fromStdString(parsed[key].get<std::string>());
    return {};
}

} // namespace

void reject(InvocationRecord &rec, const QString &type, const QString &message)
{
    rec.outcome = InvocationOutcome::Rejected;
    rec.errorType = type;
    rec.errorMessage = message;
    rec.payload = errorJson(type, message);
}

void throttle(InvocationRecord &rec, const QString &reason)
{
    rec.outcome = InvocationOutcome::Throttled;
    rec.errorType = QStringLiteral("TooManyRequestsException");
    rec.errorMessage = QStringLiteral("Rate Exceeded.");
    rec.throttleReason = reason;
    nlohmann::ordered_json body{{"Reason", reason.toStdString()}, {"Type", "User"}, {"message", "Rate Exceeded."}};
    rec.payload = QByteArray::fromStdString(body.dump());
}

void initFailed(InvocationRecord &rec, const ExecutionEnvironment::InitResult &init)
{
    rec.outcome = InvocationOutcome::InitError;
    rec.errorType = init.errorType;
    rec.errorMessage = jsonString(init.errorBody, "errorMessage");
    rec.payload = init.errorBody;
}

QString complete(InvocationRecord &rec, const ExecutionEnvironment::InvokeResult &result, const FunctionConfig &f)
{
    rec.durationMs = result.durationMs;
    rec.maxMemoryUsedMb = PlatformLog::megabytes(result.peakBytes);
    using S = RuntimeApiServer::Signal;
    // Out of memory wins over whatever the runtime answered: a process of the function was killed.
    switch (result.outOfMemory ? S::Aborted : result.signal) {
    case S::Response:
        rec.payload = result.body;
        return {};
    case S::Error:
        rec.outcome = InvocationOutcome::FunctionError;
        rec.payload = result.body;
        rec.errorType = jsonString(result.body, "errorType");
        if (rec.errorType.isEmpty())
            rec.errorType = result.errorType.isEmpty() ? QStringLiteral("Runtime.Unknown") : result.errorType;
        rec.errorMessage = jsonString(result.body, "errorMessage");
        return {};
    case S::ResponseTooLarge:
        rec.outcome = InvocationOutcome::FunctionError;
        rec.errorType = QStringLiteral("Function.ResponseSizeTooLarge");
        rec.errorMessage =
            QStringLiteral("Response payload size (%1 bytes) exceeded maximum allowed payload size (%2 bytes).")
                .arg(result.attemptedSize)
                .arg(RuntimeApiServer::MaxResponseBytes);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        return {};
    case S::TimedOut:
        rec.outcome = InvocationOutcome::Timeout;
        rec.errorType = QStringLiteral("Sandbox.Timedout");
        rec.errorMessage = QStringLiteral("RequestId: %1 Error: Task timed out after %2.00 seconds")
                               .arg(rec.requestId)
                               .arg(f.timeoutSec);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        return QStringLiteral("timeout");
    default:
        // The runtime died mid-invocation: out of memory, a crash, or an exit.
        rec.outcome = result.outOfMemory ? InvocationOutcome::OutOfMemory : InvocationOutcome::RuntimeExit;
        rec.errorType = QStringLiteral("Runtime.ExitError");
        rec.errorMessage =
            QStringLiteral("RequestId: %1 Error: Runtime exited with error: %2")
                .arg(rec.requestId, result.outOfMemory ? QStringLiteral("signal: killed") : result.exitDescription);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        if (result.outOfMemory)
            rec.maxMemoryUsedMb = std::max(rec.maxMemoryUsedMb, f.memoryMb);
        return result.outOfMemory ? QStringLiteral("out of memory") : QStringLiteral("runtime exited");
    }
}

} // namespace fn::InvocationResult
