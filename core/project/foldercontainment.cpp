#include "project/foldercontainment.h"

#include <QDir>
#include <QFileInfo>

namespace fn {

FolderContainment::FolderContainment(const QString &projectDir, const QStringList &allowedOutside)
    : m_project(QDir::cleanPath(QDir(projectDir).absolutePath()))
    , m_realProject(resolve(m_project))
{
    for (const QString &folder : allowedOutside) {
        const QFileInfo info(absoluteFolder(m_project, folder));
        if (info.isDir())
            m_realAllowed << info.canonicalFilePath();
    }
}

QString FolderContainment::absoluteFolder(const QString &projectDir, const QString &folder)
{
    if (folder == QLatin1String("~"))
        return QDir::homePath();
    if (folder.startsWith(QLatin1String("~/")))
        return QDir::cleanPath(QDir::home().filePath(folder.mid(2)));
    return QDir::cleanPath(QDir(projectDir).absoluteFilePath(folder));
}

QString FolderContainment::resolve(const QString &path)
{
    // Walk up to the nearest part that exists; canonicalFilePath() resolves every link in it.
    QString existing = QDir::cleanPath(QDir(path).absolutePath());
    QStringList rest;
    while (!QFileInfo::exists(existing) && existing != QLatin1String("/")) {
        rest.prepend(QFileInfo(existing).fileName());
        existing = QFileInfo(existing).absolutePath();
    }
    QString real = QFileInfo(existing).canonicalFilePath();
    if (real.isEmpty())
        real = existing; // a dangling link: nothing there to show
    for (const QString &part : rest)
        real = QDir::cleanPath(real + QLatin1Char('/') + part);
    return real;
}

bool FolderContainment::isUnder(const QString &path, const QString &root)
{
    if (root == QLatin1String("/"))
        return true;
    return path == root || path.startsWith(root + QLatin1Char('/'));
}

bool FolderContainment::isWrittenInside(const QString &path) const
{
    return isUnder(QDir::cleanPath(QDir(m_project).absoluteFilePath(path)), m_project);
}

QString FolderContainment::problem(const QString &path) const
{
    const QString real = resolve(path);
    if (isUnder(real, m_realProject))
        return {};
    for (const QString &allowed : m_realAllowed) {
        if (isUnder(real, allowed))
            return {};
    }
    const QString how = isWrittenInside(path) ? QStringLiteral(" through a symbolic link") : QString();
    return QStringLiteral("resolves to %1%2, outside the project folder %3").arg(real, how, m_project);
}

} // namespace fn
