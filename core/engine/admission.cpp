#include "engine/admission.h"

#include <algorithm>
#include <utility>

namespace fn {

Admission::Ticket::Ticket(Ticket &&other) noexcept
    : m_admission(std::exchange(other.m_admission, nullptr))
    , m_function(std::move(other.m_function))
    , m_unreserved(other.m_unreserved)
    , m_throttleReason(std::move(other.m_throttleReason))
{
}

Admission::Ticket &Admission::Ticket::operator=(Ticket &&other) noexcept
{
    if (this != &other) {
        leave();
        m_admission = std::exchange(other.m_admission, nullptr);
        m_function = std::move(other.m_function);
        m_unreserved = other.m_unreserved;
        m_throttleReason = std::move(other.m_throttleReason);
    }
    return *this;
}

Admission::Ticket::~Ticket()
{
    leave();
}

void Admission::Ticket::leave()
{
    if (m_admission)
        std::exchange(m_admission, nullptr)->leave(m_function, m_unreserved);
}

Admission::Ticket Admission::admit(const QString &function, std::optional<int> reservation)
{
    const int reserved = reservation ? std::max(0, *reservation) : -1;
    Ticket ticket;
    std::lock_guard lock(m_mutex);
    const auto known = m_reservations.constFind(function);
    const int before = known == m_reservations.constEnd() ? -1 : *known;
    if (before != reserved) {
        m_reservedSum += std::max(0, reserved) - std::max(0, before);
        if (reserved >= 0)
            m_reservations.insert(function, reserved);
        else
            m_reservations.remove(function);
    }
    int &mine = m_inFlight[function];
    if (reserved >= 0) {
        if (mine >= reserved) {
            ticket.m_throttleReason = QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded");
            return ticket;
        }
    } else if (m_unreservedInFlight >= m_accountLimit - m_reservedSum) {
        ticket.m_throttleReason = QStringLiteral("ConcurrentInvocationLimitExceeded");
        return ticket;
    }
    if (m_accountInFlight >= m_accountLimit) {
        ticket.m_throttleReason = QStringLiteral("ConcurrentInvocationLimitExceeded");
        return ticket;
    }
    ++mine;
    ++m_accountInFlight;
    ticket.m_unreserved = reserved < 0;
    if (ticket.m_unreserved)
        ++m_unreservedInFlight;
    ticket.m_admission = this;
    ticket.m_function = function;
    return ticket;
}

void Admission::leave(const QString &function, bool unreserved)
{
    std::lock_guard lock(m_mutex);
    --m_inFlight[function];
    --m_accountInFlight;
    if (unreserved)
        --m_unreservedInFlight;
}

void Admission::setAccountLimit(int limit)
{
    std::lock_guard lock(m_mutex);
    m_accountLimit = std::max(0, limit);
}

int Admission::accountLimit() const
{
    std::lock_guard lock(m_mutex);
    return m_accountLimit;
}

ConcurrencyState Admission::state(const QString &function) const
{
    std::lock_guard lock(m_mutex);
    ConcurrencyState s;
    s.accountLimit = m_accountLimit;
    s.accountInFlight = m_accountInFlight;
    s.unreservedLimit = std::max(0, m_accountLimit - m_reservedSum);
    if (!function.isEmpty()) {
        s.functionName = function;
        s.functionInFlight = m_inFlight.value(function);
        s.reserved = m_reservations.value(function, -1);
    }
    return s;
}

} // namespace fn
