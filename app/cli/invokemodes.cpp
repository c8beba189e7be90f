// fnstudio-cli invoke's other modes: Event invocations through the project's async queue, and
// bursts of synchronous invocations at a given concurrency.

#include "invokemodes.h"
#include "clicommand.h"
#include "cliworkspace.h"

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "workspace/terminationsignals.h"

#include <cstdio>

namespace fn::cli {

int invokeEvent(const QString &projectDir, const FunctionConfig &function, const QByteArray &payload, int repeat,
                bool wait, bool legacyLimit)
{
    Workspace::Options options;
    options.deliver = false; // accepted first; delivered below only when waiting
    options.triggers = false;
    options.watch = false;
    options.provision = false;
    CliWorkspace session(options);
    session.endEnvironmentsOnSignals();
    if (legacyLimit) // the flag only adds to .fnstudio/settings.json
        session.workspace().forceLegacyAsyncPayloadLimit();
    if (!session.open(projectDir))
        return 2;
    AsyncQueue &queue = session.queue();
    queue.setFunctions({function}); // with the env-vars file applied
    QStringList accepted;
    for (int i = 0; i < repeat; ++i) {
        const auto result = queue.accept(function, payload);
        if (!result.ok()) {
            error(result.errorType + QStringLiteral(": ") + result.errorMessage);
            return 1;
        }
        accepted << result.requestId;
        std::lock_guard lock(session.printing());
        std::printf("%s\n", result.requestId.toUtf8().constData());
        std::fflush(stdout);
    }
    if (!wait)
        return 0; // delivered by the next run that opens the project's queue
    session.workspace().startDelivery();
    bool allSucceeded = true;
    for (const QString &id : std::as_const(accepted)) {
        while (!queue.waitForEvent(id, 1000) && !CliWorkspace::interrupted()) {
        }
        if (const int signal = CliWorkspace::interrupted()) {
            error(
                QStringLiteral("the events not yet delivered stay queued; `queue run` or the next run delivers them"));
            return TerminationSignals::interruptedExitCode(signal);
        }
        const QString condition = queue.condition(id).value_or(QString());
        allSucceeded = allSucceeded && condition == QLatin1String("Success");
        std::lock_guard lock(session.printing());
        std::fprintf(stderr, "fnstudio-cli: %s %s\n", id.toUtf8().constData(), condition.toUtf8().constData());
    }
    return allSucceeded ? 0 : 1;
}

int invokeBurst(CliWorkspace &session, const FunctionConfig &function, const QByteArray &payload, int repeat,
                int concurrency)
{
    BurstRequest request;
    request.function = function;
    request.payload = payload;
    request.count = repeat;
    request.concurrency = concurrency;
    Burst *burst = session.workspace().startBurst(request);
    if (!burst)
        return 2;
    session.whenInterrupted([burst] { burst->cancel(); });
    const BurstSummary s = burst->wait();
    if (const int signal = CliWorkspace::interrupted())
        return TerminationSignals::interruptedExitCode(signal);
    std::printf("%d invocations at concurrency %d: %d completed, %d throttled, %d failed\n", repeat, concurrency,
                s.completed, s.throttled, s.failed);
    std::fflush(stdout);
    return s.completed == repeat ? 0 : 1;
}

} // namespace fn::cli
