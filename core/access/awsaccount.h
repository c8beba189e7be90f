#pragma once
// The one AWS account and region a project lives in locally (`.fnstudio/settings.json`
// "accountId" and "region"; 123456789012 in us-east-1 unless set), and the ARNs and URLs its
// resources get from them, in the forms the services write them. Everything that names an
// account or region asks one of these: the template's ${AWS::Region}, the events, the errors,
// the function's context and the policies evaluated.

#include <QString>

namespace fn {

struct AwsAccount
{
    QString region = QStringLiteral("us-east-1");
    QString accountId = QStringLiteral("123456789012");

    // "aws", or "aws-cn" / "aws-us-gov" for the regions of those partitions.
    QString partition() const
    {
        if (region.startsWith(QLatin1String("cn-")))
            return QStringLiteral("aws-cn");
        if (region.startsWith(QLatin1String("us-gov-")))
            return QStringLiteral("aws-us-gov");
        return QStringLiteral("aws");
    }
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; regionless services (IAM, S3) pass global.
    QString arn(const QString &service, const QString &resource, bool global = false) const
    {
        return QStringLiteral("arn:%1:%2:%3:%4:%5")
            .arg(partition(), service, global ? QString() : region,
                 service == QLatin1String("s3") ? QString() : accountId, resource);
    }
    QString functionArn(const QString &name, const QString &qualifier = {}) const
    {
        return arn(QStringLiteral("lambda"), QStringLiteral("function:") + name)
               + (qualifier.isEmpty() ? QString() : QLatin1Char(':') + qualifier);
    }
    QString roleArn(const QString &name) const
    {
        return arn(QStringLiteral("iam"), QStringLiteral("role/") + name, true);
    }
    QString assumedRoleArn(const QString &role, const QString &session) const
    {
        return arn(QStringLiteral("sts"), QStringLiteral("assumed-role/%1/%2").arg(role, session), true);
    }
    QString rootArn() const { return arn(QStringLiteral("iam"), QStringLiteral("root"), true); }
    QString queueArn(const QString &name) const { return arn(QStringLiteral("sqs"), name); }
    QString queueUrl(const QString &name) const
    {
        return QStringLiteral("https://sqs.%1.amazonaws.com/%2/%3").arg(region, accountId, name);
    }
    QString topicArn(const QString &name) const { return arn(QStringLiteral("sns"), name); }

    // Empty when the value can be used; else what is wrong with it, for the settings' error.
    static QString problemWithRegion(const QString &region);
    static QString problemWithAccountId(const QString &accountId);

    bool operator==(const AwsAccount &) const = default;
};

} // namespace fn
