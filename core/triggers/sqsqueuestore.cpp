#include "triggers/sqsqueuestore.h"

#include "engine/clock.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <yaml-cpp/yaml.h>

namespace fn {

namespace {

const char *const Columns = "message_id, queue, body, md5, attributes, sent_ms, sender_id, receive_count,"
                            " first_receive_ms, visible_at_ms, receipt_handle";

SqsQueueMessage messageFrom(const QSqlQuery &q)
{
    SqsQueueMessage m;
    m.messageId = q.value(0).toString();
    m.queue = q.value(1).toString();
    m.body = q.value(2).toByteArray();
    m.md5OfBody = q.value(3).toString();
    m.messageAttributes = q.value(4).toByteArray();
    m.sentMs = q.value(5).toLongLong();
    m.senderId = q.value(6).toString();
    m.receiveCount = q.value(7).toInt();
    m.firstReceiveMs = q.value(8).toLongLong();
    m.visibleAtMs = q.value(9).toLongLong();
    m.receiptHandle = q.value(10).toString();
    return m;
}

QString select(const char *tail)
{
    return QStringLiteral("SELECT ") + QLatin1String(Columns) + QStringLiteral(" FROM sqs_messages ")
        + QLatin1String(tail);
}

bool ensureQueue(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO sqs_queues(name) VALUES (?)"));
    q.addBindValue(name);
    return q.exec();
}

std::optional<SqsQueueSettings> settingsIn(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT visibility_timeout, dead_letter_queue, max_receive_count FROM sqs_queues"
                             " WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return std::nullopt;
    SqsQueueSettings s;
    s.name = name;
    s.visibilityTimeoutSec = q.value(0).toInt();
    s.deadLetterQueue = q.value(1).toString();
    s.maxReceiveCount = q.value(2).toInt();
    return s;
}

// The queue a RedrivePolicy target names: !GetAtt Dlq.Arn, {"Fn::GetAtt": [Dlq, Arn]}, !Ref Dlq or an ARN.
QString targetQueue(const YAML::Node &node)
{
    if (node.IsScalar()) {
        const QString value = QString::fromStdString(node.Scalar());
        if (node.Tag() == "!GetAtt")
            return value.section(QLatin1Char('.'), 0, 0);
        if (node.Tag() == "!Ref")
            return value;
        return value.section(QLatin1Char(':'), -1);
    }
    if (node.IsMap()) {
        if (const YAML::Node getAtt = node["Fn::GetAtt"]) {
            if (getAtt.IsSequence() && getAtt.size() > 0)
                return QString::fromStdString(getAtt[0].Scalar());
            if (getAtt.IsScalar())
                return QString::fromStdString(getAtt.Scalar()).section(QLatin1Char('.'), 0, 0);
        }
        if (const YAML::Node ref = node["Ref"]; ref && ref.IsScalar())
            return QString::fromStdString(ref.Scalar());
    }
    return {};
}

} // namespace

QList<SqsQueueSettings> SqsQueueStore::settingsFromTemplate(const QString &templateFile, QString *error)
{
    QList<SqsQueueSettings> out;
    try {
        const YAML::Node root = YAML::LoadFile(templateFile.toStdString());
        const YAML::Node resources = root["Resources"];
        if (!resources || !resources.IsMap())
            return out;
        for (const auto &entry : resources) {
            const YAML::Node type = entry.second["Type"];
            if (!type || !type.IsScalar() || type.Scalar() != "AWS::SQS::Queue")
                continue;
            SqsQueueSettings s;
            s.name = QString::fromStdString(entry.first.Scalar());
            const YAML::Node properties = entry.second["Properties"];
            if (properties && properties.IsMap()) {
                if (const YAML::Node v = properties["VisibilityTimeout"]; v && v.IsScalar())
                    s.visibilityTimeoutSec = QString::fromStdString(v.Scalar()).toInt();
                if (const YAML::Node redrive = properties["RedrivePolicy"]; redrive && redrive.IsMap()) {
                    if (const YAML::Node target = redrive["deadLetterTargetArn"])
                        s.deadLetterQueue = targetQueue(target);
                    if (const YAML::Node count = redrive["maxReceiveCount"]; count && count.IsScalar())
                        s.maxReceiveCount = QString::fromStdString(count.Scalar()).toInt();
                }
            }
            out << s;
        }
    } catch (const YAML::Exception &e) {
        if (error)
            *error = templateFile + QStringLiteral(": ") + QString::fromStdString(e.what());
        return {};
    }
    return out;
}

SqsQueueStore::SqsQueueStore(Store &store, std::shared_ptr<Clock> clock)
    : m_store(store)
    , m_clock(std::move(clock))
{
    m_valid = m_store.transact([](QSqlDatabase &db) {
        QSqlQuery q(db);
        return q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS sqs_queues(name TEXT PRIMARY KEY,"
                                     " visibility_timeout INTEGER NOT NULL DEFAULT 30,"
                                     " dead_letter_queue TEXT NOT NULL DEFAULT '',"
                                     " max_receive_count INTEGER NOT NULL DEFAULT 0)"))
            && q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS sqs_messages(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                                     " message_id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body BLOB NOT NULL,"
                                     " md5 TEXT NOT NULL, attributes BLOB NOT NULL, sent_ms INTEGER NOT NULL,"
                                     " sender_id TEXT NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0,"
                                     " first_receive_ms INTEGER NOT NULL DEFAULT 0,"
                                     " visible_at_ms INTEGER NOT NULL DEFAULT 0,"
                                     " receipt_handle TEXT NOT NULL DEFAULT '')"))
            && q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS sqs_messages_queue ON sqs_messages(queue, seq)"));
    });
}

