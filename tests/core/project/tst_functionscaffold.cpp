// What a person adding a function in the studio expects: template.yaml keeps every byte it had and
// gains one resource that reads back as the function; the code folder, handler and sample event are
// there; and a refusal (name taken, folder exists, template not writable, no Resources) leaves the
// project exactly as it was.

#include "project/functionscaffold.h"
#include "project/samtemplate.h"
#include "project/templateeditor.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

const QByteArray Template = "# The example project\n"
                            "Transform: AWS::Serverless-2016-10-31\n"
                            "\n"
                            "Parameters:\n"
                            "  Stage: {Type: String, Default: dev}\n"
                            "\n"
                            "Resources:\n"
                            "    # four spaces on purpose\n"
                            "    Hello:\n"
                            "        Type: AWS::Serverless::Function\n"
                            "        Properties:\n"
                            "            Runtime: python3.12   # the newest\n"
                            "            Handler: app.handler\n"
                            "            CodeUri: src\n"
                            "            Environment: {Variables: {STAGE: !Ref Stage}}\n"
                            "    Bucket:\n"
                            "        Type: AWS::S3::Bucket\n"
                            "# Outputs come last\n"
                            "Outputs:\n"
                            "  Url:\n"
                            "    Value: !Sub 'https://${Bucket}'\n";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every file and folder under root with its content, to compare a project before and after.
QMap<QString, QByteArray> snapshot(const QString &root)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        out.insert(QDir(root).relativeFilePath(info.filePath()),
                   info.isDir() ? QByteArray("<dir>") : readAll(info.filePath()));
    }
    return out;
}

FunctionScaffold::Spec pythonSpec(const QString &name)
{
    FunctionScaffold::Spec spec;
    spec.name = name;
    spec.runtime = QStringLiteral("python3.12");
    spec.handler = QStringLiteral("app.lambda_handler");
    spec.handlerFileName = QStringLiteral("app.py");
    spec.handlerTemplate = "def lambda_handler(event, context):\n    return event\n";
    spec.memoryMb = 512;
    spec.timeoutSec = 30;
    return spec;
}

} // namespace

