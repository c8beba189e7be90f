#pragma once
// The list of finished invocations, one row per InvocationRecord, adopted from the engine in batches.

#include "snapshots/invocationrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace fn {

class InvocationModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        FunctionColumn,
        RequestIdColumn,
        StartColumn,
        InitColumn,
        DurationColumn,
        BilledColumn,
        MemoryColumn,
        OutcomeColumn,
        ColumnCount
    };
    enum Role { RequestIdRole = Qt::UserRole + 1, ColdStartRole, FailedRole, SortRole };

    explicit InvocationModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<InvocationRecord> &records);
    void resetData(const QList<InvocationRecord> &records);

    const QList<InvocationRecord> &records() const { return m_records; }
    const InvocationRecord &record(int row) const { return m_records.at(row); }
    // Row of the invocation with that request id, -1 if unknown.
    int rowOf(const QString &requestId) const;

private:
    QList<InvocationRecord> m_records;
    QHash<QString, int> m_rowByRequestId;
};

} // namespace fn
