#pragma once
// The invoke command's Event and burst modes, kept apart from its plain synchronous loop.

#include "project/functionconfig.h"

#include <QByteArray>
#include <QString>

namespace fn::cli {

class CliWorkspace;

// Accepts `repeat` Event invocations into the project's store, printing each request id on
// stdout; with `wait`, delivers them (and any recovered ones) and returns 0 when all succeeded. A
// termination signal ends the wait; what was not delivered stays queued for the next run.
int invokeEvent(const QString &projectDir, const FunctionConfig &function, const QByteArray &payload, int repeat,
                bool wait, bool legacyLimit);

// `repeat` synchronous invocations from `concurrency` threads (the workspace's burst runner);
// prints "N invocations at concurrency C: X completed, Y throttled, Z failed". A termination
// signal cancels the burst.
int invokeBurst(CliWorkspace &session, const FunctionConfig &function, const QByteArray &payload, int repeat,
                int concurrency);

// One cold start with its module init's imports profiled (Engine::profileImports): prints them
// sorted by cumulative time (the first `top`, 0 all) with the package sizes, or with `json` one
// object holding the tree. 2 when the runtime cannot be profiled.
int invokeImportProfile(CliWorkspace &session, const FunctionConfig &function, const QByteArray &payload, int top,
                        bool json);

} // namespace fn::cli
