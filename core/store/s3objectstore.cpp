#include "store/s3objectstore.h"

#include "project/intrinsicresolver.h"
#include "project/yamltext.h"
#include "store/s3multipartuploads.h"
#include "store/s3objectfacts.h"
#include "store/s3stagingfile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace fn {

struct S3ObjectStore::Private
{
    explicit Private(const QString &dir)
        : projectDir(dir)
        , facts(dir)
        , uploads(dir)
    {
    }

    QString projectDir;
    S3ObjectFacts facts;
    S3MultipartUploads uploads;
    QHash<QString, QString> mapped; // bucket → absolute folder

    // The file for `key`, or an error when the key cannot be one below the bucket.
    QString fileFor(const S3ObjectStore *store, const QString &bucket, const QString &key) const
    {
        return QDir(store->bucketDir(bucket)).filePath(key);
    }

    // Whether `path` (or, for one not there yet, the nearest folder above it that is), with every
    // symbolic link followed, leaves the bucket's folder. A link in a bucket folder that came with a
    // shared project (to ~/.ssh, say) is then neither served, listed, written through nor deleted
    // through: a function could read the opener's files from the endpoint otherwise. A dangling link
    // counts as leaving, as what it would create is not known.
    static bool leavesBucket(const QString &bucketRoot, const QString &path)
    {
        const QString root = QFileInfo(bucketRoot).canonicalFilePath();
        if (root.isEmpty())
            return true;
        QFileInfo info(path);
        while (!info.exists() && !info.isSymLink()) {
            const QString parent = info.absolutePath();
            if (parent == info.absoluteFilePath())
                return true;
            info = QFileInfo(parent);
        }
        const QString resolved = info.canonicalFilePath();
        return resolved.isEmpty() || (resolved != root && !resolved.startsWith(root + u'/'));
    }

    void removeEmptyParents(const QString &bucketRoot, QString dir) const
    {
        const QString root = QDir::cleanPath(bucketRoot);
        while (QDir::cleanPath(dir) != root && dir.startsWith(root)) {
            if (!QDir().rmdir(dir))
                break;
            dir = QFileInfo(dir).absolutePath();
        }
    }
};

S3ObjectStore::S3ObjectStore(QString projectDir, QHash<QString, QString> mappedFolders)
    : d(std::make_unique<Private>(projectDir))
{
    for (auto it = mappedFolders.cbegin(); it != mappedFolders.cend(); ++it) {
        QString folder = it.value();
        if (folder.startsWith(QLatin1String("~/")))
            folder = QDir::home().filePath(folder.mid(2));
        d->mapped.insert(it.key(), QDir::cleanPath(QDir(d->projectDir).absoluteFilePath(folder)));
    }
}

S3ObjectStore::~S3ObjectStore() = default;

QString S3ObjectStore::bucketsDir(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".fnstudio/buckets"));
}

QString S3ObjectStore::projectDir() const
{
    return d->projectDir;
}

QString S3ObjectStore::bucketDir(const QString &bucket) const
{
    const auto it = d->mapped.constFind(bucket);
    return it != d->mapped.cend() ? *it : QDir(bucketsDir(d->projectDir)).filePath(bucket);
}

bool S3ObjectStore::isMapped(const QString &bucket) const
{
    return d->mapped.contains(bucket);
}

bool S3ObjectStore::isStagingName(const QString &fileName)
{
    return fileName.startsWith(S3StagingFile::Prefix);
}

QString S3ObjectStore::bucketNameProblem(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,255}$"));
    if (!valid.match(name).hasMatch())
        return QStringLiteral("bucket name '%1' must be 1 to 255 letters, digits, '.', '-' or '_'").arg(name);
    if (name == QLatin1String(".") || name == QLatin1String(".."))
        return QStringLiteral("bucket name '%1' cannot be a folder").arg(name);
    return {};
}

