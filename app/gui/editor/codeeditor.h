#pragma once
// The studio's text editor: the one place that knows QScintilla. Lexer by file type (a handler's
// from its runtime plugin's descriptor), line numbers, folding, brace matching, find/replace,
// atomic save, and JSON validation as you type for events.

#include "project/diagnostic.h"
#include "runtime/runtimedescriptor.h"

#include <QList>
#include <QWidget>

class QLabel;
class QTimer;
class QsciScintilla;

namespace fn {

class FindBar;

class CodeEditor final : public QWidget
{
    Q_OBJECT
public:
    // The lexers the editor has; a runtime descriptor names one as "python", "javascript", "json",
    // "yaml" or "bash".
    enum class Language { Plain, Python, JavaScript, Json, Yaml, Bash };
    Q_ENUM(Language)

    explicit CodeEditor(QWidget *parent = nullptr);
    ~CodeEditor() override;

    // JSON for .json (events), YAML for .yaml and .yml (the template); any other file gets the lexer
    // of the runtime whose file extensions match it, or whose handler file it is (provided's
    // `bootstrap` has no extension); plain text when no runtime claims it.
    static Language languageForFile(const QString &path, const QList<RuntimeDescriptor> &runtimes);
    // Plain for a name the editor has no lexer for.
    static Language languageForLexer(const QString &name);
    // The runtime plugins whose descriptors choose the lexer of the next file opened.
    void setRuntimes(const QList<RuntimeDescriptor> &runtimes) { m_runtimes = runtimes; }

    bool openFile(const QString &path, QString *error);
    // Reads the file again (it was rewritten on disk), keeping the cursor and scroll position.
    bool reload(QString *error);
    // Writes through QSaveFile so a crash mid-save never leaves a half-written handler.
    bool save(QString *error);
    QString filePath() const { return m_path; }

    QString text() const;
    void setText(const QString &text);
    bool isModified() const;
    void setModified(bool modified);
    void setReadOnly(bool readOnly);
    Language language() const { return m_language; }
    void setLanguage(Language language);
    // Validate as JSON on every edit (on for .json files).
    void setValidateJson(bool validate);
    // Problems a reader of this file found (a template's errors): marked at their lines, the
    // message shown under each, until the next call replaces them (an empty list clears them).
    void setProblems(const QList<Diagnostic> &problems);
    QList<int> problemLines() const { return m_problemLines; } // 1-based
    QString problemAt(int line) const;

    bool isValidJson() const { return m_jsonOk; }
    QString validationMessage() const { return m_validation; }
    void setCursorPosition(int line, int column); // 1-based

    // Find: the next match after the cursor (or before it), wrapping; false when there is none.
    bool find(const QString &text, bool forward, bool caseSensitive = false, bool regex = false);
    int replaceAll(const QString &text, const QString &replacement, bool caseSensitive = false, bool regex = false);
    void showFind(bool withReplace);

Q_SIGNALS:
    void modificationChanged(bool modified);
    void validationChanged(bool ok, const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();
    void validateNow();
    void updateMarginWidth();
    void findFromBar(bool forward);
    void replaceFromBar();

    QsciScintilla *m_sci;
    FindBar *m_findBar;
    QLabel *m_status;
    QTimer *m_validateTimer;
    QString m_path;
    QList<RuntimeDescriptor> m_runtimes;
    Language m_language = Language::Plain;
    bool m_validateJson = false;
    bool m_jsonOk = true;
    QString m_validation;
    QList<int> m_problemLines;
};

} // namespace fn
