#include "metrics/anatomy.h"

#include "snapshots/invocationrecord.h"

#include <algorithm>

namespace fn {

Anatomy Anatomy::of(const InvocationRecord &r)
{
    Anatomy a;
    a.observedMs = r.observedMs;
    a.parts.append({Phase::Admission, r.admissionMs});
    if (r.coldStart) {
        a.parts.append({Phase::Sandbox, r.phases.sandboxMs});
        a.parts.append({Phase::RuntimeStart, r.phases.runtimeStartMs});
        a.parts.append({Phase::Init, r.phases.initMs});
    }
    // A throttled or rejected request never reached a handler.
    if (r.outcome != InvocationOutcome::Throttled && r.outcome != InvocationOutcome::Rejected
        && r.outcome != InvocationOutcome::InitError)
        a.parts.append({Phase::Handler, r.durationMs});
    double measured = 0;
    for (const Part &p : std::as_const(a.parts))
        measured += p.ms;
    // Clocks read a few nanoseconds apart can leave a negative rest: it is none.
    a.parts.append({Phase::Overhead, std::max(0.0, r.observedMs - measured)});
    return a;
}

double Anatomy::ms(Phase phase) const
{
    for (const Part &p : parts)
        if (p.phase == phase)
            return p.ms;
    return 0;
}

double Anatomy::coldMs() const
{
    return ms(Phase::Sandbox) + ms(Phase::RuntimeStart) + ms(Phase::Init);
}

QString Anatomy::name(Phase phase)
{
    switch (phase) {
    case Phase::Admission:
        return QStringLiteral("admission");
    case Phase::Sandbox:
        return QStringLiteral("sandbox");
    case Phase::RuntimeStart:
        return QStringLiteral("runtime start");
    case Phase::Init:
        return QStringLiteral("init");
    case Phase::Handler:
        return QStringLiteral("handler");
    case Phase::Overhead:
        return QStringLiteral("overhead");
    }
    return {};
}

QString Anatomy::jsonKey(Phase phase)
{
    switch (phase) {
    case Phase::Admission:
        return QStringLiteral("admissionMs");
    case Phase::Sandbox:
        return QStringLiteral("sandboxMs");
    case Phase::RuntimeStart:
        return QStringLiteral("runtimeStartMs");
    case Phase::Init:
        return QStringLiteral("initMs");
    case Phase::Handler:
        return QStringLiteral("handlerMs");
    case Phase::Overhead:
        return QStringLiteral("overheadMs");
    }
    return {};
}

} // namespace fn
