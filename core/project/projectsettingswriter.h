#pragma once
// Writes the studio's changes into a project's .fnstudio/settings.json (which folder a local S3
// bucket is kept in, how permissions are checked), keeping every other key, their order and the
// file's indentation.

#include <QString>

namespace fn {

class ProjectSettingsWriter final
{
public:
    // Maps `bucket` to `folder` (absolute, "~/..." or relative to the project), or removes its
    // mapping when `folder` is empty; "buckets" goes when its last entry does. A missing file is
    // created. A file that is not a JSON object, or whose "buckets" is not an object, is left
    // untouched: false, with *error naming the file and what to fix. The write is atomic.
    static bool setBucketFolder(const QString &projectDir, const QString &bucket, const QString &folder,
                                QString *error);
    // Sets "permissions" to "off", "warn" or "enforce" (anything else is refused); the same rules
    // for a missing or broken file.
    static bool setPermissions(const QString &projectDir, const QString &mode, QString *error);
};

} // namespace fn
