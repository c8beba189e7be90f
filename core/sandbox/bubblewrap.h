#pragma once
// Builds the bubblewrap command line for one execution environment with Lambda's filesystem layout.

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace fn {

struct SandboxLayout
{
    QString codeDir;           // host folder → /var/task (read-only)
    QStringList layerDirs;     // host folders merged → /opt (read-only), in order
    QString runtimeDir;        // host folder with the runtime plugin's files → /var/runtime (read-only)
    int tmpSizeMb = 512;       // private tmpfs at /tmp of this size
    QStringList extraReadOnly; // host paths also bound read-only at the same place (an interpreter outside /usr)
    // Small system files bubblewrap copies onto the sandbox's root instead of binding them: the
    // path (the same inside and out) and the descriptor of it that bwrap inherits and reads.
    // A copy costs a read and a write; a read-only bind costs two mounts and a re-read of the
    // whole mount table. A file of copiedSystemFiles() not given here is bound.
    QList<QPair<QString, int>> copiedFiles;
};

class Bubblewrap final
{
public:
    static QString executable(); // resolved path of bwrap, empty if missing
    static QString version();
    // The files of /etc a runtime needs that are small regular files on this machine (loader
    // cache, name resolution, users): the candidates for SandboxLayout::copiedFiles.
    static QStringList copiedSystemFiles();
    // Arguments for bwrap (not including bwrap itself) ending with `command`.
    static QStringList arguments(const SandboxLayout &layout, const QStringList &command);
};

} // namespace fn