QString S3ObjectStore::keyProblem(const QString &key)
{
    if (key.isEmpty())
        return QStringLiteral("the object key is empty");
    if (key.toUtf8().size() > MaxKeyBytes)
        return QStringLiteral("the object key is %1 bytes long; S3 allows at most %2")
            .arg(key.toUtf8().size())
            .arg(MaxKeyBytes);
    if (key.contains(QChar(0)))
        return QStringLiteral("the object key contains a NUL character");
    const QStringList segments = key.split(u'/');
    for (int i = 0; i < segments.size(); ++i) {
        const QString &s = segments[i];
        if (s == QLatin1String(".") || s == QLatin1String(".."))
            return QStringLiteral("key '%1': fnstudio keeps objects as files and cannot store a path segment '%2'")
                .arg(key, s);
        if (s.isEmpty() && i != segments.size() - 1)
            return QStringLiteral("key '%1': fnstudio keeps objects as files and cannot store an empty path segment "
                                  "(\"//\" or a leading '/')")
                .arg(key);
        if (isStagingName(s))
            return QStringLiteral("key '%1': names starting with %2 are fnstudio's own staging files")
                .arg(key, S3StagingFile::Prefix);
        // S3 has no such limit; a file name has (NAME_MAX), and a failed write must not be an
        // InternalError that names the host's folders.
        if (s.toUtf8().size() > MaxKeySegmentBytes)
            return QStringLiteral(
                       "key '%1…': fnstudio keeps objects as files, and a part between '/' may be at most %2 "
                       "bytes (this one has %3)")
                .arg(key.left(64))
                .arg(MaxKeySegmentBytes)
                .arg(s.toUtf8().size());
    }
    return {};
}

QStringList S3ObjectStore::buckets() const
{
    QStringList names;
    const QDir root(bucketsDir(d->projectDir));
    for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (bucketNameProblem(name).isEmpty())
            names << name;
    for (auto it = d->mapped.cbegin(); it != d->mapped.cend(); ++it)
        if (QFileInfo(it.value()).isDir() && !names.contains(it.key()))
            names << it.key();
    std::sort(names.begin(), names.end());
    return names;
}

bool S3ObjectStore::bucketExists(const QString &bucket) const
{
    return bucketNameProblem(bucket).isEmpty() && QFileInfo(bucketDir(bucket)).isDir();
}

QDateTime S3ObjectStore::bucketCreated(const QString &bucket) const
{
    const QFileInfo info(bucketDir(bucket));
    const QDateTime born = info.birthTime();
    return (born.isValid() ? born : info.lastModified()).toUTC();
}

bool S3ObjectStore::createBucket(const QString &bucket, QString *error)
{
    if (const QString problem = bucketNameProblem(bucket); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    const QString dir = bucketDir(bucket);
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create the folder %1").arg(QDir::toNativeSeparators(dir));
        return false;
    }
    return true;
}

S3ObjectStore::RemoveBucket S3ObjectStore::removeBucket(const QString &bucket, QString *error)
{
    if (!bucketExists(bucket))
        return RemoveBucket::NoSuchBucket;
    const QString dir = bucketDir(bucket);
    if (!list(bucket).isEmpty())
        return RemoveBucket::NotEmpty;
    if (isMapped(bucket)) {
        *error = QStringLiteral("bucket %1 is the folder %2 of the project's settings; fnstudio does not delete it")
                     .arg(bucket, QDir::toNativeSeparators(dir));
        return RemoveBucket::Mapped;
    }
    if (!QDir(dir).removeRecursively()) { // only empty folders are left in it
        *error = QStringLiteral("cannot remove the folder %1").arg(QDir::toNativeSeparators(dir));
        return RemoveBucket::Failed;
    }
    d->facts.removeBucket(bucket);
    return RemoveBucket::Removed;
}

std::optional<S3Object> S3ObjectStore::object(const QString &bucket, const QString &key) const
{
    if (!keyProblem(key).isEmpty() || key.endsWith(u'/'))
        return std::nullopt;
    const QFileInfo info(d->fileFor(this, bucket, key));
    if (!info.isFile() || Private::leavesBucket(bucketDir(bucket), info.filePath()))
        return std::nullopt;
    return d->facts.describe(bucket, key, info);
}

