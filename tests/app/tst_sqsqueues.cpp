// The Queues panel's SQS tab as a user meets it: the models under QAbstractItemModelTester, the Send
// message dialog (JSON hint, attributes, FIFO fields and the queue's own refusal), and a message
// sent through the dialog to a queue mapped to a real Python function: the function runs with it
// (the invocation is in the studio's model) and the queue is empty afterwards. Purge asks first.
#include "invocationrows.h"
#include "invocations/invocationmodel.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "queues/queuespanel.h"
#include "queues/sqsmessagemodel.h"
#include "queues/sqsqueuemodel.h"
#include "queues/sqsqueuessection.h"
#include "queues/sqssenddialog.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

using namespace fn;
using namespace fn::test;

namespace {

// A standard queue with a dead-letter queue, a FIFO queue (Payments.fifo locally, as AWS names a
// FIFO queue without QueueName), and a Python function the standard queue's messages invoke in batches.
ProjectBuilder queueProject()
{
    ProjectBuilder project;
    project
        .resource(QStringLiteral("Orders"), "Type: AWS::SQS::Queue\n"
                                            "Properties:\n"
                                            "  VisibilityTimeout: 45\n"
                                            "  RedrivePolicy:\n"
                                            "    deadLetterTargetArn: !GetAtt OrdersDlq.Arn\n"
                                            "    maxReceiveCount: 3\n")
        .resource(QStringLiteral("OrdersDlq"), "Type: AWS::SQS::Queue\n")
        .resource(QStringLiteral("Payments"), "Type: AWS::SQS::Queue\n"
                                              "Properties:\n"
                                              "  FifoQueue: true\n")
        .function(QStringLiteral("Worker"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 5\n"
                    "Events:\n"
                    "  FromOrders:\n"
                    "    Type: SQS\n"
                    "    Properties:\n"
                    "      Queue: !GetAtt Orders.Arn\n"
                    "      BatchSize: 5\n")
        .code(QStringLiteral("app.py"),
              "import json\n"
              "def handler(event, context):\n"
              "    records = event['Records']\n"
              "    return {'source': records[0]['eventSource'], 'bodies': [r['body'] for r in records],\n"
              "            'attributes': records[0]['messageAttributes']}\n");
    return project;
}

SqsQueueMessage message(const QString &id, const QByteArray &body, qint64 visibleAtMs, int receives = 0)
{
    SqsQueueMessage m;
    m.messageId = id;
    m.queue = QStringLiteral("Orders");
    m.body = body;
    m.sentMs = 1767603600000; // 2026-01-05T09:00:00Z
    m.visibleAtMs = visibleAtMs;
    m.receiveCount = receives;
    return m;
}

} // namespace

class TestSqsQueues final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void queueModelCountsAndKeepsRowsWhileCountsMove()
    {
        SqsQueueModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SqsQueueSettings orders{QStringLiteral("Orders"), 45, QStringLiteral("OrdersDlq"), 3};
        SqsQueueSettings payments{QStringLiteral("Payments.fifo")};
        payments.fifo = true;
        const qint64 now = 1000;
        SqsQueueRow row =
            SqsQueueModel::count(orders,
                                 {message(QStringLiteral("a"), "1", 0), message(QStringLiteral("b"), "2", 5000, 1),
                                  message(QStringLiteral("c"), "3", now)},
                                 now);
        QCOMPARE(row.visible, 2);
        QCOMPARE(row.inFlight, 1);
        row.functions = {QStringLiteral("Worker")};
        model.resetData({row, SqsQueueModel::count(payments, {}, now)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SqsQueueModel::TypeColumn).data().toString(), QStringLiteral("Standard"));
        QCOMPARE(model.index(1, SqsQueueModel::TypeColumn).data().toString(), QStringLiteral("FIFO"));
        QCOMPARE(model.index(0, SqsQueueModel::VisibleColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(0, SqsQueueModel::InFlightColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(0, SqsQueueModel::VisibilityTimeoutColumn).data().toString(), QStringLiteral("45 s"));
        QCOMPARE(model.index(0, SqsQueueModel::RedriveColumn).data().toString(),
                 QStringLiteral("OrdersDlq after 3 receives"));
        QCOMPARE(model.index(1, SqsQueueModel::RedriveColumn).data().toString(), QString());
        QCOMPARE(model.index(0, SqsQueueModel::FunctionsColumn).data().toString(), QStringLiteral("Worker"));

        // New counts for the same queues: cells change, no reset (the selection stays).
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        row.visible = 0;
        model.resetData({row, SqsQueueModel::count(payments, {}, now)});
        QCOMPARE(resets.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, SqsQueueModel::VisibleColumn).data().toString(), QStringLiteral("0"));
        model.resetData({row});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowOf(QStringLiteral("Orders")), 0);
        QCOMPARE(model.rowOf(QStringLiteral("Payments.fifo")), -1);
        model.resetData({});
        QCOMPARE(model.rowCount(), 0);
    }

