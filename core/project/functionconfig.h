#pragma once
// One function of a project, fully resolved (Globals applied, parameters substituted, paths absolute).

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace fn {

struct FunctionConfig
{
    QString name;                 // the template's logical id, e.g. HelloPython
    QString runtime;              // python3.12, nodejs20.x, provided.al2023, ...
    QString handler;              // app.handler (empty for provided)
    QString codeDir;              // absolute path of CodeUri
    int memoryMb = 128;
    int timeoutSec = 3;
    int ephemeralStorageMb = 512;
    QList<QPair<QString, QString>> environment; // the function's own variables, in template order
    QStringList layerDirs;        // absolute ContentUri of each local layer, in order
    QString architecture = QStringLiteral("x86_64");
    std::optional<int> reservedConcurrency;
    std::optional<int> provisionedConcurrency;
    QString logGroup;             // LoggingConfig.LogGroup, else /aws/lambda/<name>
    QString logFormat = QStringLiteral("Text");

    QString effectiveLogGroup() const
    {
        return logGroup.isEmpty() ? QStringLiteral("/aws/lambda/") + name : logGroup;
    }
};

} // namespace fn
