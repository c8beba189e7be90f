// The snapshot publisher over a real store in a temporary project: a change to the async queue, an
// SQS queue or a bucket folder shows in the next snapshot without the test's thread reading the
// store, and the answer to a superseded detail request never arrives.
#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "project/project.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/triggerhost.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fn;

namespace {

const QByteArray Template = "Transform: AWS::Serverless-2016-10-31\n"
                            "Resources:\n"
                            "  Echo:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n"
                            "  Orders:\n"
                            "    Type: AWS::SQS::Queue\n"
                            "  Uploads:\n"
                            "    Type: AWS::S3::Bucket\n";

QueueMessage deadLetter(const QString &queue, const QString &requestId)
{
    return {0, queue, QStringLiteral("dlq"), QStringLiteral("Echo"), requestId, "{\"n\":1}", "{}", 1000};
}

// The publisher's next snapshot of that kind (the spy's signal argument).
template <typename Snapshot> Snapshot next(QSignalSpy &spy)
{
    spy.clear();
    if (!spy.wait(10'000))
        return {};
    return spy.constLast().constFirst().value<Snapshot>();
}

} // namespace

class TestSnapshotPublisher final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Project m_project;
    std::shared_ptr<Clock> m_clock = std::make_shared<Clock>();
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<AsyncQueue> m_queue;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QFile file(m_dir.filePath(QStringLiteral("template.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(Template);
        file.close();
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("src")));
        QVERIFY(m_project.open(m_dir.path()));
        m_clock->setManual(1767225600000); // 2026-01-01T00:00:00Z
        m_engine = std::make_unique<Engine>();
        m_engine->setClock(m_clock);
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(Store::defaultPath(m_dir.path()), &error), qPrintable(error));
        // Not started: accepted events stay pending, nothing runs.
        m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
        m_queue->setFunctions(m_project.functions());
    }

    void cleanupTestCase()
    {
        m_queue.reset();
        m_store.reset();
        m_engine.reset();
    }

    void withoutSourcesNothingIsAvailable()
    {
        SnapshotPublisher publisher;
        QSignalSpy queues(&publisher, &SnapshotPublisher::asyncQueuesPublished);
        QSignalSpy buckets(&publisher, &SnapshotPublisher::bucketsPublished);
        publisher.refresh();
        QVERIFY(queues.wait());
        QVERIFY(!queues.constLast().constFirst().value<AsyncQueuesSnapshot>().available);
        QVERIFY(buckets.size() == 1 || buckets.wait());
        QVERIFY(!buckets.constLast().constFirst().value<BucketsSnapshot>().available);
    }

    void anAcceptedEventShowsInTheNextSnapshot()
    {
        SnapshotPublisher publisher;
        QSignalSpy queues(&publisher, &SnapshotPublisher::asyncQueuesPublished);
        publisher.setSources({m_store.get(), m_queue.get(), nullptr, m_clock});
        QVERIFY(queues.wait());
        AsyncQueuesSnapshot first = queues.constLast().constFirst().value<AsyncQueuesSnapshot>();
        QVERIFY(first.available);
        QCOMPARE(first.pendingEvents, 0);

        // The queue's own signal is the change notification; this thread never reads the store.
        m_store->countCallsFrom(QThread::currentThread());
        const AsyncQueue::Accepted accepted = m_queue->accept(m_project.functions().constFirst(), "{\"hello\":1}");
        QVERIFY2(accepted.ok(), qPrintable(accepted.errorMessage));
        const int acceptCalls = m_store->countedCalls(); // the accept itself writes, on this thread
        QVERIFY(acceptCalls > 0);                        // (so the count does count)
        AsyncQueuesSnapshot after = next<AsyncQueuesSnapshot>(queues);
        QVERIFY(after.available);
        QCOMPARE(after.pendingEvents, 1);
        QVERIFY(after.changesWithTime());
        QCOMPARE(after.queues.size(), 1);
        QCOMPARE(after.queues.constFirst().name, QStringLiteral("Echo"));
        QCOMPARE(after.queues.constFirst().kind, QStringLiteral("async"));
        QCOMPARE(after.queues.constFirst().count, 1);
        QCOMPARE(publisher.asyncQueues().pendingEvents, 1);

        // The function's pending events, answering the request that asked for them.
        QSignalSpy details(&publisher, &SnapshotPublisher::queueMessagesPublished);
        const quint64 id = publisher.requestQueueMessages(QStringLiteral("async"), QStringLiteral("Echo"));
        QVERIFY(details.wait());
        const auto detail = details.constLast().constFirst().value<QueueMessagesSnapshot>();
        QCOMPARE(detail.requestId, id);
        QCOMPARE(detail.pendingEvents.size(), 1);
        QCOMPARE(detail.pendingEvents.constFirst().requestId, accepted.requestId);
        QCOMPARE(m_store->countedCalls(), acceptCalls);
        m_store->countCallsFrom(nullptr);

        // The clock alone brings the next snapshot while an event waits.
        QVERIFY(queues.wait(3 * SnapshotPublisher::ClockTickMs));
        publisher.setSources({});
    }

