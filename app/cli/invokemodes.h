#pragma once
// The invoke command's Event and burst modes, kept apart from its plain synchronous loop.

#include "project/functionconfig.h"

#include <QByteArray>
#include <QString>

namespace fn {
class Workspace;
}

namespace fn::cli {

// Accepts `repeat` Event invocations into the project's store, printing each request id on
// stdout; with `wait`, delivers them (and any recovered ones) and returns 0 when all succeeded.
int invokeEvent(const QString &projectDir, const FunctionConfig &function, const QByteArray &payload, int repeat,
                bool wait, bool legacyLimit);

// `repeat` synchronous invocations from `concurrency` threads (the workspace's burst runner);
// prints "N invocations at concurrency C: X completed, Y throttled, Z failed".
int invokeBurst(Workspace &workspace, const FunctionConfig &function, const QByteArray &payload, int repeat,
                int concurrency);

} // namespace fn::cli
