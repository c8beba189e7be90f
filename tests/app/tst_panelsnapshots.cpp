// The Queues and Buckets docks read no SQL on the GUI thread: with the store counting the calls made
// from this thread, the docks show the project's dead letters, SQS messages and bucket objects, a
// selected queue's content and every refresh, and the count stays at zero.
#include "buckets/bucketmodel.h"
#include "buckets/bucketspanel.h"
#include "clock/clock.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "queues/queuemessagemodel.h"
#include "queues/queuemodel.h"
#include "queues/queuespanel.h"
#include "queues/sqsmessagemodel.h"
#include "queues/sqsqueuemodel.h"
#include "queues/sqsqueuessection.h"
#include "session/studiosession.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"
#include "studiofixture.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/workspace.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace fn;
using namespace fn::test;

class TestPanelSnapshots final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void queuesAndBucketsShowWithoutSqlOnTheGuiThread()
    {
        ProjectBuilder project;
        project.function(QStringLiteral("Echo"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return event\n")
            .resource(QStringLiteral("Orders"), "Type: AWS::SQS::Queue\n")
            .resource(QStringLiteral("Uploads"), "Type: AWS::S3::Bucket\n")
            .file(QStringLiteral(".fnstudio/buckets/Uploads/photos/cat.txt"), "meow");
        {
            // What an earlier run left: dead letters and an SQS message.
            Store store;
            QString problem;
            QVERIFY2(store.open(Store::defaultPath(project.path()), &problem), qPrintable(problem));
            for (int i = 0; i < 2; ++i)
                QVERIFY(
                    store.appendMessage({0, QStringLiteral("echo-dlq"), QStringLiteral("dlq"), QStringLiteral("Echo"),
                                         QStringLiteral("dead-%1").arg(i), "{\"n\":1}", "{}", 1000 + i}));
            SqsQueueStore sqs(store, std::make_shared<Clock>());
            QVERIFY(sqs.send(QStringLiteral("Orders"), "{\"orderId\": 7}"));
        }

        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        Store *store = session.workspace().store();
        QVERIFY(store);
        // From here on the GUI thread only adopts snapshots.
        store->countCallsFrom(QThread::currentThread());

        auto *queuesPanel = window.panel<QueuesPanel>(QStringLiteral("queues"));
        QVERIFY(queuesPanel);
        QueueModel *queues = queuesPanel->queueModel();
        QTRY_VERIFY_WITH_TIMEOUT(queues->rowOf(QStringLiteral("dlq"), QStringLiteral("echo-dlq")) >= 0, 10'000);
        queuesPanel->selectQueue(QStringLiteral("dlq"), QStringLiteral("echo-dlq"));
        QTRY_COMPARE(queuesPanel->messageModel()->rowCount(), 2);
        queuesPanel->refresh();

        SqsQueuesSection *sqs = queuesPanel->sqsSection();
        QTRY_VERIFY_WITH_TIMEOUT(sqs->queueModel()->rowOf(QStringLiteral("Orders")) >= 0, 10'000);
        sqs->selectQueue(QStringLiteral("Orders"));
        QTRY_COMPARE(sqs->messageModel()->rowCount(), 1);
        QCOMPARE(sqs->queueModel()
                     ->index(sqs->queueModel()->rowOf(QStringLiteral("Orders")), 0)
                     .data(SqsQueueModel::VisibleRole)
                     .toInt(),
                 1);
        sqs->refresh();

        auto *buckets = window.panel<BucketsPanel>(QStringLiteral("buckets"));
        QVERIFY(buckets);
        QTRY_VERIFY_WITH_TIMEOUT(buckets->model()->rowOf(QStringLiteral("Uploads")) >= 0, 10'000);
        QTRY_COMPARE(buckets->model()
                         ->index(buckets->model()->rowOf(QStringLiteral("Uploads")), BucketModel::ObjectsColumn)
                         .data()
                         .toString(),
                     QStringLiteral("1"));
        buckets->refresh();

        // The refreshes asked for above arrive too, and still nothing was read on this thread.
        QSignalSpy published(&session.workspace().snapshots(), &SnapshotPublisher::bucketsPublished);
        QVERIFY(published.wait());
        QCOMPARE(store->countedCalls(), 0);
        store->countCallsFrom(nullptr);
    }
};

QTEST_MAIN(TestPanelSnapshots)
#include "tst_panelsnapshots.moc"
