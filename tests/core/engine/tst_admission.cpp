// Admission against Lambda's concurrency rules: thousands of random admit/leave sequences (reserved
// and unreserved functions, reservations that change, an account limit) checked step by step
// against a model of the rules written from scratch, plus the throttle reasons users see.

#include "engine/admission.h"

#include <QRandomGenerator>
#include <QTest>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

using namespace fn;

namespace {

const QString ReservedLimit = QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded");
const QString AccountLimit = QStringLiteral("ConcurrentInvocationLimitExceeded");

// Lambda's rules, recomputed from the list of running invocations at every question:
// - a function with reserved concurrency R runs at most R invocations at once;
// - the reservations of all functions (as last configured) are set aside, and the functions
//   without one share what is left of the account's limit;
// - nothing runs beyond the account's limit.
// An invocation counts in the pool it was admitted to until it ends, whatever the function's
// reservation became meanwhile.
struct LambdaModel
{
    struct Running
    {
        QString function;
        bool unreserved = false;
    };

    int accountLimit = 1000;
    QHash<QString, int> reservations; // as last configured
    std::vector<Running> running;

    int reservedSum() const
    {
        int sum = 0;
        for (int r : reservations)
            sum += r;
        return sum;
    }
    int runningOf(const QString &function) const
    {
        return int(
            std::count_if(running.begin(), running.end(), [&](const Running &r) { return r.function == function; }));
    }
    int runningUnreserved() const
    {
        return int(std::count_if(running.begin(), running.end(), [](const Running &r) { return r.unreserved; }));
    }

    // Empty when admitted, else the throttle reason.
    QString admit(const QString &function, std::optional<int> reserved)
    {
        if (reserved)
            reservations[function] = std::max(0, *reserved);
        else
            reservations.remove(function);
        if (reserved) {
            if (runningOf(function) >= std::max(0, *reserved))
                return ReservedLimit;
        } else if (runningUnreserved() >= accountLimit - reservedSum()) {
            return AccountLimit;
        }
        if (int(running.size()) >= accountLimit)
            return AccountLimit;
        running.push_back({function, !reserved});
        return {};
    }
};

} // namespace

