#pragma once
// Local S3 buckets as folders: a bucket is a folder (<project>/.fnstudio/buckets/<name>, or one the
// project's settings map it to), an object is a file below it whose path is the key. Beside the
// files the store keeps what S3 keeps with an object and a file cannot hold (content type, user
// metadata, the ETag) under <project>/.fnstudio/s3-metadata. Shared by the bucket watcher, which
// turns changes into events, and the S3 endpoint, which serves the buckets over HTTP. Thread-safe.

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QIODevice;

namespace fn {

struct S3Object
{
    QString bucket;
    QString key;
    qint64 size = 0;
    QDateTime lastModified;                  // UTC
    QString eTag;                            // hex MD5 of the body, without quotes
    QString contentType;                     // as stored by the writer, else guessed from the key's extension
    QList<QPair<QString, QString>> metadata; // x-amz-meta-* names (lower case, without the prefix)
    QString path;                            // the file
};

class S3ObjectStore final
{
public:
    // Objects larger than this must be uploaded in parts on S3; a single PUT is refused.
    static constexpr qint64 MaxSinglePutBytes = 5LL * 1024 * 1024 * 1024;
    static constexpr int MaxKeyBytes = 1024;
    static constexpr int MaxKeySegmentBytes = 255; // a file name's limit: objects are files

    // `mappedFolders`: bucket name → folder (absolute, or relative to the project).
    explicit S3ObjectStore(QString projectDir, QHash<QString, QString> mappedFolders = {});
    ~S3ObjectStore();
    S3ObjectStore(const S3ObjectStore &) = delete;
    S3ObjectStore &operator=(const S3ObjectStore &) = delete;

    static QString bucketsDir(const QString &projectDir);
    QString projectDir() const;
    QString bucketDir(const QString &bucket) const;
    bool isMapped(const QString &bucket) const;

    // Files a writer is still filling; never objects (the watcher and listings skip them).
    static bool isStagingName(const QString &fileName);

    // Empty when `name` can be a local bucket (S3's legacy us-east-1 rules: 1-255 of letters,
    // digits, '.', '-', '_'), else why not.
    static QString bucketNameProblem(const QString &name);
    // Empty when `key` can be stored as a file below the bucket, else why not: longer than 1,024
    // bytes, empty, or with a path segment that is empty, "." or "..".
    static QString keyProblem(const QString &key);

    // The buckets that exist: folders under bucketsDir() and the mapped ones that exist.
    QStringList buckets() const;
    bool bucketExists(const QString &bucket) const;
    QDateTime bucketCreated(const QString &bucket) const;
    bool createBucket(const QString &bucket, QString *error);
    enum class RemoveBucket { Removed, NoSuchBucket, NotEmpty, Mapped, Failed };
    RemoveBucket removeBucket(const QString &bucket, QString *error);

    // The object's facts, reading the file's MD5 only when the file changed since it was last read.
    std::optional<S3Object> object(const QString &bucket, const QString &key) const;
    // Every object of the bucket whose key starts with `prefix`, in S3's order (UTF-8 bytes).
    QList<S3Object> list(const QString &bucket, const QString &prefix = {}) const;

    struct Written
    {
        bool ok = false;
        QString error;     // what failed and where
        QString errorCode; // S3's code for it: InternalError, BadDigest, EntityTooLarge, ...
        S3Object object;
    };
    // Writes an object atomically: `fill` writes the body into a staging file next to the final
    // one (returning false with a message stops the write), which then replaces the object in
    // one rename. A failed write leaves the previous object untouched.
    using Fill = std::function<bool(QIODevice &out, QString *error, QString *errorCode)>;
    Written put(const QString &bucket, const QString &key, const Fill &fill, const QString &contentType,
                const QList<QPair<QString, QString>> &metadata, const QByteArray &expectedMd5 = {});
    // CopyObject: `replaceMetadata` false keeps the source's content type and metadata.
    Written copy(const QString &fromBucket, const QString &fromKey, const QString &bucket, const QString &key,
                 bool replaceMetadata, const QString &contentType, const QList<QPair<QString, QString>> &metadata);
    // Deleting a key that does not exist succeeds, as on S3. Empty folders left behind go too.
    // False with a message, and an S3 error code (AccessDenied: through a link out of the bucket).
    bool remove(const QString &bucket, const QString &key, QString *error, QString *errorCode = nullptr);

    // Multipart uploads (what the AWS CLI and SDKs use above 8 MB): parts are kept under
    // <project>/.fnstudio/s3-uploads/<upload id> until the upload completes or is aborted.
    static constexpr qint64 MinPartBytes = 5LL * 1024 * 1024; // every part but the last
    static constexpr int MaxPartNumber = 10000;
    struct Upload
    {
        QString id;
        QString bucket;
        QString key;
        QString contentType;
        QList<QPair<QString, QString>> metadata;
    };
    // Empty with *error (S3's code in *errorCode) when the bucket or key cannot take it.
    QString createUpload(const QString &bucket, const QString &key, const QString &contentType,
                         const QList<QPair<QString, QString>> &metadata, QString *error, QString *errorCode);
    std::optional<Upload> upload(const QString &uploadId) const;
    // The part's ETag is its MD5, as for a PUT.
    Written putPart(const QString &uploadId, int partNumber, const Fill &fill, const QByteArray &expectedMd5 = {});
    // Joins the named parts (ascending part numbers, ETags as putPart gave them) into the object;
    // its ETag is S3's: the MD5 of the parts' MD5s, "-", the number of parts.
    Written completeUpload(const QString &uploadId, const QList<QPair<int, QString>> &parts);
    bool abortUpload(const QString &uploadId);

    static QString guessContentType(const QString &key);
    // The hex MD5 of a file (S3's ETag of a single-part object); empty if it cannot be read.
    static QString md5OfFile(const QString &path);
    // The names of the template's AWS::S3::Bucket resources: BucketName when given, else the
    // logical id (what !Ref gives for them; see IntrinsicResolver::physicalName).
    static QStringList bucketsFromTemplate(const QString &templateFile, QString *error = nullptr);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
