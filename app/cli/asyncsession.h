#pragma once
// What the CLI's asynchronous commands share: a project's functions, its store
// (.fnstudio/fnstudio.db), an engine whose logs go to stderr, and the async queue over both.

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "project/functionconfig.h"
#include "workspace/historyrecorder.h"
#include "store/store.h"

#include <QList>
#include <QString>

#include <memory>
#include <mutex>

namespace fn::cli {

class AsyncSession final
{
public:
    // Reads the project's functions and opens its store; false after printing why not (a refused
    // database names its file).
    bool open(const QString &projectDir);

    // Starts delivering, printing "recovered N accepted events" on stderr when there were any.
    int startDelivery();

    const QList<FunctionConfig> &functions() const { return m_functions; }
    Engine &engine() { return *m_engine; }
    Store &store() { return *m_store; }
    AsyncQueue &queue() { return *m_queue; }
    std::mutex &printing() { return m_printing; }

private:
    QList<FunctionConfig> m_functions;
    std::mutex m_printing;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<HistoryRecorder> m_history;
    std::unique_ptr<AsyncQueue> m_queue;
};

} // namespace fn::cli
