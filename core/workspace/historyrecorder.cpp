#include "workspace/historyrecorder.h"

#include "engine/engine.h"
#include "store/store.h"

#include <mutex>

namespace fn {

struct HistoryRecorder::Gate
{
    std::mutex mutex;
    Store *store = nullptr; // null once the recorder is gone
};

HistoryRecorder::HistoryRecorder(Engine &engine, Store &store, QObject *parent)
    : QObject(parent)
    , m_gate(std::make_shared<Gate>())
{
    m_gate->store = &store;
    // Direct: the snapshot is queued on the emitting thread without waiting for an event loop.
    connect(
        &engine, &Engine::invocationFinished, this,
        [gate = m_gate](const InvocationRecord &record) {
            std::lock_guard lock(gate->mutex);
            if (gate->store)
                gate->store->recordInvocation(record);
        },
        Qt::DirectConnection);
    connect(
        &engine, &Engine::logLines, this,
        [gate = m_gate](const LogBatch &batch) {
            std::lock_guard lock(gate->mutex);
            if (gate->store)
                gate->store->recordLogs(batch);
        },
        Qt::DirectConnection);
}

HistoryRecorder::~HistoryRecorder()
{
    std::lock_guard lock(m_gate->mutex);
    m_gate->store = nullptr;
}

} // namespace fn
