// CodeEditor: lexer by file type, JSON validated as you type with line:column, atomic save,
// find and replace; EditorArea: modified markers and unsaved text for the invoke bar.
#include "editor/codeeditor.h"
#include "editor/editorarea.h"
#include "editor/jsonvalidator.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

class TestCodeEditor final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void languages()
    {
        using L = CodeEditor::Language;
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("/p/app.py")), L::Python);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("index.mjs")), L::JavaScript);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("index.CJS")), L::JavaScript);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("handler.ts")), L::TypeScript);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("events/F/e.json")), L::Json);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("template.yaml")), L::Yaml);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("template.yml")), L::Yaml);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("/var/task/bootstrap")), L::Bash);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("run.sh")), L::Bash);
        QCOMPARE(CodeEditor::languageForFile(QStringLiteral("README")), L::Plain);
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
