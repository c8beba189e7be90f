#pragma once
// The Lambda API's names and shapes for a local function (botocore's lambda 2015-03-31 model):
// ARNs, FunctionName parsing, FunctionConfiguration and GetFunction bodies.

#include "project/functionconfig.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fn::lambdaapi {

struct FunctionReference
{
    QString name;
    QString qualifier; // empty when none was given
};

// A FunctionName as the Invoke API accepts it: NAME, NAME:QUALIFIER, the full ARN
// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] or the partial ARN
// ACCOUNT:function:NAME[:QUALIFIER]. nullopt when it fits none of them.
std::optional<FunctionReference> parseFunctionName(const QString &functionName);

// FunctionConfiguration of an unpublished ($LATEST), active Zip function.
nlohmann::json functionConfiguration(const FunctionConfig &function);

// GetFunction's body: Configuration, Code (the local code folder) and, when reserved, Concurrency.
nlohmann::json getFunctionResponse(const FunctionConfig &function);

} // namespace fn::lambdaapi
