#include "permissions/permissioncallmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace fn {

PermissionCallModel::PermissionCallModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int PermissionCallModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int PermissionCallModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PermissionCallModel::decisionText(const Authorizer::Call &call)
{
    if (!call.evaluated)
        return tr("Not checked");
    if (call.decision.allowed())
        return tr("Allowed");
    return call.proceeds() ? tr("Would be denied") : tr("Denied");
}

QVariant PermissionCallModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Authorizer::Call &call = callAt(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(call.timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case ActionColumn:
            return call.request.action;
        case ResourceColumn:
            return call.request.resource;
        case DecisionColumn:
            return decisionText(call);
        case WhyColumn:
            return call.evaluated ? call.decision.explain(call.request)
                                  : tr("its role is not in the template, so what it allows is not known here");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return call.describe();
    if (role == Qt::ForegroundRole && index.column() == DecisionColumn && call.evaluated && !call.decision.allowed())
        return QBrush(QColor(0xd3, 0x2f, 0x2f)); // the denial stands out in light and dark themes
    return {};
}

QVariant PermissionCallModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ActionColumn:
        return tr("Action");
    case ResourceColumn:
        return tr("Resource");
    case DecisionColumn:
        return tr("Decision");
    case WhyColumn:
        return tr("Why");
    default:
        return {};
    }
}

void PermissionCallModel::setCalls(std::vector<Authorizer::Call> calls)
{
    beginResetModel();
    m_calls = std::move(calls);
    endResetModel();
}

} // namespace fn
