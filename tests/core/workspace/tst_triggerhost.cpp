// TriggerHost as the studio uses it: schedules run on the engine's clock without any port, serving
// is a separate step that says clearly when a port is taken, and stopping frees the port again.

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "project/project.h"
#include "store/store.h"
#include "workspace/triggerhost.h"

#include "projectbuilder.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace fn;

class TestTriggerHost : public QObject
{
    Q_OBJECT

    fn::test::ProjectBuilder m_folder;
    Project m_project;
    std::shared_ptr<Clock> m_clock = std::make_shared<Clock>();
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<AsyncQueue> m_queue;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // A function with a schedule, and a bucket.
        m_folder.function(QStringLiteral("Hello"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(QStringLiteral("src"))
            .properties("Events:\n"
                        "  Tick:\n"
                        "    Type: Schedule\n"
                        "    Properties:\n"
                        "      Schedule: rate(1 minute)\n")
            .resource(QStringLiteral("Uploads"), "Type: AWS::S3::Bucket\n")
            .resource(QStringLiteral("Incoming"), "Type: AWS::S3::Bucket\n"
                                                  "Properties:\n"
                                                  "  BucketName: photos-in\n");
        QVERIFY(m_project.open(m_folder.path()));
        m_clock->setManual(1767225600000); // 2026-01-01T00:00:00Z
        m_engine = std::make_unique<Engine>();
        m_engine->setClock(m_clock);
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(m_folder.filePath(QStringLiteral("fnstudio.db")), &error), qPrintable(error));
        // Not started: accepted fires stay in the store, nothing runs.
        m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
        m_queue->setFunctions(m_project.functions());
    }

    void cleanupTestCase()
    {
        m_queue.reset();
        m_store.reset();
        m_engine.reset();
    }

