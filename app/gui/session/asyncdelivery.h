#pragma once
// The open project's durable side: its store (.fnstudio/fnstudio.db), the history recorder, and the
// async queue that delivers the studio's Event invocations with retries, dead letters and destinations.

#include "project/functionconfig.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace fn {

class AsyncQueue;
class Engine;
class HistoryRecorder;
class Store;

class AsyncDelivery final : public QObject
{
    Q_OBJECT
public:
    // The engine must outlive this object.
    explicit AsyncDelivery(Engine &engine, QObject *parent = nullptr);
    ~AsyncDelivery() override;

    // Opens the project's store and starts delivering (recovering what an earlier run left). Reopening
    // the same project only refreshes the functions. False with *problem when the database is refused.
    bool open(const QString &projectDir, const QList<FunctionConfig> &functions, QString *problem);
    void close();
    bool isOpen() const { return m_queue != nullptr; }
    // nullptr while no project store is open.
    AsyncQueue *queue() const { return m_queue.get(); }
    Store *store() const { return m_store.get(); }

Q_SIGNALS:
    // Events accepted in an earlier run and delivered again now.
    void recovered(int count);
    // Some queue's content changed; coalesced so a burst of events costs a few refreshes.
    void queuesChanged();
    void eventFinished(const QString &requestId, const QString &condition);

private:
    Engine &m_engine;
    QString m_path;
    // Destroyed in reverse order: the queue stops before the recorder and the store go.
    std::unique_ptr<Store> m_store;
    std::unique_ptr<HistoryRecorder> m_history;
    std::unique_ptr<AsyncQueue> m_queue;
    QTimer m_changed;
};

} // namespace fn
