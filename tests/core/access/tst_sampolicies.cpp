// SamPolicies: a function's Policies as SAM turns them into IAM documents — templates with their
// parameters and the scope's partition, region and account, managed policies by name or ARN, inline
// documents — and a problem naming the entry for each one that cannot be expanded.

#include "access/sampolicies.h"

#include <QTest>

using namespace fn;
using nlohmann::json;

namespace {

json parse(const char *text)
{
    return json::parse(text);
}

// Action or Resource as a list, whether written as one string or several.
QStringList strings(const json &value)
{
    QStringList out;
    for (const json &item : value.is_array() ? value : json::array({value}))
        out.append(QString::fromStdString(item.get<std::string>()));
    return out;
}

std::vector<NamedPolicy> expandOne(const char *policies, QStringList *problems = nullptr,
                                   const PolicyScope &scope = PolicyScope())
{
    QStringList ignored;
    return SamPolicies::expand(parse(policies), scope, problems ? problems : &ignored);
}

bool mentionsAll(const QString &problem, const QStringList &words)
{
    for (const QString &word : words) {
        if (!problem.contains(word))
            return false;
    }
    return true;
}

} // namespace

class TestSamPolicies final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void s3ReadPolicyReadsTheBucketAndItsObjects()
    {
        QStringList problems;
        const auto policies = expandOne(R"([{"S3ReadPolicy": {"BucketName": "photos"}}])", &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(policies[0].name, QStringLiteral("S3ReadPolicy"));
        const json &statements = policies[0].document["Statement"];
        QCOMPARE(statements.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(statements[0]["Effect"].get<std::string>()), QStringLiteral("Allow"));
        QCOMPARE(strings(statements[0]["Action"]),
                 QStringList({QStringLiteral("s3:GetObject"), QStringLiteral("s3:ListBucket"),
                              QStringLiteral("s3:GetBucketLocation"), QStringLiteral("s3:GetObjectVersion"),
                              QStringLiteral("s3:GetLifecycleConfiguration")}));
        QCOMPARE(strings(statements[0]["Resource"]),
                 QStringList({QStringLiteral("arn:aws:s3:::photos"), QStringLiteral("arn:aws:s3:::photos/*")}));
        QCOMPARE(QString::fromStdString(policies[0].document["Version"].get<std::string>()),
                 QStringLiteral("2012-10-17"));
    }

    void s3WriteAndCrudPoliciesAddTheirWrites()
    {
        const auto policies = expandOne(R"([{"S3WritePolicy": {"BucketName": "out"}},
                                            {"S3CrudPolicy": {"BucketName": "out"}}])");
        QCOMPARE(policies.size(), std::size_t(2));
        const QStringList write = strings(policies[0].document["Statement"][0]["Action"]);
        QVERIFY(write.contains(QStringLiteral("s3:PutObject")));
        QVERIFY(!write.contains(QStringLiteral("s3:GetObject")));
        const QStringList crud = strings(policies[1].document["Statement"][0]["Action"]);
        for (const char *action : {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"})
            QVERIFY2(crud.contains(QLatin1String(action)), action);
    }

    void lambdaInvokePolicyCoversTheFunctionItsVersionsAndAliases()
    {
        const auto policies = expandOne(R"({"LambdaInvokePolicy": {"FunctionName": "resize"}})");
        QCOMPARE(policies.size(), std::size_t(1));
        const json &statement = policies[0].document["Statement"][0];
        QCOMPARE(strings(statement["Action"]), QStringList(QStringLiteral("lambda:InvokeFunction")));
        QCOMPARE(strings(statement["Resource"]),
                 QStringList(QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:resize*")));
    }

    void theScopeGivesPartitionRegionAndAccount()
    {
        PolicyScope china;
        china.region = QStringLiteral("cn-north-1");
        china.accountId = QStringLiteral("111122223333");
        const auto policies = expandOne(R"([{"SQSSendMessagePolicy": {"QueueName": "orders"}},
                                            {"DynamoDBCrudPolicy": {"TableName": "users"}},
                                            {"S3ReadPolicy": {"BucketName": "photos"}}])",
                                        nullptr, china);
        QCOMPARE(policies.size(), std::size_t(3));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Resource"]),
                 QStringList(QStringLiteral("arn:aws-cn:sqs:cn-north-1:111122223333:orders")));
        QCOMPARE(strings(policies[1].document["Statement"][0]["Resource"]),
                 QStringList({QStringLiteral("arn:aws-cn:dynamodb:cn-north-1:111122223333:table/users"),
                              QStringLiteral("arn:aws-cn:dynamodb:cn-north-1:111122223333:table/users/index/*")}));
        QCOMPARE(strings(policies[2].document["Statement"][0]["Resource"]).first(),
                 QStringLiteral("arn:aws-cn:s3:::photos"));
    }

    void onlyTheTemplatesOwnParametersAreRead()
    {
        // SAM reads a template's declared parameters only, so a stray key cannot rewrite an ARN.
        const auto policies =
            expandOne(R"({"SNSPublishMessagePolicy": {"TopicName": "alerts", "AWS::Region": "eu-west-1"}})");
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Resource"]),
                 QStringList(QStringLiteral("arn:aws:sns:us-east-1:123456789012:alerts")));
    }

    void theSecretsTemplateGoesBySamsName()
    {
        const char *secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        const auto policies = expandOne(
            R"({"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}})");
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Action"]),
                 QStringList(QStringLiteral("secretsmanager:GetSecretValue")));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Resource"]), QStringList(QLatin1String(secret)));

        QStringList problems;
        QVERIFY(expandOne(R"({"SecretsManagerGetSecretValuePolicy": {"SecretArn": "x"}})", &problems).empty());
        QCOMPARE(problems.size(), 1);
        QVERIFY2(mentionsAll(problems[0], {QStringLiteral("SecretsManagerGetSecretValuePolicy"),
                                           QStringLiteral("did you mean AWSSecretsManagerGetSecretValuePolicy")}),
                 qPrintable(problems[0]));
    }

    void aTemplateWithoutParametersIsWrittenWithAnEmptyMap()
    {
        QStringList problems;
        const auto policies =
            expandOne(R"([{"CloudWatchPutMetricPolicy": {}}, {"CloudWatchPutMetricPolicy": null}])", &problems);
        QCOMPARE(policies.size(), std::size_t(1));
        const json &statement = policies[0].document["Statement"][0];
        QCOMPARE(strings(statement["Action"]), QStringList(QStringLiteral("cloudwatch:PutMetricData")));
        QCOMPARE(strings(statement["Resource"]), QStringList(QStringLiteral("*")));
        QCOMPARE(problems.size(), 1);
        QVERIFY2(mentionsAll(problems[0], {QStringLiteral("Policies[1]"), QStringLiteral("CloudWatchPutMetricPolicy")}),
                 qPrintable(problems[0]));
    }

    void aManagedPolicyByNameOrArnIsTheSameDocument()
    {
        const auto byName = SamPolicies::managed(QStringLiteral("AmazonS3ReadOnlyAccess"));
        const auto byArn = SamPolicies::managed(QStringLiteral("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        QVERIFY(byName && byArn);
        QCOMPARE(QString::fromStdString(byArn->dump()), QString::fromStdString(byName->dump()));
        const QStringList actions = strings((*byName)["Statement"][0]["Action"]);
        QVERIFY(actions.contains(QStringLiteral("s3:Get*")));
        QVERIFY(actions.contains(QStringLiteral("s3:List*")));

        const auto policies = expandOne(R"(["AWSLambdaBasicExecutionRole",
                                            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"])");
        QCOMPARE(policies.size(), std::size_t(2));
        QCOMPARE(policies[0].name, QStringLiteral("AWSLambdaBasicExecutionRole"));
        QCOMPARE(policies[1].name, QStringLiteral("AWSLambdaBasicExecutionRole"));
        QCOMPARE(QString::fromStdString(policies[1].document.dump()),
                 QString::fromStdString(policies[0].document.dump()));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Action"]),
                 QStringList({QStringLiteral("logs:CreateLogGroup"), QStringLiteral("logs:CreateLogStream"),
                              QStringLiteral("logs:PutLogEvents")}));
    }

    void anArnWithoutItsPathIsNotThePolicy()
    {
        // IAM matches the whole ARN, so this mistake fails on AWS too.
        QVERIFY(!SamPolicies::managed(QStringLiteral("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")));
        QStringList problems;
        QVERIFY(expandOne(R"(["arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"])", &problems).empty());
        QCOMPARE(problems.size(), 1);
        QVERIFY2(mentionsAll(problems[0],
                             {QStringLiteral("Policies[0]"), QStringLiteral("arn:aws:iam::aws:policy/service-role/"
                                                                            "AWSLambdaBasicExecutionRole")}),
                 qPrintable(problems[0]));
    }

    void unknownPoliciesAreProblemsAndTheRestExpands()
    {
        QStringList problems;
        const auto policies = expandOne(R"([{"S3ReadPolicy": {"BucketName": "in"}},
                                            {"NoSuchPolicy": {}},
                                            "AmazonMadeUpAccess",
                                            "arn:aws:iam::123456789012:policy/Mine",
                                            "AWSLambdaBasicExecutionRole"])",
                                        &problems);
        QCOMPARE(policies.size(), std::size_t(2));
        QCOMPARE(policies[0].name, QStringLiteral("S3ReadPolicy"));
        QCOMPARE(policies[1].name, QStringLiteral("AWSLambdaBasicExecutionRole"));
        QCOMPARE(problems.size(), 3);
        QVERIFY2(mentionsAll(problems[0], {QStringLiteral("Policies[1]"), QStringLiteral("NoSuchPolicy")}),
                 qPrintable(problems[0]));
        QVERIFY2(mentionsAll(problems[1], {QStringLiteral("Policies[2]"), QStringLiteral("AmazonMadeUpAccess")}),
                 qPrintable(problems[1]));
        QVERIFY2(mentionsAll(problems[2], {QStringLiteral("Policies[3]"), QStringLiteral("customer managed")}),
                 qPrintable(problems[2]));
    }

    void aMissingParameterNamesTheEntryAndTheParameter()
    {
        QStringList problems;
        const auto policies = expandOne(R"([{"S3ReadPolicy": {"Bucket": "photos"}},
                                            {"SQSPollerPolicy": {"QueueName": "jobs"}},
                                            {"DynamoDBReadPolicy": {"TableName": {"Ref": "Users"}}}])",
                                        &problems);
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(policies[0].name, QStringLiteral("SQSPollerPolicy"));
        QCOMPARE(strings(policies[0].document["Statement"][0]["Resource"]),
                 QStringList(QStringLiteral("arn:aws:sqs:us-east-1:123456789012:jobs")));
        QCOMPARE(problems.size(), 2);
        QVERIFY2(mentionsAll(problems[0], {QStringLiteral("Policies[0]"), QStringLiteral("S3ReadPolicy"),
                                           QStringLiteral("missing parameter BucketName")}),
                 qPrintable(problems[0]));
        QVERIFY2(mentionsAll(problems[1], {QStringLiteral("Policies[2]"), QStringLiteral("TableName")}),
                 qPrintable(problems[1]));
    }

    void aSingleInlineStatementAndAFullDocumentBothExpand()
    {
        // Built in code: moc would read the "/*" of an object ARN inside a raw string as a comment.
        const json single = {
            {"Statement", {{"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", "arn:aws:s3:::in/*"}}}};
        const json full = parse(R"({"Version": "2012-10-17", "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": ["sqs:ReceiveMessage"], "Resource": "*"},
                {"Effect": "Deny", "NotAction": "s3:*", "NotResource": ["arn:aws:s3:::out"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})");
        QStringList problems;
        const auto policies = SamPolicies::expand(json::array({single, full}), PolicyScope(), &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QCOMPARE(policies.size(), std::size_t(2));
        QCOMPARE(policies[0].name, QStringLiteral("Policies[0]"));
        QCOMPARE(policies[1].name, QStringLiteral("Policies[1]"));
        const json &statements = policies[0].document["Statement"];
        QVERIFY(statements.is_array());
        QCOMPARE(statements.size(), std::size_t(1));
        QCOMPARE(strings(statements[0]["Resource"]), QStringList(QStringLiteral("arn:aws:s3:::in/*")));
        QCOMPARE(policies[1].document["Statement"].size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(policies[1].document["Version"].get<std::string>()),
                 QStringLiteral("2012-10-17"));
    }

    void aDocumentWithoutVersionIsReadAsIamReadsIt()
    {
        const auto policies =
            expandOne(R"({"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})");
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(policies[0].name, QStringLiteral("Policies"));
        QCOMPARE(QString::fromStdString(policies[0].document["Version"].get<std::string>()),
                 QStringLiteral("2008-10-17"));
    }

    void malformedDocumentsAreProblemsNamingTheStatement()
    {
        QStringList problems;
        const auto policies = expandOne(R"([
            {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                           {"Action": "s3:PutObject", "Resource": "*"}]},
            {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}},
            {"Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}},
            {"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}},
            {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "photos"}},
            {"Statement": []},
            {"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}},
            {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}])",
                                        &problems);
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(policies[0].name, QStringLiteral("Policies[7]"));
        QCOMPARE(problems.size(), 7);
        const QList<QStringList> expected = {
            {QStringLiteral("Policies[0]"), QStringLiteral("Statement[1]"), QStringLiteral("Effect")},
            {QStringLiteral("Policies[1]"), QStringLiteral("Principal")},
            {QStringLiteral("Policies[2]"), QStringLiteral("\"GetObject\"")},
            {QStringLiteral("Policies[3]"), QStringLiteral("no Resource")},
            {QStringLiteral("Policies[4]"), QStringLiteral("\"photos\"")},
            {QStringLiteral("Policies[5]"), QStringLiteral("empty")},
            {QStringLiteral("Policies[6]"), QStringLiteral("2020-01-01")},
        };
        for (int i = 0; i < expected.size(); ++i)
            QVERIFY2(mentionsAll(problems[i], expected[i]), qPrintable(problems[i]));
    }

    void entriesOfNoKnownShapeAreProblems()
    {
        QStringList problems;
        const auto policies = expandOne(R"([42, {"Fn::If": ["c", "a", "b"]}, {"A": 1, "B": 2},
                                            {"AmazonS3ReadOnlyAccess": {}}, "AmazonS3FullAccess"])",
                                        &problems);
        QCOMPARE(policies.size(), std::size_t(1));
        QCOMPARE(policies[0].name, QStringLiteral("AmazonS3FullAccess"));
        QCOMPARE(problems.size(), 4);
        QVERIFY2(mentionsAll(problems[0], {QStringLiteral("Policies[0]"), QStringLiteral("number")}),
                 qPrintable(problems[0]));
        QVERIFY2(mentionsAll(problems[1], {QStringLiteral("Policies[1]"), QStringLiteral("Fn::If")}),
                 qPrintable(problems[1]));
        QVERIFY2(mentionsAll(problems[2], {QStringLiteral("Policies[2]"), QStringLiteral("Statement")}),
                 qPrintable(problems[2]));
        QVERIFY2(mentionsAll(problems[3], {QStringLiteral("Policies[3]"), QStringLiteral("plain string")}),
                 qPrintable(problems[3]));
    }

    void aSingleNameIsOnePolicyAndNothingIsNone()
    {
        const auto one = expandOne(R"("AmazonSQSFullAccess")");
        QCOMPARE(one.size(), std::size_t(1));
        QCOMPARE(one[0].name, QStringLiteral("AmazonSQSFullAccess"));
        QCOMPARE(strings(one[0].document["Statement"][0]["Action"]), QStringList(QStringLiteral("sqs:*")));

        for (const char *nothing : {"null", "[]", "{}", "\"\""}) {
            QStringList problems;
            QVERIFY2(expandOne(nothing, &problems).empty(), nothing);
            QVERIFY2(problems.isEmpty(), nothing);
        }
    }

    void theTemplatesAndManagedPoliciesUsersReachForAreThere()
    {
        const QStringList templates = SamPolicies::templateNames();
        for (const char *name :
             {"S3ReadPolicy", "S3WritePolicy", "S3CrudPolicy", "S3FullAccessPolicy", "SQSSendMessagePolicy",
              "SQSPollerPolicy", "SNSPublishMessagePolicy", "LambdaInvokePolicy",
              "AWSSecretsManagerGetSecretValuePolicy", "SSMParameterReadPolicy", "DynamoDBCrudPolicy",
              "DynamoDBReadPolicy", "DynamoDBWritePolicy", "StepFunctionsExecutionPolicy", "CloudWatchPutMetricPolicy",
              "EventBridgePutEventsPolicy", "KMSDecryptPolicy"})
            QVERIFY2(templates.contains(QLatin1String(name)), name);
        QCOMPARE(SamPolicies::templateParameters(QStringLiteral("S3ReadPolicy")),
                 QStringList(QStringLiteral("BucketName")));
        QVERIFY(SamPolicies::templateParameters(QStringLiteral("CloudWatchPutMetricPolicy")).isEmpty());

        const QStringList managed = SamPolicies::managedNames();
        for (const char *name :
             {"AWSLambdaBasicExecutionRole", "AWSLambdaExecute", "AWSLambdaRole", "AWSLambdaSQSQueueExecutionRole",
              "AWSLambdaVPCAccessExecutionRole", "AmazonS3ReadOnlyAccess", "AmazonS3FullAccess", "AmazonSQSFullAccess",
              "AmazonSQSReadOnlyAccess", "AmazonSNSFullAccess", "AmazonDynamoDBFullAccess",
              "AmazonDynamoDBReadOnlyAccess", "SecretsManagerReadWrite", "AWSStepFunctionsFullAccess",
              "AdministratorAccess", "ReadOnlyAccess"})
            QVERIFY2(managed.contains(QLatin1String(name)), name);
    }

    void everyTemplateExpandsToPlainArns()
    {
        // With every parameter given, nothing of the ${...} notation may be left in what IAM would read.
        for (const QString &name : SamPolicies::templateNames()) {
            json parameters = json::object();
            for (const QString &parameter : SamPolicies::templateParameters(name))
                parameters[parameter.toStdString()] = "value";
            QStringList problems;
            const auto policies = SamPolicies::expand(json{{name.toStdString(), parameters}}, PolicyScope(), &problems);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
            QCOMPARE(policies.size(), std::size_t(1));
            const std::string text = policies[0].document.dump();
            QVERIFY2(text.find("${") == std::string::npos, qPrintable(name));
            QVERIFY2(!policies[0].document["Statement"].empty(), qPrintable(name));
        }
    }

    void everyManagedPolicyIsADocument()
    {
        for (const QString &name : SamPolicies::managedNames()) {
            const auto document = SamPolicies::managed(name);
            QVERIFY2(document, qPrintable(name));
            QVERIFY2((*document)["Statement"].is_array() && !(*document)["Statement"].empty(), qPrintable(name));
            // Each expands as a Policies entry too, so its statements are ones an execution role may hold.
            QStringList problems;
            QCOMPARE(
                SamPolicies::expand(json{{"Statement", (*document)["Statement"]}}, PolicyScope(), &problems).size(),
                std::size_t(1));
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        }
    }
};

QTEST_GUILESS_MAIN(TestSamPolicies)
#include "tst_sampolicies.moc"
