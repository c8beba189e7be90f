#pragma once
// Realistic engine snapshots (as the engine hands them out for a python3.12 function) for the GUI tests.

#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"
#include "snapshots/logbatch.h"
#include "snapshots/memorysample.h"

#include <QString>

namespace fn::testing {

constexpr qint64 t0 = 1795500000000; // 2026-11-26 around 10:40 UTC

inline QString requestId(int n)
{
    return QStringLiteral("8f5e%1-2c1b-4a7e-9d3f-0c6a5b4e3d2f").arg(n, 4, 16, QLatin1Char('0'));
}

inline QString environmentId(int n)
{
    return QStringLiteral("%1c0ffee5a11ad0b0e").arg(n, 16, 16, QLatin1Char('0'));
}

inline QString reportLine(const InvocationRecord &r)
{
    QString line =
        QStringLiteral(
            "REPORT RequestId: %1\tDuration: %2 ms\tBilled Duration: %3 ms\tMemory Size: %4 MB\tMax Memory Used: %5 MB")
            .arg(r.requestId)
            .arg(r.durationMs, 0, 'f', 2)
            .arg(r.billedDurationMs)
            .arg(r.memorySizeMb)
            .arg(r.maxMemoryUsedMb);
    if (r.coldStart)
        line += QStringLiteral("\tInit Duration: %1 ms").arg(r.initDurationMs, 0, 'f', 2);
    return line;
}

inline InvocationRecord record(int n, int env, bool cold, qint64 startOffsetMs, double durationMs,
                               InvocationOutcome outcome = InvocationOutcome::Success)
{
    InvocationRecord r;
    r.sequence = quint64(n);
    r.requestId = requestId(n);
    r.functionName = QStringLiteral("HelloPython");
    r.environmentId = outcome == InvocationOutcome::Throttled ? QString() : environmentId(env);
    r.coldStart = cold;
    r.initializationType = QStringLiteral("on-demand");
    r.startedAtMs = t0 + startOffsetMs;
    r.initDurationMs = cold ? 187.42 : 0;
    r.phases = cold ? ColdStartPhases{12.5, 48.3, 126.6} : ColdStartPhases{};
    r.durationMs = durationMs;
    r.billedDurationMs = qint64(durationMs + 0.999999);
    r.memorySizeMb = 128;
    r.maxMemoryUsedMb = 38 + n % 7;
    r.outcome = outcome;
    if (outcome == InvocationOutcome::Success) {
        r.payload = R"({"statusCode": 200, "body": "{\"message\": \"hello world\"}"})";
    } else {
        r.errorType =
            outcome == InvocationOutcome::Timeout ? QStringLiteral("Sandbox.Timedout") : QStringLiteral("ValueError");
        r.errorMessage = QStringLiteral("boom");
        r.payload =
            R"({"errorMessage": "boom", "errorType": "ValueError", "requestId": "", "stackTrace": ["  File \"/var/task/app.py\", line 4, in handler\n    raise ValueError(\"boom\")\n"]})";
    }
    r.reportLine = reportLine(r);
    return r;
}

// A burst of `count` invocations every 20 ms over `environments` environments, the first of each
// cold (0.7 ms handler, 21 ms observed), the rest warm (0.3 ms, 0.45 ms observed).
inline QList<InvocationRecord> burst(int count, int environments)
{
    QList<InvocationRecord> out;
    for (int i = 0; i < count; ++i) {
        const bool cold = i < environments;
        InvocationRecord r = record(i, i % environments, cold, i * 20, cold ? 0.7 : 0.3);
        r.observedMs = cold ? 21.0 : 0.45;
        out.append(r);
    }
    return out;
}

inline EnvironmentState environment(int env, EnvironmentPhase phase, qint64 createdOffsetMs, int invocations)
{
    EnvironmentState e;
    e.environmentId = environmentId(env);
    e.functionName = QStringLiteral("HelloPython");
    e.logStreamName = QStringLiteral("2026/11/26/[$LATEST]") + e.environmentId;
    e.phase = phase;
    e.isolation = QStringLiteral("bubblewrap + cgroup v2");
    e.initializationType = QStringLiteral("on-demand");
    e.createdAtMs = t0 + createdOffsetMs;
    e.changedAtMs = t0 + createdOffsetMs + 500;
    e.invocations = invocations;
    e.memoryBytes = 40 * 1024 * 1024;
    e.memoryLimitMb = 128;
    if (phase == EnvironmentPhase::Stopped)
        e.stopReason = QStringLiteral("idle");
    return e;
}

inline LogLine logLine(int env, qint64 offsetMs, const QString &requestId, const QString &text, bool platform)
{
    LogLine l;
    l.timestampMs = t0 + offsetMs;
    l.logGroup = QStringLiteral("/aws/lambda/HelloPython");
    l.logStream = QStringLiteral("2026/11/26/[$LATEST]") + environmentId(env);
    l.requestId = requestId;
    l.text = text;
    l.platform = platform;
    return l;
}

// The lines one invocation writes: START, two of the function's, END, REPORT.
inline LogBatch invocationLogs(const InvocationRecord &r, int env)
{
    const qint64 at = r.startedAtMs - t0;
    LogBatch b;
    b.append(
        logLine(env, at, r.requestId, QStringLiteral("START RequestId: %1 Version: $LATEST").arg(r.requestId), true));
    b.append(logLine(env, at + 1, r.requestId,
                     QStringLiteral("[INFO]\t2026-11-26T10:40:00.123Z\t%1\tprocessing order 42").arg(r.requestId),
                     false));
    b.append(logLine(env, at + 2, r.requestId,
                     r.failed() ? QStringLiteral("[ERROR] ValueError: boom") : QStringLiteral("hello from print()"),
                     false));
    b.append(logLine(env, at + 3, r.requestId, QStringLiteral("END RequestId: %1").arg(r.requestId), true));
    b.append(logLine(env, at + 3, r.requestId, r.reportLine, true));
    return b;
}

inline MemorySample memory(int env, qint64 offsetMs, double mib, bool oom = false)
{
    MemorySample m;
    m.environmentId = environmentId(env);
    m.timestampMs = t0 + offsetMs;
    m.bytes = qint64(mib * 1024 * 1024);
    m.limitBytes = 128ll * 1024 * 1024;
    m.outOfMemory = oom;
    return m;
}

} // namespace fn::testing