    void messageModelShowsPreviewGroupAndState()
    {
        SqsMessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SqsQueueMessage fifo = message(QStringLiteral("m-2"), "{\n  \"orderId\": 7\n}", 0);
        fifo.messageGroupId = QStringLiteral("customer-9");
        const QByteArray longBody(300, 'x');
        model.resetData({message(QStringLiteral("m-1"), longBody, 31000, 2), fifo}, 1000);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SqsMessageModel::MessageIdColumn).data().toString(), QStringLiteral("m-1"));
        const QString preview = model.index(0, SqsMessageModel::BodyColumn).data().toString();
        QCOMPARE(preview.size(), SqsMessageModel::PreviewChars);
        QVERIFY(preview.endsWith(QChar(0x2026)));
        QCOMPARE(model.index(0, SqsMessageModel::ReceiveCountColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(0, SqsMessageModel::StateColumn).data().toString(),
                 QStringLiteral("in flight, visible in 30 s"));
        QCOMPARE(model.index(0, SqsMessageModel::SentColumn).data().toString(), QStringLiteral("2026-01-05 09:00:00Z"));
        QCOMPARE(model.index(1, SqsMessageModel::BodyColumn).data().toString(), QStringLiteral("{ \"orderId\": 7 }"));
        QCOMPARE(model.index(1, SqsMessageModel::GroupColumn).data().toString(), QStringLiteral("customer-9"));
        QCOMPARE(model.index(1, SqsMessageModel::StateColumn).data().toString(), QStringLiteral("visible"));
        QCOMPARE(model.index(1, 0).data(SqsMessageModel::BodyRole).toByteArray(), fifo.body);
        QCOMPARE(model.rowOf(QStringLiteral("m-2")), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void sendDialogHintsAttributesAndFifoFields()
    {
        SqsQueueSettings standard{QStringLiteral("Orders")};
        SqsSendDialog plain(standard, [](const QByteArray &, const SqsSendOptions &, QString *) {
            return std::optional<SqsQueueMessage>();
        });
        QVERIFY(!plain.groupIdEdit());
        QVERIFY(!plain.deduplicationIdEdit());
        plain.bodyEdit()->setPlainText(QStringLiteral("{\"a\": 1}"));
        QVERIFY2(plain.hintLabel()->text().startsWith(QStringLiteral("Valid JSON")),
                 qPrintable(plain.hintLabel()->text()));
        plain.bodyEdit()->setPlainText(QStringLiteral("hello there"));
        QVERIFY2(plain.hintLabel()->text().contains(QStringLiteral("sent as plain text")),
                 qPrintable(plain.hintLabel()->text()));

        QString error;
        const auto attrs = SqsSendDialog::attributesJson(
            QStringLiteral("{\"source\": \"studio\", \"priority\": 2, "
                           "\"raw\": {\"dataType\": \"Binary\", \"binaryValue\": \"AQI=\"}}"),
            &error);
        QVERIFY2(attrs, qPrintable(error));
        const QJsonObject o = QJsonDocument::fromJson(*attrs).object();
        QCOMPARE(o.value(QStringLiteral("source")).toObject().value(QStringLiteral("stringValue")).toString(),
                 QStringLiteral("studio"));
        QCOMPARE(o.value(QStringLiteral("source")).toObject().value(QStringLiteral("dataType")).toString(),
                 QStringLiteral("String"));
        QCOMPARE(o.value(QStringLiteral("priority")).toObject().value(QStringLiteral("stringValue")).toString(),
                 QStringLiteral("2"));
        QCOMPARE(o.value(QStringLiteral("priority")).toObject().value(QStringLiteral("dataType")).toString(),
                 QStringLiteral("Number"));
        QCOMPARE(o.value(QStringLiteral("raw")).toObject().value(QStringLiteral("dataType")).toString(),
                 QStringLiteral("Binary"));
        QCOMPARE(*SqsSendDialog::attributesJson(QString(), &error), QByteArray("{}"));
        QVERIFY(!SqsSendDialog::attributesJson(QStringLiteral("[1]"), &error));
        QVERIFY(error.contains(QStringLiteral("JSON object")));
        QVERIFY(!SqsSendDialog::attributesJson(QStringLiteral("{\"x\": [1]}"), &error));
        QVERIFY(error.contains(QStringLiteral("\"x\"")));

        // A bad attribute is said in the dialog and nothing is sent.
        int sends = 0;
        SqsSendDialog counting(standard, [&sends](const QByteArray &, const SqsSendOptions &, QString *) {
            ++sends;
            return std::optional<SqsQueueMessage>(SqsQueueMessage{});
        });
        counting.bodyEdit()->setPlainText(QStringLiteral("x"));
        counting.attributesEdit()->setPlainText(QStringLiteral("{oops"));
        QVERIFY(!counting.trySend());
        QCOMPARE(sends, 0);
        QVERIFY(counting.errorLabel()->text().startsWith(QStringLiteral("Attributes: not valid JSON")));
        QCOMPARE(counting.result(), int(QDialog::Rejected));

        SqsQueueSettings fifo{QStringLiteral("Payments")};
        fifo.fifo = true;
        SqsSendOptions seen;
        SqsSendDialog ordered(fifo, [&seen](const QByteArray &, const SqsSendOptions &options, QString *) {
            seen = options;
            return std::optional<SqsQueueMessage>(SqsQueueMessage{});
        });
        QVERIFY(ordered.groupIdEdit());
        QVERIFY(ordered.deduplicationIdEdit());
        ordered.bodyEdit()->setPlainText(QStringLiteral("{}"));
        ordered.groupIdEdit()->setText(QStringLiteral(" g1 "));
        ordered.deduplicationIdEdit()->setText(QStringLiteral("d1"));
        QVERIFY(ordered.trySend());
        QCOMPARE(seen.messageGroupId, QStringLiteral("g1"));
        QCOMPARE(seen.messageDeduplicationId, QStringLiteral("d1"));
        QCOMPARE(ordered.result(), int(QDialog::Accepted));
    }

    void sendFromTheStudioInvokesTheMappedFunction()
    {
        const ProjectBuilder project = queueProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        auto *panel = window.panel<QueuesPanel>(QStringLiteral("queues"));
        QVERIFY(panel);
        SqsQueuesSection *sqs = panel->sqsSection();
        QVERIFY(sqs);
        panel->tabs()->setCurrentWidget(sqs);
        SqsQueueModel *queues = sqs->queueModel();
        QAbstractItemModelTester queueTester(queues, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester messageTester(sqs->messageModel(),
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);

        // The template's three queues, the mapping and the redrive target.
        QTRY_COMPARE_WITH_TIMEOUT(queues->rowCount(), 3, 20000);
        const int orders = queues->rowOf(QStringLiteral("Orders"));
        QVERIFY(orders >= 0);
        QVERIFY(queues->rowOf(QStringLiteral("OrdersDlq")) >= 0);
        const int payments = queues->rowOf(QStringLiteral("Payments.fifo"));
        QVERIFY(payments >= 0);
        QCOMPARE(queues->index(orders, SqsQueueModel::TypeColumn).data().toString(), QStringLiteral("Standard"));
        QCOMPARE(queues->index(orders, SqsQueueModel::VisibilityTimeoutColumn).data().toString(),
                 QStringLiteral("45 s"));
        QCOMPARE(queues->index(orders, SqsQueueModel::RedriveColumn).data().toString(),
                 QStringLiteral("OrdersDlq after 3 receives"));
        QCOMPARE(queues->index(orders, SqsQueueModel::FunctionsColumn).data().toString(), QStringLiteral("Worker"));
        QCOMPARE(queues->index(payments, SqsQueueModel::TypeColumn).data().toString(), QStringLiteral("FIFO"));

        // Send through the dialog, as a user types it.
        sqs->selectQueue(QStringLiteral("Orders"));
        QVERIFY(sqs->sendButton()->isEnabled());
        bool ran = false;
        sqs->setDialogRunner([&ran](SqsSendDialog &dialog) {
            ran = true;
            QVERIFY(!dialog.groupIdEdit());
            dialog.bodyEdit()->setPlainText(QStringLiteral("{\"orderId\": 4242}"));
            dialog.attributesEdit()->setPlainText(QStringLiteral("{\"origin\": \"studio\"}"));
            QTest::mouseClick(dialog.sendButton(), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        });
        QTest::mouseClick(sqs->sendButton(), Qt::LeftButton);
        QVERIFY(ran);

        // The function ran with it, and the queue is empty afterwards.
        QTRY_VERIFY_WITH_TIMEOUT(
            testing::rowWithPayload(session.invocations(), QStringLiteral("Worker"), "orderId") >= 0, 60000);
        const InvocationRecord &record = session.invocations().record(
            testing::rowWithPayload(session.invocations(), QStringLiteral("Worker"), "orderId"));
        QVERIFY2(!record.failed(), record.payload.constData());
        const QJsonObject response = QJsonDocument::fromJson(record.payload).object();
        QCOMPARE(response.value(QStringLiteral("source")).toString(), QStringLiteral("aws:sqs"));
        QCOMPARE(response.value(QStringLiteral("bodies")).toArray().first().toString(),
                 QStringLiteral("{\"orderId\": 4242}"));
        QCOMPARE(response.value(QStringLiteral("attributes"))
                     .toObject()
                     .value(QStringLiteral("origin"))
                     .toObject()
                     .value(QStringLiteral("stringValue"))
                     .toString(),
                 QStringLiteral("studio"));
        QTRY_COMPARE_WITH_TIMEOUT(
            queues->index(queues->rowOf(QStringLiteral("Orders")), 0).data(SqsQueueModel::VisibleRole).toInt(), 0,
            20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            queues->index(queues->rowOf(QStringLiteral("Orders")), 0).data(SqsQueueModel::InFlightRole).toInt(), 0,
            20000);
        QTRY_COMPARE(sqs->messageModel()->rowCount(), 0);
        QTRY_VERIFY2(sqs->activityLabel()->text().contains(
                         QStringLiteral("Worker ← Orders: 1 message(s) processed and deleted")),
                     qPrintable(sqs->activityLabel()->text()));

        // FIFO without a group id: the queue's own words in the dialog, which stays open.
        sqs->selectQueue(QStringLiteral("Payments.fifo"));
        QString shownError;
        bool accepted = true;
        sqs->setDialogRunner([&](SqsSendDialog &dialog) {
            QVERIFY(dialog.groupIdEdit());
            dialog.bodyEdit()->setPlainText(QStringLiteral("{\"amount\": 10}"));
            dialog.deduplicationIdEdit()->setText(QStringLiteral("pay-1"));
            QTest::mouseClick(dialog.sendButton(), Qt::LeftButton);
            shownError = dialog.errorLabel()->text();
            accepted = dialog.result() == QDialog::Accepted;
            QVERIFY(!dialog.errorLabel()->isHidden());
            // Fixed in place, then accepted.
            dialog.groupIdEdit()->setText(QStringLiteral("customer-1"));
            QTest::mouseClick(dialog.sendButton(), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        });
        QTest::mouseClick(sqs->sendButton(), Qt::LeftButton);
        QCOMPARE(shownError, QStringLiteral("The request must contain the parameter MessageGroupId."));
        QVERIFY(!accepted);
        QTRY_COMPARE(sqs->messageModel()->rowCount(), 1);
        QCOMPARE(sqs->messageModel()->index(0, SqsMessageModel::GroupColumn).data().toString(),
                 QStringLiteral("customer-1"));
        QCOMPARE(
            queues->index(queues->rowOf(QStringLiteral("Payments.fifo")), 0).data(SqsQueueModel::VisibleRole).toInt(),
            1);

        // Purge asks; "no" keeps the message, "yes" removes it.
        QString asked;
        sqs->setConfirmation([&asked](const QString &question) {
            asked = question;
            return false;
        });
        QVERIFY(sqs->purgeButton()->isEnabled());
        QTest::mouseClick(sqs->purgeButton(), Qt::LeftButton);
        QVERIFY2(asked.contains(QStringLiteral("1 message(s) of Payments.fifo")), qPrintable(asked));
        QCOMPARE(sqs->messageModel()->rowCount(), 1);
        sqs->setConfirmation([](const QString &) { return true; });
        QTest::mouseClick(sqs->purgeButton(), Qt::LeftButton);
        QTRY_COMPARE(sqs->messageModel()->rowCount(), 0);
        QTRY_COMPARE(
            queues->index(queues->rowOf(QStringLiteral("Payments.fifo")), 0).data(SqsQueueModel::VisibleRole).toInt(),
            0);
        QTRY_VERIFY(!sqs->purgeButton()->isEnabled());
    }
};

QTEST_MAIN(TestSqsQueues)
#include "tst_sqsqueues.moc"