QList<S3Object> S3ObjectStore::list(const QString &bucket, const QString &prefix) const
{
    const QString root = bucketDir(bucket);
    // Only the folder the prefix reaches into needs walking.
    const qsizetype slash = prefix.lastIndexOf(u'/');
    const QString start = slash < 0 ? root : QDir(root).filePath(prefix.left(slash));
    QList<std::pair<QByteArray, S3Object>> found;
    const QDir rootDir(root);
    QDirIterator it(start, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        if (isStagingName(info.fileName()) || (info.isSymLink() && Private::leavesBucket(root, path)))
            continue;
        const QString key = rootDir.relativeFilePath(path);
        if (!key.startsWith(prefix))
            continue;
        found.append({key.toUtf8(), d->facts.describe(bucket, key, info)});
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<S3Object> objects;
    objects.reserve(found.size());
    for (auto &[sortKey, o] : found)
        objects.append(std::move(o));
    return objects;
}

S3ObjectStore::Written S3ObjectStore::put(const QString &bucket, const QString &key, const Fill &fill,
                                          const QString &contentType, const QList<QPair<QString, QString>> &metadata,
                                          const QByteArray &expectedMd5)
{
    Written result;
    const auto fail = [&result](const QString &code, const QString &message) {
        result.errorCode = code;
        result.error = message;
        return result;
    };
    if (!bucketExists(bucket))
        return fail(QStringLiteral("NoSuchBucket"), QStringLiteral("The specified bucket does not exist"));
    if (const QString problem = keyProblem(key); !problem.isEmpty())
        return fail(key.toUtf8().size() > MaxKeyBytes ? QStringLiteral("KeyTooLongError")
                                                      : QStringLiteral("InvalidArgument"),
                    problem);
    const QString path = d->fileFor(this, bucket, key);
    if (Private::leavesBucket(bucketDir(bucket), path))
        return fail(QStringLiteral("AccessDenied"),
                    QStringLiteral("key '%1' leads out of the bucket's folder through a symbolic link: fnstudio does "
                                   "not write through it")
                        .arg(key));
    const QString folder = QFileInfo(path).absolutePath();
    // A key may not need a folder where an object is a file, nor be a file where others need a folder.
    for (QString dir = folder; dir.size() > bucketDir(bucket).size(); dir = QFileInfo(dir).absolutePath())
        if (QFileInfo(dir).isFile())
            return fail(QStringLiteral("InvalidArgument"),
                        QStringLiteral("key '%1' needs '%2' to be a folder, but it is an object (a file)")
                            .arg(key, QDir(bucketDir(bucket)).relativeFilePath(dir)));
    if (key.endsWith(u'/')) {
        // A "folder" marker: S3 consoles create them; here it is the folder itself, and it is empty.
        // The body goes nowhere, hashed on the way for the marker's ETag.
        S3StagingFile sink(QStringLiteral("/dev/null"));
        sink.open(QIODevice::WriteOnly);
        QString error, code;
        if (!fill(sink, &error, &code))
            return fail(code.isEmpty() ? QStringLiteral("InternalError") : code, error);
        if (sink.bytesWritten() > 0)
            return fail(
                QStringLiteral("InvalidArgument"),
                QStringLiteral("key '%1' ends with '/': fnstudio keeps it as a folder and cannot give it a body")
                    .arg(key));
        if (!QDir().mkpath(path))
            return fail(QStringLiteral("InternalError"),
                        QStringLiteral("cannot create the folder for key '%1' in bucket %2").arg(key, bucket));
        result.ok = true;
        result.object.bucket = bucket;
        result.object.key = key;
        result.object.eTag = QString::fromLatin1(sink.md5().toHex());
        result.object.lastModified = QDateTime::currentDateTimeUtc();
        return result;
    }
    if (QFileInfo(path).isDir())
        return fail(
            QStringLiteral("InvalidArgument"),
            QStringLiteral("key '%1' is a folder of other objects here; fnstudio cannot also make it a file").arg(key));
    if (!QDir().mkpath(folder))
        return fail(QStringLiteral("InternalError"), QStringLiteral("cannot create the folder %1").arg(folder));

    const S3StagingFile::Result staged = S3StagingFile::write(folder, path, fill, expectedMd5, path);
    if (!staged.ok)
        return fail(staged.code, staged.error);
    const QByteArray md5 = staged.md5;
    const QFileInfo info(path);
    S3Object &o = result.object;
    o.bucket = bucket;
    o.key = key;
    o.path = info.absoluteFilePath();
    o.size = info.size();
    o.lastModified = info.lastModified().toUTC();
    o.eTag = QString::fromLatin1(md5.toHex());
    o.contentType = contentType.isEmpty() ? guessContentType(key) : contentType;
    o.metadata = metadata;
    const qint64 modifiedMs = info.lastModified().toMSecsSinceEpoch();
    d->facts.remember(o, modifiedMs);
    // The object is written; a sidecar that cannot be is reported but does not undo it.
    if (!contentType.isEmpty() || !metadata.isEmpty() || QFile::exists(d->facts.sidecarPath(bucket, key))) {
        QString sidecarError;
        if (!d->facts.writeSidecar(o, modifiedMs, &sidecarError))
            result.error = sidecarError;
    }
    result.ok = true;
    return result;
}

S3ObjectStore::Written S3ObjectStore::copy(const QString &fromBucket, const QString &fromKey, const QString &bucket,
                                           const QString &key, bool replaceMetadata, const QString &contentType,
                                           const QList<QPair<QString, QString>> &metadata)
{
    const auto source = object(fromBucket, fromKey);
    if (!source) {
        Written result;
        result.errorCode = bucketExists(fromBucket) ? QStringLiteral("NoSuchKey") : QStringLiteral("NoSuchBucket");
        result.error = bucketExists(fromBucket) ? QStringLiteral("The specified key does not exist.")
                                                : QStringLiteral("The specified bucket does not exist");
        return result;
    }
    // Read first: copying an object onto itself (to change its metadata) must not truncate it.
    const auto fill = [path = source->path, fromBucket, fromKey](QIODevice &out, QString *error, QString *code) {
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly)) {
            *code = QStringLiteral("InternalError");
            *error = QStringLiteral("cannot read %1/%2: %3").arg(fromBucket, fromKey, in.errorString());
            return false;
        }
        char buffer[64 * 1024];
        for (qint64 n; (n = in.read(buffer, sizeof buffer)) > 0;)
            if (out.write(buffer, n) != n) {
                *code = QStringLiteral("InternalError");
                *error = QStringLiteral("writing the copy failed: %1").arg(out.errorString());
                return false;
            }
        return true;
    };
    return put(bucket, key, fill, replaceMetadata ? contentType : source->contentType,
               replaceMetadata ? metadata : source->metadata);
}

