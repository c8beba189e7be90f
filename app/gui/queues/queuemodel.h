#pragma once
// The project's local queues for the Queues panel: each function's async queue (pending events and
// when the next attempt is due), then the dead-letter and destination queues, with their counts.

#include "store/storedevent.h"
#include "workspace/asyncqueuessnapshot.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace fn {

class QueueModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, CountColumn, NextColumn, ColumnCount };
    enum Role { NameRole = Qt::UserRole + 1, KindRole, CountRole };

    explicit QueueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adopts a snapshot of the queues. nextAttemptMs: per function, the clock time its earliest pending
    // event is due; nowMs: the clock's time, to say "in 42 s".
    void resetData(const QList<QueueSummary> &queues, const QHash<QString, qint64> &nextAttemptMs, qint64 nowMs);
    void adopt(const AsyncQueuesSnapshot &snapshot)
    {
        resetData(snapshot.queues, snapshot.nextAttemptMs, snapshot.nowMs);
    }

    const QueueSummary &queue(int row) const { return m_queues.at(row); }
    // The row of a queue by kind and name, or -1.
    int rowOf(const QString &kind, const QString &name) const;

    // "Async queue", "Dead-letter queue", "Destination".
    static QString kindLabel(const QString &kind);
    static QString dueText(qint64 dueMs, qint64 nowMs);

private:
    QList<QueueSummary> m_queues;
    QHash<QString, qint64> m_next;
    qint64 m_nowMs = 0;
};

} // namespace fn
