#pragma once
// The messages of one local SQS queue for the Queues panel: id, a one-line body preview, receive
// count, message group (FIFO), sent time and whether a receiver holds it.

#include "snapshots/sqsqueuessnapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace fn {

class SqsMessageModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { MessageIdColumn, BodyColumn, ReceiveCountColumn, GroupColumn, SentColumn, StateColumn, ColumnCount };
    enum Role { MessageIdRole = Qt::UserRole + 1, BodyRole, PrettyBodyRole };

    static constexpr int PreviewChars = 80;

    explicit SqsMessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adopts the queue's messages at clock time nowMs (to tell visible from in flight). The same
    // messages in the same order only change their cells; anything else resets.
    void resetData(const QList<SqsQueueMessage> &messages, qint64 nowMs);
    void adopt(const SqsMessagesSnapshot &snapshot) { resetData(snapshot.messages, snapshot.nowMs); }
    void clear() { resetData({}, 0); }

    const SqsQueueMessage &message(int row) const { return m_messages.at(row); }
    int rowOf(const QString &messageId) const; // -1 when absent

    // The body on one line, cut at PreviewChars with an ellipsis.
    static QString preview(const QByteArray &body);

private:
    QList<SqsQueueMessage> m_messages;
    qint64 m_nowMs = 0;
};

} // namespace fn
