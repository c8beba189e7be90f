#include "store/historyrecorder.h"

#include "engine/engine.h"
#include "store/store.h"

namespace fn {

HistoryRecorder::HistoryRecorder(Engine &engine, Store &store, QObject *parent)
    : QObject(parent)
{
    // Direct: the snapshot is queued on the emitting thread without waiting for an event loop.
    connect(&engine, &Engine::invocationFinished, this,
            [&store](const InvocationRecord &record) { store.recordInvocation(record); }, Qt::DirectConnection);
    connect(&engine, &Engine::logLines, this, [&store](const LogBatch &batch) { store.recordLogs(batch); },
            Qt::DirectConnection);
}

} // namespace fn