bool S3ObjectStore::remove(const QString &bucket, const QString &key, QString *error, QString *errorCode)
{
    if (!keyProblem(key).isEmpty())
        return true; // nothing can be stored under it, so there is nothing to delete
    const QString path = d->fileFor(this, bucket, key);
    const QFileInfo info(path);
    // The link itself may go (it is in the bucket); nothing may be deleted through one.
    if (Private::leavesBucket(bucketDir(bucket), info.isSymLink() ? info.absolutePath() : path)) {
        *error = QStringLiteral("key '%1' leads out of the bucket's folder through a symbolic link: fnstudio does "
                                "not delete through it")
                     .arg(key);
        if (errorCode)
            *errorCode = QStringLiteral("AccessDenied");
        return false;
    }
    if (key.endsWith(u'/')) {
        if (info.isDir())
            QDir().rmdir(path); // only an empty folder, as S3 deletes only the marker
        return true;
    }
    if (info.isFile() && !QFile::remove(path)) {
        *error = QStringLiteral("cannot delete %1/%2").arg(bucket, key);
        if (errorCode)
            *errorCode = QStringLiteral("InternalError");
        return false;
    }
    QFile::remove(d->facts.sidecarPath(bucket, key));
    d->facts.forget(info.absoluteFilePath());
    d->removeEmptyParents(bucketDir(bucket), info.absolutePath());
    return true;
}

