#pragma once
// The permissions SAM adds for a function's Events, as statements of the function's resource-based
// policy: which service may invoke it, and from where (an S3 event lets s3.amazonaws.com invoke it
// from this account, a Schedule lets events.amazonaws.com from the rule SAM makes, ...). Event
// sources Lambda polls itself (SQS, Kinesis, DynamoDB streams) need none: the role reads them.

#include "project/functionconfig.h"

#include <nlohmann/json.hpp>

namespace fn::eventpermissions {

// One statement per event that needs a permission, Sid "<Function><EventId>Permission" as SAM names
// the permission resource.
nlohmann::json statements(const FunctionConfig &function);

// A statement allowing `principal` (a service name, an account id, an ARN or "*", as
// AWS::Lambda::Permission's Principal takes it) to do `action` on `resource`, with SourceArn and
// SourceAccount as conditions when given: what Lambda's AddPermission stores.
nlohmann::json statement(const QString &sid, const QString &principal, const QString &action, const QString &resource,
                         const QString &sourceArn = {}, const QString &sourceAccount = {});

} // namespace fn::eventpermissions
