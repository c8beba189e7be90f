#pragma once
// The central tabs of open files: one CodeEditor per file, modified markers, save and close.

#include "project/diagnostic.h"
#include "runtime/runtimedescriptor.h"

#include <QTabWidget>

#include <functional>
#include <optional>

namespace fn {

class CodeEditor;

class EditorArea final : public QTabWidget
{
    Q_OBJECT
public:
    explicit EditorArea(QWidget *parent = nullptr);

    // Opens the file in a tab (or shows the tab it already has); nullptr and a message on failure.
    CodeEditor *openFile(const QString &path);
    CodeEditor *editorFor(const QString &path) const;
    CodeEditor *currentEditor() const;
    // The runtime plugins whose descriptors give a handler file its lexer, asked for as each file
    // opens (the studio's engine, and so its registry, may start after the window).
    using Runtimes = std::function<QList<RuntimeDescriptor>()>;
    void setRuntimes(Runtimes runtimes) { m_runtimes = std::move(runtimes); }
    // The text as the user sees it: the open editor's (even unsaved), else nothing.
    std::optional<QString> openText(const QString &path) const;
    // Marks each problem at its line in its file's tab, now and in tabs opened later, replacing
    // the problems marked before (an empty list clears them all).
    void markProblems(const QList<Diagnostic> &problems);

    bool saveCurrent();
    bool saveAll();
    // Saves the modified files below any of `dirs`; false if one could not be (errorOccurred says why).
    bool saveModifiedUnder(const QStringList &dirs);
    bool closeEditor(int index); // asks before discarding changes
    bool hasUnsavedChanges() const;
    // Asks for each unsaved file; false when the user cancelled.
    bool maybeSaveAll();

    // The studio rewrote path on disk (Properties → Apply, New Function). An unmodified tab shows
    // the new text; a tab with unsaved edits asks whether to reload, and keeps the edits unless
    // told to drop them (the file keeps the new text either way until the tab is saved).
    void fileChangedOnDisk(const QString &path, const QString &why);
    // Asked for a tab with unsaved edits; true to reload it and drop the edits. Replaceable for tests.
    using ReloadConfirmation = std::function<bool(const QString &path, const QString &why)>;
    void setReloadConfirmation(ReloadConfirmation confirm) { m_confirmReload = std::move(confirm); }

Q_SIGNALS:
    void errorOccurred(const QString &message);
    // A tab kept unsaved edits over a newer file on disk; saving it would overwrite that file.
    void editsKeptOverDisk(const QString &path);
    void currentFileChanged(const QString &path);
    void countChanged(int count);
    void fileSaved(const QString &path);

protected:
    void tabInserted(int index) override;
    void tabRemoved(int index) override;

private:
    bool saveModifiedWhere(const std::function<bool(const QString &path)> &which);
    void updateTitle(CodeEditor *editor);

    ReloadConfirmation m_confirmReload;
    QList<Diagnostic> m_problems;
    Runtimes m_runtimes;
};

} // namespace fn
