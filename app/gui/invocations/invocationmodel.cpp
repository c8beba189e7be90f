#include "invocations/invocationmodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace fn {

InvocationModel::InvocationModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int InvocationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int InvocationModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString ms(double value)
{
    return QLocale().toString(value, 'f', 2) + QStringLiteral(" ms");
}

QVariant InvocationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const InvocationRecord &r = m_records.at(index.row());
    switch (role) {
    case RequestIdRole:
        return r.requestId;
    case ColdStartRole:
        return r.coldStart;
    case FailedRole:
        return r.failed();
    case Qt::ToolTipRole:
        return r.reportLine.isEmpty() ? QVariant() : QVariant(r.reportLine);
    case Qt::TextAlignmentRole:
        if (index.column() >= InitColumn && index.column() <= MemoryColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn && r.failed())
            return QBrush(QColor(0xd0, 0x3b, 0x3b));
        return {};
    case SortRole:
        switch (index.column()) {
        case InitColumn:
            return r.initDurationMs;
        case DurationColumn:
            return r.durationMs;
        case BilledColumn:
            return r.billedDurationMs;
        case MemoryColumn:
            return r.maxMemoryUsedMb;
        default:
            break;
        }
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case FunctionColumn:
            return r.functionName;
        case RequestIdColumn:
            return r.requestId;
        case StartColumn:
            if (r.outcome == InvocationOutcome::Throttled || r.outcome == InvocationOutcome::Rejected)
                return QStringLiteral("—");
            return r.coldStart ? QStringLiteral("cold") : QStringLiteral("warm");
        case InitColumn:
            return r.coldStart ? ms(r.initDurationMs) : QString();
        case DurationColumn:
            return ms(r.durationMs);
        case BilledColumn:
            return QString(QLocale().toString(r.billedDurationMs) + QStringLiteral(" ms"));
        case MemoryColumn:
            return QStringLiteral("%1 / %2 MB").arg(r.maxMemoryUsedMb).arg(r.memorySizeMb);
        case OutcomeColumn:
            return r.errorType.isEmpty() ? outcomeName(r.outcome)
                                         : QString(outcomeName(r.outcome) + QStringLiteral(" (") + r.errorType + u')');
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant InvocationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case FunctionColumn:
        return tr("Function");
    case RequestIdColumn:
        return tr("Request ID");
    case StartColumn:
        return tr("Start");
    case InitColumn:
        return tr("Init");
    case DurationColumn:
        return tr("Duration");
    case BilledColumn:
        return tr("Billed");
    case MemoryColumn:
        return tr("Memory used / size");
    case OutcomeColumn:
        return tr("Outcome");
    case ColumnCount:
        break;
    }
    return {};
}

void InvocationModel::append(const QList<InvocationRecord> &records)
{
    if (records.isEmpty())
        return;
    const int first = int(m_records.size());
    beginInsertRows({}, first, first + int(records.size()) - 1);
    m_records.append(records);
    for (int row = first; row < m_records.size(); ++row)
        m_rowByRequestId.insert(m_records.at(row).requestId, row);
    endInsertRows();
}

void InvocationModel::resetData(const QList<InvocationRecord> &records)
{
    beginResetModel();
    m_records = records;
    m_rowByRequestId.clear();
    for (int row = 0; row < m_records.size(); ++row)
        m_rowByRequestId.insert(m_records.at(row).requestId, row);
    endResetModel();
}

int InvocationModel::rowOf(const QString &requestId) const
{
    return m_rowByRequestId.value(requestId, -1);
}

} // namespace fn
