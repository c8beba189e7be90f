#pragma once
// The size of a function's deployment package and of each of its layers, counted as Lambda counts
// them against its 250 MB limit: unzipped, the bytes of every file. What `sam build` leaves out of a
// package is left out here too: the studio's .fnstudio folder, .git, .aws-sam, __pycache__ and *.pyc.

#include <QList>
#include <QString>

namespace fn {

struct FunctionConfig;

struct PackageSize
{
    static constexpr qint64 LambdaUnzippedLimitBytes = 250LL * 1024 * 1024; // function and layers together

    QString label; // "function" or "layer N"
    QString path;  // the folder counted
    qint64 bytes = 0;
    int files = 0;
    QString error; // the folder is missing or unreadable

    // Regular files under `folder`, not following symbolic links.
    static PackageSize ofFolder(const QString &label, const QString &folder);
    // The function's CodeUri first, then its layers in order.
    static QList<PackageSize> of(const FunctionConfig &function);
    static qint64 totalBytes(const QList<PackageSize> &sizes);
    // "1.2 MB", "340 KB", "12 B"
    static QString describe(qint64 bytes);
};

} // namespace fn
