// File → New Function… end to end: the dialog adds a Python, a Node.js and a provided function to a
// copy of the example project; each appears in the tree and the invoke bar with its handler open, and
// invoking it through the window runs the template's handler for real and fills the Result panel.
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "project/project.h"
#include "projectbuilder.h"
#include "projecttree/newfunctiondialog.h"
#include "projecttree/projectpanel.h"
#include "projecttree/projecttreemodel.h"
#include "result/resultpanel.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>

using namespace fn;
using namespace fn::test;

namespace {

bool treeHasFunction(const ProjectTreeModel &model, const QString &name)
{
    QList<QModelIndex> pending{QModelIndex()};
    while (!pending.isEmpty()) {
        const QModelIndex parent = pending.takeLast();
        for (int row = 0; row < model.rowCount(parent); ++row) {
            const QModelIndex i = model.index(row, 0, parent);
            if (ProjectTreeModel::Kind(i.data(ProjectTreeModel::KindRole).toInt()) == ProjectTreeModel::Kind::Function
                && i.data(ProjectTreeModel::FunctionRole).toString() == name)
                return true;
            pending.append(i);
        }
    }
    return false;
}

} // namespace

class TestNewFunction final : public QObject
{
    Q_OBJECT
private:
    ProjectBuilder m_project;

