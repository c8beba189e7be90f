// The support library's project builder as the tests rely on it: what it writes opens as a project
// with the functions, code and events it was told, a given template is written byte for byte, and
// an example is copied without a studio's leftover state.
#include "projectbuilder.h"

#include "project/project.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

using namespace fn;
using namespace fn::test;

class TestProjectBuilder final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void builtProjectOpensWithWhatItWasTold()
    {
        ProjectBuilder project;
        project.resource(QStringLiteral("Inbox"), "Type: AWS::S3::Bucket\n")
            .function(QStringLiteral("Echo"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("Timeout: 5\nEnvironment:\n  Variables:\n    COLOR: blue\n")
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return event\n")
            .event(QStringLiteral("ada"), "{\"name\": \"Ada\"}\n")
            .function(QStringLiteral("Root"))
            .runtime(QStringLiteral("nodejs20.x"))
            .handler(QStringLiteral("index.handler"))
            .codeUri(QStringLiteral("."));
        QCOMPARE(readFile(project.templatePath()), project.templateText());

        Project p;
        QVERIFY2(p.open(project.path()), qPrintable(toStrings(p.errors()).join(u'\n')));
        QCOMPARE(p.functions().size(), 2);
        const FunctionConfig echo = *p.function(QStringLiteral("Echo"));
        QCOMPARE(echo.runtime, QStringLiteral("python3.12"));
        QCOMPARE(echo.handler, QStringLiteral("app.handler"));
        QCOMPARE(echo.timeoutSec, 5);
        QCOMPARE(echo.environment, (QList<QPair<QString, QString>>{{QStringLiteral("COLOR"), QStringLiteral("blue")}}));
        QCOMPARE(QFileInfo(echo.codeDir).canonicalFilePath(),
                 QFileInfo(project.filePath(QStringLiteral("src"))).canonicalFilePath());
        QVERIFY(QFileInfo::exists(project.filePath(QStringLiteral("src/app.py"))));
        QCOMPARE(p.eventFiles(QStringLiteral("Echo")).size(), 1);
        QCOMPARE(readFile(p.eventFiles(QStringLiteral("Echo")).first()), QByteArray("{\"name\": \"Ada\"}\n"));
        const FunctionConfig root = *p.function(QStringLiteral("Root"));
        QCOMPARE(QFileInfo(root.codeDir).canonicalFilePath(), QFileInfo(project.path()).canonicalFilePath());
        // Moving Root's code to the project folder left no empty src/ of its own behind; Echo's stays.
        QCOMPARE(QDir(project.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral("events"), QStringLiteral("src")}));
    }

    void givenTemplateIsWrittenByteForByte()
    {
        const QByteArray text = "# kept as it is\nResources:\n  Broken: [\n";
        ProjectBuilder project;
        project.templateText(text).file(QStringLiteral(".fnstudio/settings.json"), "{}\n");
        QCOMPARE(readFile(project.templatePath()), text);
        QCOMPARE(project.templateText(), text);
        QCOMPARE(readFile(project.filePath(QStringLiteral(".fnstudio/settings.json"))), QByteArray("{}\n"));
    }

    void exampleIsACopyWithoutStudioState()
    {
        const ProjectBuilder hello = ProjectBuilder::fromExample(QStringLiteral("hello"));
        const QDir source(qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/resources/examples/hello"));
        QCOMPARE(readFile(hello.templatePath()), readFile(source.filePath(QStringLiteral("template.yaml"))));
        QCOMPARE(readFile(hello.filePath(QStringLiteral("python/app.py"))),
                 readFile(source.filePath(QStringLiteral("python/app.py"))));
        QVERIFY(QFileInfo::exists(hello.filePath(QStringLiteral("events/HelloPython/greeting.json"))));
        QVERIFY(!QFileInfo::exists(hello.filePath(QStringLiteral(".fnstudio"))));
        QVERIFY(hello.path() != source.path());
    }
};

QTEST_GUILESS_MAIN(TestProjectBuilder)
#include "tst_projectbuilder.moc"
