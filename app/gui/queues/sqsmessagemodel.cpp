#include "queues/sqsmessagemodel.h"

#include "queues/queuemessagemodel.h"
#include "queues/queuemodel.h"

#include <QDateTime>
#include <QLocale>

namespace fn {

SqsMessageModel::SqsMessageModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int SqsMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

int SqsMessageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SqsMessageModel::preview(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(PreviewChars * 4)).simplified();
    if (text.size() > PreviewChars)
        text = text.left(PreviewChars - 1) + QChar(0x2026);
    return text;
}

QVariant SqsMessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SqsQueueMessage &m = m_messages.at(index.row());
    const bool inFlight = m.visibleAtMs > m_nowMs;
    switch (role) {
    case MessageIdRole:
        return m.messageId;
    case BodyRole:
        return m.body;
    case PrettyBodyRole:
        return QueueMessageModel::prettyJson(m.body);
    case Qt::TextAlignmentRole:
        return index.column() == ReceiveCountColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == GroupColumn && !m.messageGroupId.isEmpty())
            return tr("Deduplication id %1, sequence number %2").arg(m.messageDeduplicationId, m.sequenceNumber);
        if (index.column() == StateColumn)
            return inFlight
                       ? tr("Received and not yet deleted: hidden from receivers until its visibility timeout ends")
                       : tr("Waiting for a receiver");
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case MessageIdColumn:
            return m.messageId;
        case BodyColumn:
            return preview(m.body);
        case ReceiveCountColumn:
            return QLocale().toString(m.receiveCount);
        case GroupColumn:
            return m.messageGroupId;
        case SentColumn:
            return QDateTime::fromMSecsSinceEpoch(m.sentMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
        case StateColumn:
            return inFlight ? tr("in flight, visible %1").arg(QueueModel::dueText(m.visibleAtMs, m_nowMs))
                            : tr("visible");
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant SqsMessageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case MessageIdColumn:
        return tr("Message ID");
    case BodyColumn:
        return tr("Body");
    case ReceiveCountColumn:
        return tr("Receives");
    case GroupColumn:
        return tr("Group");
    case SentColumn:
        return tr("Sent");
    case StateColumn:
        return tr("State");
    case ColumnCount:
        break;
    }
    return {};
}

void SqsMessageModel::resetData(const QList<SqsQueueMessage> &messages, qint64 nowMs)
{
    bool same = messages.size() == m_messages.size();
    for (qsizetype i = 0; same && i < messages.size(); ++i)
        same = messages.at(i).messageId == m_messages.at(i).messageId;
    m_nowMs = nowMs;
    if (!same) {
        beginResetModel();
        m_messages = messages;
        endResetModel();
        return;
    }
    m_messages = messages;
    if (!m_messages.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int SqsMessageModel::rowOf(const QString &messageId) const
{
    for (int row = 0; row < m_messages.size(); ++row) {
        if (m_messages.at(row).messageId == messageId)
            return row;
    }
    return -1;
}

} // namespace fn
