#pragma once
// Records a signal's emissions from whichever thread emits it, for tests of the engine, which
// emits from invoking, starter and housekeeping threads. QSignalSpy cannot be used there: in
// Qt 6.4 it appends to its QList from the emitting thread without a lock, so two threads that
// emit at once corrupt the heap (tst_concurrency aborted in glibc's tcache clean-up that way).

#include <QObject>

#include <memory>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <vector>

namespace fn::test {

template <typename... Args> class SignalRecorder final
{
public:
    using Call = std::tuple<std::remove_cvref_t<Args>...>;

    template <typename Sender>
    SignalRecorder(Sender *sender, void (Sender::*signal)(Args...))
        : m_state(std::make_shared<State>())
    {
        // The slot holds the state, not the recorder: an emission still running in another
        // thread when the recorder goes out of scope writes into memory that is still there.
        m_connection = QObject::connect(
            sender, signal, sender,
            [state = m_state](Args... args) {
                std::lock_guard lock(state->mutex);
                state->calls.emplace_back(args...);
            },
            Qt::DirectConnection);
    }
    ~SignalRecorder() { QObject::disconnect(m_connection); }
    SignalRecorder(const SignalRecorder &) = delete;
    SignalRecorder &operator=(const SignalRecorder &) = delete;

    qsizetype size() const
    {
        std::lock_guard lock(m_state->mutex);
        return qsizetype(m_state->calls.size());
    }
    // A copy of every emission so far, in the order they were recorded.
    std::vector<Call> calls() const
    {
        std::lock_guard lock(m_state->mutex);
        return m_state->calls;
    }

private:
    struct State
    {
        std::mutex mutex;
        std::vector<Call> calls;
    };
    std::shared_ptr<State> m_state;
    QMetaObject::Connection m_connection;
};

} // namespace fn::test
