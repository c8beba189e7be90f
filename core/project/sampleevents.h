#pragma once
// The sample events of a project: events/<Function>/*.json, listed and read with their errors placed.

#include "project/diagnostic.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace fn {

class SampleEvents final
{
public:
    // <projectDir>/events/<function>
    static QString folder(const QString &projectDir, const QString &function);

    // Absolute paths of the function's *.json events, sorted by file name (case-insensitive,
    // runs of digits compared as numbers: event2 before event10). Empty without a folder.
    static QStringList list(const QString &projectDir, const QString &function);

    // The event's bytes exactly as written (the payload Lambda would receive), after checking
    // they are JSON. nullopt with *error placed at the file's line and column when they are
    // not. displayName is how the file is named in messages (default: its path).
    static std::optional<QByteArray> read(const QString &path, Diagnostic *error, const QString &displayName = {});
};

} // namespace fn
