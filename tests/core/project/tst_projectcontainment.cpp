// A project stays inside its folder: code, layers and bucket folders that lead outside it (by "..",
// an absolute path or a symbolic link) are refused at their file and line, unless the user allowed
// the outside folder in .fnstudio/settings.json.

#include "projectbuilder.h"

#include "project/project.h"
#include "project/projectsettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;
using fn::test::ProjectBuilder;

namespace {

// 1-based line of the first line of the template containing needle.
int lineOf(const QByteArray &text, const QByteArray &needle)
{
    const qsizetype at = text.indexOf(needle);
    Q_ASSERT(at >= 0);
    return int(text.left(at).count('\n')) + 1;
}

QString real(const QString &path)
{
    return QFileInfo(path).canonicalFilePath();
}

// A project with two functions: Fine (src/) and Escape, whose CodeUri is `escapeUri`.
ProjectBuilder twoFunctions(const QString &escapeUri)
{
    ProjectBuilder project;
    project.function(QStringLiteral("Fine"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .code(QStringLiteral("app.py"), "def handler(event, context):\n    return 1\n");
    project.function(QStringLiteral("Escape"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .codeUri(escapeUri);
    return project;
}

} // namespace

class TestProjectContainment final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_outside; // someone's files, not part of any project

    // Checks the project loaded with exactly one error, at `line` of template.yaml, saying where
    // the folder leads; Escape is not runnable, Fine is.
    void expectRefused(const Project &project, int line, const QString &uri)
    {
        QCOMPARE(project.errors().size(), 1);
        const Diagnostic &e = project.errors().first();
        QCOMPARE(e.file, QStringLiteral("template.yaml"));
        QCOMPARE(e.line, line);
        QVERIFY2(e.message.startsWith(QStringLiteral("CodeUri '%1' resolves to %2").arg(uri, real(m_outside.path()))),
                 qPrintable(e.toString()));
        QVERIFY2(e.message.contains(QStringLiteral("outside the project folder")), qPrintable(e.message));
        QVERIFY2(e.message.contains(QStringLiteral("\"allowOutsideFolders\" in .fnstudio/settings.json")),
                 qPrintable(e.message));
        QVERIFY(!project.function(QStringLiteral("Escape")));
        QVERIFY(project.function(QStringLiteral("Fine")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_outside.isValid());
        QVERIFY(fn::test::writeFile(m_outside.filePath(QStringLiteral("id_rsa")), "secret\n"));
    }

    void parentSegmentsOutTheFolderAreRefusedAtTheirLine()
    {
        ProjectBuilder probe;
        const QString uri = QDir(probe.path()).relativeFilePath(m_outside.path());
        QVERIFY(uri.startsWith(QLatin1String("../")));
        const ProjectBuilder project = twoFunctions(uri);
        Project p;
        QVERIFY(!p.open(project.path()));
        expectRefused(p, lineOf(project.templateText(), "CodeUri: " + uri.toUtf8()), uri);
        QVERIFY(p.errors().first().toString().startsWith(
            QStringLiteral("template.yaml:%1: CodeUri '../").arg(p.errors().first().line)));
    }

    void anAbsolutePathOutsideIsRefused()
    {
        const ProjectBuilder project = twoFunctions(m_outside.path());
        Project p;
        QVERIFY(!p.open(project.path()));
        expectRefused(p, lineOf(project.templateText(), "CodeUri: /"), m_outside.path());
        QVERIFY(!p.errors().first().message.contains(QStringLiteral("symbolic link")));
    }

    void aCodeFolderLinkedOutsideIsRefused()
    {
        ProjectBuilder project = twoFunctions(QStringLiteral("escape"));
        QVERIFY(QDir(project.filePath(QStringLiteral("escape"))).removeRecursively());
        QVERIFY(QFile::link(m_outside.path(), project.filePath(QStringLiteral("escape"))));
        Project p;
        QVERIFY(!p.open(project.path()));
        expectRefused(p, lineOf(project.templateText(), "CodeUri: escape"), QStringLiteral("escape"));
        QVERIFY2(p.errors().first().message.contains(QStringLiteral(" through a symbolic link")),
                 qPrintable(p.errors().first().message));

        // A link in a parent folder leads out just the same.
        ProjectBuilder nested = twoFunctions(QStringLiteral("code/fn"));
        QVERIFY(QDir(nested.filePath(QStringLiteral("code"))).removeRecursively());
        QVERIFY(QDir(m_outside.path()).mkpath(QStringLiteral("fn")));
        QVERIFY(QFile::link(m_outside.path(), nested.filePath(QStringLiteral("code"))));
        Project n;
        QVERIFY(!n.open(nested.path()));
        QCOMPARE(n.errors().size(), 1);
        QVERIFY2(n.errors().first().message.startsWith(
                     QStringLiteral("CodeUri 'code/fn' resolves to %1/fn through a symbolic link")
                         .arg(real(m_outside.path()))),
                 qPrintable(n.errors().first().message));
        QVERIFY(!n.function(QStringLiteral("Escape")));
    }

    void aLayerOutsideIsRefusedAndItsFunctionCannotRun()
    {
        ProjectBuilder project;
        project.resource(QStringLiteral("Shared"), "Type: AWS::Serverless::LayerVersion\n"
                                                   "Properties:\n"
                                                   "  ContentUri: layers/shared\n");
        project.resource(QStringLiteral("Home"), "Type: AWS::Serverless::LayerVersion\n"
                                                 "Properties:\n"
                                                 "  ContentUri: "
                                                     + m_outside.path().toUtf8() + "\n");
        project.function(QStringLiteral("Fine"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("Layers:\n  - !Ref Shared\n")
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return 1\n");
        project.function(QStringLiteral("Escape"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(QStringLiteral("escape"))
            .properties("Layers:\n  - !Ref Shared\n  - !Ref Linked\n");
        project.resource(QStringLiteral("Linked"), "Type: AWS::Serverless::LayerVersion\n"
                                                   "Properties:\n"
                                                   "  ContentUri: layers/linked\n");
        QVERIFY(QDir(project.path()).mkpath(QStringLiteral("layers/shared")));
        QVERIFY(QFile::link(m_outside.path(), project.filePath(QStringLiteral("layers/linked"))));

        Project p;
        QVERIFY(!p.open(project.path()));
        QVERIFY2(p.errors().size() == 1, qPrintable(toStrings(p.errors()).join(u'\n')));
        const Diagnostic &e = p.errors().first();
        QCOMPARE(e.line, lineOf(project.templateText(), "ContentUri: layers/linked"));
        QVERIFY2(e.message.startsWith(
                     QStringLiteral("ContentUri of layer Linked 'layers/linked' resolves to %1 through a symbolic link")
                         .arg(real(m_outside.path()))),
                 qPrintable(e.toString()));
        QVERIFY(!p.function(QStringLiteral("Escape")));
        QVERIFY(p.function(QStringLiteral("Fine")));

        // A layer is checked where a function uses it: Home is refused once Fine names it.
        project.function(QStringLiteral("UsesHome"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(QStringLiteral("home"))
            .properties("Layers:\n  - !Ref Home\n");
        QVERIFY(!p.open(project.path()));
        QCOMPARE(p.errors().size(), 2);
        QCOMPARE(p.errors().last().line, lineOf(project.templateText(), "ContentUri: /"));
        QVERIFY(!p.function(QStringLiteral("UsesHome")));
    }

    void anOutsideFolderTheUserAllowsIsAccepted()
    {
        ProjectBuilder probe;
        const QString uri = QDir(probe.path()).relativeFilePath(m_outside.path());
        ProjectBuilder project = twoFunctions(uri);
        project.file(ProjectSettings::fileName(),
                     "{\n  \"allowOutsideFolders\": [\"" + m_outside.path().toUtf8() + "\"]\n}\n");
        Project p;
        QVERIFY2(p.open(project.path()), qPrintable(toStrings(p.errors()).join(QLatin1Char('\n'))));
        const auto escape = p.function(QStringLiteral("Escape"));
        QVERIFY(escape);
        QCOMPARE(real(escape->codeDir), real(m_outside.path()));

        // A link to the allowed folder is accepted too, and a folder beside it is not.
        QTemporaryDir beside;
        ProjectBuilder linked = twoFunctions(QStringLiteral("escape"));
        QVERIFY(QDir(linked.filePath(QStringLiteral("escape"))).removeRecursively());
        QVERIFY(QFile::link(m_outside.path(), linked.filePath(QStringLiteral("escape"))));
        linked.function(QStringLiteral("Beside"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(beside.path());
        linked.file(ProjectSettings::fileName(), "{\"allowOutsideFolders\": [\"" + m_outside.path().toUtf8() + "\"]}");
        Project l;
        QVERIFY(!l.open(linked.path()));
        QCOMPARE(l.errors().size(), 1);
        QVERIFY(l.errors().first().message.startsWith(QStringLiteral("CodeUri '%1' resolves to").arg(beside.path())));
        QVERIFY(l.function(QStringLiteral("Escape")));
        QVERIFY(!l.function(QStringLiteral("Beside")));
    }

    void anAllowedFolderThatIsNotThereIsSaid()
    {
        ProjectBuilder project = twoFunctions(QStringLiteral("src"));
        project.file(ProjectSettings::fileName(), "{\n  \"allowOutsideFolders\": [\"/no/such/folder\", 3]\n}\n");
        Project p;
        QVERIFY(!p.open(project.path()));
        const QStringList errors = toStrings(p.errors());
        QCOMPARE(errors.size(), 2);
        QVERIFY2(errors.contains(QStringLiteral(".fnstudio/settings.json:2: \"allowOutsideFolders\": '/no/such/folder' "
                                                "is not a folder (looked for /no/such/folder); it allows nothing")),
                 qPrintable(errors.join(QLatin1Char('\n'))));
        QVERIFY(p.function(QStringLiteral("Escape")));
    }

    void linksThatStayInsideAreFine()
    {
        ProjectBuilder project = twoFunctions(QStringLiteral("current"));
        QVERIFY(QDir(project.filePath(QStringLiteral("current"))).removeRecursively());
        QVERIFY(QDir(project.path()).mkpath(QStringLiteral("releases/v2")));
        QVERIFY(QFile::link(QStringLiteral("releases/v2"), project.filePath(QStringLiteral("current"))));
        Project p;
        QVERIFY2(p.open(project.path()), qPrintable(toStrings(p.errors()).join(QLatin1Char('\n'))));
        QVERIFY(p.function(QStringLiteral("Escape")));

        // The project folder itself reached through a link.
        QTemporaryDir elsewhere;
        const QString alias = elsewhere.filePath(QStringLiteral("alias"));
        QVERIFY(QFile::link(project.path(), alias));
        Project a;
        QVERIFY2(a.open(alias), qPrintable(toStrings(a.errors()).join(QLatin1Char('\n'))));
        QCOMPARE(a.functions().size(), 2);
    }

    void theExamplesLoadWithoutProblems()
    {
        const QString source = qEnvironmentVariable("FN_SOURCE_DIR", QStringLiteral(FN_SOURCE_DIR));
        const QStringList examples = QDir(QDir(source).filePath(QStringLiteral("resources/examples")))
                                         .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QVERIFY(!examples.isEmpty());
        for (const QString &name : examples) {
            const ProjectBuilder copy = ProjectBuilder::fromExample(name);
            Project p;
            QVERIFY2(p.open(copy.path()), qPrintable(name + QLatin1Char(' ') + toStrings(p.errors()).join(u'\n')));
            QVERIFY2(!p.functions().isEmpty(), qPrintable(name));
        }
    }

    void aBucketFolderLinkedOutsideIsRefused()
    {
        ProjectBuilder project;
        QVERIFY(QFile::link(m_outside.path(), project.filePath(QStringLiteral("data"))));
        QTemporaryDir chosen;
        project.file(ProjectSettings::fileName(), "{\n  \"buckets\": {\n    \"Linked\": \"data\",\n"
                                                  "    \"Chosen\": \""
                                                      + chosen.path().toUtf8() + "\"\n  }\n}\n");
        QList<Diagnostic> errors;
        ProjectSettings s = ProjectSettings::load(project.path(), &errors);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().line, 3);
        QVERIFY2(errors.first().message.startsWith(
                     QStringLiteral("\"buckets\": the folder 'data' of bucket \"Linked\" resolves to %1 through a "
                                    "symbolic link, outside the project folder")
                         .arg(real(m_outside.path()))),
                 qPrintable(errors.first().message));
        // A folder the settings name outside the project is the user's own explicit choice, as before.
        QCOMPARE(s.bucketFolders, (QHash<QString, QString>{{QStringLiteral("Chosen"), chosen.path()}}));

        project.file(ProjectSettings::fileName(), "{\"buckets\": {\"Linked\": \"data\"}, \"allowOutsideFolders\": [\""
                                                      + m_outside.path().toUtf8() + "\"]}");
        errors.clear();
        s = ProjectSettings::load(project.path(), &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(s.bucketFolders.value(QStringLiteral("Linked")), QStringLiteral("data"));
    }
};

QTEST_GUILESS_MAIN(TestProjectContainment)
#include "tst_projectcontainment.moc"
