#pragma once
// The anatomy of one invocation as its caller experienced it: the phases it went through, in order,
// adding up to the latency the caller observed. Every phase but the last is measured; the last,
// fnstudio's own overhead, is what the measured total leaves (logging, bookkeeping, the answer's way back).

#include <QList>
#include <QString>

#include <optional>
#include <vector>

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
    bool has(Phase phase) const;
    double coldMs() const; // sandbox + runtime start + init: the cold start's own cost

    static QString name(Phase phase);    // "sandbox", "runtime start", ...
    static QString jsonKey(Phase phase); // "sandboxMs", "runtimeStartMs", ...
    // "21.40 ms = 0.20 admission + 3.50 sandbox + ... + 0.10 overhead"
    QString sum() const;
};

// A set of invocations ranked by what their callers observed: the anatomy of the one at a
// percentile (nearest rank, as Percentiles), whole, so that its phases add up to its own total.
// Invocations without a measured total (history from before it was measured) are left out.
class AnatomyPercentiles final
{
public:
    void add(const InvocationRecord &record);
    void clear();
    std::size_t size() const { return m_rows.size(); }
    std::optional<Anatomy> at(double p) const;

private:
    struct Row
    {
        float observed, admission, sandbox, runtimeStart, init, handler;
        bool cold, ranHandler;
    };
    // Sorted by observed up to m_sorted; at() sorts what came since and merges it in, so a batch
    // arriving on 100,000 costs a merge, not a sort.
    mutable std::vector<Row> m_rows;
    mutable std::size_t m_sorted = 0;
};

} // namespace fn
