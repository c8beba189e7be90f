#include "editor/editorarea.h"

#include "editor/codeeditor.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include <algorithm>

namespace fn {

EditorArea::EditorArea(QWidget *parent)
    : QTabWidget(parent)
{
    setTabsClosable(true);
    setMovable(true);
    setDocumentMode(true);
    connect(this, &QTabWidget::tabCloseRequested, this, &EditorArea::closeEditor);
    m_confirmReload = [this](const QString &path, const QString &why) {
        const QString name = QFileInfo(path).fileName();
        QMessageBox box(QMessageBox::Question, tr("%1 changed on disk").arg(name),
                        tr("%1 has been rewritten (%2), and its tab has unsaved edits.").arg(name, why),
                        QMessageBox::NoButton, this);
        box.setInformativeText(tr("Reload it and lose your edits, or keep editing? If you keep your edits, saving them "
                                  "replaces the new file on disk."));
        QPushButton *reload = box.addButton(tr("Reload from Disk"), QMessageBox::DestructiveRole);
        box.setDefaultButton(box.addButton(tr("Keep My Edits"), QMessageBox::RejectRole));
        box.exec();
        return box.clickedButton() == reload;
    };
    connect(this, &QTabWidget::currentChanged, this, [this] {
        CodeEditor *e = currentEditor();
        Q_EMIT currentFileChanged(e ? e->filePath() : QString());
    });
}

void EditorArea::tabInserted(int index)
{
    QTabWidget::tabInserted(index);
    Q_EMIT countChanged(count());
}

void EditorArea::tabRemoved(int index)
{
    QTabWidget::tabRemoved(index);
    Q_EMIT countChanged(count());
}

CodeEditor *EditorArea::editorFor(const QString &path) const
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < count(); ++i) {
        auto *e = qobject_cast<CodeEditor *>(widget(i));
        if (e && e->filePath() == absolute)
            return e;
    }
    return nullptr;
}

CodeEditor *EditorArea::openFile(const QString &path)
{
    if (CodeEditor *e = editorFor(path)) {
        setCurrentWidget(e);
        return e;
    }
    auto *editor = new CodeEditor(this);
    if (m_runtimes)
        editor->setRuntimes(m_runtimes());
    QString error;
    if (!editor->openFile(path, &error)) {
        delete editor;
        Q_EMIT errorOccurred(error);
        return nullptr;
    }
    const int index = addTab(editor, QFileInfo(path).fileName());
    setTabToolTip(index, editor->filePath());
    connect(editor, &CodeEditor::modificationChanged, this, [this, editor] { updateTitle(editor); });
    markProblems(m_problems);
    setCurrentIndex(index);
    editor->setFocus();
    return editor;
}

void EditorArea::markProblems(const QList<Diagnostic> &problems)
{
    m_problems = problems;
    for (int i = 0; i < count(); ++i) {
        auto *e = qobject_cast<CodeEditor *>(widget(i));
        if (!e)
            continue;
        QList<Diagnostic> mine;
        for (const Diagnostic &d : problems)
            if (!d.path.isEmpty() && QFileInfo(d.path).absoluteFilePath() == e->filePath())
                mine << d;
        e->setProblems(mine);
    }
}

CodeEditor *EditorArea::currentEditor() const
{
    return qobject_cast<CodeEditor *>(currentWidget());
}

std::optional<QString> EditorArea::openText(const QString &path) const
{
    if (const CodeEditor *e = editorFor(path))
        return e->text();
    return std::nullopt;
}

void EditorArea::updateTitle(CodeEditor *editor)
{
    const int index = indexOf(editor);
    if (index < 0)
        return;
    const QString name = QFileInfo(editor->filePath()).fileName();
    setTabText(index, editor->isModified() ? QString(u"● " + name) : name);
}

bool EditorArea::saveCurrent()
{
    CodeEditor *e = currentEditor();
    if (!e)
        return false;
    QString error;
    if (!e->save(&error)) {
        Q_EMIT errorOccurred(error);
        return false;
    }
    Q_EMIT fileSaved(e->filePath());
    return true;
}

bool EditorArea::saveAll()
{
    return saveModifiedWhere([](const QString &) { return true; });
}

bool EditorArea::saveModifiedWhere(const std::function<bool(const QString &path)> &which)
{
    bool ok = true;
    for (int i = 0; i < count(); ++i) {
        auto *e = qobject_cast<CodeEditor *>(widget(i));
        if (!e || !e->isModified() || !which(QFileInfo(e->filePath()).absoluteFilePath()))
            continue;
        QString error;
        if (e->save(&error)) {
            Q_EMIT fileSaved(e->filePath());
        } else {
            Q_EMIT errorOccurred(error);
            ok = false;
        }
    }
    return ok;
}

bool EditorArea::saveModifiedUnder(const QStringList &dirs)
{
    return saveModifiedWhere([&dirs](const QString &path) {
        return std::any_of(dirs.begin(), dirs.end(), [&path](const QString &dir) {
            const QString d = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
            return !d.isEmpty() && path.startsWith(d + u'/');
        });
    });
}

bool EditorArea::closeEditor(int index)
{
    auto *e = qobject_cast<CodeEditor *>(widget(index));
    if (!e)
        return false;
    if (e->isModified()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"), tr("Save the changes to %1?").arg(QFileInfo(e->filePath()).fileName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel)
            return false;
        QString error;
        if (answer == QMessageBox::Save && !e->save(&error)) {
            Q_EMIT errorOccurred(error);
            return false;
        }
    }
    removeTab(index);
    e->deleteLater();
    return true;
}

bool EditorArea::hasUnsavedChanges() const
{
    for (int i = 0; i < count(); ++i) {
        auto *e = qobject_cast<CodeEditor *>(widget(i));
        if (e && e->isModified())
            return true;
    }
    return false;
}

bool EditorArea::maybeSaveAll()
{
    if (!hasUnsavedChanges())
        return true;
    const auto answer =
        QMessageBox::question(this, tr("Unsaved changes"), tr("Save the changed files before closing?"),
                              QMessageBox::SaveAll | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::SaveAll);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || saveAll();
}

void EditorArea::fileChangedOnDisk(const QString &path, const QString &why)
{
    CodeEditor *e = editorFor(path);
    if (!e)
        return;
    if (e->isModified() && !m_confirmReload(e->filePath(), why)) {
        Q_EMIT editsKeptOverDisk(e->filePath());
        return;
    }
    QString error;
    if (!e->reload(&error))
        Q_EMIT errorOccurred(error);
}

} // namespace fn
