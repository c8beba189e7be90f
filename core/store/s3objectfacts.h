#pragma once
// What S3 keeps with an object and a file cannot hold (content type, user metadata, the ETag),
// in sidecar files under <project>/.fnstudio/s3-metadata, and the MD5s already read of files
// that have not changed since, so an object's facts cost a file's hash only once. Thread-safe.

#include "store/s3objectstore.h"

#include <QFileInfo>
#include <QHash>
#include <QString>

#include <mutex>

namespace fn {

class S3ObjectFacts final
{
public:
    explicit S3ObjectFacts(const QString &projectDir);

    // The object in `info`: the sidecar's facts if the file is still what the last writer through
    // the store wrote, else its MD5 (read only when the file changed) and a type from the key.
    S3Object describe(const QString &bucket, const QString &key, const QFileInfo &info) const;

    QString sidecarPath(const QString &bucket, const QString &key) const;
    bool writeSidecar(const S3Object &object, qint64 modifiedMs, QString *error) const;
    void removeBucket(const QString &bucket);

    // The ETag of the file at object.path while it keeps its size and modification time.
    void remember(const S3Object &object, qint64 modifiedMs);
    void forget(const QString &path);

private:
    struct CachedTag
    {
        qint64 size = -1;
        qint64 modifiedMs = 0;
        QString eTag;
    };

    void applySidecar(S3Object &o, qint64 modifiedMs) const;

    QString m_dir; // <project>/.fnstudio/s3-metadata
    mutable std::mutex m_mutex;
    mutable QHash<QString, CachedTag> m_tags; // file → its MD5 when it had that size and time
};

} // namespace fn
