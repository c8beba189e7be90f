#include "sidetraffic.h"

#include "processholdings.h"

#include <httplib.h>

namespace fn::soak {

SideTraffic::SideTraffic(const QString &projectDir)
    : m_objects(projectDir)
    , m_endpoint(m_objects)
{
    QString error;
    m_store.open(Store::defaultPath(projectDir), &error);
    m_queue = std::make_unique<SqsQueueStore>(m_store, m_clock);
    if (!m_objects.createBucket(QString::fromLatin1(Bucket), &error) || !m_queue->isValid()
        || !m_endpoint.start(QStringLiteral("127.0.0.1"), 0, &error))
        m_problems << QStringLiteral("set-up: ") + error;
}

SideTraffic::~SideTraffic() = default;

void SideTraffic::round(httplib::Client &s3, int index)
{
    const std::string path = std::string("/") + Bucket + "/object-" + std::to_string(index);
    // Sizes from 1 byte to 256 KiB, content that differs per object.
    const std::string body(size_t(1 + (index * 7919) % (256 << 10)), char('a' + index % 26));
    const auto put = s3.Put(path, body, "application/octet-stream");
    const auto get = s3.Get(path);
    const auto del = s3.Delete(path);
    if (!put || put->status != 200 || !get || get->status != 200 || get->body != body || !del || del->status != 204)
        problem(QStringLiteral("S3 object-%1: PUT %2, GET %3 (%4 bytes of %5), DELETE %6")
                    .arg(index)
                    .arg(put ? put->status : -1)
                    .arg(get ? get->status : -1)
                    .arg(get ? qint64(get->body.size()) : -1)
                    .arg(body.size())
                    .arg(del ? del->status : -1));
    const QByteArray message = "message-" + QByteArray::number(index);
    QString error;
    if (!m_queue->send(QString::fromLatin1(Queue), message, "{}", &error))
        problem(QStringLiteral("SQS send %1: %2").arg(index).arg(error));
    ++m_sent;
    ++m_rounds;
    receive();
}

QStringList SideTraffic::finish(int *rounds)
{
    m_endpoint.stop();
    while (receive() > 0) {
    }
    *rounds = m_rounds;
    QStringList problems = m_problems;
    if (m_received != m_sent)
        problems << QStringLiteral("SQS: %1 sent, %2 received").arg(m_sent.load()).arg(m_received.load());
    if (m_duplicates > 0)
        problems << QStringLiteral("SQS: %1 messages received twice").arg(m_duplicates);
    if (const auto left = m_queue->messages(QString::fromLatin1(Queue)); !left.isEmpty())
        problems << QStringLiteral("SQS: %1 messages left in the queue").arg(left.size());
    if (const auto left = m_objects.list(QString::fromLatin1(Bucket)); !left.isEmpty())
        problems << QStringLiteral("S3: %1 objects left in the bucket").arg(left.size());
    const QString bucketDir = m_objects.bucketDir(QString::fromLatin1(Bucket));
    if (const int files = entries(bucketDir); files > 0)
        problems << QStringLiteral("S3: %1 files left in %2").arg(files).arg(bucketDir);
    m_queue.reset();
    return problems;
}

int SideTraffic::receive()
{
    const auto messages = m_queue->receive(QString::fromLatin1(Queue), 10, 300);
    for (const SqsQueueMessage &m : messages) {
        if (!m_queue->deleteMessage(m.queue, m.receiptHandle))
            problem(QStringLiteral("SQS: cannot delete %1").arg(QString::fromUtf8(m.body)));
        std::lock_guard lock(m_mutex);
        if (!m_seen.insert(m.body).second)
            ++m_duplicates;
    }
    m_received += int(messages.size());
    return int(messages.size());
}

void SideTraffic::problem(const QString &what)
{
    std::lock_guard lock(m_mutex);
    if (m_problems.size() < 20)
        m_problems << what;
}

} // namespace fn::soak
