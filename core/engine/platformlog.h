#pragma once
// The platform's own log lines, in the exact text shapes Lambda writes to CloudWatch.

#include <QString>

namespace fn {

struct InvocationRecord;

namespace PlatformLog {

QString initStart(const QString &runtimeVersion, const QString &runtimeVersionArn);
// INIT_REPORT for a failed init: "INIT_REPORT Init Duration: 12.34 ms\tPhase: init\tStatus: error\tError Type: X"
QString initReport(double initDurationMs, const QString &status, const QString &errorType);
QString start(const QString &requestId, const QString &version = QStringLiteral("$LATEST"));
QString end(const QString &requestId);
// REPORT with TAB-separated fields; Init Duration on cold starts; Status on failures.
QString report(const InvocationRecord &record);
// "2026-11-26T16:07:59.123Z <id> Task timed out after 3.00 seconds"
QString taskTimedOut(qint64 nowMs, const QString &requestId, int timeoutSec);
// Billed duration: rounded up to the millisecond, init included (billed for all since Aug 2025).
qint64 billedMs(double durationMs, double initDurationMs);
// Peak bytes as the whole MB Lambda prints.
int megabytes(qint64 bytes);
QString isoTimestamp(qint64 epochMs);

} // namespace PlatformLog
} // namespace fn
