#pragma once
// The Invocations list's row of a function's invocation whose payload holds `needle` (the GUI tests
// that trigger invocations through queues or buckets and look for their results).

#include "invocations/invocationmodel.h"

#include <QByteArray>
#include <QString>

namespace fn::testing {

inline int rowWithPayload(const InvocationModel &model, const QString &functionName, const QByteArray &needle)
{
    for (int r = 0; r < model.rowCount(); ++r) {
        const InvocationRecord &rec = model.record(r);
        if (rec.functionName == functionName && rec.payload.contains(needle))
            return r;
    }
    return -1;
}

} // namespace fn::testing
