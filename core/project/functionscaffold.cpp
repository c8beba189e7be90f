#include "project/functionscaffold.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace fn {

FunctionScaffold::FunctionScaffold(const QString &templatePath)
    : m_templatePath(QFileInfo(templatePath).absoluteFilePath())
    , m_folder(QFileInfo(templatePath).absolutePath())
{
}

QString FunctionScaffold::codeDir(const Spec &spec) const
{
    return QDir(m_folder).filePath(spec.name);
}

QString FunctionScaffold::handlerPath(const Spec &spec) const
{
    return QDir(codeDir(spec)).filePath(spec.handlerFileName);
}

QString FunctionScaffold::eventPath(const Spec &spec) const
{
    return QDir(m_folder).filePath(QStringLiteral("events/%1/event.json").arg(spec.name));
}

QByteArray FunctionScaffold::sampleEvent()
{
    return QByteArrayLiteral("{\n  \"name\": \"Ada\",\n  \"message\": \"hello\"\n}\n");
}

QString FunctionScaffold::display(const QString &path) const
{
    const QString relative = QDir(m_folder).relativeFilePath(path);
    return relative.startsWith(QLatin1String("..")) ? path : relative;
}

QString FunctionScaffold::problem(const Spec &spec) const
{
    TemplateEditor editor;
    if (!editor.load(m_templatePath))
        return editor.errorString();
    const QString nameProblem = editor.newResourceNameProblem(spec.name);
    if (!nameProblem.isEmpty())
        return nameProblem;
    if (spec.handlerFileName.isEmpty() || spec.handlerFileName.contains(u'/'))
        return QStringLiteral("the runtime %1 names no handler file").arg(spec.runtime);
    if (QFileInfo::exists(codeDir(spec)))
        return QStringLiteral("the folder %1 already exists; choose another name or remove it")
            .arg(display(codeDir(spec)));
    if (QFileInfo::exists(eventPath(spec)))
        return QStringLiteral("%1 already exists; choose another name or remove it").arg(display(eventPath(spec)));
    // Opening for append is what tells: it fails on a read-only or immutable file even for root.
    QFile file(m_templatePath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return QStringLiteral("%1 is not writable: %2").arg(display(m_templatePath), file.errorString());
    return {};
}

bool FunctionScaffold::create(const Spec &spec)
{
    m_error.clear();
    m_createdFiles.clear();
    m_createdDirs.clear();
    const QString before = problem(spec);
    if (!before.isEmpty())
        return fail(before);

    TemplateEditor editor;
    if (!editor.load(m_templatePath))
        return fail(editor.errorString());
    TemplateEditor::NewFunction resource;
    resource.name = spec.name;
    resource.runtime = spec.runtime;
    resource.handler = spec.handler;
    resource.codeUri = spec.name + u'/';
    resource.memoryMb = spec.memoryMb;
    resource.timeoutSec = spec.timeoutSec;

    // The template is written last: until then nothing refers to the new files, and a failure
    // anywhere removes them again.
    const bool ok = makeDir(codeDir(spec)) && writeFile(handlerPath(spec), spec.handlerTemplate, spec.handlerExecutable)
                    && makeDir(QFileInfo(eventPath(spec)).absolutePath())
                    && writeFile(eventPath(spec), sampleEvent(), false);
    if (!ok) {
        rollBack();
        return false;
    }
    if (!editor.addFunction(resource) || !editor.save()) {
        rollBack();
        return fail(QStringLiteral("%1 was not changed: %2").arg(display(m_templatePath), editor.errorString()));
    }
    return true;
}

bool FunctionScaffold::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool FunctionScaffold::makeDir(const QString &path)
{
    // Each folder made is remembered, outermost first, so a roll-back removes exactly those.
    QStringList missing;
    for (QString p = QDir::cleanPath(path); !QFileInfo::exists(p); p = QFileInfo(p).absolutePath())
        missing.prepend(p);
    for (const QString &dir : std::as_const(missing)) {
        if (!QDir().mkdir(dir))
            return fail(QStringLiteral("cannot create the folder %1").arg(display(dir)));
        m_createdDirs.append(dir);
    }
    if (!QFileInfo(path).isDir())
        return fail(QStringLiteral("%1 is not a folder").arg(display(path)));
    return true;
}

bool FunctionScaffold::writeFile(const QString &path, const QByteArray &content, bool executable)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(display(path), file.errorString()));
    file.write(content);
    if (!file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(display(path), file.errorString()));
    m_createdFiles.append(path);
    if (executable) {
        const auto perms =
            QFile::permissions(path) | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
        if (!QFile::setPermissions(path, perms))
            return fail(QStringLiteral("cannot make %1 executable").arg(display(path)));
    }
    return true;
}

void FunctionScaffold::rollBack()
{
    for (auto it = m_createdFiles.crbegin(); it != m_createdFiles.crend(); ++it)
        QFile::remove(*it);
    for (auto it = m_createdDirs.crbegin(); it != m_createdDirs.crend(); ++it)
        QDir().rmdir(*it);
    m_createdFiles.clear();
    m_createdDirs.clear();
}

} // namespace fn
