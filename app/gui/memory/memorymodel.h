#pragma once
// Memory samples per execution environment: one row per environment with its series for the chart.

#include "memory/memoryseries.h"
#include "snapshots/environmentstate.h"
#include "snapshots/memorysample.h"

#include <QAbstractTableModel>
#include <QHash>

#include <vector>

namespace fn {

class MemoryModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        EnvironmentColumn,
        SamplesColumn,
        CurrentColumn,
        PeakColumn,
        LimitColumn,
        OutOfMemoryColumn,
        ColumnCount
    };
    enum Role { EnvironmentIdRole = Qt::UserRole + 1, FunctionNameRole };

    explicit MemoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<MemorySample> &samples);
    void resetData(const QList<MemorySample> &samples);
    // Which function each environment runs, so the chart can group its legend by function.
    void applyEnvironments(const QList<EnvironmentState> &states);

    const MemorySeries &series(int row) const { return m_series[size_t(row)]; }
    int rowOf(const QString &environmentId) const { return m_rowById.value(environmentId, -1); }
    qint64 firstTimestampMs() const { return m_firstMs; }
    qint64 lastTimestampMs() const { return m_lastMs; }

Q_SIGNALS:
    // The rows whose series grew, after an append (the chart redraws only those).
    void seriesChanged(const QList<int> &rows);

private:
    void add(const MemorySample &sample, QList<int> *newRows, QList<int> *changedRows);

    std::vector<MemorySeries> m_series;
    QHash<QString, int> m_rowById;
    QHash<QString, QString> m_functionById; // also for environments with no sample yet
    qint64 m_firstMs = -1;
    qint64 m_lastMs = -1;
};

} // namespace fn
