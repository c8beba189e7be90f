#pragma once
// One function of a project, fully resolved (Globals applied, parameters substituted, paths absolute).

#include "access/awsaccount.h"
#include "access/sampolicies.h"
#include "project/asyncinvokeconfig.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace fn {

struct FunctionConfig
{
    QString name; // the template's logical id, e.g. HelloPython: the studio's and the CLI's handle
    // FunctionName when the template gives one: the name Lambda knows it by (its ARN, the Invoke
    // API, AWS_LAMBDA_FUNCTION_NAME, the log group). Empty: the logical id is that name too.
    QString functionName;
    AwsAccount account; // the project's account and region (settings.json)
    QString runtime;    // python3.12, nodejs20.x, provided.al2023, ...
    QString handler;    // app.handler (empty for provided)
    QString codeDir;    // absolute path of CodeUri
    int memoryMb = 128;
    int timeoutSec = 3;
    int ephemeralStorageMb = 512;
    QList<QPair<QString, QString>> environment; // the function's own variables, in template order
    QStringList layerDirs;                      // absolute ContentUri of each local layer, in order
    QString architecture = QStringLiteral("x86_64");
    std::optional<int> reservedConcurrency;
    std::optional<int> provisionedConcurrency; // on the AutoPublishAlias alias, never on $LATEST (as on AWS)
    // SAM's AutoPublishAlias: a version is published when the code or configuration changes and
    // this alias points at it (see FunctionVersions). Empty: only $LATEST exists.
    QString autoPublishAlias;
    // What an invocation of this configuration runs: "$LATEST" or a published version's number,
    // and the qualifier it was invoked by ("", "$LATEST", a version or an alias), for the ARN.
    QString version = QStringLiteral("$LATEST");
    QString qualifier;
    QString logGroup; // LoggingConfig.LogGroup, else /aws/lambda/<name>
    QString logFormat = QStringLiteral("Text");
    QString applicationLogLevel; // LoggingConfig.ApplicationLogLevel (JSON format only), may be empty
    QString systemLogLevel;      // LoggingConfig.SystemLogLevel (JSON format only), may be empty
    // VpcConfig: the function reaches only the project's endpoints, and the internet only when the
    // template routes a subnet through a NAT gateway (an AWS::EC2::NatGateway resource).
    bool inVpc = false;
    bool vpcHasNatGateway = false;

    // Kept raw for the trigger and async work: the template's Events as
    // {"<EventId>": {"Type": ..., "Properties": {...}}}, intrinsic functions in their long JSON
    // form ({"Ref": ...}, {"Fn::GetAtt": [...]}).
    nlohmann::json events = nlohmann::json::object();
    nlohmann::json deadLetterQueue; // {"Type": "SQS"|"SNS", "TargetArn": ...} or null
    AsyncInvokeConfig asyncInvoke;  // EventInvokeConfig
    // The template's S3 buckets, SQS queues and SNS topics by logical id → their local name
    // (BucketName, QueueName, TopicName, else the logical id), so that an event's
    // Bucket: !Ref Photos or a TargetArn: !GetAtt Dlq.Arn above finds its local store.
    QHash<QString, QString> resourceNames;

    // The execution role: SAM's generated <Name>Role with AWSLambdaBasicExecutionRole and the
    // function's Policies, or the AWS::IAM::Role its Role names (its Policies, ManagedPolicyArns and
    // the AWS::IAM::Policy resources attached to it), every intrinsic resolved. roleKnown is false
    // for a Role ARN outside the template: its policies cannot be known locally.
    QString roleName;
    bool roleKnown = true;
    std::vector<NamedPolicy> policies;
    QStringList policyProblems; // entries that could not be read, each saying where and why
    // Who may invoke it, as Lambda's GetPolicy returns it ({"Version", "Id", "Statement": [...]}):
    // the permissions SAM adds for its Events and the template's AWS::Lambda::Permission resources
    // naming it; null when there are none.
    nlohmann::json resourcePolicy;

    // Where the function is defined, so later problems (unknown runtime, ...) can point there.
    QString templateFile; // absolute path of the template
    int line = 0;         // 1-based line of the function's logical id
    int runtimeLine = 0;  // 1-based line of its Runtime value (may come from Globals)

    bool isLatest() const { return version == QLatin1String("$LATEST"); }
    // The name Lambda knows it by: FunctionName, else the logical id.
    const QString &lambdaName() const { return functionName.isEmpty() ? name : functionName; }
    QString arn() const { return account.functionArn(lambdaName()); }
    // The ARN it was invoked by (Lambda-Runtime-Invoked-Function-Arn): qualified when the call was.
    QString invokedArn() const { return account.functionArn(lambdaName(), qualifier); }
    QString effectiveLogGroup() const
    {
        return logGroup.isEmpty() ? QStringLiteral("/aws/lambda/") + lambdaName() : logGroup;
    }
};

} // namespace fn
