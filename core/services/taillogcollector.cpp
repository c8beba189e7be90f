#include "services/taillogcollector.h"

#include "engine/engine.h"

namespace fn {

namespace {

// Which collector the current thread's next invocation belongs to.
thread_local TailLogCollector *t_armed = nullptr;

} // namespace

TailLogCollector::TailLogCollector(Engine &engine)
{
    // Direct connections: both signals come from engine threads, and the invocation must be
    // recognised on the thread that started it.
    m_startedConnection = QObject::connect(
        &engine, &Engine::invocationStarted, &engine,
        [this](const QString &requestId, const QString &, const QString &, bool) {
            if (t_armed == this)
                started(requestId);
        },
        Qt::DirectConnection);
    m_linesConnection = QObject::connect(
        &engine, &Engine::logLines, &engine,
        [this](const LogBatch &batch) {
            if (m_active.load(std::memory_order_acquire) == 0)
                return;
            std::lock_guard lock(m_mutex);
            for (const LogLine &line : batch) {
                if (line.requestId.isEmpty())
                    continue;
                const auto it = m_buffers.find(line.requestId);
                if (it == m_buffers.end())
                    continue;
                QByteArray &buffer = *it;
                buffer += line.text.toUtf8();
                buffer += '\n';
                // Trim in steps of MaxBytes, so a chatty function costs amortised O(1) per line.
                if (buffer.size() > 2 * MaxBytes)
                    buffer.remove(0, buffer.size() - MaxBytes);
            }
        },
        Qt::DirectConnection);
}

TailLogCollector::~TailLogCollector()
{
    QObject::disconnect(m_startedConnection);
    QObject::disconnect(m_linesConnection);
}

void TailLogCollector::arm()
{
    t_armed = this;
}

void TailLogCollector::started(const QString &requestId)
{
    t_armed = nullptr;
    std::lock_guard lock(m_mutex);
    QByteArray &buffer = m_buffers[requestId];
    buffer.reserve(2 * MaxBytes + 256);
    m_active.fetch_add(1, std::memory_order_release);
}

QByteArray TailLogCollector::take(const QString &requestId)
{
    if (t_armed == this)
        t_armed = nullptr;
    QByteArray text;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_buffers.find(requestId);
        if (it == m_buffers.end())
            return {};
        text = std::move(*it);
        m_buffers.erase(it);
        m_active.fetch_sub(1, std::memory_order_release);
    }
    if (text.size() > MaxBytes) {
        qsizetype start = text.size() - MaxBytes;
        // Never start inside a multi-byte character: skip UTF-8 continuation bytes.
        while (start < text.size() && (quint8(text.at(start)) & 0xC0) == 0x80)
            ++start;
        text = text.mid(start);
    }
    return text;
}

} // namespace fn
