// Invoking runs what the user sees: the function's edited, unsaved handler is saved first, and a
// handler that cannot be saved stops the invocation with the reason in the window.
#include "common/messagebar.h"
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAction>
#include <QComboBox>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

bool chattr(const QString &flag, const QString &path)
{
    QProcess p;
    p.start(QStringLiteral("chattr"), {flag, path});
    return p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestInvokeSaves final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void invokingSavesTheFunctionsFiles()
    {
        const ProjectBuilder project = ProjectBuilder::fromExample(QStringLiteral("hello"));
        const QString handler = project.filePath(QStringLiteral("python/app.py"));
        const QString otherFile = project.filePath(QStringLiteral("node/index.mjs"));
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        QVERIFY(studio.chooseTarget(QStringLiteral("HelloPython"), QStringLiteral("greeting")));

        // Edited in the editor, not saved; another function's file is edited too.
        CodeEditor *editor = window.editors()->openFile(handler);
        QVERIFY(editor);
        editor->setText(editor->text()
                            .replace(QStringLiteral("'Hello'"), QStringLiteral("'Howdy'"))
                            .replace(QStringLiteral("os.environ.get('GREETING', 'Howdy')"), QStringLiteral("'Howdy'")));
        QVERIFY(editor->isModified());
        CodeEditor *other = window.editors()->openFile(otherFile);
        other->setText(other->text() + QStringLiteral("\n// not saved\n"));

        QSignalSpy results(&session, &StudioSession::resultArrived);
        window.action(QStringLiteral("invoke"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 60'000);
        const InvocationRecord record = results.at(0).at(0).value<InvocationRecord>();
        QVERIFY2(record.payload.contains("Howdy, Ada!"), record.payload.constData());
        QVERIFY(readFile(handler).contains("'Howdy'"));
        QVERIFY(!editor->isModified());
        QVERIFY(other->isModified()); // only the invoked function's files
        QVERIFY(!readFile(otherFile).contains("not saved"));

        // A handler that cannot be saved: said in the window, nothing runs.
        if (!chattr(QStringLiteral("+i"), handler))
            QSKIP("chattr +i is not available here (needs root and a file system that supports it)");
        editor->setText(editor->text() + QStringLiteral("\n# one more edit\n"));
        QTRY_VERIFY(!session.isBusy());
        window.action(QStringLiteral("invoke"))->trigger();
        QTest::qWait(500);
        chattr(QStringLiteral("-i"), handler);
        QCOMPARE(results.size(), 1);
        QVERIFY(editor->isModified());
        QVERIFY2(window.messageBar()->text().contains(QStringLiteral("app.py")),
                 qPrintable(window.messageBar()->text()));
        window.editors()->clear();
    }
};

QTEST_MAIN(TestInvokeSaves)
#include "tst_invokesaves.moc"
