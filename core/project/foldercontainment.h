#pragma once
// Keeps what a project shows its functions inside the project's folder: a folder named by the
// template or the settings must resolve, symbolic links followed, inside the project or inside a
// folder the user allowed in .fnstudio/settings.json ("allowOutsideFolders").

#include <QString>
#include <QStringList>

namespace fn {

class FolderContainment final
{
public:
    // allowedOutside: folders as the settings write them (absolute, "~/..." or relative to the
    // project); those that do not exist allow nothing.
    FolderContainment(const QString &projectDir, const QStringList &allowedOutside);

    // A folder as settings write it, made absolute: "~/" is the home folder, relative is below the
    // project. Not resolved: symbolic links are still in it.
    static QString absoluteFolder(const QString &projectDir, const QString &folder);

    // Where `path` really is: its symbolic links and ".." resolved, also for a path that does not
    // exist yet (its nearest existing parent is resolved, the rest appended).
    static QString resolve(const QString &path);

    // Empty when `path` resolves inside the project or an allowed folder; else why not, as the
    // end of a sentence naming it: "resolves to /root, outside the project folder /home/ada/p".
    QString problem(const QString &path) const;

    // True when `path`, as written (no link followed), lies inside the project folder.
    bool isWrittenInside(const QString &path) const;

    QString projectDir() const { return m_project; }

private:
    static bool isUnder(const QString &path, const QString &root);

    QString m_project;     // absolute, as given
    QString m_realProject; // resolved
    QStringList m_realAllowed;
};

} // namespace fn
