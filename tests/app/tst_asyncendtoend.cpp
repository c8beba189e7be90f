// Event invocations from the window through the project's durable async queue and the real Python
// runtime: the record arrives asynchronous and the queue empties; events left by an earlier run are
// recovered and announced; a foreign database is refused with a message, never a crash.
#include "common/messagebar.h"
#include "engine/asyncqueue.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "queues/queuemessagemodel.h"
#include "queues/queuemodel.h"
#include "queues/queuespanel.h"
#include "session/studiosession.h"
#include "store/store.h"
#include "studiofixture.h"
#include "timeline/timelinemodel.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using namespace fn;
using namespace fn::test;

namespace {

// A project with one Python function that echoes who it greets.
ProjectBuilder echoProject()
{
    ProjectBuilder project;
    project.function(QStringLiteral("Echo"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 5\n")
        .code(QStringLiteral("app.py"), "def handler(event, context):\n"
                                        "    return {'hello': event.get('name', 'nobody')}\n")
        .event(QStringLiteral("ada"), "{\"name\": \"Ada\"}\n");
    return project;
}

int pendingAsync(AsyncQueue *queue)
{
    int n = 0;
    for (const QueueSummary &q : queue->queues())
        n += q.kind == QStringLiteral("async") ? q.count : 0;
    return n;
}

} // namespace

class TestAsyncEndToEnd final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void eventInvocationThroughTheQueue()
    {
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        QVERIFY(session.workspace().queue());
        QVERIFY(QFile::exists(Store::defaultPath(project.path())));

        InvokeBar *bar = window.invokeBar();
        QVERIFY(studio.chooseTarget(QStringLiteral("Echo"), QStringLiteral("ada")));
        bar->typeCombo()->setCurrentIndex(bar->typeCombo()->findData(true));
        QSignalSpy accepted(&session, &StudioSession::asyncAccepted);
        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("invoke"))->trigger();
        QCOMPARE(accepted.size(), 1); // 202 at once, before anything ran
        const QString requestId = accepted.at(0).at(1).toString();
        QVERIFY(!requestId.isEmpty());
        QVERIFY(!session.isBusy());

        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 60'000);
        const InvocationRecord r = results.at(0).at(0).value<InvocationRecord>();
        QVERIFY2(r.outcome == InvocationOutcome::Success,
                 qPrintable(r.errorType + QStringLiteral(": ") + r.errorMessage));
        QVERIFY(r.asynchronous);
        QCOMPARE(r.requestId, requestId);
        QCOMPARE(r.attempt, 1);
        QVERIFY(r.payload.contains("Ada"));
        QTRY_COMPARE_WITH_TIMEOUT(pendingAsync(session.workspace().queue()), 0, 10'000);
        QTRY_VERIFY(session.timeline().find(requestId).first >= 0);
    }

    void recoveredEventsAreAnnounced()
    {
        const ProjectBuilder project = echoProject();
        {
            // What a run killed mid-delivery leaves in the store: an accepted event, in flight.
            Store store;
            QString problem;
            QVERIFY2(store.open(Store::defaultPath(project.path()), &problem), qPrintable(problem));
            StoredEvent event;
            event.requestId = QStringLiteral("0b6f1c2e-5d1a-4f7e-9a51-3c2a8e7d4f10");
            event.functionName = QStringLiteral("Echo");
            event.payload = "{\"name\": \"Grace\"}";
            event.acceptedMs = QDateTime::currentMSecsSinceEpoch();
            event.nextAttemptMs = event.acceptedMs;
            event.inFlight = true;
            QVERIFY(store.putEvent(event));
        }
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QSignalSpy results(&session, &StudioSession::resultArrived);
        QSignalSpy recovered(&session, &StudioSession::eventsRecovered);
        studio.openProject(project.path());
        QVERIFY2(session.workspace().queue() != nullptr, qPrintable(window.messageBar()->history().join(u'\n')));
        QCOMPARE(recovered.size(), 1);
        QCOMPARE(recovered.at(0).at(0).toInt(), 1);
        QVERIFY(window.messageBar()->isVisibleTo(&window));
        QCOMPARE(window.messageBar()->text(), QStringLiteral("Recovered 1 accepted event"));
        QTRY_COMPARE_WITH_TIMEOUT(pendingAsync(session.workspace().queue()), 0, 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const InvocationRecord &r : session.timeline().records())
                    if (r.asynchronous && r.payload.contains("Grace"))
                        return true;
                return false;
            }(),
            10'000);
    }

