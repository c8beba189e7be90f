// fnstudio-cli invoke's other modes: Event invocations through the project's async queue, and
// bursts of synchronous invocations at a given concurrency.

#include "asyncsession.h"
#include "clicommand.h"
#include "invokemodes.h"

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

namespace fn::cli {

int invokeEvent(const QString &projectDir, const FunctionConfig &function, const QByteArray &payload, int repeat,
                bool wait, bool legacyLimit)
{
    AsyncSession session;
    if (!session.open(projectDir))
        return 2;
    AsyncQueue &queue = session.queue();
    if (legacyLimit) // the flag only adds to .fnstudio/settings.json, which the session applied
        queue.setLegacyPayloadLimit(true);
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
    if (function.provisionedConcurrency)
        session.engine().provision(function);
    session.startDelivery();
    bool allSucceeded = true;
    for (const QString &id : std::as_const(accepted)) {
        while (!queue.waitForEvent(id, 1000)) {
        }
        const QString condition = queue.condition(id).value_or(QString());
        allSucceeded = allSucceeded && condition == QLatin1String("Success");
        std::lock_guard lock(session.printing());
        std::fprintf(stderr, "fnstudio-cli: %s %s\n", id.toUtf8().constData(), condition.toUtf8().constData());
    }
    return allSucceeded ? 0 : 1;
}

int invokeBurst(Engine &engine, const FunctionConfig &function, const QByteArray &payload, int repeat, int concurrency)
{
    std::atomic<int> next{0}, completed{0}, throttled{0}, failed{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < concurrency; ++t)
        workers.emplace_back([&] {
            while (next.fetch_add(1) < repeat) {
                const InvocationRecord r = engine.invoke(function, payload);
                if (r.outcome == InvocationOutcome::Success)
                    ++completed;
                else if (r.outcome == InvocationOutcome::Throttled)
                    ++throttled;
                else
                    ++failed;
            }
        });
    for (auto &w : workers)
        w.join();
    std::printf("%d invocations at concurrency %d: %d completed, %d throttled, %d failed\n", repeat, concurrency,
                completed.load(), throttled.load(), failed.load());
    std::fflush(stdout);
    return completed.load() == repeat ? 0 : 1;
}

} // namespace fn::cli
