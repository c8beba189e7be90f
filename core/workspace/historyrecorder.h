#pragma once
// Keeps the engine's invocation history and logs in the store. The engine's threads only queue the
// snapshots; the store's thread writes them in batches, off the invocation path.

#include <QObject>

#include <memory>

namespace fn {

class Engine;
class Store;

class HistoryRecorder final : public QObject
{
    Q_OBJECT
public:
    // Both must outlive the recorder. Recording stops when it is destroyed: a record an engine
    // thread is handing over at that moment is finished first, none is handed over after, so the
    // store may go right after the recorder (a project closed while invocations run).
    HistoryRecorder(Engine &engine, Store &store, QObject *parent = nullptr);
    ~HistoryRecorder() override;

private:
    struct Gate;
    std::shared_ptr<Gate> m_gate; // shared with the slots, which run on the engine's threads
};

} // namespace fn