class TestAdmission final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomSequencesFollowLambdasRules()
    {
        const QStringList functions{QStringLiteral("Orders"), QStringLiteral("Payments"), QStringLiteral("Thumbnails"),
                                    QStringLiteral("Emails"), QStringLiteral("Reports")};
        int throttledReserved = 0, throttledAccount = 0, admitted = 0;
        for (quint32 seed = 1; seed <= 2000; ++seed) {
            QRandomGenerator rng(seed);
            Admission admission;
            LambdaModel model;
            model.accountLimit = rng.bounded(1, 13);
            admission.setAccountLimit(model.accountLimit);
            // Each function's configuration: no reservation, or 0..5.
            QHash<QString, std::optional<int>> configured;
            for (const QString &f : functions)
                configured[f] = rng.bounded(3) == 0 ? std::optional<int>(rng.bounded(6)) : std::nullopt;
            std::vector<Admission::Ticket> tickets; // in step with model.running

            for (int step = 0; step < 200; ++step) {
                const QString where = QStringLiteral("seed %1, step %2").arg(seed).arg(step);
                const int action = rng.bounded(100);
                if (action < 55) {
                    const QString f = functions.at(rng.bounded(int(functions.size())));
                    if (rng.bounded(10) == 0) // the function was updated
                        configured[f] = rng.bounded(2) == 0 ? std::optional<int>(rng.bounded(6)) : std::nullopt;
                    const QString expected = model.admit(f, configured[f]);
                    Admission::Ticket ticket = admission.admit(f, configured[f]);
                    QVERIFY2(ticket.admitted() == expected.isEmpty(), qPrintable(where));
                    QVERIFY2(ticket.throttleReason() == expected, qPrintable(where + QStringLiteral(": ") + expected));
                    if (ticket) {
                        QCOMPARE(ticket.unreserved(), !configured[f].has_value());
                        tickets.push_back(std::move(ticket));
                        ++admitted;
                    } else {
                        (expected == ReservedLimit ? throttledReserved : throttledAccount)++;
                    }
                } else if (action < 95) {
                    if (tickets.empty())
                        continue;
                    const auto i = size_t(rng.bounded(int(tickets.size())));
                    tickets.erase(tickets.begin() + qsizetype(i)); // the invocation ends
                    model.running.erase(model.running.begin() + qsizetype(i));
                } else {
                    model.accountLimit = rng.bounded(1, 13);
                    admission.setAccountLimit(model.accountLimit);
                }

                const QString f = functions.at(rng.bounded(int(functions.size())));
                const ConcurrencyState s = admission.state(f);
                QVERIFY2(s.accountLimit == model.accountLimit, qPrintable(where));
                QVERIFY2(s.accountInFlight == int(model.running.size()), qPrintable(where));
                QVERIFY2(s.unreservedLimit == std::max(0, model.accountLimit - model.reservedSum()), qPrintable(where));
                QVERIFY2(s.functionInFlight == model.runningOf(f), qPrintable(where));
                QVERIFY2(s.reserved == model.reservations.value(f, -1), qPrintable(where));
            }
            tickets.clear();
            QCOMPARE(admission.state().accountInFlight, 0);
        }
        // The sequences reached every rule, not just the easy one.
        QVERIFY(admitted > 10000);
        QVERIFY(throttledReserved > 1000);
        QVERIFY(throttledAccount > 1000);
    }

    void throttleReasonsNameTheLimitThatWasHit()
    {
        Admission admission;
        admission.setAccountLimit(3);
        // A reservation of 0 throttles every invocation of the function.
        QCOMPARE(admission.admit(QStringLiteral("Off"), 0).throttleReason(), ReservedLimit);

        const auto capped = admission.admit(QStringLiteral("Capped"), 1);
        QVERIFY(capped);
        QCOMPARE(admission.admit(QStringLiteral("Capped"), 1).throttleReason(), ReservedLimit);
        // 3 less the reservation of 1 leaves 2 for everybody else.
        QCOMPARE(admission.state().unreservedLimit, 2);
        const auto a = admission.admit(QStringLiteral("Other"), std::nullopt);
        const auto b = admission.admit(QStringLiteral("Another"), std::nullopt);
        QVERIFY(a && b);
        QCOMPARE(admission.admit(QStringLiteral("Other"), std::nullopt).throttleReason(), AccountLimit);
        QCOMPARE(admission.state(QStringLiteral("Other")).functionInFlight, 1);
        QCOMPARE(admission.state().accountInFlight, 3);
    }

    void aReservedFunctionIsStillBoundByTheAccount()
    {
        Admission admission;
        admission.setAccountLimit(2);
        const auto a = admission.admit(QStringLiteral("Big"), 5);
        const auto b = admission.admit(QStringLiteral("Big"), 5);
        QVERIFY(a && b);
        QCOMPARE(admission.admit(QStringLiteral("Big"), 5).throttleReason(), AccountLimit);
        QCOMPARE(admission.state().unreservedLimit, 0);
    }

    void aReservationFollowsTheConfigurationLastSeen()
    {
        Admission admission;
        admission.setAccountLimit(10);
        const auto first = admission.admit(QStringLiteral("Fn"), 4);
        QCOMPARE(admission.state(QStringLiteral("Fn")).reserved, 4);
        QCOMPARE(admission.state().unreservedLimit, 6);
        {
            // Updated to no reservation: its share goes back to the unreserved pool.
            const auto second = admission.admit(QStringLiteral("Fn"), std::nullopt);
            QVERIFY(second.unreserved());
            QCOMPARE(admission.state(QStringLiteral("Fn")).reserved, -1);
            QCOMPARE(admission.state().unreservedLimit, 10);
            QCOMPARE(admission.state(QStringLiteral("Fn")).functionInFlight, 2);
        }
        // Updated to 1 while one invocation still runs: the next one is throttled.
        QCOMPARE(admission.admit(QStringLiteral("Fn"), 1).throttleReason(), ReservedLimit);
        QCOMPARE(admission.state().unreservedLimit, 9);
    }

    void anEndedInvocationFreesItsPlace()
    {
        Admission admission;
        admission.setAccountLimit(1);
        {
            Admission::Ticket ticket = admission.admit(QStringLiteral("Fn"), std::nullopt);
            QVERIFY(ticket);
            Admission::Ticket moved = std::move(ticket);
            QVERIFY(!ticket.admitted());
            QCOMPARE(admission.state().accountInFlight, 1); // moving does not leave
            QCOMPARE(admission.admit(QStringLiteral("Fn"), std::nullopt).throttleReason(), AccountLimit);
        }
        QCOMPARE(admission.state().accountInFlight, 0);
        QVERIFY(admission.admit(QStringLiteral("Fn"), std::nullopt));
    }

    void concurrentInvocationsNeverExceedTheLimits()
    {
        Admission admission;
        admission.setAccountLimit(6);
        std::atomic<int> running{0}, runningCapped{0}, worst{0}, worstCapped{0};
        const auto raise = [](std::atomic<int> &highest, int value) {
            int seen = highest.load();
            while (value > seen && !highest.compare_exchange_weak(seen, value)) {
            }
        };
        std::vector<std::jthread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                QRandomGenerator rng(quint32(t + 1));
                for (int i = 0; i < 5000; ++i) {
                    const bool capped = rng.bounded(2) == 0;
                    const auto ticket = admission.admit(capped ? QStringLiteral("Capped") : QStringLiteral("Free"),
                                                        capped ? std::optional<int>(2) : std::nullopt);
                    if (!ticket)
                        continue;
                    const int now = ++running;
                    const int nowCapped = capped ? ++runningCapped : 0;
                    raise(worst, now);
                    raise(worstCapped, nowCapped);
                    if (capped)
                        --runningCapped;
                    --running;
                }
            });
        }
        threads.clear();
        QVERIFY(worst <= 6);
        QVERIFY(worstCapped <= 2);
        QCOMPARE(admission.state().accountInFlight, 0);
        QCOMPARE(admission.state(QStringLiteral("Capped")).functionInFlight, 0);
    }
};

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
