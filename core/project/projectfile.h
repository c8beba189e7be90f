#pragma once
// Reading a project's own files (template, events, env-vars, settings) as what they claim to be:
// only a regular file is read, never a FIFO, socket or device (whose open or read would block the
// caller, the GUI thread among them, for good), and none larger than the caller allows.

#include <QByteArray>
#include <QString>

#include <optional>

namespace fn {

struct ProjectFile
{
    static constexpr qint64 MaxTemplateBytes = 16 << 20; // far above any template CloudFormation takes (1 MB)
    static constexpr qint64 MaxSmallFileBytes = 8 << 20; // events (6 MB at most for Lambda), env-vars, settings

    // The whole file, or nullopt with the reason ("… is a FIFO, not a regular file: …", "… is 40 MB,
    // more than …", the system's error), each naming `path`.
    static std::optional<QByteArray> read(const QString &path, qint64 maxBytes, QString *error);
};

} // namespace fn
