#pragma once
// The event EventBridge sends a target when a scheduled rule fires ("Scheduled Event" from aws.events).

#include "access/awsaccount.h"

#include <QDateTime>
#include <QString>

#include <nlohmann/json.hpp>

namespace fn {

struct ScheduledEventOptions
{
    AwsAccount account; // the project's: the event's account and region, the rule's ARN
    QString id;         // empty: a fresh UUID, as every real delivery has its own
};

// {version "0", id, detail-type "Scheduled Event", source "aws.events", account, time (the fire time,
// ISO 8601 UTC), region, resources [the rule's ARN], detail {}}.
nlohmann::json scheduledEvent(const QString &ruleName, const QDateTime &fireTime,
                              const ScheduledEventOptions &options = {});

} // namespace fn
