#include "scheduledevent.h"

#include <QUuid>

namespace fn {

nlohmann::json scheduledEvent(const QString &ruleName, const QDateTime &fireTime, const ScheduledEventOptions &options)
{
    const QString id = options.id.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.id;
    const QString arn = options.account.arn(QStringLiteral("events"), QStringLiteral("rule/") + ruleName);
    // EventBridge stamps whole seconds.
    QDateTime time = fireTime.toUTC();
    time.setTime(QTime(time.time().hour(), time.time().minute(), time.time().second()));
    return nlohmann::json{
        {"version", "0"},
        {"id", id.toStdString()},
        {"detail-type", "Scheduled Event"},
        {"source", "aws.events"},
        {"account", options.account.accountId.toStdString()},
        {"time", time.toString(Qt::ISODate).toStdString()},
        {"region", options.account.region.toStdString()},
        {"resources", nlohmann::json::array({arn.toStdString()})},
        {"detail", nlohmann::json::object()},
    };
}

} // namespace fn
