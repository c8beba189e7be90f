#include "session/asyncdelivery.h"

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "workspace/historyrecorder.h"
#include "store/store.h"

#include <QFileInfo>

namespace fn {

AsyncDelivery::AsyncDelivery(Engine &engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{
    m_changed.setInterval(100);
    m_changed.setSingleShot(true);
    connect(&m_changed, &QTimer::timeout, this, &AsyncDelivery::queuesChanged);
}

AsyncDelivery::~AsyncDelivery()
{
    close();
}

bool AsyncDelivery::open(const QString &projectDir, const QList<FunctionConfig> &functions, QString *problem)
{
    const QString path = Store::defaultPath(QFileInfo(projectDir).absoluteFilePath());
    if (m_queue && path == m_path) {
        m_queue->setFunctions(functions);
        return true;
    }
    close();
    auto store = std::make_unique<Store>();
    if (!store->open(path, problem))
        return false;
    m_path = path;
    m_store = std::move(store);
    m_history = std::make_unique<HistoryRecorder>(m_engine, *m_store);
    m_queue = std::make_unique<AsyncQueue>(m_engine, *m_store);
    m_queue->setFunctions(functions);
    // The queue emits from its delivery threads; AutoConnection queues these to the GUI thread.
    auto changed = [this] {
        if (!m_changed.isActive())
            m_changed.start();
    };
    connect(m_queue.get(), &AsyncQueue::queueChanged, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventAccepted, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventScheduled, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventFinished, this,
            [this, changed](const QString &requestId, const QString &, const QString &condition, int) {
                changed();
                Q_EMIT eventFinished(requestId, condition);
            });
    const int count = m_queue->start();
    if (count > 0)
        Q_EMIT recovered(count);
    Q_EMIT queuesChanged();
    return true;
}

void AsyncDelivery::close()
{
    if (m_queue) {
        disconnect(m_queue.get(), nullptr, this, nullptr);
        m_queue->stop();
    }
    m_queue.reset();
    m_history.reset();
    m_store.reset();
    m_path.clear();
}

} // namespace fn