    void aSupersededDetailRequestIsNeverAnswered()
    {
        for (int i = 0; i < 2; ++i)
            QVERIFY(m_store->appendMessage(deadLetter(QStringLiteral("first-dlq"), QStringLiteral("a-%1").arg(i))));
        QVERIFY(m_store->appendMessage(deadLetter(QStringLiteral("second-dlq"), QStringLiteral("b-0"))));
        SnapshotPublisher publisher;
        QSignalSpy details(&publisher, &SnapshotPublisher::queueMessagesPublished);
        publisher.setSources({m_store.get(), m_queue.get(), nullptr, m_clock});

        // The first request's read is under way (or done, its answer queued) when the second comes.
        const quint64 first = publisher.requestQueueMessages(QStringLiteral("dlq"), QStringLiteral("first-dlq"));
        QCoreApplication::processEvents();
        const quint64 second = publisher.requestQueueMessages(QStringLiteral("dlq"), QStringLiteral("second-dlq"));
        QVERIFY(second != first);
        QTRY_VERIFY_WITH_TIMEOUT(!details.isEmpty(), 10'000);
        // Once the second is answered, a later change brings it again, never the first.
        QVERIFY(m_store->appendMessage(deadLetter(QStringLiteral("second-dlq"), QStringLiteral("b-1"))));
        publisher.changed(SnapshotPublisher::AsyncQueues);
        QTRY_VERIFY_WITH_TIMEOUT(details.constLast().constFirst().value<QueueMessagesSnapshot>().messages.size() == 2,
                                 10'000);
        for (const QList<QVariant> &answer : std::as_const(details)) {
            const auto snapshot = answer.constFirst().value<QueueMessagesSnapshot>();
            QCOMPARE(snapshot.requestId, second);
            QCOMPARE(snapshot.name, QStringLiteral("second-dlq"));
        }
        QCOMPARE(details.constLast().constFirst().value<QueueMessagesSnapshot>().messages.constFirst().requestId,
                 QStringLiteral("b-0"));
        publisher.setSources({});
    }

    void sqsMessagesAndBucketObjectsShowOnceTheTriggersRun()
    {
        TriggerHost host(*m_engine, *m_queue, *m_store, m_dir.path());
        host.setFunctions(m_project.functions());
        host.startTriggers(); // creates the template's bucket folder
        SnapshotPublisher publisher;
        QSignalSpy sqs(&publisher, &SnapshotPublisher::sqsQueuesPublished);
        QSignalSpy sqsMessages(&publisher, &SnapshotPublisher::sqsMessagesPublished);
        QSignalSpy buckets(&publisher, &SnapshotPublisher::bucketsPublished);
        publisher.setSources({m_store.get(), m_queue.get(), &host, m_clock});
        QVERIFY(sqs.wait());
        SqsQueuesSnapshot queues = sqs.constLast().constFirst().value<SqsQueuesSnapshot>();
        QVERIFY(queues.available);
        QCOMPARE(queues.queues.size(), 1);
        QCOMPARE(queues.queues.constFirst().settings.name, QStringLiteral("Orders"));
        QCOMPARE(queues.queues.constFirst().visible, 0);

        // A message sent, then received: visible, then in flight until its visibility timeout.
        const quint64 id = publisher.requestSqsMessages(QStringLiteral("Orders"));
        QVERIFY(host.sqsQueues().send(QStringLiteral("Orders"), "{\"orderId\":7}"));
        publisher.refresh(SnapshotPublisher::SqsQueues);
        QTRY_VERIFY_WITH_TIMEOUT(
            !sqsMessages.isEmpty()
                && sqsMessages.constLast().constFirst().value<SqsMessagesSnapshot>().messages.size() == 1,
            10'000);
        QCOMPARE(sqsMessages.constLast().constFirst().value<SqsMessagesSnapshot>().requestId, id);
        QCOMPARE(publisher.sqsQueues().queues.constFirst().visible, 1);
        QCOMPARE(host.sqsQueues().receive(QStringLiteral("Orders"), 1, 30).size(), 1);
        publisher.changed(SnapshotPublisher::SqsQueues);
        QTRY_COMPARE_WITH_TIMEOUT(publisher.sqsQueues().queues.constFirst().inFlight, 1, 10'000);
        QVERIFY(publisher.sqsQueues().changesWithTime());
        m_clock->advance(31'000); // the slow tick sees it come back
        QTRY_COMPARE_WITH_TIMEOUT(publisher.sqsQueues().queues.constFirst().visible, 1, 10'000);

        // A file in the bucket's folder is an object of the next snapshot.
        QTRY_VERIFY_WITH_TIMEOUT(!publisher.buckets().buckets.isEmpty(), 10'000);
        const BucketSnapshot uploads = publisher.buckets().buckets.constFirst();
        QCOMPARE(uploads.name, QStringLiteral("Uploads"));
        QVERIFY(uploads.exists);
        QCOMPARE(uploads.objectCount, 0);
        QFile object(uploads.folder + QStringLiteral("/photos/cat.txt"));
        QVERIFY(QDir().mkpath(uploads.folder + QStringLiteral("/photos")));
        QVERIFY(object.open(QIODevice::WriteOnly));
        object.write("meow");
        object.close();
        publisher.changed(SnapshotPublisher::Buckets);
        QTRY_COMPARE_WITH_TIMEOUT(publisher.buckets().buckets.constFirst().objectCount, 1, 10'000);
        const BucketObject cat = publisher.buckets().buckets.constFirst().objects.constFirst();
        QCOMPARE(cat.key, QStringLiteral("photos/cat.txt"));
        QCOMPARE(cat.size, 4);
        QVERIFY(cat.lastModified.isValid());
        publisher.setSources({});
        host.stop();
    }
};

QTEST_GUILESS_MAIN(TestSnapshotPublisher)
#include "tst_snapshotpublisher.moc"
