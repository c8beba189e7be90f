#include "engine/platformlog.h"

#include "snapshots/invocationrecord.h"

#include <QDateTime>

#include <cmath>

namespace fn::PlatformLog {

namespace {
QString ms(double value)
{
    return QString::number(value, 'f', 2);
}
} // namespace

QString initStart(const QString &runtimeVersion, const QString &runtimeVersionArn)
{
    return QStringLiteral("INIT_START Runtime Version: ") + runtimeVersion + QStringLiteral("\tRuntime Version ARN: ")
           + runtimeVersionArn;
}

QString initReport(double initDurationMs, const QString &status, const QString &errorType)
{
    QString line = QStringLiteral("INIT_REPORT Init Duration: ") + ms(initDurationMs)
                   + QStringLiteral(" ms\tPhase: init\tStatus: ") + status;
    if (!errorType.isEmpty())
        line += QStringLiteral("\tError Type: ") + errorType;
    return line;
}

QString start(const QString &requestId, const QString &version)
{
    return QStringLiteral("START RequestId: ") + requestId + QStringLiteral(" Version: ") + version;
}

QString end(const QString &requestId)
{
    return QStringLiteral("END RequestId: ") + requestId;
}

QString report(const InvocationRecord &r)
{
    QString line = QStringLiteral("REPORT RequestId: ") + r.requestId + QStringLiteral("\tDuration: ")
                   + ms(r.durationMs) + QStringLiteral(" ms\tBilled Duration: ") + QString::number(r.billedDurationMs)
                   + QStringLiteral(" ms\tMemory Size: ") + QString::number(r.memorySizeMb)
                   + QStringLiteral(" MB\tMax Memory Used: ") + QString::number(r.maxMemoryUsedMb)
                   + QStringLiteral(" MB\t");
    if (r.initDurationMs > 0)
        line += QStringLiteral("Init Duration: ") + ms(r.initDurationMs) + QStringLiteral(" ms\t");
    switch (r.outcome) {
    case InvocationOutcome::Success:
        break;
    case InvocationOutcome::Timeout:
        line += QStringLiteral("Status: timeout");
        break;
    case InvocationOutcome::OutOfMemory:
        line += QStringLiteral("Status: error\tError Type: Runtime.OutOfMemory");
        break;
    case InvocationOutcome::RuntimeExit:
    case InvocationOutcome::InitError:
        line += QStringLiteral("Status: error\tError Type: ") + r.errorType;
        break;
    case InvocationOutcome::FunctionError: // the function reported it: Lambda prints no status
    case InvocationOutcome::Throttled:
    case InvocationOutcome::Rejected:
        break;
    }
    return line;
}

QString taskTimedOut(qint64 nowMs, const QString &requestId, int timeoutSec)
{
    return isoTimestamp(nowMs) + QLatin1Char(' ') + requestId + QStringLiteral(" Task timed out after ")
           + QString::number(timeoutSec) + QStringLiteral(".00 seconds");
}

qint64 billedMs(double durationMs, double initDurationMs)
{
    return qint64(std::ceil(durationMs + initDurationMs));
}

int megabytes(qint64 bytes)
{
    return int((bytes + (1 << 20) - 1) >> 20);
}

QString isoTimestamp(qint64 epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace fn::PlatformLog