QString SqsQueueStore::md5Hex(const QByteArray &body)
{
    return QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex());
}

bool SqsQueueStore::setQueue(const SqsQueueSettings &s)
{
    return m_store.transact([s](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO sqs_queues(name, visibility_timeout, dead_letter_queue, max_receive_count)"
                                 " VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                                 " visibility_timeout = excluded.visibility_timeout,"
                                 " dead_letter_queue = excluded.dead_letter_queue,"
                                 " max_receive_count = excluded.max_receive_count"));
        q.addBindValue(s.name);
        q.addBindValue(s.visibilityTimeoutSec);
        q.addBindValue(s.deadLetterQueue);
        q.addBindValue(s.maxReceiveCount);
        return q.exec() && (s.deadLetterQueue.isEmpty() || ensureQueue(db, s.deadLetterQueue));
    });
}

SqsQueueSettings SqsQueueStore::queue(const QString &name) const
{
    SqsQueueSettings out;
    out.name = name;
    m_store.transact([&out, name](QSqlDatabase &db) {
        if (auto s = settingsIn(db, name))
            out = *s;
        return true;
    });
    return out;
}

QStringList SqsQueueStore::queueNames() const
{
    QStringList out;
    m_store.transact([&out](QSqlDatabase &db) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT name FROM sqs_queues UNION SELECT queue FROM sqs_messages ORDER BY 1")))
            return false;
        while (q.next())
            out << q.value(0).toString();
        return true;
    });
    return out;
}

std::optional<SqsQueueMessage> SqsQueueStore::send(const QString &queue, const QByteArray &body,
                                                   const QByteArray &messageAttributes, QString *error)
{
    if (body.isEmpty() || body.size() > MaxBodyBytes) {
        if (error)
            *error = body.isEmpty() ? QStringLiteral("The message body must not be empty")
                                    : QStringLiteral("The message body is longer than %1 bytes").arg(MaxBodyBytes);
        return std::nullopt;
    }
    SqsQueueMessage m;
    m.messageId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m.queue = queue;
    m.body = body;
    m.md5OfBody = md5Hex(body);
    m.messageAttributes = messageAttributes.isEmpty() ? QByteArray("{}") : messageAttributes;
    m.sentMs = m_clock->nowMs();
    m.senderId = QLatin1String(DefaultSenderId);
    const bool ok = m_store.transact([m](QSqlDatabase &db) {
        if (!ensureQueue(db, m.queue))
            return false;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO sqs_messages(message_id, queue, body, md5, attributes, sent_ms, sender_id)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)"));
        q.addBindValue(m.messageId);
        q.addBindValue(m.queue);
        q.addBindValue(m.body);
        q.addBindValue(m.md5OfBody);
        q.addBindValue(m.messageAttributes);
        q.addBindValue(m.sentMs);
        q.addBindValue(m.senderId);
        return q.exec();
    });
    if (!ok) {
        if (error)
            *error = QStringLiteral("The message could not be stored");
        return std::nullopt;
    }
    return m;
}

