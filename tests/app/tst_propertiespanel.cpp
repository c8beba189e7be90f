// The Properties dock as a person uses it: pick a function, change its memory or variables, Apply,
// and find template.yaml changed on those lines only and the project re-read with the new values.
#include "common/messagebar.h"
#include "engine/executionenvironment.h"
#include "mainwindow/mainwindow.h"
#include "project/project.h"
#include "projectbuilder.h"
#include "properties/environmentvariablemodel.h"
#include "properties/propertiespanel.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Template = "# two functions\n"
                            "Transform: AWS::Serverless-2016-10-31\n"
                            "Resources:\n"
                            "  Hello:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n"
                            "      MemorySize: 128 # small\n"
                            "      Environment:\n"
                            "        Variables:\n"
                            "          GREETING: hello\n"
                            "  Other:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n";

// The template as given, beside the code folder it names.
ProjectBuilder makeProject(const QByteArray &text = Template)
{
    ProjectBuilder project;
    project.templateText(text).file(QStringLiteral("src/app.py"), "def handler(event, context):\n    return event\n");
    return project;
}

std::optional<FunctionConfig> function(const StudioSession &session, const QString &name)
{
    for (const FunctionConfig &f : session.functions()) {
        if (f.name == name)
            return f;
    }
    return std::nullopt;
}

} // namespace

class TestPropertiesPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void editMemoryAndApply()
    {
        const ProjectBuilder project = makeProject();
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(project.path()));
        auto *panel = window.panel<PropertiesPanel>(QStringLiteral("properties"));
        QVERIFY(panel);
        QAbstractItemModelTester tester(&panel->variables(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        session.chooseTarget(QStringLiteral("Hello"), {});
        QCOMPARE(panel->functionCombo()->currentText(), QStringLiteral("Hello"));
        QCOMPARE(panel->memorySpin()->value(), 128);
        QCOMPARE(panel->variables().rowCount(), 1);
        QVERIFY(!panel->applyButton()->isEnabled());

        panel->memorySpin()->setValue(1024);
        QVERIFY(panel->applyButton()->isEnabled());
        const FunctionConfig before = *function(session, QStringLiteral("Hello"));
        QSignalSpy reloaded(&session, &StudioSession::projectChanged);
        panel->applyButton()->click();

        QCOMPARE(reloaded.count(), 1);
        QByteArray expected = Template;
        expected.replace("MemorySize: 128 # small", "MemorySize: 1024 # small");
        QCOMPARE(readFile(project.templatePath()), expected);
        QCOMPARE(function(session, QStringLiteral("Hello"))->memoryMb, 1024);
        // The engine reuses only environments of the same configuration: the next call is cold.
        QVERIFY(ExecutionEnvironment::makeFingerprint(before)
                != ExecutionEnvironment::makeFingerprint(*function(session, QStringLiteral("Hello"))));
        // The panel shows the function as re-read, with nothing left to apply.
        QCOMPARE(panel->functionCombo()->currentText(), QStringLiteral("Hello"));
        QCOMPARE(panel->memorySpin()->value(), 1024);
        QVERIFY(!panel->applyButton()->isEnabled());
    }

    void editVariablesAndConcurrency()
    {
        const ProjectBuilder project = makeProject();
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(project.path()));
        auto *panel = window.panel<PropertiesPanel>(QStringLiteral("properties"));
        session.chooseTarget(QStringLiteral("Other"), {});
        QCOMPARE(panel->reservedSpin()->specialValueText(), panel->reservedSpin()->text());

        EnvironmentVariableModel &vars = panel->variables();
        const int row = vars.addVariable();
        QVERIFY(vars.setData(vars.index(row, EnvironmentVariableModel::NameColumn), QStringLiteral("TABLE")));
        QVERIFY(vars.setData(vars.index(row, EnvironmentVariableModel::ValueColumn), QStringLiteral("orders")));
        panel->reservedSpin()->setValue(4);
        QVERIFY(panel->apply());

        const auto other = function(session, QStringLiteral("Other"));
        QCOMPARE(other->reservedConcurrency, std::optional<int>(4));
        QCOMPARE(other->environment,
                 (QList<QPair<QString, QString>>{{QStringLiteral("TABLE"), QStringLiteral("orders")}}));
        QVERIFY(readFile(project.templatePath()).startsWith(Template));

        // A refused value is said in the window's message bar and nothing is written.
        const QByteArray before = readFile(project.templatePath());
        session.chooseTarget(QStringLiteral("Hello"), {});
        EnvironmentVariableModel &hello = panel->variables();
        const int bad = hello.addVariable();
        QVERIFY(hello.setData(hello.index(bad, EnvironmentVariableModel::NameColumn), QStringLiteral("AWS_REGION")));
        QVERIFY(!panel->apply());
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("AWS_REGION")),
                 qPrintable(window.messageBar()->text()));
        QCOMPARE(readFile(project.templatePath()), before);
    }

    void variableFromGlobalsIsReportedNotRemoved()
    {
        QByteArray text = Template;
        text.replace("Resources:\n",
                     "Globals:\n  Function:\n    Environment:\n      Variables:\n        STAGE: dev\nResources:\n");
        const ProjectBuilder project = makeProject(text);
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(project.path()));
        auto *panel = window.panel<PropertiesPanel>(QStringLiteral("properties"));
        session.chooseTarget(QStringLiteral("Other"), {});
        QCOMPARE(panel->variables().rowCount(), 1);
        QVERIFY(panel->variables().removeRow(0));
        QVERIFY(panel->apply());
        QCOMPARE(readFile(project.templatePath()), text);
        QVERIFY2(window.messageBar()->history().join(u'\n').contains(QStringLiteral("comes from Globals")),
                 qPrintable(window.messageBar()->history().join(u'\n')));
    }
};

QTEST_MAIN(TestPropertiesPanel)
#include "tst_propertiespanel.moc"
