#pragma once
// Least privilege from what a function did: the calls it made to local services (allowed or
// denied) turned into the one inline policy that allows exactly them, with resources as narrow
// as the calls, written as the SAM Policies block to paste into template.yaml; and the statements
// of its role that allow more than it used ("s3:*", "Resource: '*'").

#include "access/authorizer.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <vector>

namespace fn {

class PolicySuggestion final
{
public:
    // {"Statement": [{"Effect": "Allow", "Action": [...], "Resource": [...]}, ...]}: one statement
    // per set of resources the same actions were used on, actions and resources sorted. Calls the
    // role could not be checked for (a role outside the template) count too.
    static nlohmann::json policyFor(const std::vector<Authorizer::Call> &calls);

    // The SAM Policies property holding that policy, as YAML indented for a function's Properties
    // ("      Policies:\n        - Statement:\n ...").
    static QString samPoliciesYaml(const nlohmann::json &policy, int indent = 6);

    // One sentence per allowing statement of the role whose actions or resources use a wildcard
    // wider than the calls needed: "S3CrudPolicy (Statement[0]) allows s3:* ... ; the calls used
    // s3:GetObject on arn:aws:s3:::in/a.txt".
    static QStringList broaderThanUsed(const std::vector<Policy> &role, const std::vector<Authorizer::Call> &calls);
};

} // namespace fn
