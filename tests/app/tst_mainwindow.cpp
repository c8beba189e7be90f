// The main window built from the panel table: every panel present under its stable id, every action
// with its shortcut, the dock layout saved and restored (and a stale version ignored), and engine
// snapshots fed through the session reaching every panel.
#include "common/messagebar.h"
#include "common/settings.h"
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "environments/environmentmodel.h"
#include "environments/environmentpanel.h"
#include "invocations/invocationpanel.h"
#include "logs/logmodel.h"
#include "logs/logpanel.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/paneltable.h"
#include "memory/memorymodel.h"
#include "memory/memorypanel.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "projectbuilder.h"
#include "projecttree/projectpanel.h"
#include "projecttree/projecttreemodel.h"
#include "result/resultmodel.h"
#include "result/resultpanel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "snapshotfixtures.h"
#include "studiofixture.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinepanel.h"
#include "timeline/timelineview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTreeView>

using namespace fn;
using namespace fn::testing;
using namespace fn::test;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void panelsComeFromTheTable()
    {
        StudioFixture studio;
        MainWindow &window = studio.window();
        const auto table = panelTable();
        QVERIFY(table.size() >= 8);
        QSet<QString> ids;
        for (const PanelSpec &spec : table) {
            const QString id = QLatin1StringView(spec.id);
            QVERIFY2(!ids.contains(id), qPrintable(id));
            ids.insert(id);
            QDockWidget *dock = window.dock(id);
            QVERIFY2(dock, qPrintable(id));
            QCOMPARE(dock->objectName(), id);
            QVERIFY(dock->widget());
            QVERIFY(!dock->windowTitle().isEmpty());
            QAction *toggle = window.action(QStringLiteral("toggle_") + id);
            QVERIFY(toggle);
            QCOMPARE(toggle->shortcut(), QKeySequence(QString::fromLatin1(spec.shortcut)));
        }
        QVERIFY(window.panel<TimelinePanel>(QStringLiteral("timeline")));
        QVERIFY(window.panel<LogPanel>(QStringLiteral("logs")));
        QVERIFY(window.panel<MemoryPanel>(QStringLiteral("memory")));
        QVERIFY(window.panel<EnvironmentPanel>(QStringLiteral("environments")));
        QVERIFY(window.panel<ResultPanel>(QStringLiteral("result")));
        QVERIFY(window.panel<MetricsPanel>(QStringLiteral("metrics")));
        QVERIFY(window.panel<InvocationPanel>(QStringLiteral("invocations")));
        QVERIFY(window.panel<ProjectPanel>(QStringLiteral("project")));
        QCOMPARE(window.action(QStringLiteral("invoke"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Return")));
        QCOMPARE(window.action(QStringLiteral("save"))->shortcut(), QKeySequence(QKeySequence::Save));
        QCOMPARE(window.action(QStringLiteral("find"))->shortcut(), QKeySequence(QKeySequence::Find));
        for (QAction *a : window.allActions())
            QVERIFY2(!a->text().isEmpty(), qPrintable(a->objectName()));
    }

    void layoutRoundTrip()
    {
        StudioFixture studio;
        QByteArray saved;
        {
            const auto window = studio.newWindow();
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("result"))), Qt::RightDockWidgetArea);
            // Move the logs to the left and hide the metrics, as a user might.
            window->addDockWidget(Qt::LeftDockWidgetArea, window->dock(QStringLiteral("logs")));
            window->dock(QStringLiteral("metrics"))->hide();
            saved = window->saveLayout();
        }
        {
            const auto window = studio.newWindow();
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("logs"))), Qt::BottomDockWidgetArea);
            QVERIFY(window->restoreLayout(saved));
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("logs"))), Qt::LeftDockWidgetArea);
            QVERIFY(window->dock(QStringLiteral("metrics"))->isHidden());
            // A layout of another version (or garbage) is ignored and the default applies.
            QMainWindow scratch;
            QVERIFY(!window->restoreLayout(QByteArray("not a layout")));
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("logs"))), Qt::BottomDockWidgetArea);
            QVERIFY(!window->dock(QStringLiteral("metrics"))->isHidden());
            QVERIFY(window->restoreLayout(saved));
            QByteArray otherVersion;
            {
                const auto other = studio.newWindow();
                otherVersion = other->saveState(MainWindow::layoutVersion + 1);
            }
            QVERIFY(!window->restoreLayout(otherVersion));
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("logs"))), Qt::BottomDockWidgetArea);
        }
    }

    void layoutIsSavedOnClose()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("fnstudio-tests"));
        StudioFixture studio;
        {
            const auto window = studio.newWindow();
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            window->addDockWidget(Qt::TopDockWidgetArea, window->dock(QStringLiteral("memory")));
            QVERIFY(window->close());
        }
        const QByteArray saved = settings::get(settings::windowState);
        QVERIFY(!saved.isEmpty());
        MainWindow &window = studio.window();
        QVERIFY(window.restoreLayout(saved));
        QCOMPARE(window.dockWidgetArea(window.dock(QStringLiteral("memory"))), Qt::TopDockWidgetArea);
        settings::set(settings::windowState, QByteArray());
    }

    void shippedDefaultLayoutMatchesThisVersion()
    {
        // Bumping MainWindow::layoutVersion asks for resources/layouts/default.layout to be remade.
        QFile shipped(QStringLiteral(":/layouts/default.layout"));
        QVERIFY(shipped.open(QIODevice::ReadOnly));
        StudioFixture studio;
        MainWindow &window = studio.window();
        QVERIFY(window.restoreLayout(shipped.readAll()));
        for (const PanelSpec &spec : panelTable()) {
            QDockWidget *dock = window.dock(QLatin1StringView(spec.id));
            QVERIFY2(!dock->isFloating(), spec.id);
            QVERIFY2(window.dockWidgetArea(dock) != Qt::NoDockWidgetArea, spec.id);
        }
        QCOMPARE(window.dockWidgetArea(window.dock(QStringLiteral("timeline"))), Qt::BottomDockWidgetArea);
        QCOMPARE(window.dockWidgetArea(window.dock(QStringLiteral("project"))), Qt::LeftDockWidgetArea);
    }

    void defaultLayoutShowsEveryPanel()
    {
        // Each panel of the table is in the shipped default, docked, not closed, and either in
        // view or a tab; brought to the front, it has room to show its contents.
        QFile shipped(QStringLiteral(":/layouts/default.layout"));
        QVERIFY(shipped.open(QIODevice::ReadOnly));
        StudioFixture studio;
        MainWindow &window = studio.window();
        window.resize(1560, 960);
        QVERIFY(window.restoreLayout(shipped.readAll()));
        QVERIFY(studio.show());
        for (const PanelSpec &spec : panelTable()) {
            QDockWidget *dock = window.dock(QLatin1StringView(spec.id));
            QVERIFY2(!dock->isHidden(), spec.id);
            QVERIFY2(!dock->isFloating(), spec.id);
            QVERIFY2(window.dockWidgetArea(dock) != Qt::NoDockWidgetArea, spec.id);
            const bool tabbed = !window.tabifiedDockWidgets(dock).isEmpty();
            QVERIFY2(tabbed || !dock->visibleRegion().isEmpty(), spec.id);
        }
        for (const PanelSpec &spec : panelTable()) {
            QDockWidget *dock = window.dock(QLatin1StringView(spec.id));
            dock->raise();
            QTRY_VERIFY2(!dock->visibleRegion().isEmpty(), spec.id);
            QVERIFY2(dock->width() >= 240 && dock->height() >= 200, qPrintable(QStringLiteral("%1 is %2×%3")
                                                                                   .arg(QLatin1StringView(spec.id))
                                                                                   .arg(dock->width())
                                                                                   .arg(dock->height())));
        }
        // The event sources share the bottom group with the timeline, which is in front.
        const QList<QDockWidget *> bottom = window.tabifiedDockWidgets(window.dock(QStringLiteral("timeline")));
        QVERIFY(bottom.contains(window.dock(QStringLiteral("scheduler"))));
        QVERIFY(bottom.contains(window.dock(QStringLiteral("buckets"))));
        QVERIFY(bottom.contains(window.dock(QStringLiteral("queues"))));
    }

    void olderLayoutKeepsItsDocksAndPlacesNewOnes()
    {
        // The default shipped with layout version 3, before the Scheduler and Buckets docks: it
        // opens, and the two new docks go where the panel table puts them (tabs beside the timeline).
        QFile old(
            QDir(qEnvironmentVariable("FN_SOURCE_DIR")).filePath(QStringLiteral("tests/app/data/layout-v3.layout")));
        QVERIFY(old.open(QIODevice::ReadOnly));
        StudioFixture studio;
        {
            const auto window = studio.newWindow();
            window->resize(1560, 960);
            QVERIFY(window->restoreLayout(old.readAll()));
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
            QDockWidget *timeline = window->dock(QStringLiteral("timeline"));
            for (const char *id : {"scheduler", "buckets"}) {
                QDockWidget *dock = window->dock(QLatin1StringView(id));
                QVERIFY2(!dock->isHidden() && !dock->isFloating(), id);
                QVERIFY2(window->tabifiedDockWidgets(timeline).contains(dock), id);
            }
            QTRY_VERIFY(!timeline->visibleRegion().isEmpty());
            QCOMPARE(window->dockWidgetArea(window->dock(QStringLiteral("project"))), Qt::LeftDockWidgetArea);
        }
        // A user's own older layout keeps the user's arrangement: the logs moved left stay left.
        QByteArray olderState;
        {
            const auto window = studio.newWindow();
            window->addDockWidget(Qt::LeftDockWidgetArea, window->dock(QStringLiteral("logs")));
            for (const char *id : {"scheduler", "buckets"})
                window->removeDockWidget(window->dock(QLatin1StringView(id)));
            olderState = window->saveState(MainWindow::layoutVersion - 1);
        }
        MainWindow &window = studio.window();
        QVERIFY(window.restoreLayout(olderState));
        QCOMPARE(window.dockWidgetArea(window.dock(QStringLiteral("logs"))), Qt::LeftDockWidgetArea);
        QVERIFY(window.tabifiedDockWidgets(window.dock(QStringLiteral("timeline")))
                    .contains(window.dock(QStringLiteral("scheduler"))));
        QVERIFY(!window.dock(QStringLiteral("scheduler"))->isHidden());
    }

    void snapshotsReachEveryPanel()
    {
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        QAbstractItemModelTester tester(&session.timeline(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        const InvocationRecord cold = record(1, 1, true, 0, 25.5);
        const InvocationRecord warm = record(2, 1, false, 1000, 2.25);
        const InvocationRecord failed = record(3, 1, false, 2000, 4, InvocationOutcome::FunctionError);
        session.adoptEnvironment(environment(1, EnvironmentPhase::Busy, -300, 0));
        session.adoptEnvironment(environment(1, EnvironmentPhase::Frozen, -300, 1));
        for (const InvocationRecord &r : {cold, warm, failed}) {
            session.adoptLogs(invocationLogs(r, 1));
            session.adoptMemory(memory(1, r.startedAtMs - t0, 30));
            session.adoptMemory(memory(1, r.startedAtMs - t0 + 10, 40 + r.sequence));
            session.adoptInvocation(r);
        }
        QSignalSpy flushed(&session, &StudioSession::flushed);
        QVERIFY(flushed.wait(2000));

        // Timeline: one lane, three segments, the first cold.
        const TimelineModel &timeline = session.timeline();
        QCOMPARE(timeline.rowCount(), 1);
        QCOMPARE(timeline.lanes()[0].segments.size(), size_t(3));
        QVERIFY(timeline.lanes()[0].segments[0].has(TimelineSegment::Cold));
        QVERIFY(timeline.lanes()[0].segments[2].has(TimelineSegment::Failed));
        auto *timelinePanel = window.panel<TimelinePanel>(QStringLiteral("timeline"));
        timelinePanel->view()->repaint();
        QVERIFY(timelinePanel->view()->lastPaintCounts().first + timelinePanel->view()->lastPaintCounts().second >= 1);

        // Logs: 15 lines; errors only shows the failure.
        auto *logs = window.panel<LogPanel>(QStringLiteral("logs"));
        QCOMPARE(session.logs().rowCount(), 15);
        logs->levelCombo()->setCurrentIndex(1);
        QCOMPARE(session.logs().rowCount(), 1);
        logs->levelCombo()->setCurrentIndex(0);
        QCOMPARE(session.logs().rowCount(), 15);

        // Memory: the six samples plus each invocation's measured peak at its end, drawn.
        auto *memoryPanel = window.panel<MemoryPanel>(QStringLiteral("memory"));
        memoryPanel->refresh();
        QCOMPARE(memoryPanel->plottedPoints(environmentId(1)), 9);
        QCOMPARE(session.memory().series(0).peakBytes, qint64(43) << 20);

        // Environments and metrics.
        QCOMPARE(session.environments().rowCount(), 1);
        QCOMPARE(session.metrics().value(MetricsModel::InvocationsRow, MetricsModel::AllColumn), 3.0);
        QCOMPARE(session.metrics().value(MetricsModel::ErrorsRow, MetricsModel::WarmColumn), 1.0);
        QCOMPARE(session.metrics().value(MetricsModel::InitP50Row, MetricsModel::ColdColumn), 187.42);

        // Selecting a request anywhere shows it in the result panel and the timeline.
        auto *result = window.panel<ResultPanel>(QStringLiteral("result"));
        session.selection().select(failed.requestId);
        QCOMPARE(timelinePanel->view()->selectedRequest(), failed.requestId);
        QCOMPARE(result->badgeText(), QStringLiteral("WARM"));
        QVERIFY(result->errorText().contains(QStringLiteral("ValueError")));
        QVERIFY(result->errorText().contains(QStringLiteral("app.py")));
        QVERIFY(result->responseText().contains(QStringLiteral("\"errorMessage\": \"boom\"")));
        session.selection().select(cold.requestId);
        QCOMPARE(result->badgeText(), QStringLiteral("COLD"));
        QCOMPARE(result->model().value(QStringLiteral("Billed Duration")), QStringLiteral("26 ms"));
        QCOMPARE(result->model().value(QStringLiteral("Init Duration")), QStringLiteral("187.42 ms"));
        QCOMPARE(result->model().value(QStringLiteral("Max Memory Used")), QStringLiteral("39 MB"));
        QVERIFY(result->errorText().isEmpty());
        QVERIFY(result->responseText().contains(QStringLiteral("\"statusCode\": 200")));

        // Only this invocation's log lines.
        logs->selectedOnlyBox()->setChecked(true);
        QCOMPARE(session.logs().rowCount(), 5);
        QCOMPARE(session.logs().index(0, 0).data(LogModel::RequestIdRole).toString(), cold.requestId);
    }

    void projectTreeAndInvokeBar()
    {
        const ProjectBuilder hello = ProjectBuilder::fromExample(QStringLiteral("hello"));
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(hello.path());
        ProjectPanel *project = window.panel<ProjectPanel>(QStringLiteral("project"));
        QAbstractItemModelTester tester(&project->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QStringList names = [&] {
            QStringList out;
            for (int r = 0; r < project->model().rowCount(); ++r)
                out.append(project->model().index(r, 0).data().toString());
            return out;
        }();
        QVERIFY2(names.contains(QStringLiteral("HelloPython")), qPrintable(names.join(u',')));
        QVERIFY(names.contains(QStringLiteral("template.yaml")));
        QCOMPARE(window.invokeBar()->functionCombo()->count(), session.functions().size());
        QVERIFY(window.invokeBar()->eventCombo()->count() >= 2); // greeting + the empty event

        // The handler and the event were opened for reading.
        QVERIFY(window.editors()->count() >= 1);

        // An event made invalid in its open editor is refused, with the place of the error.
        window.invokeBar()->functionCombo()->setCurrentText(QStringLiteral("HelloPython"));
        const QString eventPath = window.invokeBar()->eventCombo()->itemData(0).toString();
        QVERIFY(!eventPath.isEmpty());
        window.invokeBar()->eventCombo()->setCurrentIndex(0);
        CodeEditor *editor = window.editors()->openFile(eventPath);
        QVERIFY(editor);
        editor->setText(QStringLiteral("{\n  \"name\": \"x\",\n}"));
        QString error;
        QVERIFY(!window.invokeBar()->currentRequest(&error));
        QVERIFY2(error.contains(QStringLiteral("3:1")), qPrintable(error));
        window.action(QStringLiteral("invoke"))->trigger();
        QVERIFY(window.messageBar()->isVisibleTo(&window));
        QVERIFY(window.messageBar()->text().contains(QStringLiteral("not JSON")));
        // Force cold start says what it does: for a burst, only its first invocation; not for events.
        InvokeBar *bar = window.invokeBar();
        bar->countSpin()->setValue(1);
        QCOMPARE(bar->forceColdBox()->text(), QStringLiteral("Force cold start"));
        bar->countSpin()->setValue(50);
        bar->concurrencySpin()->setValue(5);
        QCOMPARE(bar->forceColdBox()->text(), QStringLiteral("Force cold start (first of 50)"));
        QVERIFY2(bar->forceColdBox()->toolTip().contains(QStringLiteral("first invocation"))
                     && bar->forceColdBox()->toolTip().contains(QStringLiteral("at most 4 more")),
                 qPrintable(bar->forceColdBox()->toolTip()));
        bar->forceColdBox()->setChecked(true);
        bar->eventCombo()->setCurrentIndex(bar->eventCombo()->count() - 1); // {} (empty event)
        const std::optional<InvokeRequest> burst = bar->currentRequest(&error);
        QVERIFY(burst && burst->forceCold && burst->count == 50);
        bar->typeCombo()->setCurrentIndex(1); // Async (Event)
        QVERIFY(!bar->forceColdBox()->isEnabled());
        QVERIFY(bar->forceColdBox()->toolTip().contains(QStringLiteral("Not applied to Event invocations")));
        bar->typeCombo()->setCurrentIndex(0);
        bar->forceColdBox()->setChecked(false);
        bar->countSpin()->setValue(1);
        bar->concurrencySpin()->setValue(1);
        editor->setModified(false); // no save prompt on close
    }

    void brokenProjectIsReportedInTheWindow()
    {
        ProjectBuilder broken;
        broken.templateText("Resources:\n  Broken: [\n");
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(broken.path());
        QVERIFY(window.messageBar()->isVisibleTo(&window));
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("template.yaml")),
                 qPrintable(window.messageBar()->text()));

        // The template stays in the tree; fixing and saving it re-reads the project.
        ProjectPanel *project = window.panel<ProjectPanel>(QStringLiteral("project"));
        QCOMPARE(project->model().rowCount(), 1);
        CodeEditor *editor = window.editors()->openFile(broken.templatePath());
        QVERIFY(editor);
        editor->setText(QStringLiteral(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fixed:\n    Type: AWS::Serverless::Function\n"
            "    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: .\n"));
        QVERIFY(window.editors()->saveCurrent());
        QCOMPARE(session.functions().size(), 1);
        QCOMPARE(window.invokeBar()->functionCombo()->currentText(), QStringLiteral("Fixed"));
        QVERIFY(!window.messageBar()->isVisibleTo(&window));
    }
    void recentProjectsMostRecentFirst()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("fnstudio-tests"));
        settings::set(settings::recentProjects, QStringList{QStringLiteral("/no/such/fnstudio/folder")});
        ProjectBuilder first;
        ProjectBuilder second;
        for (ProjectBuilder *project : {&first, &second}) {
            project->function(QStringLiteral("Fn"))
                .runtime(QStringLiteral("python3.12"))
                .handler(QStringLiteral("app.handler"))
                .codeUri(QStringLiteral("."));
        }
        StudioFixture studio;
        MainWindow &window = studio.window();
        window.openProject(first.path());
        window.openProject(second.path());
        const QStringList expected{QFileInfo(second.path()).absoluteFilePath(),
                                   QFileInfo(first.path()).absoluteFilePath()};
        // The missing folder was dropped; the latest project comes first, in the settings and the menu.
        QCOMPARE(window.recentProjects(), expected);
        QCOMPARE(settings::get(settings::recentProjects), expected);
        const QList<QAction *> items = window.recentMenu()->actions();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0)->data().toString(), expected.at(0));
        QCOMPARE(items.at(1)->data().toString(), expected.at(1));

        // Reopening the first moves it to the top instead of listing it twice.
        items.at(1)->trigger();
        QTRY_COMPARE(window.recentProjects(), (QStringList{expected.at(1), expected.at(0)}));
        QCOMPARE(window.recentMenu()->actions().size(), 2);
        settings::set(settings::recentProjects, QStringList());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