class TestFunctionScaffold final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_count = 0;

    // A fresh project folder with template.yaml holding text (and the src folder it names).
    QString project(const QByteArray &text)
    {
        const QString folder = m_dir.filePath(QStringLiteral("p%1").arg(++m_count));
        QDir().mkpath(folder + QStringLiteral("/src"));
        QFile f(folder + QStringLiteral("/template.yaml"));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write template");
        f.write(text);
        return folder;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void appendsTheResourceAndKeepsEveryByte()
    {
        const QString folder = project(Template);
        QDir(folder).mkpath(QStringLiteral("Orders"));
        TemplateEditor editor;
        QVERIFY(editor.load(folder + QStringLiteral("/template.yaml")));
        TemplateEditor::NewFunction f{QStringLiteral("Orders"),
                                      QStringLiteral("nodejs20.x"),
                                      QStringLiteral("index.handler"),
                                      QStringLiteral("Orders/"),
                                      256,
                                      10};
        QVERIFY2(editor.addFunction(f), qPrintable(editor.errorString()));
        const QByteArray after = editor.text();

        // The resource goes at the end of Resources, at its indentation, before the comment and
        // the Outputs that follow; everything before and after it is byte for byte the same.
        const QByteArray block = "\n"
                                 "    Orders:\n"
                                 "        Type: AWS::Serverless::Function\n"
                                 "        Properties:\n"
                                 "            Runtime: nodejs20.x\n"
                                 "            Handler: index.handler\n"
                                 "            CodeUri: Orders/\n"
                                 "            MemorySize: 256\n"
                                 "            Timeout: 10\n";
        const qsizetype split = Template.indexOf("# Outputs come last");
        QCOMPARE(after, Template.left(split) + block + Template.mid(split));

        SamTemplate t;
        QVERIFY2(t.parse(after, folder + QStringLiteral("/template.yaml")), "the result has errors");
        const auto orders = t.function(QStringLiteral("Orders"));
        QVERIFY(orders);
        QCOMPARE(orders->runtime, QStringLiteral("nodejs20.x"));
        QCOMPARE(orders->handler, QStringLiteral("index.handler"));
        QCOMPARE(orders->memoryMb, 256);
        QCOMPARE(orders->timeoutSec, 10);
        QCOMPARE(orders->codeDir, QDir(folder).filePath(QStringLiteral("Orders")));
        QVERIFY(t.function(QStringLiteral("Hello"))); // the old one is still read as before
    }

    void appendsToTheEndOfTheFileAndIntoAnEmptyResources()
    {
        // Resources last, no final newline, CRLF endings: the original is a prefix of the result.
        const QByteArray crlf =
            "Transform: AWS::Serverless-2016-10-31\r\nResources:\r\n  Hello:\r\n    Type: AWS::Serverless::Function\r\n"
            "    Properties:\r\n      Runtime: python3.12\r\n      Handler: app.handler\r\n      CodeUri: src";
        const QString folder = project(crlf);
        QDir(folder).mkpath(QStringLiteral("Second"));
        TemplateEditor editor;
        editor.setText(crlf, folder + QStringLiteral("/template.yaml"));
        QVERIFY2(editor.addFunction({QStringLiteral("Second"), QStringLiteral("provided.al2023"),
                                     QStringLiteral("bootstrap"), QStringLiteral("Second/"), 128, 3}),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.text().startsWith(
            QByteArray(crlf + "\r\n\r\n  Second:\r\n    Type: AWS::Serverless::Function\r\n")));
        QVERIFY(!editor.text().contains("\n\n")); // no bare LF mixed in
        SamTemplate t;
        QVERIFY(t.parse(editor.text(), folder + QStringLiteral("/template.yaml")));
        QCOMPARE(t.functions().size(), 2);

        // "Resources: ~ # none yet": the null goes, the comment stays, the resource is indented two.
        const QByteArray none = "Transform: AWS::Serverless-2016-10-31\nResources: ~ # none yet\n\nOutputs: {}\n";
        editor.setText(none, folder + QStringLiteral("/template.yaml"));
        QVERIFY2(editor.addFunction({QStringLiteral("Second"), QStringLiteral("python3.12"),
                                     QStringLiteral("app.lambda_handler"), QStringLiteral("Second/"), 128, 3}),
                 qPrintable(editor.errorString()));
        QVERIFY2(editor.text().startsWith("Transform: AWS::Serverless-2016-10-31\nResources: # none yet\n  Second:\n"
                                          "    Type: AWS::Serverless::Function\n"),
                 editor.text().constData());
        QVERIFY(editor.text().endsWith("    Timeout: 3\n\nOutputs: {}\n"));
        QVERIFY(t.parse(editor.text(), folder + QStringLiteral("/template.yaml")));
        QCOMPARE(t.functions().size(), 1);
    }

    void refusesBadNamesAndTemplatesWithoutResources()
    {
        const QString folder = project(Template);
        TemplateEditor editor;
        QVERIFY(editor.load(folder + QStringLiteral("/template.yaml")));
        const auto refuse = [&](const QString &name, const char *reason) {
            QVERIFY(!editor.addFunction({name, QStringLiteral("python3.12"), QStringLiteral("app.lambda_handler"),
                                         QStringLiteral("src/"), 128, 3}));
            QVERIFY2(editor.errorString().contains(QLatin1String(reason)), qPrintable(editor.errorString()));
            QCOMPARE(editor.text(), Template);
        };
        refuse(QStringLiteral("Hello"), "already has 'Hello' (in Resources)");
        refuse(QStringLiteral("Stage"), "already has 'Stage' (in Parameters)");
        refuse(QStringLiteral("Url"), "already has 'Url' (in Outputs)");
        refuse(QStringLiteral("my-function"), "letters and digits only");
        refuse(QStringLiteral("my_function"), "letters and digits only");
        refuse(QString(), "Give the function a name");
        refuse(QString(256, u'A'), "at most 255 characters");
        QVERIFY(!editor.addFunction({QStringLiteral("Fine"), QStringLiteral("python3.12"), QStringLiteral("app.h"),
                                     QStringLiteral("src/"), 64, 3}));
        QCOMPARE(editor.errorString(), QStringLiteral("MemorySize 64 is outside Lambda's range 128\u201310240 MB"));

        const QByteArray noResources = "Transform: AWS::Serverless-2016-10-31\nOutputs:\n  Url:\n    Value: x\n";
        editor.setText(noResources, folder + QStringLiteral("/template.yaml"));
        QVERIFY(!editor.addFunction({QStringLiteral("Fine"), QStringLiteral("python3.12"), QStringLiteral("app.h"),
                                     QStringLiteral("src/"), 128, 3}));
        QVERIFY2(editor.errorString().contains(QStringLiteral("no Resources section")),
                 qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), noResources);
    }

    void createsTheFolderHandlerEventAndResource()
    {
        const QString folder = project(Template);
        FunctionScaffold scaffold(folder + QStringLiteral("/template.yaml"));
        FunctionScaffold::Spec spec = pythonSpec(QStringLiteral("Orders"));
        QVERIFY2(scaffold.create(spec), qPrintable(scaffold.errorString()));

        QCOMPARE(readAll(folder + QStringLiteral("/Orders/app.py")), spec.handlerTemplate);
        QCOMPARE(readAll(folder + QStringLiteral("/events/Orders/event.json")), FunctionScaffold::sampleEvent());
        QVERIFY(readAll(folder + QStringLiteral("/template.yaml"))
                    .startsWith(Template.left(Template.indexOf("# Outputs"))));
        SamTemplate t;
        QVERIFY(t.load(folder + QStringLiteral("/template.yaml")));
        const auto orders = t.function(QStringLiteral("Orders"));
        QVERIFY(orders);
        QCOMPARE(orders->handler, QStringLiteral("app.lambda_handler"));
        QCOMPARE(orders->memoryMb, 512);
        QCOMPARE(orders->timeoutSec, 30);

        // A provided runtime's bootstrap is executable.
        FunctionScaffold::Spec custom = pythonSpec(QStringLiteral("Custom"));
        custom.runtime = QStringLiteral("provided.al2023");
        custom.handler = QStringLiteral("bootstrap");
        custom.handlerFileName = QStringLiteral("bootstrap");
        custom.handlerTemplate = "#!/bin/sh\n";
        custom.handlerExecutable = true;
        QVERIFY2(scaffold.create(custom), qPrintable(scaffold.errorString()));
        QVERIFY(QFileInfo(folder + QStringLiteral("/Custom/bootstrap")).isExecutable());
    }

    void refusalsLeaveTheProjectAsItWas()
    {
        const QString folder = project(Template);
        const QString templatePath = folder + QStringLiteral("/template.yaml");
        FunctionScaffold scaffold(templatePath);

        // Name taken, folder already there, event already there.
        QDir(folder).mkpath(QStringLiteral("Taken"));
        QDir(folder).mkpath(QStringLiteral("events/Evented"));
        QFile(folder + QStringLiteral("/events/Evented/event.json")).open(QIODevice::WriteOnly);
        const QMap<QString, QByteArray> before = snapshot(folder);
        QVERIFY(!scaffold.create(pythonSpec(QStringLiteral("Hello"))));
        QVERIFY2(scaffold.errorString().contains(QStringLiteral("already has 'Hello'")),
                 qPrintable(scaffold.errorString()));
        QVERIFY(!scaffold.create(pythonSpec(QStringLiteral("Taken"))));
        QCOMPARE(scaffold.errorString(),
                 QStringLiteral("the folder Taken already exists; choose another name or remove it"));
        QVERIFY(!scaffold.create(pythonSpec(QStringLiteral("Evented"))));
        QVERIFY2(scaffold.errorString().contains(QStringLiteral("events/Evented/event.json already exists")),
                 qPrintable(scaffold.errorString()));
        QCOMPARE(snapshot(folder), before);

        // A failure after files were written (the events folder cannot be made: "events" is a
        // file here) removes what was created.
        const QString other = project(Template);
        QFile(other + QStringLiteral("/events")).open(QIODevice::WriteOnly);
        const QMap<QString, QByteArray> otherBefore = snapshot(other);
        FunctionScaffold second(other + QStringLiteral("/template.yaml"));
        QVERIFY(!second.create(pythonSpec(QStringLiteral("Orders"))));
        QVERIFY2(second.errorString().contains(QStringLiteral("events")), qPrintable(second.errorString()));
        QCOMPARE(snapshot(other), otherBefore);

        // No Resources section: refused by the template edit, after the files; they go again.
        const QString bare = project("Transform: AWS::Serverless-2016-10-31\n");
        const QMap<QString, QByteArray> bareBefore = snapshot(bare);
        FunctionScaffold third(bare + QStringLiteral("/template.yaml"));
        QVERIFY(!third.create(pythonSpec(QStringLiteral("Orders"))));
        QCOMPARE(third.errorString(),
                 QStringLiteral("template.yaml was not changed: the template has no Resources section; "
                                "add a line 'Resources:' to it first"));
        QCOMPARE(snapshot(bare), bareBefore);
    }

    void refusesATemplateItCannotWrite()
    {
        const QString folder = project(Template);
        const QString templatePath = folder + QStringLiteral("/template.yaml");
        QFile::setPermissions(templatePath, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        bool immutable = false;
        if (QFile probe(templatePath); probe.open(QIODevice::WriteOnly | QIODevice::Append)) {
            // Root writes read-only files; an immutable one it cannot (ext4, tmpfs do not all allow it).
            probe.close();
            immutable = QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), templatePath}) == 0;
            if (!immutable)
                QSKIP("running as root on a file system without chattr +i: cannot make the template unwritable");
        }
        const QMap<QString, QByteArray> before = snapshot(folder);
        FunctionScaffold scaffold(templatePath);
        const bool created = scaffold.create(pythonSpec(QStringLiteral("Orders")));
        const QMap<QString, QByteArray> after = snapshot(folder);
        if (immutable)
            QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), templatePath});
        QVERIFY(!created);
        QVERIFY2(scaffold.errorString().startsWith(QStringLiteral("template.yaml is not writable")),
                 qPrintable(scaffold.errorString()));
        QCOMPARE(after, before);
    }
};

QTEST_GUILESS_MAIN(TestFunctionScaffold)
#include "tst_functionscaffold.moc"
