// Least privilege from the calls a function made: the policy that allows exactly them, as the SAM
// Policies block to paste, and the statements of a role wider than what was used.

#include "access/policysuggestion.h"

#include <QTest>

using namespace fn;

namespace {

Authorizer::Call call(const char *action, const char *resource)
{
    Authorizer::Call c;
    c.request.action = QLatin1String(action);
    c.request.resource = QLatin1String(resource);
    return c;
}

} // namespace

class TestPolicySuggestion final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policyAllowsExactlyTheCalls()
    {
        const std::vector<Authorizer::Call> calls{
            call("s3:GetObject", "arn:aws:s3:::in/a.jpg"), call("s3:GetObject", "arn:aws:s3:::in/b.jpg"),
            call("s3:PutObject", "arn:aws:s3:::out/a.jpg"), call("s3:GetObject", "arn:aws:s3:::in/a.jpg"),
            call("s3:ListBucket", "arn:aws:s3:::in")};
        const nlohmann::json policy = PolicySuggestion::policyFor(calls);
        QCOMPARE(
            QString::fromStdString(policy.dump()),
            QStringLiteral(
                R"({"Statement":[)"
                R"({"Action":["s3:GetObject"],"Effect":"Allow","Resource":["arn:aws:s3:::in/a.jpg","arn:aws:s3:::in/b.jpg"]},)"
                R"({"Action":["s3:ListBucket"],"Effect":"Allow","Resource":["arn:aws:s3:::in"]},)"
                R"({"Action":["s3:PutObject"],"Effect":"Allow","Resource":["arn:aws:s3:::out/a.jpg"]}]})"));
        // Evaluated, it allows each call and nothing next to them.
        QString error;
        const auto parsed = Policy::parse(QStringLiteral("suggested"), policy, &error);
        QVERIFY2(parsed, qPrintable(error));
        for (const Authorizer::Call &c : calls)
            QVERIFY(evaluate({*parsed}, c.request).allowed());
        QVERIFY(!evaluate({*parsed}, call("s3:PutObject", "arn:aws:s3:::in/a.jpg").request).allowed());
        QVERIFY(!evaluate({*parsed}, call("s3:GetObject", "arn:aws:s3:::in/c.jpg").request).allowed());
    }

    void samBlockIsQuotedYaml()
    {
        const QString yaml = PolicySuggestion::samPoliciesYaml(
            PolicySuggestion::policyFor(
                {call("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:It's")}),
            2);
        QCOMPARE(yaml, QStringLiteral("  Policies:\n"
                                      "    - Statement:\n"
                                      "        - Effect: Allow\n"
                                      "          Action:\n"
                                      "            - 'lambda:InvokeFunction'\n"
                                      "          Resource:\n"
                                      "            - 'arn:aws:lambda:us-east-1:123456789012:function:It''s'\n"));
        QCOMPARE(PolicySuggestion::samPoliciesYaml(PolicySuggestion::policyFor({}), 0),
                 QStringLiteral("Policies: []\n"));
    }

    void widerThanUsedIsSaid()
    {
        QString error;
        const std::vector<Policy> role{
            *Policy::parse(
                QStringLiteral("AWSLambdaBasicExecutionRole"),
                nlohmann::json::parse(R"({"Statement": {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}})"),
                &error),
            *Policy::parse(
                QStringLiteral("AmazonS3FullAccess"),
                nlohmann::json::parse(R"({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})"),
                &error),
            *Policy::parse(
                QStringLiteral("Narrow"),
                nlohmann::json::parse(
                    R"({"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:1:q"}})"),
                &error)};
        const QStringList found = PolicySuggestion::broaderThanUsed(role, {call("s3:GetObject", "arn:aws:s3:::in/a")});
        QCOMPARE(found, QStringList{QStringLiteral("AmazonS3FullAccess (Statement[0]) allows s3:* on *; the calls made "
                                                   "used only s3:GetObject on arn:aws:s3:::in/a")});
    }
};

QTEST_GUILESS_MAIN(TestPolicySuggestion)
#include "tst_policysuggestion.moc"