    void queuesPanelBrowsesRedrivesAndPurges()
    {
        const ProjectBuilder project = echoProject();
        {
            // Dead letters of Echo and a destination record left by an earlier run.
            Store store;
            QString problem;
            QVERIFY2(store.open(Store::defaultPath(project.path()), &problem), qPrintable(problem));
            for (int i = 0; i < 2; ++i)
                QVERIFY(store.appendMessage({0, QStringLiteral("ghost-dlq"), QStringLiteral("dlq"),
                                             QStringLiteral("Echo"), QStringLiteral("dead-%1").arg(i), "{\"n\":1}",
                                             "{\"ErrorCode\":\"200\"}", 1000 + i}));
            QVERIFY(store.appendMessage({0, QStringLiteral("on-failure"), QStringLiteral("destination"),
                                         QStringLiteral("Ghost"), QStringLiteral("failed-1"), "{\"version\":\"1.0\"}",
                                         "{}", 2000}));
        }
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        auto *panel = window.panel<QueuesPanel>(QStringLiteral("queues"));
        QVERIFY(panel);
        QCOMPARE(window.dock(QStringLiteral("queues"))->objectName(), QStringLiteral("queues"));
        QAbstractItemModelTester queuesTester(panel->queueModel(),
                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester messagesTester(panel->messageModel(),
                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel->refresh();
        QueueModel *queues = panel->queueModel();
        QTRY_VERIFY_WITH_TIMEOUT(queues->rowOf(QStringLiteral("dlq"), QStringLiteral("ghost-dlq")) >= 0, 10'000);
        const int dlq = queues->rowOf(QStringLiteral("dlq"), QStringLiteral("ghost-dlq"));
        QVERIFY(dlq >= 0);
        QCOMPARE(queues->queue(dlq).count, 2);
        QVERIFY(queues->rowOf(QStringLiteral("destination"), QStringLiteral("on-failure")) >= 0);

        panel->selectQueue(QStringLiteral("dlq"), QStringLiteral("ghost-dlq"));
        QTRY_COMPARE(panel->messageModel()->rowCount(), 2);
        QTRY_VERIFY(panel->bodyView()->toPlainText().contains(QStringLiteral("\"n\": 1"))); // pretty JSON
        QVERIFY(panel->redriveButton()->isEnabled());
        panel->redriveButton()->click();
        panel->refresh();
        QTRY_COMPARE(queues->rowOf(QStringLiteral("dlq"), QStringLiteral("ghost-dlq")), -1);
        // Re-driven messages are new events of Echo: delivered, and the async queue empties.
        QTRY_COMPARE_WITH_TIMEOUT(pendingAsync(session.workspace().queue()), 0, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(queues->rowOf(QStringLiteral("async"), QStringLiteral("Echo")), -1, 5'000);

        // Purge asks first; "no" keeps the messages.
        QStringList questions;
        bool answer = false;
        panel->setConfirmation([&](const QString &q) {
            questions.append(q);
            return answer;
        });
        panel->selectQueue(QStringLiteral("destination"), QStringLiteral("on-failure"));
        panel->purgeButton()->click();
        QCOMPARE(questions.size(), 1);
        QVERIFY(questions.at(0).contains(QStringLiteral("on-failure")));
        panel->refresh();
        QVERIFY(queues->rowOf(QStringLiteral("destination"), QStringLiteral("on-failure")) >= 0);
        answer = true;
        panel->selectQueue(QStringLiteral("destination"), QStringLiteral("on-failure"));
        panel->purgeButton()->click();
        panel->refresh();
        QTRY_COMPARE(queues->rowOf(QStringLiteral("destination"), QStringLiteral("on-failure")), -1);
    }

    void foreignDatabaseIsRefused()
    {
        const ProjectBuilder project = echoProject();
        QVERIFY(writeFile(Store::defaultPath(project.path()),
                          QByteArray("this is not a database, and it is not ours\n").repeated(50)));
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        QVERIFY(!session.workspace().queue());
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("fnstudio.db")),
                 qPrintable(window.messageBar()->text()));
        // The file is left as it was, and an Event invocation says why it cannot run.
        QFile db(Store::defaultPath(project.path()));
        QVERIFY(db.open(QIODevice::ReadOnly));
        QVERIFY(db.readAll().startsWith("this is not a database"));
        InvokeBar *bar = window.invokeBar();
        bar->typeCombo()->setCurrentIndex(bar->typeCombo()->findData(true));
        QSignalSpy accepted(&session, &StudioSession::asyncAccepted);
        window.action(QStringLiteral("invoke"))->trigger();
        QCOMPARE(accepted.size(), 0);
        QVERIFY(window.messageBar()->text().contains(QStringLiteral("store")));
    }
};

QTEST_MAIN(TestAsyncEndToEnd)
#include "tst_asyncendtoend.moc"
