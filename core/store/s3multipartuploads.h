#pragma once
// The multipart uploads in progress, each a folder <project>/.fnstudio/s3-uploads/<upload id>
// holding what the upload will create (upload.json) and the parts received, until the upload is
// completed or aborted. The object store checks buckets and keys and writes the object.

#include "store/s3objectstore.h"

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace fn {

class S3MultipartUploads final
{
public:
    explicit S3MultipartUploads(const QString &projectDir);

    // A new upload's id; empty with *error (S3's code in *errorCode) when its folder cannot be made.
    QString create(const QString &bucket, const QString &key, const QString &contentType,
                   const QList<QPair<QString, QString>> &metadata, QString *error, QString *errorCode);
    std::optional<S3ObjectStore::Upload> find(const QString &uploadId) const;
    // The part's ETag is its MD5, as for a PUT.
    S3ObjectStore::Written putPart(const QString &uploadId, int partNumber, const S3ObjectStore::Fill &fill,
                                   const QByteArray &expectedMd5);
    // Checks the parts a completion names (ascending, each as uploaded, all but the last at least
    // MinPartBytes). When they hold: ok with S3's ETag of the joined object in object.eTag, the
    // upload in *upload and `*join` writing the parts in order. Else S3's code and message.
    S3ObjectStore::Written joinParts(const QString &uploadId, const QList<QPair<int, QString>> &parts,
                                     S3ObjectStore::Upload *upload, S3ObjectStore::Fill *join) const;
    // Forgets the upload and its parts; false when there is no such upload.
    bool remove(const QString &uploadId);

private:
    QString dirOf(const QString &uploadId) const;

    QString m_dir; // <project>/.fnstudio/s3-uploads
};

} // namespace fn
