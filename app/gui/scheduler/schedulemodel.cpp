#include "scheduler/schedulemodel.h"

#include <QBrush>
#include <QPalette>

namespace fn {

ScheduleModel::ScheduleModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ScheduleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_schedules.size());
}

int ScheduleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ScheduleModel::timeText(const QDateTime &utc)
{
    return utc.isValid() ? utc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + u'Z' : QString();
}

bool ScheduleModel::isFailure(const QString &lastResult)
{
    return !lastResult.isEmpty() && lastResult != QLatin1String("Success") && lastResult != QLatin1String("Accepted");
}

QString ScheduleModel::resultText(const QString &lastResult)
{
    if (lastResult.isEmpty())
        return {};
    if (lastResult == QLatin1String("Accepted"))
        return tr("Accepted (running)");
    if (lastResult == QLatin1String("Success"))
        return tr("Success");
    return tr("Failed: %1").arg(lastResult);
}

QVariant ScheduleModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_schedules.size())
        return {};
    const ScheduleState &s = m_schedules.at(index.row());
    if (role == IdRole)
        return s.id;
    if (role == EnabledRole)
        return s.enabled;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case ScheduleColumn:
            return s.eventId;
        case FunctionColumn:
            return s.functionName;
        case ExpressionColumn:
            return s.expression;
        case EnabledColumn:
            return s.enabled ? tr("enabled") : tr("disabled");
        case NextFireColumn:
            if (!s.error.isEmpty())
                return tr("never: %1").arg(s.error);
            if (!s.enabled)
                return tr("— (disabled)");
            return s.nextFires.isEmpty() ? tr("— (no more fires)") : timeText(s.nextFires.constFirst());
        case LastFireColumn:
            return s.lastFire.isValid() ? timeText(s.lastFire) : tr("never");
        case ResultColumn:
            return resultText(s.lastResult);
        case RequestColumn:
            return s.lastRequestId;
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == NextFireColumn && s.error.isEmpty() && !s.nextFires.isEmpty()) {
            QStringList times;
            for (const QDateTime &t : s.nextFires)
                times.append(timeText(t));
            return tr("Next fires (UTC):\n%1").arg(times.join(u'\n'));
        }
        if (index.column() == ScheduleColumn)
            return tr("%1 (%2 event, rule %3), fired %n time(s) in this session", nullptr, s.fireCount)
                .arg(s.id, s.type, s.ruleName);
        if (index.column() == NextFireColumn && !s.error.isEmpty())
            return s.error;
    }
    if (role == Qt::ForegroundRole) {
        if ((index.column() == NextFireColumn && !s.error.isEmpty())
            || (index.column() == ResultColumn && isFailure(s.lastResult)))
            return QBrush(Qt::red);
        if (!s.enabled)
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
    }
    return {};
}

QVariant ScheduleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ScheduleColumn:
        return tr("Schedule");
    case FunctionColumn:
        return tr("Function");
    case ExpressionColumn:
        return tr("Expression");
    case EnabledColumn:
        return tr("State");
    case NextFireColumn:
        return tr("Next fire (UTC)");
    case LastFireColumn:
        return tr("Last fire (UTC)");
    case ResultColumn:
        return tr("Result");
    case RequestColumn:
        return tr("Request id");
    }
    return {};
}

void ScheduleModel::resetData(const QList<ScheduleState> &schedules)
{
    beginResetModel();
    m_schedules = schedules;
    endResetModel();
}

void ScheduleModel::update(const ScheduleState &state)
{
    const int row = rowOf(state.id);
    if (row < 0) {
        beginInsertRows({}, int(m_schedules.size()), int(m_schedules.size()));
        m_schedules.append(state);
        endInsertRows();
        return;
    }
    m_schedules[row] = state;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ScheduleModel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_schedules.size(); ++row) {
        if (m_schedules.at(row).id == id)
            return row;
    }
    return -1;
}

} // namespace fn