QList<SqsQueueMessage> SqsQueueStore::receive(const QString &queue, int max, int visibilityTimeoutSec)
{
    QList<SqsQueueMessage> out;
    const qint64 now = m_clock->nowMs();
    m_store.transact([&out, queue, max, visibilityTimeoutSec, now](QSqlDatabase &db) {
        const SqsQueueSettings settings = settingsIn(db, queue).value_or(SqsQueueSettings{queue});
        const int timeout = visibilityTimeoutSec >= 0 ? visibilityTimeoutSec : settings.visibilityTimeoutSec;
        QSqlQuery q(db);
        q.prepare(select("WHERE queue = ? AND visible_at_ms <= ? ORDER BY seq"));
        q.addBindValue(queue);
        q.addBindValue(now);
        if (!q.exec())
            return false;
        QList<SqsQueueMessage> visible;
        while (q.next())
            visible << messageFrom(q);
        for (SqsQueueMessage m : visible) {
            if (out.size() >= max)
                break;
            QSqlQuery u(db);
            if (settings.maxReceiveCount > 0 && !settings.deadLetterQueue.isEmpty()
                && m.receiveCount >= settings.maxReceiveCount) {
                // Moved as SQS moves it: same id and body, counts kept, visible in its new queue.
                if (!ensureQueue(db, settings.deadLetterQueue))
                    return false;
                u.prepare(QStringLiteral("UPDATE sqs_messages SET queue = ?, visible_at_ms = 0, receipt_handle = ''"
                                         " WHERE message_id = ?"));
                u.addBindValue(settings.deadLetterQueue);
                u.addBindValue(m.messageId);
                if (!u.exec())
                    return false;
                continue;
            }
            ++m.receiveCount;
            if (m.firstReceiveMs == 0)
                m.firstReceiveMs = now;
            m.visibleAtMs = now + qint64(timeout) * 1000;
            m.receiptHandle = QUuid::createUuid().toString(QUuid::Id128) + m.messageId;
            u.prepare(QStringLiteral("UPDATE sqs_messages SET receive_count = ?, first_receive_ms = ?,"
                                     " visible_at_ms = ?, receipt_handle = ? WHERE message_id = ?"));
            u.addBindValue(m.receiveCount);
            u.addBindValue(m.firstReceiveMs);
            u.addBindValue(m.visibleAtMs);
            u.addBindValue(m.receiptHandle);
            u.addBindValue(m.messageId);
            if (!u.exec())
                return false;
            out << m;
        }
        return true;
    });
    return out;
}

bool SqsQueueStore::deleteMessage(const QString &queue, const QString &receiptHandle)
{
    bool removed = false;
    m_store.transact([&removed, queue, receiptHandle](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM sqs_messages WHERE queue = ? AND receipt_handle = ?"));
        q.addBindValue(queue);
        q.addBindValue(receiptHandle);
        if (!q.exec())
            return false;
        removed = q.numRowsAffected() > 0;
        return true;
    });
    return removed;
}

bool SqsQueueStore::changeVisibility(const QString &queue, const QString &receiptHandle, int seconds)
{
    const qint64 visibleAt = m_clock->nowMs() + qint64(seconds) * 1000;
    bool changed = false;
    m_store.transact([&changed, queue, receiptHandle, visibleAt](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE sqs_messages SET visible_at_ms = ? WHERE queue = ? AND receipt_handle = ?"));
        q.addBindValue(visibleAt);
        q.addBindValue(queue);
        q.addBindValue(receiptHandle);
        if (!q.exec())
            return false;
        changed = q.numRowsAffected() > 0;
        return true;
    });
    return changed;
}

QList<SqsQueueMessage> SqsQueueStore::messages(const QString &queue) const
{
    QList<SqsQueueMessage> out;
    m_store.transact([&out, queue](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(select("WHERE queue = ? ORDER BY seq"));
        q.addBindValue(queue);
        if (!q.exec())
            return false;
        while (q.next())
            out << messageFrom(q);
        return true;
    });
    return out;
}

int SqsQueueStore::purge(const QString &queue)
{
    int removed = 0;
    m_store.transact([&removed, queue](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM sqs_messages WHERE queue = ?"));
        q.addBindValue(queue);
        if (!q.exec())
            return false;
        removed = q.numRowsAffected();
        return true;
    });
    return removed;
}

qint64 SqsQueueStore::nextVisibleMs(const QString &queue) const
{
    qint64 out = -1;
    const qint64 now = m_clock->nowMs();
    m_store.transact([&out, queue, now](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT min(visible_at_ms) FROM sqs_messages WHERE queue = ? AND visible_at_ms > ?"));
        q.addBindValue(queue);
        q.addBindValue(now);
        if (!q.exec())
            return false;
        if (q.next() && !q.value(0).isNull())
            out = q.value(0).toLongLong();
        return true;
    });
    return out;
}

} // namespace fn
