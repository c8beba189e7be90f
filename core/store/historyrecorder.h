#pragma once
// Keeps the engine's invocation history and logs in the store. The engine's threads only queue the
// snapshots; the store's thread writes them in batches, off the invocation path.

#include <QObject>

namespace fn {

class Engine;
class Store;

class HistoryRecorder final : public QObject
{
    Q_OBJECT
public:
    // Both must outlive the recorder; recording stops when it is destroyed.
    HistoryRecorder(Engine &engine, Store &store, QObject *parent = nullptr);
};

} // namespace fn
