#pragma once
// The messages of one local queue for the Queues panel: pending events of an async queue (attempts,
// next attempt) or the records of a dead-letter or destination queue, each with its body as JSON.

#include "store/storedevent.h"
#include "workspace/asyncqueuessnapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace fn {

class QueueMessageModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RequestIdColumn, FunctionColumn, TimeColumn, DetailColumn, ColumnCount };
    enum Role { BodyRole = Qt::UserRole + 1, PrettyBodyRole };

    struct Row
    {
        QString requestId;
        QString functionName;
        QByteArray body;
        qint64 timeMs = 0; // created (queues) or next attempt due (async), clock time
        QString detail;    // attempts and last error, or the DLQ's attributes
    };

    explicit QueueMessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setPendingEvents(const QList<StoredEvent> &events, qint64 nowMs);
    void setMessages(const QList<QueueMessage> &messages);
    // Adopts one queue's content: pending events for an async queue, else messages.
    void adopt(const QueueMessagesSnapshot &snapshot);
    void clear();
    bool isAsync() const { return m_async; }
    const Row &row(int index) const { return m_rows.at(index); }

    // The body indented for reading; as it is when it is not JSON.
    static QString prettyJson(const QByteArray &body);

private:
    void reset(QList<Row> rows, bool async);

    QList<Row> m_rows;
    bool m_async = false;
    qint64 m_nowMs = 0;
};

} // namespace fn
