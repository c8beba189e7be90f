#pragma once
// The project's local SQS queues for the Queues panel: type (standard or FIFO), visible and
// in-flight message counts, visibility timeout, redrive target and the functions mapped to each.

#include "snapshots/sqsqueuessnapshot.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace fn {

// One queue as the panel shows it, counted at one clock time.
using SqsQueueRow = SqsQueueSummary;

class SqsQueueModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        TypeColumn,
        VisibleColumn,
        InFlightColumn,
        VisibilityTimeoutColumn,
        RedriveColumn,
        FunctionsColumn,
        ColumnCount
    };
    enum Role { NameRole = Qt::UserRole + 1, FifoRole, VisibleRole, InFlightRole };

    explicit SqsQueueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adopts a snapshot. The same queues in the same order only change their cells (selection and
    // scroll position stay while counts move); anything else resets.
    void resetData(const QList<SqsQueueRow> &rows);
    void adopt(const SqsQueuesSnapshot &snapshot) { resetData(snapshot.queues); }

    const SqsQueueRow &queue(int row) const { return m_rows.at(row); }
    int rowOf(const QString &name) const; // -1 when absent

    // Counts of `messages` at clock time nowMs: visible ones, and those hidden by a receive.
    static SqsQueueRow count(const SqsQueueSettings &settings, const QList<SqsQueueMessage> &messages, qint64 nowMs)
    {
        return SqsQueueSummary::count(settings, messages, nowMs);
    }

private:
    QList<SqsQueueRow> m_rows;
};

} // namespace fn
