#pragma once
// Expands a SAM function's Policies property into the IAM policy documents it stands for: AWS managed
// policies by name or ARN, SAM's policy templates with their parameters, and inline documents. The
// templates and managed policies are data beside this file (sam-policy-templates.json,
// aws-managed-policies.json, each with its source), built in.

#include "access/awsaccount.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace fn {

struct NamedPolicy
{
    QString name; // where it came from: "S3ReadPolicy", "AmazonS3ReadOnlyAccess", "Policies[2]" for an inline document
    // An IAM policy document, {"Version": ..., "Statement": [...]}, Statement always a list. Templates and
    // managed policies say "2012-10-17"; an inline document keeps its own, or gets "2008-10-17" when it
    // has none, as IAM reads it (policy variables such as ${aws:username} are then plain text).
    nlohmann::json document;
};

// What a template's ${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId} stand for.
using PolicyScope = AwsAccount;

class SamPolicies final
{
public:
    // Expands a SAM function's Policies value, already free of intrinsic functions (plain JSON): a
    // managed policy name or ARN string, a list of such strings, SAM policy template maps
    // ({"S3ReadPolicy": {"BucketName": "photos"}}; templates without parameters are written
    // {"Name": {}}), and inline policy documents ({"Statement": [...]}, a single statement object
    // allowed as in IAM). Mixed lists allowed; entries are classified as SAM does. Each unknown name,
    // missing parameter or malformed entry adds a problem naming the entry ("Policies[1] (S3ReadPolicy):
    // ...") and is skipped; the rest is returned in order. problems may be null.
    static std::vector<NamedPolicy> expand(const nlohmann::json &policies, const PolicyScope &scope,
                                           QStringList *problems);

    // An AWS managed policy by name ("AmazonS3ReadOnlyAccess") or ARN
    // ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", the path included, as IAM
    // requires); nullopt when unknown. The documents are AWS's default versions, except ReadOnlyAccess,
    // abridged to the services fnstudio emulates or a function commonly calls (its entry in
    // aws-managed-policies.json says which).
    static std::optional<nlohmann::json> managed(const QString &nameOrArn);

    static QStringList templateNames(); // sorted
    // A template's parameters in SAM's order ({"BucketName"}); empty for an unknown template too.
    static QStringList templateParameters(const QString &templateName);
    static QStringList managedNames(); // sorted
};

} // namespace fn
