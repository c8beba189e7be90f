#include "queues/sqsqueuemodel.h"

#include <QLocale>

namespace fn {

SqsQueueModel::SqsQueueModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int SqsQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SqsQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SqsQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SqsQueueRow &q = m_rows.at(index.row());
    switch (role) {
    case NameRole:
        return q.settings.name;
    case FifoRole:
        return q.settings.fifo;
    case VisibleRole:
        return q.visible;
    case InFlightRole:
        return q.inFlight;
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case VisibleColumn:
        case InFlightColumn:
        case VisibilityTimeoutColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case VisibleColumn:
            return tr("Messages a receiver can get now");
        case InFlightColumn:
            return tr("Messages received and not yet deleted: hidden until their visibility timeout ends");
        case RedriveColumn:
            return q.settings.deadLetterQueue.isEmpty()
                       ? tr("No redrive policy: a message that keeps failing stays in %1").arg(q.settings.name)
                       : tr("After %1 receives a message moves to %2")
                             .arg(q.settings.maxReceiveCount)
                             .arg(q.settings.deadLetterQueue);
        case TypeColumn:
            return q.settings.fifo ? (q.settings.contentBasedDeduplication
                                          ? tr("FIFO: ordered per message group; deduplicated by body for 5 minutes")
                                          : tr("FIFO: ordered per message group; a deduplication id is required"))
                                   : tr("Standard queue");
        default:
            return {};
        }
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case NameColumn:
            return q.settings.name;
        case TypeColumn:
            return q.settings.fifo ? tr("FIFO") : tr("Standard");
        case VisibleColumn:
            return QLocale().toString(q.visible);
        case InFlightColumn:
            return QLocale().toString(q.inFlight);
        case VisibilityTimeoutColumn:
            return tr("%1 s").arg(q.settings.visibilityTimeoutSec);
        case RedriveColumn:
            return q.settings.deadLetterQueue.isEmpty()
                       ? QString()
                       : tr("%1 after %2 receives").arg(q.settings.deadLetterQueue).arg(q.settings.maxReceiveCount);
        case FunctionsColumn:
            return q.functions.join(QStringLiteral(", "));
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant SqsQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Queue");
    case TypeColumn:
        return tr("Type");
    case VisibleColumn:
        return tr("Visible");
    case InFlightColumn:
        return tr("In flight");
    case VisibilityTimeoutColumn:
        return tr("Visibility timeout");
    case RedriveColumn:
        return tr("Redrive to");
    case FunctionsColumn:
        return tr("Functions");
    case ColumnCount:
        break;
    }
    return {};
}

void SqsQueueModel::resetData(const QList<SqsQueueRow> &rows)
{
    bool sameQueues = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameQueues && i < rows.size(); ++i)
        sameQueues = rows.at(i).settings.name == m_rows.at(i).settings.name;
    if (!sameQueues) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    m_rows = rows;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int SqsQueueModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).settings.name == name)
            return row;
    }
    return -1;
}

} // namespace fn
