// IAM policy evaluation as AWS documents it: what a function's statements allow and deny, and
// which statement decided.

#include "access/policy.h"

#include <QTest>

class TestPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void allowNeedsAStatement();
    void explicitDenyWinsWhereverItIs();
    void actionsIgnoreCaseResourcesDoNot();
    void wildcards();
    void notActionAndNotResource();
    void conditionOperators_data();
    void conditionOperators();
    void policyVariablesInResources();
    void malformedPoliciesSayWhere_data();
    void malformedPoliciesSayWhere();
    void resourcePolicyNamesItsCallers();
};

// Declared above the test data: moc reads "/*" inside a raw string as the start of a comment.

using namespace fn;
using json = nlohmann::json;

namespace {

Policy parsed(const char *name, const char *document)
{
    QString error;
    const auto p = Policy::parse(QLatin1String(name), json::parse(document), &error);
    if (!p)
        qFatal("%s", qPrintable(error));
    return *p;
}

AccessRequest call(const char *action, const char *resource, QHash<QString, QStringList> context = {})
{
    return {QLatin1String(action), QLatin1String(resource), std::move(context)};
}

// S3ReadPolicy on "photos", as SAM writes it.
const char *ReadPhotos =
    R"({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:GetLifecycleConfiguration"], "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]}]})";

} // namespace

void TestPolicy::allowNeedsAStatement()
{
    const std::vector<Policy> policies{parsed("S3ReadPolicy", ReadPhotos)};
    AccessDecision d = evaluate(policies, call("s3:GetObject", "arn:aws:s3:::photos/2026/cat.jpg"));
    QVERIFY(d.allowed());
    QCOMPARE(d.explain({}), QStringLiteral("allowed by S3ReadPolicy (Statement[0])"));
    const AccessRequest put = call("s3:PutObject", "arn:aws:s3:::photos/cat.jpg");
    d = evaluate(policies, put);
    QCOMPARE(d.effect, AccessDecision::Effect::ImplicitDeny);
    QCOMPARE(d.explain(put), QStringLiteral("no statement allows s3:PutObject on arn:aws:s3:::photos/cat.jpg"));
    // Another bucket whose name starts the same is another resource.
    QVERIFY(!evaluate(policies, call("s3:GetObject", "arn:aws:s3:::photos-private/a")).allowed());
    QVERIFY(!evaluate({}, call("s3:GetObject", "arn:aws:s3:::photos/a")).allowed());
}

