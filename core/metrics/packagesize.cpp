#include "metrics/packagesize.h"

#include "project/functionconfig.h"

#include <QDir>
#include <QFileInfo>

namespace fn {

namespace {

bool leftOut(const QFileInfo &info)
{
    const QString name = info.fileName();
    if (info.isDir())
        return name == QLatin1String(".fnstudio") || name == QLatin1String(".git") || name == QLatin1String(".aws-sam")
               || name == QLatin1String("__pycache__");
    return name.endsWith(QLatin1String(".pyc"));
}

void add(const QString &folder, PackageSize &size)
{
    const auto entries =
        QDir(folder).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &info : entries) {
        if (info.isSymLink() || leftOut(info))
            continue;
        if (info.isDir()) {
            add(info.filePath(), size);
        } else if (info.isFile()) {
            size.bytes += info.size();
            ++size.files;
        }
    }
}

} // namespace

PackageSize PackageSize::ofFolder(const QString &label, const QString &folder)
{
    PackageSize size;
    size.label = label;
    size.path = folder;
    const QFileInfo info(folder);
    if (!info.isDir() || !info.isReadable()) {
        size.error = info.exists() ? QStringLiteral("%1 is not a readable folder").arg(folder)
                                   : QStringLiteral("%1 does not exist").arg(folder);
        return size;
    }
    add(folder, size);
    return size;
}

QList<PackageSize> PackageSize::of(const FunctionConfig &function)
{
    QList<PackageSize> sizes{ofFolder(QStringLiteral("function"), function.codeDir)};
    for (qsizetype i = 0; i < function.layerDirs.size(); ++i)
        sizes.append(ofFolder(QStringLiteral("layer %1").arg(i + 1), function.layerDirs.at(i)));
    return sizes;
}

qint64 PackageSize::totalBytes(const QList<PackageSize> &sizes)
{
    qint64 total = 0;
    for (const PackageSize &s : sizes)
        total += s.bytes;
    return total;
}

QString PackageSize::describe(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(double(bytes) / 1024, 0, 'f', bytes < 10 * 1024 ? 1 : 0);
    return QStringLiteral("%1 MB").arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
}

} // namespace fn