QString S3ObjectStore::createUpload(const QString &bucket, const QString &key, const QString &contentType,
                                    const QList<QPair<QString, QString>> &metadata, QString *error, QString *errorCode)
{
    if (!bucketExists(bucket)) {
        *errorCode = QStringLiteral("NoSuchBucket");
        *error = QStringLiteral("The specified bucket does not exist");
        return {};
    }
    if (const QString problem = keyProblem(key); !problem.isEmpty() || key.endsWith(u'/')) {
        *errorCode = QStringLiteral("InvalidArgument");
        *error = problem.isEmpty() ? QStringLiteral("key '%1' ends with '/': fnstudio keeps it as a folder").arg(key)
                                   : problem;
        return {};
    }
    return d->uploads.create(bucket, key, contentType, metadata, error, errorCode);
}

std::optional<S3ObjectStore::Upload> S3ObjectStore::upload(const QString &uploadId) const
{
    return d->uploads.find(uploadId);
}

S3ObjectStore::Written S3ObjectStore::putPart(const QString &uploadId, int partNumber, const Fill &fill,
                                              const QByteArray &expectedMd5)
{
    return d->uploads.putPart(uploadId, partNumber, fill, expectedMd5);
}

S3ObjectStore::Written S3ObjectStore::completeUpload(const QString &uploadId, const QList<QPair<int, QString>> &parts)
{
    Upload u;
    Fill join;
    const Written joined = d->uploads.joinParts(uploadId, parts, &u, &join);
    if (!joined.ok)
        return joined;
    Written result = put(u.bucket, u.key, join, u.contentType, u.metadata);
    if (!result.ok)
        return result;
    S3Object &o = result.object;
    o.eTag = joined.object.eTag;
    const qint64 modifiedMs = QFileInfo(o.path).lastModified().toMSecsSinceEpoch();
    d->facts.remember(o, modifiedMs);
    QString sidecarError;
    if (!d->facts.writeSidecar(o, modifiedMs, &sidecarError))
        result.error = sidecarError;
    d->uploads.remove(uploadId);
    return result;
}

bool S3ObjectStore::abortUpload(const QString &uploadId)
{
    return d->uploads.remove(uploadId);
}

QString S3ObjectStore::md5OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Md5);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

QString S3ObjectStore::guessContentType(const QString &key)
{
    static const QMimeDatabase db;
    const QMimeType type = db.mimeTypeForFile(key, QMimeDatabase::MatchExtension);
    return type.isDefault() ? QStringLiteral("binary/octet-stream") : type.name();
}

QStringList S3ObjectStore::bucketsFromTemplate(const QString &templateFile, QString *error)
{
    QStringList names;
    try {
        const YAML::Node root = yamltext::loadFileWithinBudget(templateFile);
        const YAML::Node resources = root["Resources"];
        if (!resources || !resources.IsMap())
            return names;
        IntrinsicResolver resolver;
        resolver.setStackName(IntrinsicResolver::stackNameFor(templateFile));
        resolver.load(root, {});
        for (const auto &entry : resources) {
            const YAML::Node type = entry.second["Type"];
            if (!type || !type.IsScalar() || type.Scalar() != "AWS::S3::Bucket")
                continue;
            // An unresolvable BucketName leaves the logical id; the template's reader warns of it.
            const QString id = QString::fromStdString(entry.first.Scalar());
            IntrinsicResolver::Problem ignored;
            names << resolver.physicalName(id, &ignored).value_or(id);
        }
    } catch (const YAML::Exception &e) {
        if (error)
            *error = templateFile + QStringLiteral(": ") + QString::fromStdString(e.what());
        return {};
    }
    return names;
}

} // namespace fn
