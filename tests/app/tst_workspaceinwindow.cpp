// The workspace seen through the window: a handler edited and saved in the studio's editor makes
// the next invocation cold on the new code (the timeline says why the old environment stopped),
// and a broken then mended template.yaml keeps the project usable throughout, its error marked at
// its line in the open tab and the banner gone once it is fixed.
#include "common/anatomyview.h"
#include "common/messagebar.h"
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "environments/environmentmodel.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "projectbuilder.h"
#include "result/resultmodel.h"
#include "result/resultpanel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

using namespace fn::test;

class TestWorkspaceInWindow final : public QObject
{
    Q_OBJECT

    ProjectBuilder m_project = ProjectBuilder::fromExample(QStringLiteral("hello"));

    void invokeAndWait(MainWindow &window, StudioSession &session, InvocationRecord *record)
    {
        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 60'000);
        *record = results.at(0).at(0).value<InvocationRecord>();
        QTRY_VERIFY(!session.isBusy());
    }

    // The studio shown on the example, HelloPython and its greeting event chosen.
    void openOnHelloPython(StudioFixture &studio)
    {
        QVERIFY(studio.show());
        studio.openProject(m_project.path());
        QVERIFY(studio.chooseTarget(QStringLiteral("HelloPython"), QStringLiteral("greeting")));
    }

private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void aColdStartBesideWarmOnesShowsWhereItsTimeWent()
    {
        // Nothing to set up: invoke three times, and the comparison is there.
        StudioFixture studio(StudioFixture::Engine::Started);
        openOnHelloPython(studio);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        InvocationRecord cold, warm1, warm2;
        invokeAndWait(window, session, &cold);
        invokeAndWait(window, session, &warm1);
        invokeAndWait(window, session, &warm2);
        QVERIFY(cold.coldStart && !warm1.coldStart && !warm2.coldStart);

        // The result panel: the waterfall of the invocation shown, its phases the REPORT's figures.
        auto *result = window.panel<ResultPanel>(QStringLiteral("result"));
        session.selection().select(cold.requestId);
        QVERIFY(result->anatomy()->isVisibleTo(result));
        QCOMPARE(result->anatomy()->rows().size(), 1);
        const Anatomy shown = result->anatomy()->rows().first().anatomy;
        QCOMPARE(shown.observedMs, cold.observedMs);
        QCOMPARE(shown.ms(Anatomy::Phase::Handler), cold.durationMs);                      // REPORT's Duration
        QVERIFY(qAbs(shown.coldMs() - cold.initDurationMs) <= 0.05 * cold.initDurationMs); // its Init Duration
        QVERIFY(cold.reportLine.contains(QStringLiteral("Init Duration: %1 ms").arg(cold.initDurationMs, 0, 'f', 2)));
        double sum = 0;
        for (const Anatomy::Part &part : shown.parts)
            sum += part.ms;
        QVERIFY(qAbs(sum - cold.observedMs) < 1e-6);
        QCOMPARE(result->model().value(QStringLiteral("Observed")), shown.sum());

        // Metrics: the median cold and warm side by side on one scale, and how much faster warm is.
        auto *metrics = window.panel<MetricsPanel>(QStringLiteral("metrics"));
        QTRY_COMPARE(metrics->comparison()->rows().size(), 4);
        QCOMPARE(metrics->comparison()->rows().at(0).label, QStringLiteral("cold p50"));
        QCOMPARE(metrics->comparison()->rows().at(2).label, QStringLiteral("warm p50"));
        // (kept as float there: 100,000 invocations in 2.4 MB)
        QCOMPARE(float(metrics->comparison()->rows().at(0).anatomy.observedMs), float(cold.observedMs));
        const double warmMedian = std::min(warm1.observedMs, warm2.observedMs); // nearest rank of two: the lower
        QCOMPARE(float(metrics->comparison()->rows().at(2).anatomy.observedMs), float(warmMedian));
        const QString headline = metrics->headline();
        QVERIFY2(headline.contains(QStringLiteral("Cold ")) && headline.contains(QStringLiteral(" sandbox + "))
                     && headline.contains(QStringLiteral("× faster")),
                 qPrintable(headline));
        QCOMPARE(session.metrics().value(MetricsModel::ObservedP50Row, MetricsModel::ColdColumn), cold.observedMs);
    }