    // Opens File → New Function…, lets fill() drive the dialog, and returns what fill() returned.
    template <typename Fill> bool runDialog(MainWindow &window, Fill fill)
    {
        bool result = false;
        bool ran = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = window.findChild<NewFunctionDialog *>();
            if (!dialog)
                return;
            ran = true;
            result = fill(dialog);
            if (dialog->isVisible())
                dialog->reject();
        });
        window.action(QStringLiteral("newFunction"))->trigger();
        return ran && result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        StudioFixture::initTestCase();
        m_project = ProjectBuilder::fromExample(QStringLiteral("hello"));
    }

    void addAndInvokeEachRuntime_data()
    {
        QTest::addColumn<QString>("plugin");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("handlerFile");
        QTest::addColumn<QString>("expected");
        QTest::newRow("python") << QStringLiteral("python") << QStringLiteral("NewPython") << QStringLiteral("app.py")
                                << QStringLiteral("hello from NewPython");
        QTest::newRow("nodejs") << QStringLiteral("nodejs") << QStringLiteral("NewNode") << QStringLiteral("index.mjs")
                                << QStringLiteral("hello from NewNode");
        QTest::newRow("provided") << QStringLiteral("provided") << QStringLiteral("NewCustom")
                                  << QStringLiteral("bootstrap") << QStringLiteral("hello from NewCustom");
    }

    void addAndInvokeEachRuntime()
    {
        QFETCH(QString, plugin);
        QFETCH(QString, name);
        QFETCH(QString, handlerFile);
        QFETCH(QString, expected);

        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        QVERIFY(session.hasEngine());
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(m_project.path());
        const QByteArray before = readFile(m_project.filePath(QStringLiteral("template.yaml")));

        QString runtime;
        QString problem;
        const bool created = runDialog(window, [&](NewFunctionDialog *dialog) {
            // The runtime the dialog offers first for this plugin (the host's version, provided.al2023).
            for (int i = 0; i < dialog->runtimeCombo()->count(); ++i) {
                const QString r = dialog->runtimeCombo()->itemText(i);
                if (r.startsWith(plugin == QLatin1String("python") ? QStringLiteral("python3.") : plugin)) {
                    runtime = r;
                    break;
                }
            }
            if (runtime.isEmpty() || !dialog->setRuntime(runtime))
                return false;
            dialog->nameEdit()->setText(name);
            dialog->memoryBox()->setValue(256);
            dialog->timeoutBox()->setValue(10);
            problem = dialog->problemLabel()->text();
            if (!dialog->createButton()->isEnabled())
                return false;
            dialog->createButton()->click();
            return true;
        });
        QVERIFY2(created, qPrintable(QStringLiteral("runtime '%1', problem '%2'").arg(runtime, problem)));
        if (plugin == QLatin1String("provided"))
            QCOMPARE(runtime, QStringLiteral("provided.al2023"));

        // The template gained the function and kept everything it had before it.
        const QByteArray after = readFile(m_project.filePath(QStringLiteral("template.yaml")));
        QVERIFY(after.startsWith(before));
        QVERIFY(after.contains(QByteArray("  " + name.toUtf8() + ":\n    Type: AWS::Serverless::Function\n")));
        QVERIFY(after.contains(QByteArray("      Runtime: " + runtime.toUtf8() + "\n")));

        // Loaded: in the tree, picked in the invoke bar with its sample event, its handler open.
        const auto config = session.project().function(name);
        QVERIFY2(config, qPrintable(session.project().errors().isEmpty() ? QString()
                                                                         : session.project().errors().first().message));
        QCOMPARE(config->memoryMb, 256);
        QCOMPARE(config->timeoutSec, 10);
        auto *tree = window.panel<ProjectPanel>(QStringLiteral("project"));
        QVERIFY(treeHasFunction(tree->model(), name));
        InvokeBar *bar = window.invokeBar();
        QCOMPARE(bar->functionCombo()->currentText(), name);
        QCOMPARE(bar->eventCombo()->currentData().toString(),
                 m_project.filePath(QStringLiteral("events/%1/event.json").arg(name)));
        const QString handlerPath = m_project.filePath(QStringLiteral("%1/%2").arg(name, handlerFile));
        QVERIFY(window.editors()->currentEditor());
        QCOMPARE(window.editors()->currentEditor()->filePath(), handlerPath);

        // Invoked through the window: the template's handler runs and the Result panel shows it.
        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 60'000);
        const InvocationRecord record = results.at(0).at(0).value<InvocationRecord>();
        QVERIFY2(record.outcome == InvocationOutcome::Success,
                 qPrintable(record.errorType + QStringLiteral(": ") + record.errorMessage));
        QCOMPARE(record.functionName, name);
        QVERIFY(record.coldStart);
        QVERIFY2(record.payload.contains(expected.toUtf8()), record.payload.constData());
        auto *result = window.panel<ResultPanel>(QStringLiteral("result"));
        QTRY_VERIFY(result->responseText().contains(expected));
        QCOMPARE(result->badgeText(), QStringLiteral("COLD"));
        QVERIFY(result->errorText().isEmpty());
    }

    void refusalsAreShownInTheDialog()
    {
        StudioFixture studio;
        MainWindow &window = studio.window();
        studio.openProject(m_project.path());
        const QByteArray before = readFile(m_project.filePath(QStringLiteral("template.yaml")));
        QDir(m_project.path()).mkpath(QStringLiteral("Leftover"));
        QStringList shown;
        const bool refused = runDialog(window, [&](NewFunctionDialog *dialog) {
            bool ok = true;
            for (const QString &name :
                 {QStringLiteral("HelloPython"), QStringLiteral("bad-name"), QStringLiteral("Leftover")}) {
                dialog->nameEdit()->setText(name);
                shown.append(dialog->problemLabel()->text());
                ok = ok && !dialog->createButton()->isEnabled() && !dialog->create();
            }
            return ok;
        });
        QVERIFY(refused);
        QVERIFY2(shown.at(0).contains(QStringLiteral("already has 'HelloPython'")), qPrintable(shown.at(0)));
        QVERIFY2(shown.at(1).contains(QStringLiteral("letters and digits only")), qPrintable(shown.at(1)));
        QVERIFY2(shown.at(2).contains(QStringLiteral("folder Leftover already exists")), qPrintable(shown.at(2)));
        QCOMPARE(readFile(m_project.filePath(QStringLiteral("template.yaml"))), before);
    }
};

QTEST_MAIN(TestNewFunction)
#include "tst_newfunction.moc"
