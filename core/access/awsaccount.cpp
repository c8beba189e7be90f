#include "access/awsaccount.h"

#include <QRegularExpression>

namespace fn {

QString AwsAccount::problemWithRegion(const QString &region)
{
    // Lambda's own pattern for a region in a function ARN: [a-z]{2}(-gov)?-[a-z]+-\d{1}.
    static const QRegularExpression pattern(QStringLiteral("^[a-z]{2}(-gov)?-[a-z]+-\\d$"));
    if (pattern.match(region).hasMatch())
        return {};
    return QStringLiteral("\"region\" must be an AWS region such as \"eu-west-1\" (two letters, an area, a "
                          "number), not \"%1\"")
        .arg(region);
}

QString AwsAccount::problemWithAccountId(const QString &accountId)
{
    static const QRegularExpression pattern(QStringLiteral("^\\d{12}$"));
    if (pattern.match(accountId).hasMatch())
        return {};
    return QStringLiteral("\"accountId\" must be an AWS account id of 12 digits (as a string), such as "
                          "\"123456789012\", not \"%1\"")
        .arg(accountId);
}

} // namespace fn
