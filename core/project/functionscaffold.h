#pragma once
// Adds a new function to a project: its code folder with a handler from the runtime's template, a
// sample event, and its resource appended to template.yaml; all of it or, on any failure, none.

#include "project/templateeditor.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace fn {

class FunctionScaffold final
{
public:
    struct Spec
    {
        QString name;               // logical id, also the code folder and the events folder
        QString runtime;            // SAM Runtime value
        QString handler;            // Handler property (provided: "bootstrap")
        QString handlerFileName;    // app.py, index.mjs, bootstrap
        QByteArray handlerTemplate; // the handler file's content
        bool handlerExecutable = false;
        int memoryMb = 128;
        int timeoutSec = 3;
    };

    explicit FunctionScaffold(const QString &templatePath);

    // Checks what can be checked before anything is written (name, folders, template writable).
    // Empty when create() may go ahead.
    QString problem(const Spec &spec) const;
    // Writes the code folder, handler, events/<name>/event.json and the template. False with
    // errorString() when anything failed; whatever it had created is removed again.
    bool create(const Spec &spec);

    QString errorString() const { return m_error; }
    QString codeDir(const Spec &spec) const;
    QString handlerPath(const Spec &spec) const;
    QString eventPath(const Spec &spec) const;

    // The sample event a new function starts with.
    static QByteArray sampleEvent();

private:
    bool fail(const QString &message);
    bool makeDir(const QString &path);
    bool writeFile(const QString &path, const QByteArray &content, bool executable);
    void rollBack();
    QString display(const QString &path) const;

    QString m_templatePath;
    QString m_folder;
    QString m_error;
    QStringList m_createdFiles;
    QStringList m_createdDirs;
};

} // namespace fn
