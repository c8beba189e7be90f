#pragma once
// A snapshot of one execution environment: what it is, what it is doing, how isolated it is.

#include <QMetaType>
#include <QString>

namespace fn {

enum class EnvironmentPhase { Starting, Initializing, Idle, Frozen, Busy, ShuttingDown, Stopped };

QString phaseName(EnvironmentPhase phase);

struct EnvironmentState
{
    QString environmentId; // also the hex part of the log stream name
    QString functionName;
    QString version;       // $LATEST or the published version it runs
    QString logStreamName; // 2026/11/26/[$LATEST]<32 hex>
    EnvironmentPhase phase = EnvironmentPhase::Starting;
    QString isolation; // human-readable isolation level in force, e.g. "bubblewrap + cgroup v1"
    QString initializationType;
    qint64 createdAtMs = 0; // wall clock, Unix epoch milliseconds
    qint64 changedAtMs = 0; // when phase last changed
    int invocations = 0;
    qint64 memoryBytes = 0; // last sample
    int memoryLimitMb = 0;
    QString stopReason; // set when Stopped: idle, timeout, crash, out of memory, user, shutdown
};

} // namespace fn

Q_DECLARE_METATYPE(fn::EnvironmentState)
