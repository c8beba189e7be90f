// The import profile in the studio: its model (checked with QAbstractItemModelTester, flat and
// nested), and Run → Profile Init through the real engine on the hello example.
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "result/importprofiledialog.h"
#include "result/importprofilemodel.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Lines = "import time: fnstudio: handler init begins\n"
                         "import time:       476 |        476 |       _json\n"
                         "import time:       432 |        908 |     json.scanner\n"
                         "import time:      2788 |       3696 |   json.decoder\n"
                         "import time:       419 |        419 |   json.encoder\n"
                         "import time:       361 |       4476 | json\n"
                         "import time:       604 |       5080 | app\n"
                         "import time: fnstudio: handler init ends\n";

} // namespace

class TestImportProfileWindow final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void modelIsFlatOrNested()
    {
        ImportProfileModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNested(false);
        model.setProfile(ImportProfile::parse(Lines));
        QCOMPARE(model.rowCount(), 6); // flat: every module a row
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);
        model.setNested(true);
        QCOMPARE(model.rowCount(), 2); // json, app
        const QModelIndex json = model.index(0, ImportProfileModel::ModuleColumn);
        QCOMPARE(json.data().toString(), QStringLiteral("json"));
        QCOMPARE(model.rowCount(json), 2);
        const QModelIndex decoder = model.index(0, 0, json);
        QCOMPARE(decoder.data().toString(), QStringLiteral("json.decoder"));
        QCOMPARE(decoder.parent(), json);
        QCOMPARE(model.index(0, ImportProfileModel::CumulativeColumn).data().toString(), QStringLiteral("4.48"));
        QCOMPARE(model.index(0, ImportProfileModel::SelfColumn).data(ImportProfileModel::SortRole).toLongLong(),
                 qlonglong(361));
        model.setNested(false);
        QCOMPARE(model.rowCount(), 6);
    }

    void runProfileInitShowsTheSortedTableAndSizes()
    {
        const ProjectBuilder hello = ProjectBuilder::fromExample(QStringLiteral("hello"));
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(hello.path());
        InvokeBar *bar = window.invokeBar();
        bar->functionCombo()->setCurrentIndex(bar->functionCombo()->findText(QStringLiteral("HelloPython")));

        QSignalSpy arrived(&session, &StudioSession::importProfileArrived);
        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("profileInit"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(arrived.size(), 1, 60'000);
        ImportProfileDialog *dialog = window.importProfileDialog();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY2(dialog->headline().contains(QStringLiteral("HelloPython")), qPrintable(dialog->headline()));

        // Sorted by cumulative time, the handler module (which holds every other) comes first.
        QTreeView *view = dialog->view();
        QVERIFY(view->model()->rowCount() >= 2);
        QCOMPARE(view->model()->index(0, ImportProfileModel::ModuleColumn).data().toString(), QStringLiteral("app"));
        QStringList modules;
        for (int row = 0; row < view->model()->rowCount(); ++row)
            modules << view->model()->index(row, ImportProfileModel::ModuleColumn).data().toString();
        QVERIFY2(modules.contains(QStringLiteral("json")), qPrintable(modules.join(u',')));
        auto *sizes = dialog->findChild<QTreeWidget *>(QStringLiteral("packageSizes"));
        QVERIFY(sizes);
        QCOMPARE(sizes->topLevelItem(0)->text(0), QStringLiteral("function"));
        QVERIFY(sizes->topLevelItem(0)->text(1).endsWith(QLatin1String("B")));
    }
};

QTEST_MAIN(TestImportProfileWindow)
#include "tst_importprofilewindow.moc"
