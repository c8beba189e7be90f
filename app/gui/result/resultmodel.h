#pragma once
// One invocation's REPORT figures and identity as field/value rows for the Result dock.

#include "snapshots/invocationrecord.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPair>

namespace fn {

class ResultModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { FieldColumn, ValueColumn, ColumnCount };

    explicit ResultModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRecord(const InvocationRecord &record);
    void clear();
    bool hasRecord() const { return m_has; }
    const InvocationRecord &record() const { return m_record; }
    // The value shown for a field name ("Billed Duration"), empty when absent.
    QString value(const QString &field) const;

private:
    InvocationRecord m_record;
    bool m_has = false;
    QList<QPair<QString, QString>> m_rows;
};

} // namespace fn