void TestPolicy::explicitDenyWinsWhereverItIs()
{
    const std::vector<Policy> policies{
        parsed("AmazonS3FullAccess", R"({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})"),
        parsed(
            "inline",
            R"({"Statement": [{"Sid": "KeepArchive", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "arn:aws:s3:::archive/*"}]})")};
    const AccessDecision d = evaluate(policies, call("s3:DeleteObject", "arn:aws:s3:::archive/2025.tar"));
    QCOMPARE(d.effect, AccessDecision::Effect::ExplicitDeny);
    QCOMPARE(d.explain({}), QStringLiteral("denied by inline (KeepArchive)"));
    QVERIFY(evaluate(policies, call("s3:DeleteObject", "arn:aws:s3:::scratch/x")).allowed());
    QVERIFY(evaluate(policies, call("s3:GetObject", "arn:aws:s3:::archive/2025.tar")).allowed());
}

void TestPolicy::actionsIgnoreCaseResourcesDoNot()
{
    const std::vector<Policy> policies{parsed(
        "p", R"({"Statement": [{"Effect": "Allow", "Action": "S3:get*", "Resource": "arn:aws:s3:::Photos/*"}]})")};
    QVERIFY(evaluate(policies, call("s3:GetObject", "arn:aws:s3:::Photos/a")).allowed());
    QVERIFY(!evaluate(policies, call("s3:GetObject", "arn:aws:s3:::photos/a")).allowed());
}

void TestPolicy::wildcards()
{
    QVERIFY(wildcardMatch(u"arn:aws:lambda:*:*:function:Resize*", u"arn:aws:lambda:us-east-1:123:function:Resize:live",
                          Qt::CaseSensitive));
    QVERIFY(wildcardMatch(u"s3:Get?bject", u"s3:GetObject", Qt::CaseSensitive));
    QVERIFY(!wildcardMatch(u"s3:Get?bject", u"s3:GetObjectAcl", Qt::CaseSensitive));
    QVERIFY(wildcardMatch(u"*", u"", Qt::CaseSensitive));
    QVERIFY(wildcardMatch(u"a*b*c", u"aXXbYYbZc", Qt::CaseSensitive));
    QVERIFY(!wildcardMatch(u"a*b*c", u"aXXbYYbZ", Qt::CaseSensitive));
    // A long text against many stars stays quick (no exponential backtracking).
    QVERIFY(!wildcardMatch(u"*a*a*a*a*a*a*a*a*b", QString(5000, QLatin1Char('a')), Qt::CaseSensitive));
}

void TestPolicy::notActionAndNotResource()
{
    // "Everything except IAM", and "anything but the audit bucket".
    const std::vector<Policy> policies{parsed(
        "p",
        R"({"Statement": [ {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::audit", "arn:aws:s3:::audit/*"]}]})")};
    QVERIFY(evaluate(policies, call("s3:PutObject", "arn:aws:s3:::audit/x")).allowed());
    QCOMPARE(evaluate(policies, call("s3:PutObject", "arn:aws:s3:::photos/x")).effect,
             AccessDecision::Effect::ExplicitDeny);
    QVERIFY(!evaluate(policies, call("iam:CreateUser", "*")).allowed());
    QVERIFY(evaluate(policies, call("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:1:function:f")).allowed());
}

void TestPolicy::conditionOperators_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("values"); // empty: the key is absent
    QTest::addColumn<bool>("allowed");
    const auto row = [](const char *name, const char *condition, const char *key,
                        std::initializer_list<const char *> values, bool allowed) {
        QStringList list;
        for (const char *v : values)
            list << QString::fromLatin1(v);
        QTest::newRow(name) << QString::fromLatin1(condition) << QString::fromLatin1(key) << list << allowed;
    };
    row("StringEquals", R"({"StringEquals": {"s3:prefix": "home/"}})", "s3:prefix", {"home/"}, true);
    row("StringEquals other", R"({"StringEquals": {"s3:prefix": "home/"}})", "s3:prefix", {"etc/"}, false);
    row("StringEquals any of", R"({"StringEquals": {"s3:prefix": ["a/", "home/"]}})", "s3:prefix", {"home/"}, true);
    row("StringEquals absent", R"({"StringEquals": {"s3:prefix": "home/"}})", "s3:prefix", {}, false);
    row("StringEqualsIfExists absent", R"({"StringEqualsIfExists": {"s3:prefix": "home/"}})", "s3:prefix", {}, true);
    row("StringNotEquals absent", R"({"StringNotEquals": {"s3:prefix": "home/"}})", "s3:prefix", {}, true);
    row("StringNotEquals same", R"({"StringNotEquals": {"s3:prefix": "home/"}})", "s3:prefix", {"home/"}, false);
    row("StringLike", R"({"StringLike": {"s3:prefix": "home/*"}})", "s3:prefix", {"home/ana/"}, true);
    row("StringNotLike", R"({"StringNotLike": {"s3:prefix": "home/*"}})", "s3:prefix", {"home/ana/"}, false);
    row("StringEqualsIgnoreCase", R"({"StringEqualsIgnoreCase": {"aws:username": "ANA"}})", "aws:username", {"ana"},
        true);
    row("keys ignore case", R"({"StringEquals": {"AWS:SourceIp": "127.0.0.1"}})", "aws:SourceIp", {"127.0.0.1"}, true);
    row("Bool", R"({"Bool": {"aws:SecureTransport": "false"}})", "aws:SecureTransport", {"false"}, true);
    row("Bool json", R"({"Bool": {"aws:SecureTransport": true}})", "aws:SecureTransport", {"false"}, false);
    row("IpAddress", R"({"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})", "aws:SourceIp", {"127.0.0.1"}, true);
    row("IpAddress outside", R"({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})", "aws:SourceIp", {"127.0.0.1"}, false);
    row("NotIpAddress", R"({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})", "aws:SourceIp", {"127.0.0.1"}, true);
    row("NumericLessThan", R"({"NumericLessThan": {"s3:max-keys": "100"}})", "s3:max-keys", {"10"}, true);
    row("NumericLessThan not", R"({"NumericLessThan": {"s3:max-keys": 100}})", "s3:max-keys", {"1000"}, false);
    row("NumericGreaterThanEquals", R"({"NumericGreaterThanEquals": {"n": "5"}})", "n", {"5"}, true);
    row("DateLessThan", R"({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}})", "aws:CurrentTime",
        {"2026-12-07T12:00:00Z"}, true);
    row("DateGreaterThan", R"({"DateGreaterThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}})", "aws:CurrentTime",
        {"2026-12-07T12:00:00Z"}, false);
    row("ArnLike", R"({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::photos*"}})", "aws:SourceArn",
        {"arn:aws:s3:::photos-in"}, true);
    row("ArnLike other service", R"({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::photos*"}})", "aws:SourceArn",
        {"arn:aws:sqs:us-east-1:1:photos"}, false);
    row("ArnEquals", R"({"ArnEquals": {"aws:SourceArn": "arn:aws:sqs:us-east-1:1:q"}})", "aws:SourceArn",
        {"arn:aws:sqs:us-east-1:1:q"}, true);
    row("Null true absent", R"({"Null": {"aws:TokenIssueTime": "true"}})", "aws:TokenIssueTime", {}, true);
    row("Null false absent", R"({"Null": {"aws:TokenIssueTime": "false"}})", "aws:TokenIssueTime", {}, false);
    row("ForAnyValue", R"({"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}})", "aws:TagKeys",
        {"owner", "team"}, true);
    row("ForAllValues", R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}})", "aws:TagKeys",
        {"owner", "team"}, false);
    row("ForAllValues absent", R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}})", "aws:TagKeys", {}, true);
    row("two operators both hold",
        R"({"StringLike": {"s3:prefix": "home/*"}, "Bool": {"aws:SecureTransport": "true"}})", "s3:prefix", {"home/a"},
        false); // aws:SecureTransport is absent
    row("policy variable", R"({"StringLike": {"s3:prefix": "home/${aws:username}/*"}})", "s3:prefix",
        {"home/${aws:username}/x"}, false);
}

void TestPolicy::conditionOperators()
{
    QFETCH(QString, condition);
    QFETCH(QString, key);
    QFETCH(QStringList, values);
    QFETCH(bool, allowed);
    const json document = {{"Statement",
                            {{{"Effect", "Allow"},
                              {"Action", "s3:ListBucket"},
                              {"Resource", "*"},
                              {"Condition", json::parse(condition.toStdString())}}}}};
    QString error;
    const auto policy = Policy::parse(QStringLiteral("p"), document, &error);
    QVERIFY2(policy, qPrintable(error));
    QHash<QString, QStringList> context;
    if (!values.isEmpty())
        context.insert(key, values);
    QCOMPARE(evaluate({*policy}, call("s3:ListBucket", "arn:aws:s3:::b", context)).allowed(), allowed);
}

void TestPolicy::policyVariablesInResources()
{
    const std::vector<Policy> policies{parsed(
        "home",
        R"({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]})")};
    QVERIFY(evaluate(policies, call("s3:GetObject", "arn:aws:s3:::home/ana/a",
                                    {{QStringLiteral("aws:username"), {QStringLiteral("ana")}}}))
                .allowed());
    QVERIFY(!evaluate(policies, call("s3:GetObject", "arn:aws:s3:::home/bo/a",
                                     {{QStringLiteral("aws:username"), {QStringLiteral("ana")}}}))
                 .allowed());
    QVERIFY(!evaluate(policies, call("s3:GetObject", "arn:aws:s3:::home/ana/a")).allowed());
    // ${*} is a literal star, not a wildcard.
    const std::vector<Policy> literal{
        parsed("star", R"({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${*}"}]})")};
    QVERIFY(evaluate(literal, call("s3:GetObject", "arn:aws:s3:::b/*")).allowed());
    QVERIFY(!evaluate(literal, call("s3:GetObject", "arn:aws:s3:::b/x")).allowed());
}

void TestPolicy::malformedPoliciesSayWhere_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no statement") << QString::fromLatin1(R"({"Version": "2012-10-17"})")
                                  << QStringLiteral("p: the policy has no Statement");
    QTest::newRow("bad effect") << QString::fromLatin1(
        R"({"Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]})")
                                << QStringLiteral("p, Statement[0]: Effect must be Allow or Deny");
    QTest::newRow("no action") << QString::fromLatin1(R"({"Statement": [{"Effect": "Allow", "Resource": "*"}]})")
                               << QStringLiteral(
                                      "p, Statement[0]: a statement needs exactly one of Action and NotAction");
    QTest::newRow("both resources") << QString::fromLatin1(
        R"({"Statement": [{"Sid": "Two", "Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "*"}]})")
                                    << QStringLiteral(
                                           "p, Two: a statement needs exactly one of Resource and NotResource");
    QTest::newRow("unknown operator") << QString::fromLatin1(
        R"({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringSortOf": {"a": "b"}}}]})")
                                      << QStringLiteral("p, Statement[0]: unknown condition operator StringSortOf");
    QTest::newRow("principal list of objects") << QString::fromLatin1(
        R"({"Statement": [{"Effect": "Allow", "Principal": ["s3.amazonaws.com"], "Action": "lambda:*", "Resource": "*"}]})")
                                               << QStringLiteral(
                                                      "p, Statement[0]: Principal must be \"*\" or a mapping such as "
                                                      "{\"Service\": \"s3.amazonaws.com\"}");
    QTest::newRow("not principal") << QString::fromLatin1(
        R"({"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "Action": "lambda:*", "Resource": "*"}]})")
                                   << QStringLiteral("p, Statement[0]: NotPrincipal is not evaluated by fnstudio; name "
                                                     "the principals in Principal");
    QTest::newRow("action object") << QString::fromLatin1(
        R"({"Statement": [{"Effect": "Allow", "Action": {"a": 1}, "Resource": "*"}]})")
                                   << QStringLiteral("p, Statement[0]: Action must be a string or a list of strings");
}

void TestPolicy::malformedPoliciesSayWhere()
{
    QFETCH(QString, document);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!Policy::parse(QStringLiteral("p"), json::parse(document.toStdString()), &error));
    QCOMPARE(error, expected);
}

void TestPolicy::resourcePolicyNamesItsCallers()
{
    // A function's policy as Lambda keeps it: S3 from this account, one role, and a denied role.
    const Policy policy = parsed("the resource-based policy of Reader", R"({"Version": "2012-10-17", "Statement": [
        {"Sid": "FromS3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Reader",
         "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}},
        {"Sid": "Caller", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/CallerRole"},
         "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Reader"},
        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "lambda:*", "Resource": "*"},
        {"Sid": "NotThatOne", "Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/Bad"]},
         "Action": "lambda:*", "Resource": "*"},
        {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetPolicy", "Resource": "*"}]})");
    const AccessRequest invoke{QStringLiteral("lambda:InvokeFunction"),
                               QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Reader"),
                               {{QStringLiteral("aws:SourceAccount"), {QStringLiteral("123456789012")}}}};
    const auto decide = [&policy](const AccessRequest &request, const QString &caller) {
        const AccessDecision d = evaluateResourcePolicy(policy, request, {caller});
        return d.allowed()                                        ? QStringLiteral("allow ") + d.statement
               : d.effect == AccessDecision::Effect::ExplicitDeny ? QStringLiteral("deny ") + d.statement
                                                                  : QStringLiteral("implicit");
    };
    QCOMPARE(decide(invoke, QStringLiteral("Service:s3.amazonaws.com")), QStringLiteral("allow FromS3"));
    // Condition keys are case-insensitive: Lambda writes AWS:SourceAccount, requests carry aws:….
    AccessRequest otherAccount = invoke;
    otherAccount.context[QStringLiteral("aws:SourceAccount")] = {QStringLiteral("999999999999")};
    QCOMPARE(decide(otherAccount, QStringLiteral("Service:s3.amazonaws.com")), QStringLiteral("implicit"));
    QCOMPARE(decide(invoke, QStringLiteral("Service:sns.amazonaws.com")), QStringLiteral("implicit"));
    QCOMPARE(decide(invoke, QStringLiteral("AWS:arn:aws:iam::123456789012:role/CallerRole")),
             QStringLiteral("allow Caller"));
    // The account as principal grants nothing to a caller of that account by itself.
    QCOMPARE(decide(invoke, QStringLiteral("AWS:arn:aws:iam::123456789012:role/Other")), QStringLiteral("implicit"));
    QCOMPARE(decide(invoke, QStringLiteral("AWS:arn:aws:iam::123456789012:role/Bad")),
             QStringLiteral("deny NotThatOne"));
    const AccessRequest getPolicy{QStringLiteral("lambda:GetPolicy"),
                                  QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Reader"),
                                  {}};
    QCOMPARE(decide(getPolicy, QStringLiteral("AWS:arn:aws:iam::123456789012:role/Other")),
             QStringLiteral("allow Anyone"));
}

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
