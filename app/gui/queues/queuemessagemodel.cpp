#include "queues/queuemessagemodel.h"

#include "queues/queuemodel.h"

#include <QDateTime>
#include <QJsonDocument>

namespace fn {

QueueMessageModel::QueueMessageModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int QueueMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueueMessageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString QueueMessageModel::prettyJson(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return QString::fromUtf8(body);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

QVariant QueueMessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case BodyRole:
        return r.body;
    case PrettyBodyRole:
        return prettyJson(r.body);
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case RequestIdColumn:
            return r.requestId;
        case FunctionColumn:
            return r.functionName;
        case TimeColumn:
            return m_async ? QueueModel::dueText(r.timeMs, m_nowMs)
                           : QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case DetailColumn:
            return r.detail;
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant QueueMessageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case RequestIdColumn:
        return tr("Request id");
    case FunctionColumn:
        return tr("Function");
    case TimeColumn:
        return m_async ? tr("Next attempt") : tr("Created");
    case DetailColumn:
        return tr("Detail");
    case ColumnCount:
        break;
    }
    return {};
}

void QueueMessageModel::reset(QList<Row> rows, bool async)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_async = async;
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
}

void QueueMessageModel::setPendingEvents(const QList<StoredEvent> &events, qint64 nowMs)
{
    QList<Row> rows;
    for (const StoredEvent &e : events) {
        QString detail = tr("%n attempt(s)", nullptr, e.attempts);
        if (e.throttles > 0)
            detail += tr(", %n throttle(s)", nullptr, e.throttles);
        if (!e.lastError.isEmpty())
            detail += tr(", last error %1").arg(e.lastError);
        if (e.inFlight)
            detail += tr(", running");
        rows.append({e.requestId, e.functionName, e.payload, e.nextAttemptMs, detail});
    }
    m_nowMs = nowMs;
    reset(std::move(rows), true);
}

void QueueMessageModel::setMessages(const QList<QueueMessage> &messages)
{
    QList<Row> rows;
    for (const QueueMessage &m : messages) {
        const QString attributes = QString::fromUtf8(m.attributes);
        rows.append({m.requestId, m.functionName, m.body, m.createdMs,
                     attributes == QStringLiteral("{}") ? QString() : attributes});
    }
    reset(std::move(rows), false);
}

void QueueMessageModel::adopt(const QueueMessagesSnapshot &snapshot)
{
    if (snapshot.kind == QLatin1String("async"))
        setPendingEvents(snapshot.pendingEvents, snapshot.nowMs);
    else
        setMessages(snapshot.messages);
}

void QueueMessageModel::clear()
{
    reset({}, false);
}

} // namespace fn
