#include "helperprogram.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

namespace fn {

QString helperProgram(const QString &name, const char *overrideVariable)
{
    QStringList candidates;
    if (const QString env = qEnvironmentVariable(overrideVariable); !env.isEmpty())
        candidates << env;
    if (QCoreApplication::instance()) {
        const QString app = QCoreApplication::applicationDirPath();
        candidates << app + QStringLiteral("/../libexec/") + name
                   << app + QStringLiteral("/../libexec/fnstudio/") + name;
    }
    candidates << QStringLiteral(FN_LIBEXEC_BUILD_DIR "/") + name << QStringLiteral(FN_LIBEXEC_INSTALL_DIR "/") + name;
    for (const QString &candidate : std::as_const(candidates)) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return {};
}

} // namespace fn
