#include "project/eventpermissions.h"

#include <QRegularExpression>

namespace fn::eventpermissions {

namespace {

// The logical id an intrinsic in long form names ({"Ref": X}, {"Fn::GetAtt": [X, ...]}), else empty.
QString referenced(const nlohmann::json &value)
{
    if (!value.is_object() || value.size() != 1)
        return {};
    if (const auto ref = value.find("Ref"); ref != value.end() && ref->is_string())
        return QString::fromStdString(ref->get<std::string>());
    if (const auto att = value.find("Fn::GetAtt");
        att != value.end() && att->is_array() && !att->empty() && att->at(0).is_string())
        return QString::fromStdString(att->at(0).get<std::string>());
    return {};
}

QString text(const nlohmann::json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
}

// An SNS topic's ARN from an event's Topic: a topic of the template (by its local name) or an ARN.
QString topicArn(const FunctionConfig &f, const nlohmann::json &topic)
{
    if (const QString id = referenced(topic); !id.isEmpty())
        return f.account.topicArn(f.resourceNames.value(id, id));
    return text(topic);
}

// API Gateway's execute-api ARN for a route: any API and stage, the method ("*" for ANY) and the
// path with its {parameters} as wildcards.
QString executeApiArn(const AwsAccount &account, const nlohmann::json &properties)
{
    QString method = text(properties.value("Method", nlohmann::json("*"))).toUpper();
    if (method.isEmpty() || method == QLatin1String("ANY"))
        method = QStringLiteral("*");
    QString path = text(properties.value("Path", nlohmann::json("/*")));
    static const QRegularExpression parameter(QStringLiteral("\\{[^}]*\\}"));
    path.replace(parameter, QStringLiteral("*"));
    return account.arn(QStringLiteral("execute-api"), QStringLiteral("*/*/%1%2").arg(method, path));
}

} // namespace

nlohmann::json statement(const QString &sid, const QString &principal, const QString &action, const QString &resource,
                         const QString &sourceArn, const QString &sourceAccount)
{
    nlohmann::json who;
    static const QRegularExpression accountId(QStringLiteral("^\\d{12}$"));
    if (principal == QLatin1String("*"))
        who = "*";
    else if (accountId.match(principal).hasMatch())
        who = {{"AWS", QStringLiteral("arn:aws:iam::%1:root").arg(principal).toStdString()}};
    else if (principal.startsWith(QLatin1String("arn:")))
        who = {{"AWS", principal.toStdString()}};
    else
        who = {{"Service", principal.toStdString()}};
    nlohmann::json st = {{"Sid", sid.toStdString()},
                         {"Effect", "Allow"},
                         {"Principal", who},
                         {"Action", action.toStdString()},
                         {"Resource", resource.toStdString()}};
    if (!sourceAccount.isEmpty())
        st["Condition"]["StringEquals"]["AWS:SourceAccount"] = sourceAccount.toStdString();
    if (!sourceArn.isEmpty())
        st["Condition"]["ArnLike"]["AWS:SourceArn"] = sourceArn.toStdString();
    return st;
}

nlohmann::json statements(const FunctionConfig &f)
{
    nlohmann::json out = nlohmann::json::array();
    const QString arn = f.arn();
    const QString invoke = QStringLiteral("lambda:InvokeFunction");
    for (const auto &[id, event] : f.events.items()) {
        if (!event.is_object())
            continue;
        const QString type = text(event.value("Type", nlohmann::json()));
        // An event may come without Properties, or with something else there (its own problem).
        nlohmann::json properties = event.value("Properties", nlohmann::json::object());
        if (!properties.is_object())
            properties = nlohmann::json::object();
        const QString sid = f.name + QString::fromStdString(id) + QStringLiteral("Permission");
        if (type == QLatin1String("S3")) {
            // SAM names no SourceArn here: the bucket and the function would depend on each other.
            out.push_back(statement(sid, QStringLiteral("s3.amazonaws.com"), invoke, arn, {}, f.account.accountId));
        } else if (type == QLatin1String("SNS")) {
            out.push_back(statement(sid, QStringLiteral("sns.amazonaws.com"), invoke, arn,
                                    topicArn(f, properties.value("Topic", nlohmann::json()))));
        } else if (type == QLatin1String("Schedule") || type == QLatin1String("CloudWatchEvent")
                   || type == QLatin1String("EventBridgeRule")) {
            const QString rule =
                properties.contains("Name") ? text(properties["Name"]) : f.name + QString::fromStdString(id);
            out.push_back(statement(sid, QStringLiteral("events.amazonaws.com"), invoke, arn,
                                    f.account.arn(QStringLiteral("events"), QStringLiteral("rule/") + rule)));
        } else if (type == QLatin1String("Api") || type == QLatin1String("HttpApi")) {
            out.push_back(statement(sid, QStringLiteral("apigateway.amazonaws.com"), invoke, arn,
                                    executeApiArn(f.account, properties)));
        }
    }
    return out;
}

} // namespace fn::eventpermissions
