#pragma once
// The project's schedules for the Scheduler panel: expression, target, enabled, the next fire
// times, and the last fire with its request id and result, one row per ScheduleState snapshot.

#include "snapshots/schedulestate.h"

#include <QAbstractTableModel>
#include <QList>

namespace fn {

class ScheduleModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ScheduleColumn,
        FunctionColumn,
        ExpressionColumn,
        EnabledColumn,
        NextFireColumn,
        LastFireColumn,
        ResultColumn,
        RequestColumn,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, EnabledRole };

    explicit ScheduleModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adopts every schedule at once (a project opened or reloaded).
    void resetData(const QList<ScheduleState> &schedules);
    // Adopts one schedule's new state; a schedule not yet listed is appended.
    void update(const ScheduleState &state);

    const ScheduleState &schedule(int row) const { return m_schedules.at(row); }
    int rowOf(const QString &id) const;

    // "2026-01-05 09:00:00Z": fire times are UTC, as EventBridge's are.
    static QString timeText(const QDateTime &utc);
    // "Success", "Accepted (running)", "Failed: RetriesExhausted", …
    static QString resultText(const QString &lastResult);
    static bool isFailure(const QString &lastResult);

private:
    QList<ScheduleState> m_schedules;
};

} // namespace fn
