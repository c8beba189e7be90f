#pragma once
// The central tabs of open files: one CodeEditor per file, modified markers, save and close.

#include <QTabWidget>

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
    // The text as the user sees it: the open editor's (even unsaved), else nothing.
    std::optional<QString> openText(const QString &path) const;

    bool saveCurrent();
    bool saveAll();
    bool closeEditor(int index); // asks before discarding changes
    bool hasUnsavedChanges() const;
    // Asks for each unsaved file; false when the user cancelled.
    bool maybeSaveAll();

Q_SIGNALS:
    void errorOccurred(const QString &message);
    void currentFileChanged(const QString &path);
    void countChanged(int count);
    void fileSaved(const QString &path);

protected:
    void tabInserted(int index) override;
    void tabRemoved(int index) override;

private:
    void updateTitle(CodeEditor *editor);
};

} // namespace fn
