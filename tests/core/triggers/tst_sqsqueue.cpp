// Local SQS queues and the event source mapping on a manual clock: the event shape, partial batch
// failures, visibility timeout, redrive to the dead-letter queue, batching and persistence.

#include "clock/clock.h"
#include "project/samtemplate.h"
#include "store/s3objectstore.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"
#include "triggers/sqsqueuepoller.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace fn;

namespace {

QString str(const nlohmann::json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

FunctionConfig consumer(const char *properties)
{
    FunctionConfig f;
    f.name = QStringLiteral("Consumer");
    f.runtime = QStringLiteral("python3.12");
    // Single quotes keep the JSON readable in plain literals.
    f.events = nlohmann::json{
        {"Jobs",
         {{"Type", "SQS"},
          {"Properties", nlohmann::json::parse(QByteArray(properties).replace('\'', '"').toStdString())}}}};
    return f;
}

InvocationRecord success(const QByteArray &payload = {})
{
    InvocationRecord r;
    r.requestId = QStringLiteral("req");
    r.payload = payload;
    return r;
}

} // namespace

class TestSqsQueue final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::shared_ptr<Clock> m_clock;
    std::unique_ptr<SqsQueueStore> m_queues;
    QList<QByteArray> m_events;
    std::function<InvocationRecord(const QByteArray &)> m_respond;

    std::unique_ptr<SqsQueuePoller> poller(const char *properties)
    {
        auto p = std::make_unique<SqsQueuePoller>(*m_queues, m_clock,
                                                  [this](const FunctionConfig &, const QByteArray &payload) {
                                                      m_events << payload;
                                                      return m_respond(payload);
                                                  });
        const QStringList problems = p->setFunctions({consumer(properties)});
        if (!problems.isEmpty())
            qWarning() << problems;
        return p;
    }

    QStringList ids(const QString &queue)
    {
        QStringList out;
        for (const SqsQueueMessage &m : m_queues->messages(queue))
            out << m.messageId;
        return out;
    }