    void aHandlerSavedInTheEditorRunsColdOnTheNewCode()
    {
        const QString handler = m_project.filePath(QStringLiteral("python/app.py"));
        StudioFixture studio(StudioFixture::Engine::Started);
        openOnHelloPython(studio);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();

        InvocationRecord first, second, edited;
        invokeAndWait(window, session, &first);
        QVERIFY2(first.payload.contains("Hello, Ada!"), first.payload.constData());
        invokeAndWait(window, session, &second);
        QVERIFY(!second.coldStart);

        // Edit and save with the editor's own Save (Ctrl+S), then invoke.
        CodeEditor *editor = window.editors()->openFile(handler);
        QVERIFY(editor);
        editor->setText(editor->text().replace(QStringLiteral("f\"{os.environ.get('GREETING', 'Hello')}, {name}!\""),
                                               QStringLiteral("f\"Hello, {name}! (v2)\"")));
        QVERIFY(editor->text().contains(QStringLiteral("(v2)")));
        QVERIFY(window.editors()->saveCurrent());
        invokeAndWait(window, session, &edited);
        QVERIFY2(edited.payload.contains("Hello, Ada! (v2)"), edited.payload.constData());
        QVERIFY(edited.coldStart);
        QVERIFY(edited.environmentId != first.environmentId);

        // The old environment's lane ends with the reason.
        EnvironmentModel &environments = session.environments();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int row = 0; row < environments.rowCount(); ++row) {
                    const EnvironmentState &s = environments.state(row);
                    if (s.environmentId == first.environmentId)
                        return s.phase == EnvironmentPhase::Stopped && s.stopReason == QLatin1String("code changed");
                }
                return false;
            }(),
            5000);
        window.editors()->clear();
    }

    void aBrokenThenMendedTemplateKeepsTheProjectUsable()
    {
        const QString templatePath = m_project.filePath(QStringLiteral("template.yaml"));
        StudioFixture studio(StudioFixture::Engine::Started);
        QVERIFY(studio.show());
        studio.openProject(m_project.path());
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        InvokeBar *bar = window.invokeBar();
        QCOMPARE(bar->functionCombo()->count(), 2);

        CodeEditor *tab = window.editors()->openFile(templatePath);
        QVERIFY(tab);
        const QString good = tab->text();
        // Break line 25 (the HelloPython function's Runtime) with an unclosed flow sequence.
        QStringList lines = good.split(u'\n');
        const int broken = int(lines.indexOf(QStringLiteral("      Runtime: python3.12"))) + 1;
        QVERIFY(broken > 0);
        lines[broken - 1] = QStringLiteral("      Runtime: [python3.12");
        tab->setText(lines.join(u'\n'));
        QVERIFY(window.editors()->saveCurrent());

        // Still the last good project: both functions there, invoking works.
        QCOMPARE(session.functions().size(), 2);
        QCOMPARE(bar->functionCombo()->count(), 2);
        QVERIFY(window.messageBar()->isVisible());
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("template.yaml")),
                 qPrintable(window.messageBar()->text()));
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("last good")),
                 qPrintable(window.messageBar()->text()));
        QVERIFY(!tab->problemLines().isEmpty());
        QVERIFY2(
            std::abs(tab->problemLines().constFirst() - broken) <= 2,
            qPrintable(QStringLiteral("marked at %1, broken at %2").arg(tab->problemLines().constFirst()).arg(broken)));
        QVERIFY(studio.chooseTarget(QStringLiteral("HelloPython"), QStringLiteral("greeting")));
        InvocationRecord record;
        invokeAndWait(window, session, &record);
        QVERIFY2(record.payload.contains("Ada"), record.payload.constData());

        // Mended: the marks and the banner go.
        tab->setText(good);
        QVERIFY(window.editors()->saveCurrent());
        QVERIFY(tab->problemLines().isEmpty());
        QVERIFY(!window.messageBar()->isVisible());
        QCOMPARE(session.functions().size(), 2);

        // Broken by another editor: the watch re-reads it, and the window says so all the same.
        window.editors()->clear();
        QFile file(templatePath);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(lines.join(u'\n').toUtf8());
        file.close();
        QTRY_VERIFY_WITH_TIMEOUT(window.messageBar()->isVisible(), 10000);
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("last good")),
                 qPrintable(window.messageBar()->text()));
        QCOMPARE(session.functions().size(), 2);
    }
};

QTEST_MAIN(TestWorkspaceInWindow)
#include "tst_workspaceinwindow.moc"
