#include "metrics/anatomy.h"

#include "snapshots/invocationrecord.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

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

bool Anatomy::has(Phase phase) const
{
    return std::any_of(parts.cbegin(), parts.cend(), [phase](const Part &p) { return p.phase == phase; });
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

QString Anatomy::sum() const
{
    const QLocale locale;
    const auto ms = [&locale](double v) { return locale.toString(v, 'f', 2); };
    QStringList parts;
    for (const Part &p : this->parts)
        parts << ms(p.ms) + u' ' + name(p.phase);
    return ms(observedMs) + QStringLiteral(" ms = ") + parts.join(QStringLiteral(" + "));
}

void AnatomyPercentiles::add(const InvocationRecord &r)
{
    if (r.observedMs <= 0)
        return;
    m_rows.push_back({float(r.observedMs), float(r.admissionMs), float(r.phases.sandboxMs),
                      float(r.phases.runtimeStartMs), float(r.phases.initMs), float(r.durationMs), r.coldStart,
                      Anatomy::of(r).has(Anatomy::Phase::Handler)});
}

void AnatomyPercentiles::clear()
{
    m_rows.clear();
    m_sorted = 0;
}

std::optional<Anatomy> AnatomyPercentiles::at(double p) const
{
    if (m_rows.empty())
        return std::nullopt;
    const auto byObserved = [](const Row &a, const Row &b) { return a.observed < b.observed; };
    if (m_sorted < m_rows.size()) {
        const auto middle = m_rows.begin() + std::ptrdiff_t(m_sorted);
        std::sort(middle, m_rows.end(), byObserved);
        std::inplace_merge(m_rows.begin(), middle, m_rows.end(), byObserved);
        m_sorted = m_rows.size();
    }
    const std::size_t n = m_rows.size();
    const std::size_t rank = std::clamp<std::size_t>(std::size_t(std::ceil(p / 100.0 * double(n))), 1, n);
    const Row &row = m_rows[rank - 1];
    InvocationRecord r;
    r.coldStart = row.cold;
    r.outcome = row.ranHandler ? InvocationOutcome::Success
                : row.cold     ? InvocationOutcome::InitError
                               : InvocationOutcome::Throttled;
    r.observedMs = row.observed;
    r.admissionMs = row.admission;
    r.phases = {row.sandbox, row.runtimeStart, row.init};
    r.durationMs = row.handler;
    return Anatomy::of(r);
}

} // namespace fn
