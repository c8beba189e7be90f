#pragma once
// Keeps the last 4 KB of the log lines of chosen in-flight invocations, for the Invoke API's
// X-Amz-Log-Result: each buffer is bounded and dropped when its invocation is taken.

#include <QByteArray>
#include <QHash>
#include <QMetaObject>
#include <QString>

#include <atomic>
#include <mutex>

namespace fn {

class Engine;

class TailLogCollector final
{
public:
    static constexpr qsizetype MaxBytes = 4096; // Lambda returns the last 4 KB of the execution log

    explicit TailLogCollector(Engine &engine);
    ~TailLogCollector();
    TailLogCollector(const TailLogCollector &) = delete;
    TailLogCollector &operator=(const TailLogCollector &) = delete;

    // Collects the next invocation that the calling thread starts through Engine::invoke.
    // The request id is made by the engine, so the invocation is recognised by its
    // invocationStarted signal, which the engine emits on the invoking thread.
    void arm();

    // The last MaxBytes of the lines logged for requestId (newline-terminated, cut at a UTF-8
    // character boundary), and forgets them. Also disarms the calling thread.
    QByteArray take(const QString &requestId);

private:
    void started(const QString &requestId);

    QMetaObject::Connection m_startedConnection;
    QMetaObject::Connection m_linesConnection;
    std::mutex m_mutex;
    QHash<QString, QByteArray> m_buffers;
    std::atomic<int> m_active{0}; // lets the log hook return without locking when nobody tails
};

} // namespace fn
