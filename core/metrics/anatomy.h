#pragma once
// The anatomy of one invocation as its caller experienced it: the phases it went through, in order,
// adding up to the latency the caller observed. Every phase but the last is measured; the last,
// fnstudio's own overhead, is what the measured total leaves (logging, bookkeeping, the answer's way back).

#include <QList>
#include <QString>

namespace fn {

struct InvocationRecord;

struct Anatomy
{
    enum class Phase {
        Admission,    // waiting for admission, a free environment or another start of the function
        Sandbox,      // making the sandbox (cold only)
        RuntimeStart, // the runtime's start until it first spoke to the Runtime API (cold only)
        Init,         // the function's module init, until the first GET /next (cold only)
        Handler,      // the handler: Lambda's Duration
        Overhead,     // the rest of the observed total: fnstudio's own
    };
    struct Part
    {
        Phase phase;
        double ms = 0;
    };

    QList<Part> parts; // the phases that apply (a warm invocation has no sandbox, runtime start or init)
    double observedMs = 0;

    static Anatomy of(const InvocationRecord &record);
    double ms(Phase phase) const; // 0 when it does not apply
    double coldMs() const;        // sandbox + runtime start + init: the cold start's own cost

    static QString name(Phase phase);    // "sandbox", "runtime start", ...
    static QString jsonKey(Phase phase); // "sandboxMs", "runtimeStartMs", ...
};

} // namespace fn
