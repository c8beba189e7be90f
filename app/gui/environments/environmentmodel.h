#pragma once
// Execution environments keyed by environmentId, one row each, updated in place from engine snapshots.

#include "snapshots/environmentstate.h"
#include "snapshots/memorysample.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <functional>

namespace fn {

class EnvironmentModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        FunctionColumn,
        StateColumn,
        IsolationColumn,
        AgeColumn,
        InvocationsColumn,
        MemoryColumn,
        ColumnCount
    };
    enum Role { EnvironmentIdRole = Qt::UserRole + 1, PhaseRole, StoppedRole };

    explicit EnvironmentModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Later snapshots of a known environment replace its row; new ones are appended.
    void append(const QList<EnvironmentState> &states);
    void resetData(const QList<EnvironmentState> &states);
    // Keeps "memory now" current between environment snapshots.
    void applyMemory(const QList<MemorySample> &samples);
    // Ages are relative to this clock (wall-clock ms); tests pin it. Emits dataChanged for ages.
    void setClock(std::function<qint64()> nowMs);
    void refreshAges();

    const EnvironmentState &state(int row) const { return m_states.at(row); }
    int rowOf(const QString &environmentId) const { return m_rowById.value(environmentId, -1); }
    int liveCount() const;

private:
    QList<EnvironmentState> m_states;
    QHash<QString, int> m_rowById;
    std::function<qint64()> m_now;
};

} // namespace fn
