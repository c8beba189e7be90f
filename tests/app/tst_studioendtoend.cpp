// End to end through the real engine: open the hello example, invoke HelloPython cold and then warm
// through the window's own actions, and check what each panel shows.
#include "editor/editorarea.h"
#include "engine/engine.h"
#include "environments/environmentmodel.h"
#include "invocations/invocationmodel.h"
#include "logs/logmodel.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "memory/memorymodel.h"
#include "memory/memorypanel.h"
#include "projectbuilder.h"
#include "result/resultmodel.h"
#include "result/resultpanel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinepanel.h"
#include "timeline/timelineview.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>

using namespace fn;
using namespace fn::test;

class TestStudioEndToEnd final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void coldThenWarm()
    {
        const ProjectBuilder hello = ProjectBuilder::fromExample(QStringLiteral("hello"));
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        QVERIFY(session.hasEngine());
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(hello.path());
        InvokeBar *bar = window.invokeBar();
        bar->functionCombo()->setCurrentIndex(bar->functionCombo()->findText(QStringLiteral("HelloPython")));
        const int greeting = bar->eventCombo()->findText(QStringLiteral("greeting"));
        QVERIFY(greeting >= 0);
        bar->eventCombo()->setCurrentIndex(greeting);

        // The function picked has its first cold start's sandbox made already, unseen.
        const auto spareOf = [&session] {
            for (const QStringList &s : session.engine()->spareSandboxes())
                if (s.value(0) == QLatin1String("HelloPython"))
                    return s.value(2);
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!spareOf().isEmpty(), 10'000);
        const QString spare = spareOf();
        QCOMPARE(session.environments().rowCount(), 0);

        QSignalSpy idle(&session, &StudioSession::busyChanged);
        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("forceCold"))->setChecked(true);
        QVERIFY(bar->forceColdBox()->isChecked());
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 60'000);
        const InvocationRecord cold = results.at(0).at(0).value<InvocationRecord>();
        QVERIFY2(cold.outcome == InvocationOutcome::Success,
                 qPrintable(cold.errorType + QStringLiteral(": ") + cold.errorMessage));
        QVERIFY(cold.coldStart);
        QVERIFY(cold.initDurationMs > 0);
        QCOMPARE(cold.environmentId, spare); // it took the sandbox made ahead
        QVERIFY(cold.phases.sandboxMadeAheadMs > 0);

        window.action(QStringLiteral("forceCold"))->setChecked(false);
        QTRY_VERIFY(!session.isBusy());
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 2, 30'000);
        const InvocationRecord warm = results.at(1).at(0).value<InvocationRecord>();
        QCOMPARE(warm.outcome, InvocationOutcome::Success);
        QVERIFY(!warm.coldStart);
        QCOMPARE(warm.environmentId, cold.environmentId); // the same environment, reused warm
        QVERIFY(warm.payload.contains("Hello, Ada!"));
        QVERIFY(warm.payload.contains("\"invocationsInThisEnvironment\": 2"));

        // Invocations list and timeline: one lane, a cold segment with init, then a warm one.
        QCOMPARE(session.invocations().rowCount(), 2);
        const TimelineModel &timeline = session.timeline();
        QCOMPARE(timeline.rowCount(), 1);
        const TimelineLane &lane = timeline.lanes()[0];
        QCOMPARE(lane.environmentId, cold.environmentId);
        QCOMPARE(lane.segments.size(), size_t(2));
        QVERIFY(lane.segments[0].has(TimelineSegment::Cold));
        QVERIFY(lane.segments[0].initMs > 0);
        QVERIFY(!lane.segments[1].has(TimelineSegment::Cold));
        QCOMPARE(lane.segments[1].initMs, 0.f);
        QVERIFY(lane.segments[1].startMs >= lane.segments[0].endMs() - 1);
        auto *timelineView = window.panel<TimelinePanel>(QStringLiteral("timeline"))->view();
        timelineView->repaint();
        const auto painted = timelineView->lastPaintCounts();
        QVERIFY(painted.first + painted.second >= 1);

        // Logs, as Lambda writes them: INIT_START once, START/END/REPORT for each request.
        LogModel &logs = session.logs();
        auto count = [&](const QString &prefix, const QString &requestId) {
            int n = 0;
            for (qsizetype i = 0; i < logs.lineCount(); ++i) {
                if (logs.lineText(i).startsWith(prefix)
                    && (requestId.isEmpty() || logs.lineText(i).contains(requestId)))
                    ++n;
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("REPORT RequestId: ") + warm.requestId, {}), 1, 10'000);
        QCOMPARE(count(QStringLiteral("INIT_START"), {}), 1);
        for (const InvocationRecord &r : {cold, warm}) {
            QCOMPARE(count(QStringLiteral("START RequestId: ") + r.requestId, {}), 1);
            QCOMPARE(count(QStringLiteral("END RequestId: ") + r.requestId, {}), 1);
            QCOMPARE(count(QStringLiteral("REPORT RequestId: ") + r.requestId, {}), 1);
        }
        QCOMPARE(count(QStringLiteral("REPORT RequestId: ") + cold.requestId, {}), 1);
        QVERIFY(count(QStringLiteral("REPORT"), QStringLiteral("Init Duration")) == 1); // only the cold one
        QVERIFY(count(QStringLiteral("greeting Ada"), {}) >= 2);
        QCOMPARE(logs.lineGroup(0), QStringLiteral("/aws/lambda/HelloPython"));
        QVERIFY(logs.lineStream(0).endsWith(cold.environmentId));

        // Memory: a series for the environment, against its 128 MB limit.
        const MemoryModel &memory = session.memory();
        const int row = memory.rowOf(cold.environmentId);
        QVERIFY(row >= 0);
        QVERIFY(memory.series(row).points.size() >= 2);
        QCOMPARE(memory.series(row).limitBytes, 128ll << 20);
        QVERIFY(memory.series(row).peakBytes > 0);
        window.panel<MemoryPanel>(QStringLiteral("memory"))->refresh();
        QVERIFY(window.panel<MemoryPanel>(QStringLiteral("memory"))->plottedPoints(cold.environmentId) >= 2);

        // Environments: alive, with both invocations counted.
        QTRY_VERIFY(session.environments().rowOf(cold.environmentId) >= 0);
        const EnvironmentState &env = session.environments().state(session.environments().rowOf(cold.environmentId));
        QVERIFY(env.phase != EnvironmentPhase::Stopped);
        QVERIFY(!env.isolation.isEmpty());

        // Result: the warm response, pretty-printed, and the REPORT figures as fields.
        auto *result = window.panel<ResultPanel>(QStringLiteral("result"));
        QCOMPARE(result->badgeText(), QStringLiteral("WARM"));
        QVERIFY(result->responseText().contains(QStringLiteral("\"message\": \"Hello, Ada!\"")));
        QCOMPARE(result->model().value(QStringLiteral("Request ID")), warm.requestId);
        QCOMPARE(result->model().value(QStringLiteral("Memory Size")), QStringLiteral("128 MB"));
        QVERIFY(result->model().value(QStringLiteral("Billed Duration")).endsWith(QStringLiteral(" ms")));
        QVERIFY(result->errorText().isEmpty());
        QVERIFY(warm.reportLine.startsWith(QStringLiteral("REPORT RequestId: ") + warm.requestId));

        // Selecting the cold one in the timeline's model shows it in the result panel.
        session.selection().select(cold.requestId);
        QCOMPARE(result->badgeText(), QStringLiteral("COLD"));
        QVERIFY(!result->model().value(QStringLiteral("Init Duration")).isEmpty());
        window.editors()->clear(); // nothing modified; no prompts
    }

    void burstWithProgressAndCancel()
    {
        const ProjectBuilder hello = ProjectBuilder::fromExample(QStringLiteral("hello"));
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(hello.path());
        InvokeBar *bar = window.invokeBar();
        QVERIFY(studio.chooseTarget(QStringLiteral("HelloPython")));

        // 6 invocations, 2 at a time: progress reaches 6 of 6, and two environments serve them.
        QSignalSpy progress(&session, &StudioSession::burstProgress);
        QSignalSpy results(&session, &StudioSession::resultArrived);
        bar->countSpin()->setValue(6);
        bar->concurrencySpin()->setValue(2);
        window.action(QStringLiteral("invoke"))->trigger();
        QVERIFY(session.isBusy());
        // The bar appears at 0 of 6 (not at the last burst's count), and ends at 6 of 6.
        QVERIFY(!bar->progressBar()->isHidden());
        QCOMPARE(bar->progressBar()->maximum(), 6);
        QCOMPARE(bar->progressBar()->value(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 60'000);
        QCOMPARE(results.size(), 6);
        QCOMPARE(progress.last().at(0).toInt(), 6);
        QCOMPARE(progress.last().at(1).toInt(), 6);
        QCOMPARE(bar->progressBar()->value(), 6);
        QVERIFY(bar->progressBar()->isHidden());
        QSet<QString> environments;
        for (const auto &args : std::as_const(results)) {
            const InvocationRecord r = args.at(0).value<InvocationRecord>();
            QCOMPARE(r.outcome, InvocationOutcome::Success);
            environments.insert(r.environmentId);
        }
        QCOMPARE(environments.size(), 2);
        QCOMPARE(session.timeline().rowCount(), 2);

        // A long burst cancelled after its first results stops starting new invocations.
        results.clear();
        bar->countSpin()->setValue(500);
        bar->concurrencySpin()->setValue(1);
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(results.size() >= 2, 30'000);
        window.action(QStringLiteral("cancel"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!session.isBusy(), 30'000);
        QVERIFY(results.size() < 500);
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Cancelled")));
        bar->countSpin()->setValue(1);
    }
};

QTEST_MAIN(TestStudioEndToEnd)
#include "tst_studioendtoend.moc"
