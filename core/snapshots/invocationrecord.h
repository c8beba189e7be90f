#pragma once
// One finished (or failed, or throttled) invocation, as an immutable value the engine hands out.

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace fn {

enum class InvocationOutcome {
    Success,       // the handler returned
    FunctionError, // the handler (or runtime) reported an error through /error
    Timeout,       // Sandbox.Timedout: the environment was killed at the deadline
    OutOfMemory,   // the memory limit killed the environment
    RuntimeExit,   // the runtime exited or crashed (Runtime.ExitError)
    InitError,     // the environment never became ready (init error, init crash, init timeout)
    Throttled,     // rejected before running (TooManyRequestsException)
    Rejected,      // rejected before running for another reason (payload too large, bad request)
};

QString outcomeName(InvocationOutcome outcome);

// Cold start broken into phases, all in milliseconds; zero when not measured.
struct ColdStartPhases
{
    double sandboxMs = 0;      // making the sandbox (group, /tmp, network, bubblewrap), launching the runtime
    double runtimeStartMs = 0; // until the runtime's bootstrap first spoke to the Runtime API
    double initMs = 0;         // module init: from then until the first GET /next
    // When the sandbox had been made ahead (see SpareSandboxes), what making it took, off the path:
    // sandboxMs is then only the launch. Not kept in the history.
    double sandboxMadeAheadMs = 0;
};

struct InvocationRecord
{
    quint64 sequence = 0; // engine-wide, increasing
    QString requestId;    // Lambda request id (UUID)
    QString functionName;
    QString executedVersion = QStringLiteral("$LATEST"); // X-Amz-Executed-Version: an alias resolved to its number
    QString environmentId;                               // which execution environment served it (empty if throttled)
    bool coldStart = false;
    QString initializationType; // on-demand | provisioned-concurrency
    qint64 startedAtMs = 0;     // wall clock, Unix epoch milliseconds
    double initDurationMs = 0;  // > 0 only on a cold start
    ColdStartPhases phases;
    double durationMs = 0; // handler time
    // The rest of what the caller waited, measured: before an environment was in hand (admission, a
    // free environment, another start of the same function) and, over all, from the request's arrival
    // in the engine to its answer. What no phase accounts for is fnstudio's own (see Anatomy).
    double admissionMs = 0;
    double observedMs = 0;
    qint64 billedDurationMs = 0;
    int memorySizeMb = 0;
    int maxMemoryUsedMb = 0; // measured peak during the invocation, never the configured size
    InvocationOutcome outcome = InvocationOutcome::Success;
    QByteArray payload; // response body, or the error body on failure
    QString errorType;  // e.g. Runtime.ExitError, Sandbox.Timedout, or the function's own
    QString errorMessage;
    QString reportLine;        // the REPORT line exactly as logged
    QString throttleReason;    // when Throttled: ConcurrentInvocationLimitExceeded, ...
    bool asynchronous = false; // an Event invocation delivered from the async queue
    int attempt = 1;           // async: 1 for the first delivery, 2 and 3 for retries

    bool failed() const { return outcome != InvocationOutcome::Success; }
};

} // namespace fn

Q_DECLARE_METATYPE(fn::InvocationRecord)
