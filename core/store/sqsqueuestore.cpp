#include "store/sqsqueuestore.h"

#include "clock/clock.h"
#include "project/intrinsicresolver.h"
#include "project/yamltext.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <yaml-cpp/yaml.h>

namespace fn {

namespace {

const char *const Columns = "message_id, queue, body, md5, attributes, sent_ms, sender_id, receive_count,"
                            " first_receive_ms, visible_at_ms, receipt_handle, group_id, dedup_id, seq";

// SQS's FIFO sequence numbers are 20-digit decimals that grow with every message the queue takes.
QString sequenceNumber(qint64 seq)
{
    return QStringLiteral("1%1").arg(seq, 19, 10, QLatin1Char('0'));
}

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
    m.messageGroupId = q.value(11).toString();
    m.messageDeduplicationId = q.value(12).toString();
    if (!m.messageGroupId.isEmpty())
        m.sequenceNumber = sequenceNumber(q.value(13).toLongLong());
    return m;
}

QString select(const char *tail)
{
    return QStringLiteral("SELECT ") + QLatin1String(Columns) + QStringLiteral(" FROM sqs_messages ")
           + QLatin1String(tail);
}

// A queue named on first use exists with SQS's defaults; a name ending in .fifo makes a FIFO queue,
// as SQS requires of FIFO queue names.
bool ensureQueue(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO sqs_queues(name, fifo) VALUES (?, ?)"));
    q.addBindValue(name);
    q.addBindValue(name.endsWith(QLatin1String(".fifo")) ? 1 : 0);
    return q.exec();
}

std::optional<SqsQueueSettings> settingsIn(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT visibility_timeout, dead_letter_queue, max_receive_count, fifo, content_dedup"
                             " FROM sqs_queues WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return std::nullopt;
    SqsQueueSettings s;
    s.name = name;
    s.visibilityTimeoutSec = q.value(0).toInt();
    s.deadLetterQueue = q.value(1).toString();
    s.maxReceiveCount = q.value(2).toInt();
    s.fifo = q.value(3).toBool();
    s.contentBasedDeduplication = q.value(4).toBool();
    return s;
}

// The queue a RedrivePolicy target names: !GetAtt Dlq.Arn, {"Fn::GetAtt": [Dlq, Arn]}, !Ref Dlq or an ARN.
QString targetQueue(const YAML::Node &node, const IntrinsicResolver &resolver)
{
    // Resolved, the target is the queue's ARN (or URL, from a !Ref) with its local name last.
    IntrinsicResolver::Problem ignored;
    if (const auto resolved = resolver.scalar(node, &ignored))
        return resolved->section(QLatin1Char('/'), -1).section(QLatin1Char(':'), -1);
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
        const YAML::Node root = yamltext::loadFileWithinBudget(templateFile);
        const YAML::Node resources = root["Resources"];
        if (!resources || !resources.IsMap())
            return out;
        IntrinsicResolver resolver;
        resolver.setStackName(IntrinsicResolver::stackNameFor(templateFile));
        resolver.load(root, {});
        for (const auto &entry : resources) {
            const YAML::Node type = entry.second["Type"];
            if (!type || !type.IsScalar() || type.Scalar() != "AWS::SQS::Queue")
                continue;
            SqsQueueSettings s;
            // An unresolvable QueueName leaves the logical id; the template's reader warns of it.
            const QString id = QString::fromStdString(entry.first.Scalar());
            IntrinsicResolver::Problem ignored;
            s.name = resolver.physicalName(id, &ignored).value_or(id);
            const YAML::Node properties = entry.second["Properties"];
            if (properties && properties.IsMap()) {
                if (const YAML::Node v = properties["VisibilityTimeout"]; v && v.IsScalar())
                    s.visibilityTimeoutSec = QString::fromStdString(v.Scalar()).toInt();
                if (const YAML::Node v = properties["FifoQueue"]; v && v.IsScalar())
                    s.fifo = v.Scalar() == "true" || v.Scalar() == "True";
                if (const YAML::Node v = properties["ContentBasedDeduplication"]; v && v.IsScalar())
                    s.contentBasedDeduplication = v.Scalar() == "true" || v.Scalar() == "True";
                if (const YAML::Node redrive = properties["RedrivePolicy"]; redrive && redrive.IsMap()) {
                    if (const YAML::Node target = redrive["deadLetterTargetArn"])
                        s.deadLetterQueue = targetQueue(target, resolver);
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
    m_valid = m_store.isOpen(); // the tables are the schema's (version 2), made when the store opened
}

SqsQueueStore::~SqsQueueStore()
{
    if (m_clockToken)
        m_clock->unsubscribe(m_clockToken);
}

void SqsQueueStore::followClockRewinds()
{
    if (m_clockToken)
        return;
    m_clockToken = m_clock->subscribe([this](qint64 rewoundMs) {
        if (rewoundMs > 0)
            rewind(rewoundMs);
    });
}

bool SqsQueueStore::rewind(qint64 ms)
{
    if (!m_valid || ms <= 0)
        return false;
    return m_store.transact([ms](QSqlDatabase &db) {
        // Not-yet-set times are 0 and stay 0.
        QSqlQuery messages(db);
        messages.prepare(
            QStringLiteral("UPDATE sqs_messages SET sent_ms = sent_ms - ?,"
                           " first_receive_ms = CASE first_receive_ms WHEN 0 THEN 0 ELSE first_receive_ms - ? END,"
                           " visible_at_ms = CASE visible_at_ms WHEN 0 THEN 0 ELSE visible_at_ms - ? END"));
        for (int i = 0; i < 3; ++i)
            messages.addBindValue(ms);
        QSqlQuery dedup(db);
        dedup.prepare(QStringLiteral("UPDATE sqs_fifo_dedup SET sent_ms = sent_ms - ?"));
        dedup.addBindValue(ms);
        if (!messages.exec() || !dedup.exec())
            return false;
        return true;
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
        q.prepare(
            QStringLiteral("INSERT INTO sqs_queues(name, visibility_timeout, dead_letter_queue, max_receive_count,"
                           " fifo, content_dedup) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                           " visibility_timeout = excluded.visibility_timeout,"
                           " dead_letter_queue = excluded.dead_letter_queue,"
                           " max_receive_count = excluded.max_receive_count,"
                           " fifo = excluded.fifo, content_dedup = excluded.content_dedup"));
        q.addBindValue(s.name);
        q.addBindValue(s.visibilityTimeoutSec);
        q.addBindValue(s.deadLetterQueue.isEmpty() ? QStringLiteral("") : s.deadLetterQueue); // NOT NULL
        q.addBindValue(s.maxReceiveCount);
        q.addBindValue(s.fifo ? 1 : 0);
        q.addBindValue(s.contentBasedDeduplication ? 1 : 0);
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
    SqsSendOptions options;
    options.messageAttributes = messageAttributes;
    return send(queue, body, options, error);
}

std::optional<SqsQueueMessage> SqsQueueStore::send(const QString &queue, const QByteArray &body,
                                                   const SqsSendOptions &options, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (body.isEmpty() || body.size() > MaxBodyBytes)
        return fail(body.isEmpty() ? QStringLiteral("The message body must not be empty")
                                   : QStringLiteral("The message body is longer than %1 bytes").arg(MaxBodyBytes));
    SqsQueueMessage m;
    m.messageId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m.queue = queue;
    m.body = body;
    m.md5OfBody = md5Hex(body);
    m.messageAttributes = options.messageAttributes.isEmpty() ? QByteArray("{}") : options.messageAttributes;
    m.sentMs = m_clock->nowMs();
    m.senderId = QLatin1String(DefaultSenderId);
    QString refused;
    std::optional<SqsQueueMessage> duplicateOf;
    const bool ok = m_store.transact([&m, &options, &refused, &duplicateOf](QSqlDatabase &db) {
        if (!ensureQueue(db, m.queue))
            return false;
        const SqsQueueSettings settings = settingsIn(db, m.queue).value_or(SqsQueueSettings{m.queue});
        if (settings.fifo) {
            // SQS's own words for what a FIFO send lacks.
            if (options.messageGroupId.isEmpty()) {
                refused = QStringLiteral("The request must contain the parameter MessageGroupId.");
                return true;
            }
            m.messageGroupId = options.messageGroupId;
            m.messageDeduplicationId = options.messageDeduplicationId;
            if (m.messageDeduplicationId.isEmpty() && settings.contentBasedDeduplication)
                m.messageDeduplicationId =
                    QString::fromLatin1(QCryptographicHash::hash(m.body, QCryptographicHash::Sha256).toHex());
            if (m.messageDeduplicationId.isEmpty()) {
                refused = QStringLiteral("The queue should either have ContentBasedDeduplication enabled or "
                                         "MessageDeduplicationId provided explicitly");
                return true;
            }
            QSqlQuery d(db);
            d.prepare(QStringLiteral("DELETE FROM sqs_fifo_dedup WHERE sent_ms <= ?"));
            d.addBindValue(m.sentMs - DeduplicationWindowMs);
            if (!d.exec())
                return false;
            d.prepare(
                QStringLiteral("SELECT message_id, md5, sent_ms FROM sqs_fifo_dedup WHERE queue = ? AND dedup_id = ?"));
            d.addBindValue(m.queue);
            d.addBindValue(m.messageDeduplicationId);
            if (!d.exec())
                return false;
            if (d.next()) {
                SqsQueueMessage first = m;
                first.messageId = d.value(0).toString();
                first.md5OfBody = d.value(1).toString();
                first.sentMs = d.value(2).toLongLong();
                duplicateOf = first;
                return true;
            }
            d.prepare(QStringLiteral(
                "INSERT INTO sqs_fifo_dedup(queue, dedup_id, message_id, md5, sent_ms) VALUES (?, ?, ?, ?, ?)"));
            d.addBindValue(m.queue);
            d.addBindValue(m.messageDeduplicationId);
            d.addBindValue(m.messageId);
            d.addBindValue(m.md5OfBody);
            d.addBindValue(m.sentMs);
            if (!d.exec())
                return false;
        }
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT INTO sqs_messages(message_id, queue, body, md5, attributes, sent_ms, sender_id,"
                           " group_id, dedup_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        q.addBindValue(m.messageId);
        q.addBindValue(m.queue);
        q.addBindValue(m.body);
        q.addBindValue(m.md5OfBody);
        q.addBindValue(m.messageAttributes);
        q.addBindValue(m.sentMs);
        q.addBindValue(m.senderId);
        // Standard queues' messages have neither: empty, never NULL (the columns are NOT NULL).
        q.addBindValue(m.messageGroupId.isEmpty() ? QStringLiteral("") : m.messageGroupId);
        q.addBindValue(m.messageDeduplicationId.isEmpty() ? QStringLiteral("") : m.messageDeduplicationId);
        if (!q.exec())
            return false;
        if (!m.messageGroupId.isEmpty())
            m.sequenceNumber = sequenceNumber(q.lastInsertId().toLongLong());
        return true;
    });
    if (!ok)
        return fail(QStringLiteral("The message could not be stored"));
    if (!refused.isEmpty())
        return fail(refused);
    if (duplicateOf)
        return duplicateOf;
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
        // FIFO: a group with a message in flight waits; a group's messages leave in order.
        QSet<QString> blockedGroups;
        if (settings.fifo) {
            QSqlQuery f(db);
            f.prepare(
                QStringLiteral("SELECT DISTINCT group_id FROM sqs_messages WHERE queue = ? AND visible_at_ms > ?"));
            f.addBindValue(queue);
            f.addBindValue(now);
            if (!f.exec())
                return false;
            while (f.next())
                blockedGroups.insert(f.value(0).toString());
        }
        for (SqsQueueMessage m : visible) {
            if (out.size() >= max)
                break;
            if (settings.fifo && blockedGroups.contains(m.messageGroupId))
                continue;
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
                if (settings.fifo)
                    blockedGroups.insert(m.messageGroupId); // the rest of the group waits for the next receive
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

bool SqsQueueStore::unreceive(const QString &queue, const QString &receiptHandle)
{
    bool changed = false;
    m_store.transact([&changed, queue, receiptHandle](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE sqs_messages SET visible_at_ms = 0, receipt_handle = '',"
                                 " receive_count = max(receive_count - 1, 0),"
                                 " first_receive_ms = CASE WHEN receive_count <= 1 THEN 0 ELSE first_receive_ms END"
                                 " WHERE queue = ? AND receipt_handle = ?"));
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
