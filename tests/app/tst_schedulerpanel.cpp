// The Scheduler panel as a user meets it: the model under QAbstractItemModelTester, the add form's
// live preview and its message pointing at the wrong field, the empty state and the missed-fires
// note, and a schedule added from the panel that is written into template.yaml, fires on the
// studio's clock into the real Python runtime and shows its request id and result.
#include "clock/clock.h"
#include "common/messagebar.h"
#include "engine/engine.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "scheduler/scheduleform.h"
#include "scheduler/schedulemodel.h"
#include "scheduler/schedulerpanel.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "timeline/timelinemodel.h"
#include "triggers/scheduler.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Template = "AWSTemplateFormatVersion: '2010-09-09'\n"
                            "Transform: AWS::Serverless-2016-10-31\n"
                            "Resources:\n"
                            "  Echo:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12\n"
                            "      Handler: app.handler # says hello\n"
                            "      CodeUri: src/\n"
                            "      Timeout: 5\n";

// The template as given (the schedule tests compare it byte for byte), and a handler that says
// what scheduled event it was given.
ProjectBuilder echoProject()
{
    ProjectBuilder project;
    project.templateText(Template).file(
        QStringLiteral("src/app.py"),
        "def handler(event, context):\n"
        "    return {'source': event.get('source'), 'detail-type': event.get('detail-type')}\n");
    return project;
}

ScheduleState state(const QString &event, const QString &expression, bool enabled = true)
{
    ScheduleState s;
    s.id = QStringLiteral("Echo/") + event;
    s.functionName = QStringLiteral("Echo");
    s.eventId = event;
    s.type = QStringLiteral("Schedule");
    s.ruleName = QStringLiteral("Echo") + event;
    s.expression = expression;
    s.enabled = enabled;
    s.nextFires = {QDateTime::fromString(QStringLiteral("2026-01-05T09:00:00Z"), Qt::ISODate)};
    return s;
}

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
}

} // namespace

class TestSchedulerPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void modelAdoptsSnapshots()
    {
        ScheduleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.resetData({state(QStringLiteral("Nightly"), QStringLiteral("cron(0 9 * * ? *)"))});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, ScheduleModel::ExpressionColumn).data().toString(),
                 QStringLiteral("cron(0 9 * * ? *)"));
        QCOMPARE(model.index(0, ScheduleModel::NextFireColumn).data().toString(),
                 QStringLiteral("2026-01-05 09:00:00Z"));
        QCOMPARE(model.index(0, ScheduleModel::LastFireColumn).data().toString(), QStringLiteral("never"));
        QCOMPARE(model.index(0, ScheduleModel::EnabledColumn).data().toString(), QStringLiteral("enabled"));

        ScheduleState fired = state(QStringLiteral("Nightly"), QStringLiteral("cron(0 9 * * ? *)"));
        fired.lastFire = utc("2026-01-05T09:00:00Z");
        fired.lastRequestId = QStringLiteral("5d1a-request");
        fired.lastResult = QStringLiteral("RetriesExhausted");
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.update(fired);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, ScheduleModel::LastFireColumn).data().toString(),
                 QStringLiteral("2026-01-05 09:00:00Z"));
        QCOMPARE(model.index(0, ScheduleModel::ResultColumn).data().toString(),
                 QStringLiteral("Failed: RetriesExhausted"));
        QCOMPARE(model.index(0, ScheduleModel::RequestColumn).data().toString(), QStringLiteral("5d1a-request"));

        model.update(state(QStringLiteral("Hourly"), QStringLiteral("rate(1 hour)"), false));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, ScheduleModel::EnabledColumn).data().toString(), QStringLiteral("disabled"));
        QCOMPARE(model.index(1, ScheduleModel::NextFireColumn).data().toString(), QStringLiteral("— (disabled)"));
        QCOMPARE(model.rowOf(QStringLiteral("Echo/Hourly")), 1);

        ScheduleState broken = state(QStringLiteral("Broken"), QStringLiteral("cron(0 25 * * ? *)"));
        broken.error = QStringLiteral("cron(0 25 * * ? *): field 2 (hours): 25 is outside 0–23");
        model.resetData({broken});
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.index(0, ScheduleModel::NextFireColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("field 2 (hours)")));
        model.resetData({});
        QCOMPARE(model.rowCount(), 0);
    }

    void formPreviewsAndPointsAtTheField()
    {
        ScheduleForm form;
        form.setNow([] { return utc("2026-01-05T08:30:00Z"); }); // a Monday
        form.setFunctions({QStringLiteral("Echo")});
        form.nameEdit()->setText(QStringLiteral("Weekdays"));
        form.expressionEdit()->setText(QStringLiteral("cron(0 9 ? * MON-FRI *)"));
        QCOMPARE(form.previewTimes().size(), ScheduleForm::PreviewCount);
        QCOMPARE(form.previewTimes().first(), utc("2026-01-05T09:00:00Z"));
        QCOMPARE(form.previewTimes().last(), utc("2026-01-09T09:00:00Z"));
        QVERIFY(form.previewLabel()->text().startsWith(QStringLiteral("2026-01-05 09:00:00Z\n2026-01-06 09:00:00Z")));
        QVERIFY(form.problem().isEmpty());
        QVERIFY(form.addButton()->isEnabled());

        // Typing on: the preview follows each keystroke; a wrong field is named and marked.
        form.expressionEdit()->setText(QStringLiteral("cron(0 25 * * ? *)"));
        QVERIFY(form.previewTimes().isEmpty());
        QVERIFY2(form.problem().startsWith(QStringLiteral("cron(0 25 * * ? *): field 2 (hours): 25")),
                 qPrintable(form.problem()));
        QVERIFY(form.problemLabel()->text().contains(QStringLiteral("<u><span style=\"color:#c00000\">25</span></u>")));
        QVERIFY(!form.addButton()->isEnabled());
        QCOMPARE(ScheduleForm::markedExpression(QStringLiteral("cron(0 9 ? * MON-FRI 1999)"),
                                                QStringLiteral("cron(…): field 6 (year): 1999 is outside 1970–2199")),
                 QStringLiteral("cron(0 9 ? * MON-FRI <b><u><span style=\"color:#c00000\">1999</span></u></b>)"));

        form.expressionEdit()->setText(QStringLiteral("rate(5 minute)"));
        QVERIFY(form.problem().contains(QStringLiteral("plural unit")));
        form.expressionEdit()->setText(QStringLiteral("rate(5 minutes)"));
        QCOMPARE(form.previewTimes().first(), utc("2026-01-05T08:35:00Z"));

        form.setNameCheck([](const QString &, const QString &name) {
            return name == QLatin1String("Taken") ? QStringLiteral("Echo already has an event named Taken") : QString();
        });
        form.nameEdit()->setText(QStringLiteral("Taken"));
        QCOMPARE(form.problem(), QStringLiteral("Echo already has an event named Taken"));
        QVERIFY(!form.addButton()->isEnabled());
    }

    void emptyProjectSaysSoWithTheNote()
    {
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        auto *panel = window.panel<SchedulerPanel>(QStringLiteral("scheduler"));
        QVERIFY(panel);
        QTRY_VERIFY(panel->emptyLabel()->text().contains(QStringLiteral("no schedules")));
        QCOMPARE(panel->findChild<QStackedWidget *>()->currentWidget(), panel->emptyLabel());
        QCOMPARE(panel->noteLabel()->text(), Scheduler::missedFiresNote());
        QVERIFY(panel->addButton()->isEnabled());
    }

    void chosenClockSpeedSurvivesAReload()
    {
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        auto *panel = window.panel<SchedulerPanel>(QStringLiteral("scheduler"));
        QTRY_VERIFY(panel->addButton()->isEnabled());
        QVERIFY(panel->speedCombo()->isEnabled());
        const int index = panel->speedCombo()->findData(1440.0);
        QVERIFY(index >= 0);
        panel->speedCombo()->setCurrentIndex(index);
        Q_EMIT panel->speedCombo()->activated(index);
        QCOMPARE(session.engine()->clock()->speed(), 1440.0);
        // Adding a schedule re-reads the project (and its settings.json); the class's speed stays.
        QVERIFY(
            panel->addSchedule(QStringLiteral("Echo"), QStringLiteral("Hourly"), QStringLiteral("rate(1 hour)"), true));
        QTRY_COMPARE(panel->model()->rowCount(), 1);
        QCOMPARE(session.engine()->clock()->speed(), 1440.0);
        session.engine()->clock()->setReal();
    }

    void addedScheduleIsWrittenAndFiresOnTheStudioClock()
    {
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        // A manual clock stands in for the accelerated one: the test steps a day's minutes itself.
        const auto clock = session.engine()->clock();
        clock->setManual(
            QDateTime::fromString(QStringLiteral("2026-01-05T08:30:00Z"), Qt::ISODate).toMSecsSinceEpoch());
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        auto *panel = window.panel<SchedulerPanel>(QStringLiteral("scheduler"));
        QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(panel->addButton()->isEnabled());

        panel->addButton()->click();
        QVERIFY(panel->form()->isVisible());
        QCOMPARE(panel->form()->functionCombo()->currentText(), QStringLiteral("Echo"));
        QCOMPARE(panel->form()->nameEdit()->text(), QStringLiteral("Schedule"));
        panel->form()->nameEdit()->setText(QStringLiteral("Every5"));
        panel->form()->expressionEdit()->setText(QStringLiteral("rate(5 minutes)"));
        QCOMPARE(panel->form()->previewTimes().first(), utc("2026-01-05T08:35:00Z"));
        panel->form()->addButton()->click();

        // Exactly the event's lines were added to template.yaml.
        QCOMPARE(readFile(project.templatePath()), Template
                                                       + "      Events:\n"
                                                         "        Every5:\n"
                                                         "          Type: Schedule\n"
                                                         "          Properties:\n"
                                                         "            Schedule: rate(5 minutes)\n");
        QVERIFY(!panel->form()->isVisible());
        QTRY_COMPARE(panel->model()->rowCount(), 1);
        QCOMPARE(panel->findChild<QStackedWidget *>()->currentWidget(), panel->view());
        QCOMPARE(panel->selectedId(), QStringLiteral("Echo/Every5"));
        QCOMPARE(panel->model()->schedule(0).nextFires.first(), utc("2026-01-05T08:35:00Z"));

        // Five minutes pass on the studio's clock: the schedule fires into the function.
        clock->advance(5 * 60'000);
        QTRY_COMPARE(panel->model()->schedule(0).lastFire, utc("2026-01-05T08:35:00Z"));
        const QString requestId = panel->model()->schedule(0).lastRequestId;
        QVERIFY(!requestId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->index(0, ScheduleModel::ResultColumn).data().toString(),
                                  QStringLiteral("Success"), 60'000);
        QCOMPARE(panel->model()->index(0, ScheduleModel::RequestColumn).data().toString(), requestId);
        QCOMPARE(panel->model()->schedule(0).nextFires.first(), utc("2026-01-05T08:40:00Z"));
        QTRY_VERIFY(session.timeline().find(requestId).first >= 0);

        // Disabled, it no longer fires on time; Fire Now still fires it once.
        panel->selectSchedule(QStringLiteral("Echo/Every5"));
        QVERIFY(panel->disableButton()->isEnabled());
        panel->disableButton()->click();
        QCOMPARE(panel->model()->index(0, ScheduleModel::EnabledColumn).data().toString(), QStringLiteral("disabled"));
        QVERIFY(panel->enableButton()->isEnabled());
        clock->advance(10 * 60'000);
        QTest::qWait(50);
        QCOMPARE(panel->model()->schedule(0).fireCount, 1);
        panel->fireButton()->click();
        QTRY_COMPARE(panel->model()->schedule(0).fireCount, 2);
        QVERIFY(panel->model()->schedule(0).lastRequestId != requestId);
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->index(0, ScheduleModel::ResultColumn).data().toString(),
                                  QStringLiteral("Success"), 60'000);

        // Editing the expression: previewed as typed, then changed in template.yaml in place.
        panel->enableButton()->click();
        QVERIFY(panel->editButton()->isEnabled());
        panel->editButton()->click();
        QVERIFY(panel->form()->isVisible() && panel->form()->isEditing());
        QCOMPARE(panel->form()->expressionEdit()->text(), QStringLiteral("rate(5 minutes)"));
        QVERIFY(panel->form()->nameEdit()->isReadOnly());
        panel->form()->expressionEdit()->setText(QStringLiteral("cron(0 9 ? * MON-FRI)"));
        QVERIFY(!panel->form()->problem().isEmpty());
        QVERIFY(!panel->form()->addButton()->isEnabled());
        panel->form()->expressionEdit()->setText(QStringLiteral("cron(0 9 ? * MON-FRI *)"));
        QCOMPARE(panel->form()->previewTimes().first(),
                 utc("2026-01-05T09:00:00Z")); // the clock is at 08:45 on a Monday
        panel->form()->addButton()->click();
        QCOMPARE(readFile(project.templatePath()), Template
                                                       + "      Events:\n"
                                                         "        Every5:\n"
                                                         "          Type: Schedule\n"
                                                         "          Properties:\n"
                                                         "            Schedule: cron(0 9 ? * MON-FRI *)\n");
        QTRY_COMPARE(panel->model()->schedule(0).expression, QStringLiteral("cron(0 9 ? * MON-FRI *)"));
        QCOMPARE(panel->model()->schedule(0).nextFires.first(), utc("2026-01-05T09:00:00Z"));
        QCOMPARE(panel->model()->schedule(0).fireCount, 2); // what it did so far stays
    }
};

QTEST_MAIN(TestSchedulerPanel)
#include "tst_schedulerpanel.moc"
