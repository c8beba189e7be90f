#pragma once
// Builds the bubblewrap command line for one execution environment with Lambda's filesystem layout.

#include <QString>
#include <QStringList>

namespace fn {

struct SandboxLayout
{
    QString codeDir;              // host folder → /var/task (read-only)
    QStringList layerDirs;        // host folders merged → /opt (read-only), in order
    QString runtimeDir;           // host folder with the runtime plugin's files → /var/runtime (read-only)
    int tmpSizeMb = 512;          // private tmpfs at /tmp of this size
    QStringList extraReadOnly;    // host paths also bound read-only at the same place (an interpreter outside /usr)
};

class Bubblewrap final
{
public:
    static QString executable();  // resolved path of bwrap, empty if missing
    static QString version();
    // Arguments for bwrap (not including bwrap itself) ending with `command`.
    static QStringList arguments(const SandboxLayout &layout, const QStringList &command);
};

} // namespace fn
