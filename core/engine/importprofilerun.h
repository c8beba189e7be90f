#pragma once
// One cold start whose module init was profiled (Engine::profileImports): the invocation as any
// other, and what its init imported.

#include "metrics/importprofile.h"
#include "snapshots/invocationrecord.h"

#include <QString>

namespace fn {

struct ImportProfileRun
{
    InvocationRecord record; // published as every invocation is (timeline, logs, history)
    ImportProfile profile;   // what the init imported; partial when the init failed part way
    QString error;           // why there is no (whole) profile; empty when there is one
};

} // namespace fn
