#pragma once
// Lambda's concurrency rules for admitting an invocation: the account limit, reserved concurrency
// per function, and the unreserved pool the functions without a reservation share.

#include "snapshots/concurrencystate.h"

#include <QHash>
#include <QString>

#include <mutex>
#include <optional>

namespace fn {

class Admission final
{
public:
    // An admitted invocation holds its place until the ticket is destroyed; a refused one carries
    // Lambda's throttle reason. Move-only.
    class Ticket final
    {
    public:
        Ticket() = default;
        Ticket(Ticket &&other) noexcept;
        Ticket &operator=(Ticket &&other) noexcept;
        ~Ticket();

        bool admitted() const { return m_admission != nullptr; }
        explicit operator bool() const { return admitted(); }
        // ReservedFunctionConcurrentInvocationLimitExceeded or ConcurrentInvocationLimitExceeded.
        const QString &throttleReason() const { return m_throttleReason; }
        // Admitted against the unreserved pool (the function had no reservation then).
        bool unreserved() const { return m_unreserved; }

    private:
        friend class Admission;
        void leave();

        Admission *m_admission = nullptr;
        QString m_function;
        bool m_unreserved = false;
        QString m_throttleReason;
    };

    Admission() = default;
    Admission(const Admission &) = delete;
    Admission &operator=(const Admission &) = delete;

    // Thread-safe. `reserved` is the function's ReservedConcurrentExecutions as configured now:
    // reservations follow the configuration last seen, as after an update on Lambda, and each is
    // taken out of the account pool the others share.
    Ticket admit(const QString &function, std::optional<int> reserved);

    void setAccountLimit(int limit);
    int accountLimit() const;

    // The account and unreserved figures; with a function name, that function's too.
    ConcurrencyState state(const QString &function = {}) const;

private:
    void leave(const QString &function, bool unreserved);

    mutable std::mutex m_mutex;
    int m_accountLimit = 1000;
    int m_accountInFlight = 0;
    int m_unreservedInFlight = 0;
    QHash<QString, int> m_inFlight;     // by function, reserved or not
    QHash<QString, int> m_reservations; // of every function seen with one
    int m_reservedSum = 0;
};

} // namespace fn