    static nlohmann::json records(const QByteArray &event)
    {
        return nlohmann::json::parse(event.toStdString())["Records"];
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(m_dir.filePath(QStringLiteral("fnstudio.db")), &error), qPrintable(error));
        m_clock = std::make_shared<Clock>();
        m_clock->setManual(1767225600000); // 2026-01-01T00:00:00Z
        m_queues = std::make_unique<SqsQueueStore>(*m_store, m_clock);
        QVERIFY(m_queues->isValid());
        for (const QString &q : m_queues->queueNames())
            m_queues->purge(q);
        m_events.clear();
        m_respond = [](const QByteArray &) { return success(); };
    }

    void cleanup()
    {
        m_queues.reset();
        m_store.reset();
    }

    void eventShape()
    {
        const auto sent =
            m_queues->send(QStringLiteral("Jobs"), "hello", R"({"kind": {"stringValue": "x", "dataType": "String"}})");
        QVERIFY(sent);
        QVERIFY(!QUuid::fromString(sent->messageId).isNull());
        QCOMPARE(sent->md5OfBody, QStringLiteral("5d41402abc4b2a76b9719d911017c592"));
        m_clock->advance(2000);
        auto p = poller("{'Queue': {'Fn::GetAtt': ['Jobs', 'Arn']}}");
        QCOMPARE(p->mappings().first().queue, QStringLiteral("Jobs"));
        QCOMPARE(p->mappings().first().batchSize, 10);
        QCOMPARE(p->poll(), 1);
        const nlohmann::json r = records(m_events.first())[0];
        QCOMPARE(str(r["messageId"]), sent->messageId);
        QVERIFY(!str(r["receiptHandle"]).isEmpty());
        QCOMPARE(str(r["body"]), QStringLiteral("hello"));
        QCOMPARE(str(r["md5OfBody"]), sent->md5OfBody);
        QCOMPARE(str(r["attributes"]["ApproximateReceiveCount"]), QStringLiteral("1"));
        QCOMPARE(str(r["attributes"]["SentTimestamp"]), QStringLiteral("1767225600000"));
        QCOMPARE(str(r["attributes"]["ApproximateFirstReceiveTimestamp"]), QStringLiteral("1767225602000"));
        QVERIFY(!str(r["attributes"]["SenderId"]).isEmpty());
        QCOMPARE(str(r["messageAttributes"]["kind"]["stringValue"]), QStringLiteral("x"));
        QCOMPARE(str(r["eventSource"]), QStringLiteral("aws:sqs"));
        QCOMPARE(str(r["eventSourceARN"]), QStringLiteral("arn:aws:sqs:us-east-1:123456789012:Jobs"));
        QCOMPARE(str(r["awsRegion"]), QStringLiteral("us-east-1"));
        // Success deletes the message.
        QVERIFY(m_queues->messages(QStringLiteral("Jobs")).isEmpty());
    }

    void partialFailuresReturnExactlyTheFailedItems()
    {
        QStringList sent;
        for (int i = 0; i < 4; ++i)
            sent << m_queues->send(QStringLiteral("Jobs"), QByteArray::number(i))->messageId;
        m_respond = [&sent](const QByteArray &) {
            return success(
                QStringLiteral(R"({"batchItemFailures": [{"itemIdentifier": "%1"}, {"itemIdentifier": "%2"}]})")
                    .arg(sent[1], sent[3])
                    .toUtf8());
        };
        auto p = poller("{'Queue': {'Ref': 'Jobs'}, 'FunctionResponseTypes': ['ReportBatchItemFailures']}");
        QSignalSpy spy(p.get(), &SqsQueuePoller::batchProcessed);
        QCOMPARE(p->poll(), 1);
        const auto result = spy.first().first().value<SqsBatchResult>();
        QCOMPARE(result.failedIds, (QStringList{sent[1], sent[3]}));
        QVERIFY(result.error.isEmpty());
        QCOMPARE(ids(QStringLiteral("Jobs")), (QStringList{sent[1], sent[3]}));

        // Hidden until the visibility timeout (30 s) ends, then delivered again, and only they.
        m_respond = [](const QByteArray &) { return success(); };
        QCOMPARE(p->poll(), 0);
        m_clock->advance(30 * 1000);
        QCOMPARE(p->poll(), 1);
        const nlohmann::json again = records(m_events.last());
        QCOMPARE(int(again.size()), 2);
        QCOMPARE(str(again[0]["messageId"]), sent[1]);
        QCOMPARE(str(again[0]["attributes"]["ApproximateReceiveCount"]), QStringLiteral("2"));
        QVERIFY(m_queues->messages(QStringLiteral("Jobs")).isEmpty());
    }

    void invalidItemResponseFailsTheWholeBatch()
    {
        QList<SqsQueueMessage> batch{*m_queues->send(QStringLiteral("Jobs"), "a")};
        QCOMPARE(SqsQueuePoller::failedItems("", batch), QStringList());
        QCOMPARE(SqsQueuePoller::failedItems("null", batch), QStringList());
        QCOMPARE(SqsQueuePoller::failedItems(R"({"batchItemFailures": []})", batch), QStringList());
        QCOMPARE(SqsQueuePoller::failedItems(R"({"batchItemFailures": null})", batch), QStringList());
        QVERIFY(!SqsQueuePoller::failedItems("{not json", batch));
        QVERIFY(!SqsQueuePoller::failedItems(R"({"batchItemFailures": [{"itemIdentifier": ""}]})", batch));
        QVERIFY(!SqsQueuePoller::failedItems(R"({"batchItemFailures": [{"itemIdentifier": null}]})", batch));
        QVERIFY(!SqsQueuePoller::failedItems(R"({"batchItemFailures": [{"itemId": "x"}]})", batch));
        QVERIFY(!SqsQueuePoller::failedItems(R"({"batchItemFailures": [{"itemIdentifier": "unknown"}]})", batch));

        m_respond = [](const QByteArray &) {
            return success(R"({"batchItemFailures": [{"itemIdentifier": "nope"}]})");
        };
        auto p = poller("{'Queue': 'arn:aws:sqs:us-east-1:123456789012:Jobs', 'FunctionResponseTypes': "
                        "['ReportBatchItemFailures']}");
        QSignalSpy spy(p.get(), &SqsQueuePoller::batchProcessed);
        QCOMPARE(p->poll(), 1);
        const auto result = spy.first().first().value<SqsBatchResult>();
        QCOMPARE(result.failedIds, (QStringList{batch[0].messageId}));
        QVERIFY(!result.error.isEmpty());
        QCOMPARE(m_queues->messages(QStringLiteral("Jobs")).size(), 1);
    }

    void failingBatchReappearsThenGoesToTheDeadLetterQueue()
    {
        QVERIFY(m_queues->setQueue({QStringLiteral("Jobs"), 60, QStringLiteral("JobsDlq"), 2}));
        const QString id = m_queues->send(QStringLiteral("Jobs"), "boom")->messageId;
        m_respond = [](const QByteArray &) {
            InvocationRecord r = success(R"({"errorType": "Exception"})");
            r.outcome = InvocationOutcome::FunctionError;
            r.errorType = QStringLiteral("Exception");
            return r;
        };
        // Without ReportBatchItemFailures a function error fails the whole batch.
        auto p = poller("{'Queue': {'Ref': 'Jobs'}}");
        QCOMPARE(p->poll(), 1);
        QCOMPARE(p->poll(), 0);
        m_clock->advance(59 * 1000);
        QCOMPARE(p->poll(), 0);
        m_clock->advance(1000);
        QCOMPARE(p->poll(), 1);
        QCOMPARE(str(records(m_events.last())[0]["attributes"]["ApproximateReceiveCount"]), QStringLiteral("2"));
        m_clock->advance(60 * 1000);
        // Received maxReceiveCount times: the next receive moves it instead.
        QCOMPARE(p->poll(), 0);
        QVERIFY(m_queues->messages(QStringLiteral("Jobs")).isEmpty());
        QCOMPARE(ids(QStringLiteral("JobsDlq")), QStringList{id});
        QCOMPARE(m_events.size(), 2);
    }

    void batchSizeAndWindow()
    {
        for (int i = 0; i < 3; ++i)
            m_queues->send(QStringLiteral("Jobs"), "m");
        auto p = poller("{'Queue': {'Ref': 'Jobs'}, 'BatchSize': 2}");
        QCOMPARE(p->poll(), 1);
        QCOMPARE(int(records(m_events.last()).size()), 2);
        QCOMPARE(p->poll(), 1);
        QCOMPARE(int(records(m_events.last()).size()), 1);

        auto windowed = poller("{'Queue': {'Ref': 'Jobs'}, 'BatchSize': 100, 'MaximumBatchingWindowInSeconds': 5}");
        m_queues->send(QStringLiteral("Jobs"), "late");
        QCOMPARE(windowed->poll(), 0);
        m_clock->advance(4000);
        QCOMPARE(windowed->poll(), 0);
        m_clock->advance(1000);
        QCOMPARE(windowed->poll(), 1);

        SqsQueuePoller invalid(*m_queues, m_clock, {});
        QCOMPARE(invalid.setFunctions({consumer("{'Queue': {'Ref': 'Jobs'}, 'BatchSize': 50}")}).size(), 1);
    }

    // FIFO: a group's messages in order, one batch of a group in flight at a time, deduplication
    // within 5 minutes by id or by the body's hash, and SQS's messages for what a send lacks.
    void fifoQueues()
    {
        SqsQueueSettings orders;
        orders.name = QStringLiteral("Orders.fifo");
        orders.fifo = true;
        QVERIFY(m_queues->setQueue(orders));
        QString error;
        QVERIFY(!m_queues->send(orders.name, "x", SqsSendOptions{}, &error));
        QCOMPARE(error, QStringLiteral("The request must contain the parameter MessageGroupId."));
        QVERIFY(!m_queues->send(orders.name, "x", SqsSendOptions{"{}", QStringLiteral("A"), {}}, &error));
        QCOMPARE(error, QStringLiteral("The queue should either have ContentBasedDeduplication enabled or "
                                       "MessageDeduplicationId provided explicitly"));

        const auto send = [&](const char *body, const char *group, const char *dedup) {
            return m_queues->send(orders.name, body,
                                  SqsSendOptions{"{}", QString::fromLatin1(group), QString::fromLatin1(dedup)});
        };
        const auto a1 = send("a1", "A", "1");
        const auto a2 = send("a2", "A", "2");
        const auto b1 = send("b1", "B", "3");
        QVERIFY(a1 && a2 && b1);
        QCOMPARE(a1->sequenceNumber.size(), 20);
        QVERIFY(a1->sequenceNumber < a2->sequenceNumber && a2->sequenceNumber < b1->sequenceNumber);
        const auto again = send("a1 again", "A", "1");
        QCOMPARE(again->messageId, a1->messageId); // accepted, not added
        QCOMPARE(ids(orders.name), (QStringList{a1->messageId, a2->messageId, b1->messageId}));

        QList<SqsQueueMessage> got = m_queues->receive(orders.name, 1);
        QCOMPARE(got.first().messageId, a1->messageId);
        QCOMPARE(got.first().messageGroupId, QStringLiteral("A"));
        QCOMPARE(got.first().sequenceNumber, a1->sequenceNumber);
        // A1 in flight holds group A back; B goes on.
        got = m_queues->receive(orders.name, 10);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().messageId, b1->messageId);
        QVERIFY(m_queues->deleteMessage(orders.name, m_queues->messages(orders.name).first().receiptHandle));
        got = m_queues->receive(orders.name, 10);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().messageId, a2->messageId);

        // The deduplication window is five minutes of the clock.
        m_clock->advance(SqsQueueStore::DeduplicationWindowMs + 1);
        const auto later = send("a1 later", "A", "1");
        QVERIFY(later->messageId != a1->messageId);

        // ContentBasedDeduplication: the body's SHA-256 is the id. A name ending .fifo is FIFO.
        const QString hashed = QStringLiteral("Hashed.fifo");
        QVERIFY(!m_queues->send(hashed, "x", SqsSendOptions{}, &error)); // created FIFO on first use
        QVERIFY(m_queues->queue(hashed).fifo);
        QVERIFY(m_queues->setQueue(SqsQueueSettings{hashed, 30, {}, 0, true, true}));
        const auto h1 = m_queues->send(hashed, "same", SqsSendOptions{"{}", QStringLiteral("G"), {}});
        const auto h2 = m_queues->send(hashed, "same", SqsSendOptions{"{}", QStringLiteral("G"), {}});
        QCOMPARE(h2->messageId, h1->messageId);
        QCOMPARE(h1->messageDeduplicationId.size(), 64);
        QCOMPARE(ids(hashed).size(), 1);

        // The event carries the FIFO attributes; BatchSize over 10 is refused for a FIFO queue.
        SqsQueuePoller invalid(*m_queues, m_clock, {});
        const QStringList problems = invalid.setFunctions(
            {consumer("{'Queue': 'Hashed.fifo', 'BatchSize': 20, 'MaximumBatchingWindowInSeconds': 1}")});
        QCOMPARE(problems, QStringList{QStringLiteral(
                               "Consumer/Jobs: BatchSize for the FIFO queue Hashed.fifo must be between 1 and 10")});
        auto p = poller("{'Queue': 'Hashed.fifo'}");
        QCOMPARE(p->poll(), 1);
        const nlohmann::json attributes = records(m_events.last())[0]["attributes"];
        QCOMPARE(str(attributes["MessageGroupId"]), QStringLiteral("G"));
        QCOMPARE(str(attributes["SequenceNumber"]), h1->sequenceNumber);
        QCOMPARE(str(attributes["MessageDeduplicationId"]), h1->messageDeduplicationId);
        QStringList order;
        const auto ordered = nlohmann::ordered_json::parse(m_events.last().toStdString())["Records"][0]["attributes"];
        for (const auto &[key, value] : ordered.items())
            order << QString::fromStdString(key);
        QCOMPARE(order, (QStringList{QStringLiteral("ApproximateReceiveCount"), QStringLiteral("SentTimestamp"),
                                     QStringLiteral("SequenceNumber"), QStringLiteral("MessageGroupId"),
                                     QStringLiteral("SenderId"), QStringLiteral("MessageDeduplicationId"),
                                     QStringLiteral("ApproximateFirstReceiveTimestamp")}));
    }

    // A batch stops short of 6 MB of payload; the rest waits, its receive count untouched.
    void batchCappedAtSixMegabytes()
    {
        const QByteArray body(250000, 'x');
        for (int i = 0; i < 30; ++i)
            QVERIFY(m_queues->send(QStringLiteral("Jobs"), body));
        auto p = poller("{'Queue': 'Jobs', 'BatchSize': 100, 'MaximumBatchingWindowInSeconds': 1}");
        QCOMPARE(p->poll(), 0); // the window opens
        m_clock->advance(1000);
        QCOMPARE(p->poll(), 1);
        const QByteArray first = m_events.last();
        QVERIFY2(first.size() <= SqsQueuePoller::MaxBatchPayloadBytes, qPrintable(QString::number(first.size())));
        const int taken = int(records(first).size());
        QCOMPARE(taken, 25); // 25 records of ~250.5 KB fit in 6,291,456 bytes, 26 would not
        QCOMPARE(p->poll(), 0);
        m_clock->advance(1000);
        QCOMPARE(p->poll(), 1);
        const nlohmann::json rest = records(m_events.last());
        QCOMPARE(int(rest.size()), 5);
        QCOMPARE(str(rest[0]["attributes"]["ApproximateReceiveCount"]), QStringLiteral("1"));
        QVERIFY(m_queues->messages(QStringLiteral("Jobs")).isEmpty());
    }

    void queuesFromTheTemplate()
    {
        const QString path = m_dir.filePath(QStringLiteral("template.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Resources:\n"
                   "  Jobs:\n"
                   "    Type: AWS::SQS::Queue\n"
                   "    Properties:\n"
                   "      VisibilityTimeout: 120\n"
                   "      RedrivePolicy:\n"
                   "        deadLetterTargetArn: !GetAtt JobsDlq.Arn\n"
                   "        maxReceiveCount: 5\n"
                   "  JobsDlq:\n"
                   "    Type: AWS::SQS::Queue\n"
                   "    Properties:\n"
                   "      FifoQueue: true\n"
                   "      ContentBasedDeduplication: true\n"
                   "  Named:\n"
                   "    Type: AWS::SQS::Queue\n"
                   "    Properties:\n"
                   "      QueueName: !Sub \"${AWS::StackName}-orders\"\n"
                   "      RedrivePolicy:\n"
                   "        deadLetterTargetArn: !GetAtt NamedDlq.Arn\n"
                   "  NamedDlq:\n"
                   "    Type: AWS::SQS::Queue\n"
                   "    Properties:\n"
                   "      QueueName: orders-dlq.fifo\n"
                   "      FifoQueue: true\n"
                   "  Fn:\n"
                   "    Type: AWS::Serverless::Function\n");
        file.close();
        QString error;
        const QList<SqsQueueSettings> queues = SqsQueueStore::settingsFromTemplate(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(queues.size(), 4);
        QCOMPARE(queues[0].name, QStringLiteral("Jobs"));
        QCOMPARE(queues[0].visibilityTimeoutSec, 120);
        // A FIFO queue without QueueName is named as AWS would: the name ends in .fifo.
        QCOMPARE(queues[0].deadLetterQueue, QStringLiteral("JobsDlq.fifo"));
        QCOMPARE(queues[0].maxReceiveCount, 5);
        QCOMPARE(queues[1].name, QStringLiteral("JobsDlq.fifo"));
        QCOMPARE(queues[1].visibilityTimeoutSec, 30);
        QVERIFY(!queues[0].fifo);
        QVERIFY(queues[1].fifo);
        QVERIFY(queues[1].contentBasedDeduplication);
        // QueueName, resolved as the template's reader does (the stack is the project folder).
        const QString stack = QFileInfo(path).absoluteDir().dirName();
        QCOMPARE(queues[2].name, stack + QStringLiteral("-orders"));
        QCOMPARE(queues[2].deadLetterQueue, QStringLiteral("orders-dlq.fifo"));
        QCOMPARE(queues[3].name, QStringLiteral("orders-dlq.fifo"));
        QVERIFY(queues[3].fifo);
        QVERIFY(SqsQueueStore::settingsFromTemplate(m_dir.filePath(QStringLiteral("missing.yaml")), &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }

    // An event on Queue: !GetAtt Jobs.Arn, with Jobs named by QueueName, consumes that queue.
    void anEventFindsItsQueueByQueueName()
    {
        const QString folder = m_dir.filePath(QStringLiteral("named"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/src")));
        const QString path = folder + QStringLiteral("/template.yaml");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Transform: AWS::Serverless-2016-10-31\n"
                   "Resources:\n"
                   "  Jobs:\n"
                   "    Type: AWS::SQS::Queue\n"
                   "    Properties:\n"
                   "      QueueName: jobs-q\n"
                   "  Consumer:\n"
                   "    Type: AWS::Serverless::Function\n"
                   "    Properties:\n"
                   "      Runtime: python3.12\n"
                   "      Handler: app.handler\n"
                   "      CodeUri: src\n"
                   "      Events:\n"
                   "        FromJobs:\n"
                   "          Type: SQS\n"
                   "          Properties:\n"
                   "            Queue: !GetAtt Jobs.Arn\n");
        file.close();
        SamTemplate t;
        QVERIFY2(t.load(path), qPrintable(toStrings(t.errors()).join(u'\n')));
        for (const SqsQueueSettings &q : SqsQueueStore::settingsFromTemplate(path))
            QVERIFY(m_queues->setQueue(q));
        QVERIFY(m_queues->queueNames().contains(QStringLiteral("jobs-q")));

        SqsQueuePoller p(*m_queues, m_clock, [this](const FunctionConfig &, const QByteArray &payload) {
            m_events << payload;
            return m_respond(payload);
        });
        QCOMPARE(p.setFunctions(t.functions()), QStringList());
        QCOMPARE(p.mappings().value(0).queue, QStringLiteral("jobs-q"));
        QVERIFY(m_queues->send(QStringLiteral("jobs-q"), "hello"));
        QCOMPARE(p.poll(), 1);
        const nlohmann::json r = records(m_events.first())[0];
        QCOMPARE(str(r["body"]), QStringLiteral("hello"));
        QCOMPARE(str(r["eventSourceARN"]), QStringLiteral("arn:aws:sqs:us-east-1:123456789012:jobs-q"));
        QVERIFY(m_queues->messages(QStringLiteral("jobs-q")).isEmpty());
    }

    // The template is read as the project reads it: a FIFO in its place is refused (opening it
    // blocked for good), and so is a template whose aliases would expand past the budget.
    void aTemplateThatIsNotWhatItClaimsIsRefused()
    {
        const QString fifo = m_dir.filePath(QStringLiteral("fifo.yaml"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QString error;
        QVERIFY(SqsQueueStore::settingsFromTemplate(fifo, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("FIFO")), qPrintable(error));

        const QString bomb = m_dir.filePath(QStringLiteral("bomb.yaml"));
        QFile file(bomb);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Globals:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char level = 'b'; level <= 'i'; ++level) {
            file.write(QByteArray("  ") + level + ": &" + level + " [");
            for (int i = 0; i < 10; ++i)
                file.write(QByteArray(i ? ", *" : "*") + char(level - 1));
            file.write("]\n");
        }
        file.write("Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: *i\n");
        file.close();
        error.clear();
        QVERIFY(SqsQueueStore::settingsFromTemplate(bomb, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("aliases expand to more than")), qPrintable(error));
        error.clear();
        QVERIFY(S3ObjectStore::bucketsFromTemplate(bomb, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("aliases expand to more than")), qPrintable(error));
    }

    void aRewindToRealTimeKeepsTheVisibilityTimeoutLeft()
    {
        m_clock->setManual(QDateTime::currentMSecsSinceEpoch() + 21 * 60000); // after a lesson at 60x
        m_queues->followClockRewinds(); // as TriggerHost does for the project's queues
        // A snapshot's short-lived reader of the same queues must not move their times again.
        SqsQueueStore reader(*m_store, m_clock);
        m_queues->setQueue({QStringLiteral("Lesson"), 30});
        m_queues->send(QStringLiteral("Lesson"), "hidden for 30 s");
        QCOMPARE(m_queues->receive(QStringLiteral("Lesson"), 1).size(), 1);
        m_clock->advance(10000); // 20 s left

        m_clock->setReal();
        const qint64 left = m_queues->nextVisibleMs(QStringLiteral("Lesson")) - QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(left > 15000 && left <= 20000, qPrintable(QString::number(left)));
        const QList<SqsQueueMessage> all = m_queues->messages(QStringLiteral("Lesson"));
        QCOMPARE(all.size(), 1);
        QVERIFY(qAbs(all.first().sentMs + 10000 - QDateTime::currentMSecsSinceEpoch()) < 5000); // sent 10 s ago
    }

    void messagesPersist()
    {
        const QString id = m_queues->send(QStringLiteral("Kept"), "stay")->messageId;
        m_queues.reset();
        m_store.reset();
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("fnstudio.db")), &error));
        m_queues = std::make_unique<SqsQueueStore>(*m_store, m_clock);
        QCOMPARE(ids(QStringLiteral("Kept")), QStringList{id});
        QVERIFY(m_queues->queueNames().contains(QStringLiteral("Kept")));
        QVERIFY(!m_queues->send(QStringLiteral("Kept"), QByteArray()));
    }
};

QTEST_GUILESS_MAIN(TestSqsQueue)
#include "tst_sqsqueue.moc"