    void schedulesRunWithoutPorts()
    {
        TriggerHost host(*m_engine, *m_queue, *m_store, m_folder.path());
        QVERIFY(host.setFunctions(m_project.functions()).isEmpty());
        QVERIFY(host.startTriggers().isEmpty());
        QVERIFY(host.triggersRunning());
        QVERIFY(!host.isServing());
        QVERIFY(host.invokeApiUrl().isEmpty());
        QCOMPARE(host.schedules().size(), 1);
        QCOMPARE(host.schedules().constFirst().nextFires.constFirst(),
                 QDateTime::fromString(QStringLiteral("2026-01-01T00:01:00Z"), Qt::ISODate));

        QSignalSpy fired(&host, &TriggerHost::scheduleFired);
        m_clock->advance(60'000);
        QVERIFY(fired.wait());
        const auto state = fired.constFirst().constFirst().value<ScheduleState>();
        QCOMPARE(state.id, QStringLiteral("Hello/Tick"));
        QVERIFY(!state.lastRequestId.isEmpty());
        QCOMPARE(host.schedules().constFirst().fireCount, 1);

        host.stopTriggers();
        QVERIFY(!host.triggersRunning());
        m_clock->advance(60'000);
        QTest::qWait(0);
        QCOMPARE(host.schedules().constFirst().fireCount, 1);
    }

    // The template's buckets exist as folders once the triggers run, serving or not.
    void templateBucketsExistWithTheTriggers()
    {
        TriggerHost host(*m_engine, *m_queue, *m_store, m_folder.path());
        QVERIFY(host.setFunctions(m_project.functions()).isEmpty());
        host.startTriggers();
        QVERIFY(QFileInfo(m_folder.filePath(QStringLiteral(".fnstudio/buckets/Uploads"))).isDir());
        QVERIFY(host.buckets().contains(QStringLiteral("Uploads")));
        // A BucketName names the bucket, folder and all.
        QVERIFY(QFileInfo(m_folder.filePath(QStringLiteral(".fnstudio/buckets/photos-in"))).isDir());
        QVERIFY(!QFileInfo::exists(m_folder.filePath(QStringLiteral(".fnstudio/buckets/Incoming"))));
        QVERIFY(host.buckets().contains(QStringLiteral("photos-in")));
        QVERIFY(!host.buckets().contains(QStringLiteral("Incoming")));
    }

    // Serving starts the S3 endpoint and tells the engine's new environments where it is.
    void servingStartsTheS3Endpoint()
    {
        QTcpServer occupied;
        QVERIFY(occupied.listen(QHostAddress::LocalHost, 0));
        TriggerHost host(*m_engine, *m_queue, *m_store, m_folder.path());
        host.setFunctions(m_project.functions());
        host.setS3EndpointPort(occupied.serverPort());
        QString problem;
        QVERIFY(!host.startServing(QStringLiteral("127.0.0.1"), 0, 0, &problem));
        QCOMPARE(problem, QStringLiteral("S3 endpoint: 127.0.0.1:%1 is already in use").arg(occupied.serverPort()));
        QVERIFY(!host.isServing());
        QVERIFY(m_engine->serviceEnvironment().isEmpty());

        host.setS3EndpointPort(0);
        QVERIFY2(host.startServing(QStringLiteral("127.0.0.1"), 0, 0, &problem), qPrintable(problem));
        QVERIFY(host.s3EndpointPort() > 0);
        const auto env = m_engine->serviceEnvironment();
        QVERIFY(env.contains(qMakePair(QStringLiteral("AWS_ENDPOINT_URL_S3"), host.s3EndpointUrl())));
        QVERIFY(std::any_of(env.begin(), env.end(),
                            [](const auto &p) { return p.first == QLatin1String("AWS_ACCESS_KEY_ID"); }));
        host.stopServing();
        QVERIFY(m_engine->serviceEnvironment().isEmpty());
        QCOMPARE(host.s3EndpointUrl(), QString());
    }

    void servingSaysWhenThePortIsTaken()
    {
        QTcpServer occupied;
        QVERIFY(occupied.listen(QHostAddress::LocalHost, 0));
        TriggerHost host(*m_engine, *m_queue, *m_store, m_folder.path());
        host.setFunctions(m_project.functions());
        host.setS3EndpointPort(0);
        QString problem;
        QVERIFY(!host.startServing(QStringLiteral("127.0.0.1"), occupied.serverPort(), 0, &problem));
        QCOMPARE(problem, QStringLiteral("Invoke API: 127.0.0.1:%1 is already in use").arg(occupied.serverPort()));
        QVERIFY(!host.isServing());

        QSignalSpy serving(&host, &TriggerHost::servingChanged);
        QVERIFY2(host.startServing(QStringLiteral("127.0.0.1"), 0, 0, &problem), qPrintable(problem));
        QCOMPARE(serving.size(), 1);
        QVERIFY(host.invokeApiPort() > 0);
        QCOMPARE(host.invokeApiUrl(), QStringLiteral("http://127.0.0.1:%1").arg(host.invokeApiPort()));
        QVERIFY(!host.servesApiGateway()); // the template has no Api or HttpApi events
        const int port = host.invokeApiPort();

        // A client keeping its connection open (as SDKs pool them) is let go when serving stops.
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, quint16(port));
        QVERIFY(client.waitForConnected(5000));
        client.write("GET /2015-03-31/functions/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        QByteArray response;
        while (!response.contains("\"Functions\"") && client.waitForReadyRead(5000))
            response += client.readAll();
        QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
        host.stopServing();
        QVERIFY(client.state() == QAbstractSocket::UnconnectedState || client.waitForDisconnected(5000));
        QVERIFY(!host.isServing());
        QCOMPARE(serving.size(), 2);
        QTcpServer again;
        QVERIFY2(again.listen(QHostAddress::LocalHost, quint16(port)), "the port is free again after stopServing()");
    }
};

QTEST_GUILESS_MAIN(TestTriggerHost)
#include "tst_triggerhost.moc"
