#pragma once
// IAM policies and their evaluation for one principal's identity-based policies, as AWS's
// "Policy evaluation logic" describes it: an explicit Deny in any statement wins, otherwise an
// Allow is needed, otherwise the request is implicitly denied. Statements match on Action or
// NotAction (case-insensitive, * and ? wildcards), Resource or NotResource (case-sensitive, the
// same wildcards, ${aws:...} policy variables) and every Condition: the string, numeric, date,
// Bool, IpAddress, Arn and Null operators, their ...IfExists forms and the ForAnyValue: and
// ForAllValues: set qualifiers, on the condition keys the request carries.

#include <QHash>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace fn {

// One call to a local service as IAM sees it.
struct AccessRequest
{
    QString action;   // "s3:GetObject"
    QString resource; // "arn:aws:s3:::photos/cat.jpg"
    // Condition keys known for the call ("aws:SourceIp", "s3:prefix", "aws:SecureTransport", ...),
    // each with its values (most keys have one).
    QHash<QString, QStringList> context;
};

class Policy final
{
public:
    struct Condition
    {
        QString op; // the operator without qualifier or IfExists: "StringLike"
        bool ifExists = false;
        enum class Set { Single, ForAnyValue, ForAllValues } set = Set::Single;
        QString key; // "s3:prefix" (condition keys are case-insensitive; kept as written)
        QStringList values;
    };
    struct Statement
    {
        QString label; // its Sid, or "Statement[i]" (0-based) when it has none
        bool allow = true;
        bool notAction = false;
        QStringList actions;
        bool notResource = false;
        QStringList resources;
        std::vector<Condition> conditions;
        // A resource-based policy's Principal, each as "*" (anyone), "AWS:<account id or ARN>" or
        // "Service:<name>" (also "Federated:…", "CanonicalUser:…"); empty in identity-based policies.
        QStringList principals;
    };

    // Reads an IAM policy document ({"Version": ..., "Statement": [...] or {...}}). nullopt with
    // *error saying which statement and what is wrong (an unknown Effect, no Action, an unknown
    // condition operator, ...).
    static std::optional<Policy> parse(const QString &name, const nlohmann::json &document, QString *error);

    const QString &name() const { return m_name; }
    const std::vector<Statement> &statements() const { return m_statements; }

    static bool statementMatches(const Statement &statement, const AccessRequest &request);

private:
    QString m_name;
    std::vector<Statement> m_statements;
};

struct AccessDecision
{
    enum class Effect { Allow, ExplicitDeny, ImplicitDeny };
    Effect effect = Effect::ImplicitDeny;
    QString policy;    // the policy of the deciding statement (empty for an implicit deny)
    QString statement; // its label

    bool allowed() const { return effect == Effect::Allow; }
    // "allowed by S3ReadPolicy (Statement[0])", "denied by inline (DenyDeletes)",
    // "no statement allows s3:PutObject on arn:aws:s3:::photos/a"
    QString explain(const AccessRequest &request) const;
};

// Evaluates a principal's identity-based policies for one request.
AccessDecision evaluate(const std::vector<Policy> &policies, const AccessRequest &request);

// Evaluates a resource-based policy (a function's, as Lambda's GetPolicy gives it) for one request
// by a caller named in the forms Principal takes ("AWS:arn:aws:iam::123456789012:role/R",
// "Service:s3.amazonaws.com"): only the statements whose Principal names the caller, or is "*",
// take part. A statement naming the caller's account ("AWS:123456789012" or its root ARN) does not
// grant a caller of the same account by itself: IAM leaves that to the caller's identity policies.
AccessDecision evaluateResourcePolicy(const Policy &policy, const AccessRequest &request, const QStringList &caller);

// IAM's wildcard match: * any run of characters, ? any one character.
bool wildcardMatch(QStringView pattern, QStringView text, Qt::CaseSensitivity cs);

} // namespace fn
