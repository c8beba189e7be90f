// The Queues panel's models: queues with kinds, counts and the next attempt; a queue's messages with
// their bodies as readable JSON; both under QAbstractItemModelTester.
#include "queues/queuemessagemodel.h"
#include "queues/queuemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QTest>

using namespace fn;

class TestQueueModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queues()
    {
        QueueModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        const qint64 now = 1'000'000;
        model.resetData({{QStringLiteral("Echo"), QStringLiteral("async"), 3, now - 10},
                         {QStringLiteral("echo-dlq"), QStringLiteral("dlq"), 2, now - 5},
                         {QStringLiteral("on-success"), QStringLiteral("destination"), 1200, now - 1}},
                        {{QStringLiteral("Echo"), now + 42'500}}, now);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(QueueModel::ColumnCount));
        QCOMPARE(model.index(0, QueueModel::NameColumn).data().toString(), QStringLiteral("Echo"));
        QCOMPARE(model.index(0, QueueModel::KindColumn).data().toString(), QStringLiteral("Async queue"));
        QCOMPARE(model.index(0, QueueModel::CountColumn).data(QueueModel::CountRole).toInt(), 3);
        QCOMPARE(model.index(0, QueueModel::NextColumn).data().toString(), QStringLiteral("in 42 s"));
        QCOMPARE(model.index(1, QueueModel::KindColumn).data().toString(), QStringLiteral("Dead-letter queue"));
        QCOMPARE(model.index(1, QueueModel::NextColumn).data().toString(), QString()); // only async queues wait
        QCOMPARE(model.index(2, QueueModel::KindColumn).data().toString(), QStringLiteral("Destination"));
        QCOMPARE(model.index(2, 0).data(QueueModel::KindRole).toString(), QStringLiteral("destination"));
        QCOMPARE(model.rowOf(QStringLiteral("dlq"), QStringLiteral("echo-dlq")), 1);
        QCOMPARE(model.rowOf(QStringLiteral("async"), QStringLiteral("echo-dlq")), -1);
        QCOMPARE(QueueModel::dueText(now - 1, now), QStringLiteral("now"));
        QCOMPARE(QueueModel::dueText(now + 150'000, now), QStringLiteral("in 2 min 30 s"));
        model.resetData({}, {}, now);
        QCOMPARE(model.rowCount(), 0);
    }

    void messages()
    {
        QueueMessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QueueMessage m;
        m.id = 7;
        m.queue = QStringLiteral("on-failure");
        m.kind = QStringLiteral("destination");
        m.functionName = QStringLiteral("Echo");
        m.requestId = QStringLiteral("r-1");
        m.body = R"({"version":"1.0","requestContext":{"condition":"RetriesExhausted","approximateInvokeCount":3}})";
        m.attributes = "{}";
        m.createdMs = 1'700'000'000'000;
        model.setMessages({m});
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.isAsync());
        QCOMPARE(model.index(0, QueueMessageModel::RequestIdColumn).data().toString(), QStringLiteral("r-1"));
        QCOMPARE(model.index(0, QueueMessageModel::FunctionColumn).data().toString(), QStringLiteral("Echo"));
        const QString pretty = model.index(0, 0).data(QueueMessageModel::PrettyBodyRole).toString();
        QVERIFY(pretty.contains(QStringLiteral("\n")));
        QVERIFY(pretty.contains(QStringLiteral("\"condition\": \"RetriesExhausted\"")));
        QVERIFY(!QJsonDocument::fromJson(pretty.toUtf8()).isNull());
        QCOMPARE(QueueMessageModel::prettyJson("not json"), QStringLiteral("not json"));

        StoredEvent e;
        e.requestId = QStringLiteral("r-2");
        e.functionName = QStringLiteral("Echo");
        e.payload = R"({"name":"Ada"})";
        e.attempts = 1;
        e.lastError = QStringLiteral("ValueError");
        e.nextAttemptMs = 5000 + 60'000;
        model.setPendingEvents({e}, 5000);
        QVERIFY(model.isAsync());
        QCOMPARE(model.headerData(QueueMessageModel::TimeColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Next attempt"));
        QCOMPARE(model.index(0, QueueMessageModel::TimeColumn).data().toString(), QStringLiteral("in 60 s"));
        QVERIFY(
            model.index(0, QueueMessageModel::DetailColumn).data().toString().contains(QStringLiteral("ValueError")));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestQueueModel)
#include "tst_queuemodel.moc"
