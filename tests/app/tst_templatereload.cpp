// An open template.yaml tab after the Properties panel or the Scheduler panel rewrote the file:
// unmodified, it shows the new text at once; with unsaved edits, the user is asked, and neither the
// edits nor the file is lost unless the user says so.
#include "common/messagebar.h"
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "properties/propertiespanel.h"
#include "scheduler/schedulerpanel.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QComboBox>
#include <QFileInfo>
#include <QSpinBox>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Template = "Transform: AWS::Serverless-2016-10-31\n"
                            "Resources:\n"
                            "  Hello:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n"
                            "      MemorySize: 128 # small\n";

} // namespace

class TestTemplateReload final : public QObject
{
    Q_OBJECT
private:
    ProjectBuilder m_project; // one project: the second test edits what the first applied

private Q_SLOTS:
    void initTestCase()
    {
        StudioFixture::initTestCase();
        m_project.templateText(Template).file(QStringLiteral("src/app.py"),
                                              "def handler(event, context):\n    return event\n");
    }

    void openTabFollowsAppliedProperties()
    {
        const QString templatePath = m_project.templatePath();
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(m_project.path()));
        auto *panel = window.panel<PropertiesPanel>(QStringLiteral("properties"));
        session.chooseTarget(QStringLiteral("Hello"), {});
        CodeEditor *tab = window.editors()->openFile(templatePath);
        QVERIFY(tab);
        tab->setCursorPosition(6, 3);

        // Unmodified tab: it shows what Apply wrote, and stays unmodified.
        panel->memorySpin()->setValue(512);
        QVERIFY(panel->apply());
        QVERIFY(readFile(templatePath).contains("MemorySize: 512 # small"));
        QCOMPARE(tab->text().toUtf8(), readFile(templatePath));
        QVERIFY(!tab->isModified());

        // Unsaved edits, and the user keeps them: the tab keeps its text, the file has the apply,
        // and the window says that saving the tab would replace the new file.
        int asked = 0;
        window.editors()->setReloadConfirmation([&](const QString &path, const QString &why) {
            ++asked;
            [&] {
                QCOMPARE(path, QFileInfo(templatePath).absoluteFilePath());
                QVERIFY2(why.contains(QStringLiteral("Hello")), qPrintable(why));
            }();
            return false;
        });
        const QString edited = tab->text() + QStringLiteral("# my note\n");
        tab->setText(edited);
        QVERIFY(tab->isModified());
        panel->memorySpin()->setValue(1024);
        QVERIFY(panel->apply());
        QCOMPARE(asked, 1);
        QCOMPARE(tab->text(), edited);
        QVERIFY(tab->isModified());
        QVERIFY(readFile(templatePath).contains("MemorySize: 1024 # small"));
        QVERIFY(!readFile(templatePath).contains("# my note"));
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("template.yaml changed on disk")),
                 qPrintable(window.messageBar()->text()));

        // The user chooses to reload: the tab shows the file, unmodified.
        window.editors()->setReloadConfirmation([&](const QString &, const QString &) {
            ++asked;
            return true;
        });
        panel->memorySpin()->setValue(256);
        QVERIFY(panel->apply());
        QCOMPARE(asked, 2);
        QVERIFY(readFile(templatePath).contains("MemorySize: 256 # small"));
        QCOMPARE(tab->text().toUtf8(), readFile(templatePath));
        QVERIFY(!tab->isModified());
    }

    void openTabFollowsScheduleEdits()
    {
        const QString templatePath = m_project.templatePath();
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(m_project.path()));
        auto *panel = window.panel<SchedulerPanel>(QStringLiteral("scheduler"));
        CodeEditor *tab = window.editors()->openFile(templatePath);
        QVERIFY(tab);
        int asked = 0;
        QString askedWhy;
        bool reload = false;
        window.editors()->setReloadConfirmation([&](const QString &, const QString &why) {
            ++asked;
            askedWhy = why;
            return reload;
        });

        // Unmodified tab: Add Schedule's lines appear in it at once, nobody is asked.
        QVERIFY(panel->addSchedule(QStringLiteral("Hello"), QStringLiteral("Nightly"),
                                   QStringLiteral("cron(0 2 * * ? *)"), true));
        QVERIFY(readFile(templatePath).contains("Schedule: cron(0 2 * * ? *)"));
        QCOMPARE(tab->text().toUtf8(), readFile(templatePath));
        QVERIFY(!tab->isModified());
        QCOMPARE(asked, 0);

        // Unsaved edits kept: the tab keeps them, the file has the new expression, the window says so.
        const QString edited = tab->text() + QStringLiteral("# my schedule note\n");
        tab->setText(edited);
        QVERIFY(
            panel->editSchedule(QStringLiteral("Hello"), QStringLiteral("Nightly"), QStringLiteral("rate(2 hours)")));
        QCOMPARE(asked, 1);
        QVERIFY2(askedWhy.contains(QStringLiteral("Nightly")), qPrintable(askedWhy));
        QCOMPARE(tab->text(), edited);
        QVERIFY(tab->isModified());
        QVERIFY(readFile(templatePath).contains("Schedule: rate(2 hours)"));
        QVERIFY(!readFile(templatePath).contains("# my schedule note"));
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("template.yaml changed on disk")),
                 qPrintable(window.messageBar()->text()));

        // The user chooses to reload: the tab shows the file, unmodified.
        reload = true;
        QVERIFY(
            panel->editSchedule(QStringLiteral("Hello"), QStringLiteral("Nightly"), QStringLiteral("rate(3 hours)")));
        QCOMPARE(asked, 2);
        QVERIFY(readFile(templatePath).contains("Schedule: rate(3 hours)"));
        QCOMPARE(tab->text().toUtf8(), readFile(templatePath));
        QVERIFY(!tab->isModified());
    }
};

QTEST_MAIN(TestTemplateReload)
#include "tst_templatereload.moc"
