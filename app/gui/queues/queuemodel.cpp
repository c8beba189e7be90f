#include "queues/queuemodel.h"

#include <QLocale>

namespace fn {

QueueModel::QueueModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int QueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_queues.size());
}

int QueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString QueueModel::kindLabel(const QString &kind)
{
    if (kind == QStringLiteral("async"))
        return tr("Async queue");
    if (kind == QStringLiteral("dlq"))
        return tr("Dead-letter queue");
    if (kind == QStringLiteral("destination"))
        return tr("Destination");
    return kind;
}

QString QueueModel::dueText(qint64 dueMs, qint64 nowMs)
{
    const qint64 in = dueMs - nowMs;
    if (in <= 0)
        return tr("now");
    if (in < 1000)
        return tr("in %1 ms").arg(in);
    if (in < 120'000)
        return tr("in %1 s").arg(in / 1000);
    return tr("in %1 min %2 s").arg(in / 60'000).arg((in % 60'000) / 1000);
}

QVariant QueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QueueSummary &q = m_queues.at(index.row());
    switch (role) {
    case NameRole:
        return q.name;
    case KindRole:
        return q.kind;
    case CountRole:
        return q.count;
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (q.kind == QStringLiteral("async"))
            return tr("Event invocations of %1 accepted and not yet finished").arg(q.name);
        return tr("%1 %2: re-drive sends its messages back to their function's async queue")
            .arg(kindLabel(q.kind), q.name);
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case NameColumn:
            return q.name;
        case KindColumn:
            return kindLabel(q.kind);
        case CountColumn:
            return QLocale().toString(q.count);
        case NextColumn: {
            const auto next = m_next.constFind(q.name);
            return q.kind == QStringLiteral("async") && next != m_next.cend() ? dueText(*next, m_nowMs) : QString();
        }
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant QueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Queue");
    case KindColumn:
        return tr("Kind");
    case CountColumn:
        return tr("Messages");
    case NextColumn:
        return tr("Next attempt");
    case ColumnCount:
        break;
    }
    return {};
}

void QueueModel::resetData(const QList<QueueSummary> &queues, const QHash<QString, qint64> &nextAttemptMs, qint64 nowMs)
{
    beginResetModel();
    m_queues = queues;
    m_next = nextAttemptMs;
    m_nowMs = nowMs;
    endResetModel();
}

int QueueModel::rowOf(const QString &kind, const QString &name) const
{
    for (int row = 0; row < m_queues.size(); ++row) {
        if (m_queues.at(row).kind == kind && m_queues.at(row).name == name)
            return row;
    }
    return -1;
}

} // namespace fn
