// CodeEditor: a handler's lexer from its runtime plugin's descriptor, JSON for events and YAML for
// the template, JSON validated as you type with line:column, atomic save, find and replace;
// EditorArea: modified markers and unsaved text for the invoke bar.
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "editor/jsonvalidator.h"
#include "runtime/runtimeregistry.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace fn;

namespace {

// The descriptors of the runtime plugins fnstudio ships (plugins/*/runtime.json).
QList<RuntimeDescriptor> shippedRuntimes()
{
    RuntimeRegistry registry;
    registry.load(qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/plugins"));
    return registry.plugins();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

} // namespace

class TestCodeEditor final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void handlersEventsAndTheTemplateOpenWithTheirLexers()
    {
        QTemporaryDir dir;
        const QString python = dir.filePath(QStringLiteral("src/app.py"));
        const QString node = dir.filePath(QStringLiteral("web/index.mjs"));
        const QString event = dir.filePath(QStringLiteral("events/Hello/ping.json"));
        const QString yaml = dir.filePath(QStringLiteral("template.yaml"));
        QVERIFY(writeFile(python, "def handler(event, context):\n    return 1\n"));
        QVERIFY(writeFile(node, "export const handler = async () => 1;\n"));
        QVERIFY(writeFile(event, "{}\n"));
        QVERIFY(writeFile(yaml, "Resources: {}\n"));
        EditorArea area;
        int asked = 0;
        area.setRuntimes([&asked] {
            ++asked;
            return shippedRuntimes();
        });
        using L = CodeEditor::Language;
        for (const auto &[path, language] : {std::pair{python, L::Python}, std::pair{node, L::JavaScript},
                                             std::pair{event, L::Json}, std::pair{yaml, L::Yaml}}) {
            CodeEditor *editor = area.openFile(path);
            QVERIFY2(editor, qPrintable(path));
            QCOMPARE(editor->language(), language);
        }
        QCOMPARE(asked, 4); // as each file opens, so a registry that arrives later is used
    }

    void aHandlerTakesTheLexerItsRuntimeNames()
    {
        const QList<RuntimeDescriptor> shipped = shippedRuntimes();
        QVERIFY(shipped.size() >= 3);
        using L = CodeEditor::Language;
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("/p/app.py"), shipped), L::Python);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("index.mjs"), shipped), L::JavaScript);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("index.CJS"), shipped), L::JavaScript);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("/var/task/bootstrap"), shipped),
                 L::Bash);                                                                      // provided's, by name
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("handler.rb"), shipped), L::Plain); // no runtime claims it
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("README"), shipped), L::Plain);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("/p/app.py"), {}), L::Plain); // nothing hard-coded
    }

    void eventsAreJsonAndTheTemplateYamlWhateverTheRuntimes()
    {
        RuntimeDescriptor greedy; // a plugin claiming the project's own formats does not get them
        greedy.fileExtensions = {QStringLiteral(".json"), QStringLiteral(".yaml")};
        greedy.lexer = QStringLiteral("python");
        for (const QList<RuntimeDescriptor> &runtimes :
             {QList<RuntimeDescriptor>{}, shippedRuntimes(), QList<RuntimeDescriptor>{greedy}}) {
            QCOMPARE(CodeEditor::languageForFile(QStringLiteral("events/F/e.json"), runtimes),
                     CodeEditor::Language::Json);
            QCOMPARE(CodeEditor::languageForFile(QStringLiteral("template.yaml"), runtimes),
                     CodeEditor::Language::Yaml);
            QCOMPARE(CodeEditor::languageForFile(QStringLiteral("template.yml"), runtimes), CodeEditor::Language::Yaml);
        }
    }

    void aRuntimeNamingALexerForANewExtensionIsHonoured()
    {
        RuntimeDescriptor deno;
        deno.id = QStringLiteral("deno");
        deno.fileExtensions = {QStringLiteral(".ts")};
        deno.lexer = QStringLiteral("javascript");
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("handler.ts"), shippedRuntimes()),
                 CodeEditor::Language::Plain);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("handler.ts"),
                                             shippedRuntimes() + QList<RuntimeDescriptor>{deno}),
                 CodeEditor::Language::JavaScript);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("handler.ts"));
        QVERIFY(writeFile(path, "export const handler = async () => 1;\n"));
        EditorArea area;
        area.setRuntimes([deno] { return QList<RuntimeDescriptor>{deno}; });
        CodeEditor *editor = area.openFile(path);
        QVERIFY(editor);
        QCOMPARE(editor->language(), CodeEditor::Language::JavaScript);

        deno.lexer = QStringLiteral("cobol"); // a lexer the editor does not have: plain text, not a failure
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("handler.ts"), {deno}), CodeEditor::Language::Plain);
    }

    void jsonValidation()
    {
        QVERIFY(JsonValidation::of(R"({"a": [1, 2]})").ok);
        const JsonValidation bad = JsonValidation::of("{\n  \"a\": 1,\n  \"b\": tru\n}");
        QVERIFY(!bad.ok);
        QCOMPARE(bad.line, 3);
        QVERIFY(bad.column >= 8);
        QVERIFY(bad.toString().startsWith(QStringLiteral("3:")));
        QCOMPARE(JsonValidation::pretty(R"({"a":[1,2]})"), QByteArray("{\n  \"a\": [\n    1,\n    2\n  ]\n}"));
        QCOMPARE(JsonValidation::pretty("not json"), QByteArray("not json"));

        // A number too large for a double: nlohmann throws out_of_range, not a parse error, and
        // typing it into the event editor ended the studio (found by fuzz_event).
        const JsonValidation huge = JsonValidation::of("{\n  \"amount\": 1e400\n}");
        QVERIFY(!huge.ok);
        QCOMPARE(huge.line, 2);
        QCOMPARE(huge.column, 13);
        QVERIFY2(huge.message.contains(QStringLiteral("1e400 is too large")), qPrintable(huge.message));
    }

    // A FIFO named like a handler is refused at once: opening it for reading would block the GUI thread.
    void aFifoIsNotOpened()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("app.py"));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        CodeEditor editor;
        QString error;
        QVERIFY(!editor.openFile(path, &error));
        QVERIFY2(error.contains(path) && error.contains(QStringLiteral("FIFO")), qPrintable(error));
    }

    void validatesAsYouType()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("event.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"name\": \"Ada\"}\n");
        f.close();
        CodeEditor editor;
        QString error;
        QVERIFY(editor.openFile(path, &error));
        QCOMPARE(editor.language(), CodeEditor::Language::Json);
        QVERIFY(editor.isValidJson());
        QSignalSpy validation(&editor, &CodeEditor::validationChanged);
        editor.setText(QStringLiteral("{\n  \"name\": \"Ada\",\n}"));
        QVERIFY(validation.wait(2000));
        QVERIFY(!editor.isValidJson());
        QVERIFY2(editor.validationMessage().startsWith(QStringLiteral("3:1")), qPrintable(editor.validationMessage()));
        editor.setText(QStringLiteral("{\"name\": \"Ada\"}"));
        QVERIFY(validation.wait(2000));
        QVERIFY(editor.isValidJson());
    }

    void atomicSaveAndModified()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("app.py"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("def handler(event, context):\n    return 1\n");
        f.close();
        EditorArea area;
        area.setRuntimes(shippedRuntimes);
        CodeEditor *editor = area.openFile(path);
        QVERIFY(editor);
        QCOMPARE(area.openFile(path), editor); // one tab per file
        QCOMPARE(area.count(), 1);
        QCOMPARE(editor->language(), CodeEditor::Language::Python);
        QVERIFY(!editor->isModified());
        editor->setText(QStringLiteral("def handler(event, context):\n    return 'grüße'\n"));
        QVERIFY(editor->isModified());
        QVERIFY(area.tabText(0).startsWith(QStringLiteral("●")));
        QCOMPARE(area.openText(path).value(), editor->text());
        QVERIFY(!area.openText(dir.filePath(QStringLiteral("other.py"))).has_value());
        QVERIFY(area.saveCurrent());
        QVERIFY(!editor->isModified());
        QCOMPARE(area.tabText(0), QStringLiteral("app.py"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), editor->text());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("app.py")}); // no temp left behind

        QSignalSpy errors(&area, &EditorArea::errorOccurred);
        QVERIFY(!area.openFile(dir.filePath(QStringLiteral("missing.py"))));
        QCOMPARE(errors.size(), 1);
    }

    void findAndReplace()
    {
        CodeEditor editor;
        editor.setText(QStringLiteral("alpha beta\nAlpha gamma\nalpha"));
        QVERIFY(editor.find(QStringLiteral("gamma"), true));
        QVERIFY(!editor.find(QStringLiteral("delta"), true));
        QCOMPARE(editor.replaceAll(QStringLiteral("alpha"), QStringLiteral("omega"), true), 2);
        QCOMPARE(editor.text(), QStringLiteral("omega beta\nAlpha gamma\nomega"));
        QCOMPARE(editor.replaceAll(QStringLiteral("ALPHA"), QStringLiteral("x")), 1); // case-insensitive
        QCOMPARE(editor.replaceAll(QStringLiteral("o[a-z]+a"), QStringLiteral("w"), false, true), 2);
        QCOMPARE(editor.text(), QStringLiteral("w beta\nx gamma\nw"));
    }
};

QTEST_MAIN(TestCodeEditor)
#include "tst_codeeditor.moc"
