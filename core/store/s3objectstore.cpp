#include "store/s3objectstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace fn {

namespace {

const QLatin1String StagingPrefix(".fnstudio-upload-");

// A staging file that hashes what it is given, so a PUT reads its body once.
class HashingFile final : public QFile
{
public:
    using QFile::QFile;
    QByteArray md5() { return m_hash.result(); }
    qint64 bytesWritten() const { return m_count; }

protected:
    qint64 writeData(const char *data, qint64 len) override
    {
        const qint64 written = QFile::writeData(data, len);
        if (written > 0) {
            m_hash.addData(QByteArrayView(data, written));
            m_count += written;
        }
        return written;
    }

private:
    QCryptographicHash m_hash{QCryptographicHash::Md5};
    qint64 m_count = 0;
};

// What writing one file through a staging file gave: its MD5, or S3's error code and a message.
struct Staged
{
    bool ok = false;
    QByteArray md5;
    QString code;
    QString error;
};

// Fills a staging file in `dir` and renames it over `path` in one step, after checking the body
// against `expectedMd5` (Content-MD5). On any failure the staging file goes and `path` is
// untouched. `what` names the file in messages.
Staged writeStaged(const QString &dir, const QString &path, const S3ObjectStore::Fill &fill,
                   const QByteArray &expectedMd5, const QString &what)
{
    Staged r;
    const QString staging = QDir(dir).filePath(StagingPrefix + QUuid::createUuid().toString(QUuid::Id128));
    HashingFile file(staging);
    if (!file.open(QIODevice::WriteOnly)) {
        r.code = QStringLiteral("InternalError");
        r.error = QStringLiteral("cannot write %1: %2").arg(staging, file.errorString());
        return r;
    }
    bool ok = fill(file, &r.error, &r.code);
    if (ok && (file.error() != QFileDevice::NoError || !file.flush())) {
        ok = false;
        r.code = QStringLiteral("InternalError");
        r.error = QStringLiteral("writing %1 failed: %2").arg(what, file.errorString());
    }
    r.md5 = file.md5();
    file.close();
    if (ok && !expectedMd5.isEmpty() && r.md5 != expectedMd5) {
        ok = false;
        r.code = QStringLiteral("BadDigest");
        r.error = QStringLiteral("The Content-MD5 you specified did not match what we received.");
    }
    if (ok && std::rename(QFile::encodeName(staging).constData(), QFile::encodeName(path).constData()) != 0) {
        ok = false;
        r.code = QStringLiteral("InternalError");
        r.error = QStringLiteral("cannot move the upload into %1: %2")
                      .arg(what, QString::fromLocal8Bit(std::strerror(errno)));
    }
    if (!ok) {
        QFile::remove(staging);
        if (r.code.isEmpty())
            r.code = QStringLiteral("InternalError");
        return r;
    }
    r.ok = true;
    return r;
}

struct CachedTag
{
    qint64 size = -1;
    qint64 modifiedMs = 0;
    QString eTag;
};

} // namespace

struct S3ObjectStore::Private
{
    QString projectDir;
    QHash<QString, QString> mapped; // bucket → absolute folder
    mutable std::mutex mutex;
    mutable QHash<QString, CachedTag> tags; // file → its MD5 when it had that size and time

    QString sidecarPath(const QString &bucket, const QString &key) const
    {
        return QDir(projectDir)
            .filePath(QStringLiteral(".fnstudio/s3-metadata/") + bucket + u'/' + key + QStringLiteral(".json"));
    }

    // What the last writer through the store recorded, if the file is still what it wrote.
    void applySidecar(S3Object &o, qint64 modifiedMs) const
    {
        QFile file(sidecarPath(o.bucket, o.key));
        if (!file.open(QIODevice::ReadOnly))
            return;
        const QByteArray text = file.readAll();
        const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        if (!json.is_object() || json.value("size", qint64(-1)) != o.size
            || json.value("modifiedMs", qint64(-1)) != modifiedMs)
            return; // changed behind the store's back: its facts are stale
        o.eTag = QString::fromStdString(json.value("eTag", std::string()));
        o.contentType = QString::fromStdString(json.value("contentType", std::string()));
        if (const auto m = json.find("metadata"); m != json.end() && m->is_object())
            for (const auto &[name, value] : m->items())
                if (value.is_string())
                    o.metadata.append({QString::fromStdString(name), QString::fromStdString(value.get<std::string>())});
    }

    bool writeSidecar(const S3Object &o, qint64 modifiedMs, QString *error) const
    {
        const QString path = sidecarPath(o.bucket, o.key);
        QDir().mkpath(QFileInfo(path).absolutePath());
        nlohmann::ordered_json json{{"size", o.size},
                                    {"modifiedMs", modifiedMs},
                                    {"eTag", o.eTag.toStdString()},
                                    {"contentType", o.contentType.toStdString()},
                                    {"metadata", nlohmann::ordered_json::object()}};
        for (const auto &[name, value] : o.metadata)
            json["metadata"][name.toStdString()] = value.toStdString();
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray::fromStdString(json.dump())) < 0
            || !file.commit()) {
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
            return false;
        }
        return true;
    }

    S3Object describe(const QString &bucket, const QString &key, const QFileInfo &info) const
    {
        S3Object o;
        o.bucket = bucket;
        o.key = key;
        o.path = info.absoluteFilePath();
        o.size = info.size();
        o.lastModified = info.lastModified().toUTC();
        const qint64 modifiedMs = info.lastModified().toMSecsSinceEpoch();
        applySidecar(o, modifiedMs);
        if (o.eTag.isEmpty()) {
            {
                std::lock_guard lock(mutex);
                const auto it = tags.constFind(o.path);
                if (it != tags.cend() && it->size == o.size && it->modifiedMs == modifiedMs)
                    o.eTag = it->eTag;
            }
            if (o.eTag.isEmpty()) {
                o.eTag = md5OfFile(o.path);
                std::lock_guard lock(mutex);
                tags.insert(o.path, {o.size, modifiedMs, o.eTag});
            }
        }
        if (o.contentType.isEmpty())
            o.contentType = guessContentType(key);
        return o;
    }

    // The file for `key`, or an error when the key cannot be one below the bucket.
    QString fileFor(const S3ObjectStore *store, const QString &bucket, const QString &key) const
    {
        return QDir(store->bucketDir(bucket)).filePath(key);
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
    : d(std::make_unique<Private>())
{
    d->projectDir = std::move(projectDir);
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
    return fileName.startsWith(StagingPrefix);
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
                .arg(key, StagingPrefix);
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
    QDir(QDir(d->projectDir).filePath(QStringLiteral(".fnstudio/s3-metadata/") + bucket)).removeRecursively();
    return RemoveBucket::Removed;
}

std::optional<S3Object> S3ObjectStore::object(const QString &bucket, const QString &key) const
{
    if (!keyProblem(key).isEmpty() || key.endsWith(u'/'))
        return std::nullopt;
    const QFileInfo info(d->fileFor(this, bucket, key));
    if (!info.isFile())
        return std::nullopt;
    return d->describe(bucket, key, info);
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
        if (isStagingName(info.fileName()))
            continue;
        const QString key = rootDir.relativeFilePath(path);
        if (!key.startsWith(prefix))
            continue;
        found.append({key.toUtf8(), d->describe(bucket, key, info)});
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
    const QString folder = QFileInfo(path).absolutePath();
    // A key may not need a folder where an object is a file, nor be a file where others need a folder.
    for (QString dir = folder; dir.size() > bucketDir(bucket).size(); dir = QFileInfo(dir).absolutePath())
        if (QFileInfo(dir).isFile())
            return fail(QStringLiteral("InvalidArgument"),
                        QStringLiteral("key '%1' needs '%2' to be a folder, but it is an object (a file)")
                            .arg(key, QDir(bucketDir(bucket)).relativeFilePath(dir)));
    if (key.endsWith(u'/')) {
        // A "folder" marker: S3 consoles create them; here it is the folder itself, and it is empty.
        HashingFile sink(QStringLiteral("/dev/null"));
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
            return fail(QStringLiteral("InternalError"), QStringLiteral("cannot create the folder %1").arg(path));
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

    const Staged staged = writeStaged(folder, path, fill, expectedMd5, path);
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
    {
        std::lock_guard lock(d->mutex);
        d->tags.insert(o.path, {o.size, modifiedMs, o.eTag});
    }
    // The object is written; a sidecar that cannot be is reported but does not undo it.
    if (!contentType.isEmpty() || !metadata.isEmpty() || QFile::exists(d->sidecarPath(bucket, key))) {
        QString sidecarError;
        if (!d->writeSidecar(o, modifiedMs, &sidecarError))
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
    const auto fill = [path = source->path](QIODevice &out, QString *error, QString *code) {
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly)) {
            *code = QStringLiteral("InternalError");
            *error = QStringLiteral("cannot read %1: %2").arg(path, in.errorString());
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

bool S3ObjectStore::remove(const QString &bucket, const QString &key, QString *error)
{
    if (!keyProblem(key).isEmpty())
        return true; // nothing can be stored under it, so there is nothing to delete
    const QString path = d->fileFor(this, bucket, key);
    const QFileInfo info(path);
    if (key.endsWith(u'/')) {
        if (info.isDir())
            QDir().rmdir(path); // only an empty folder, as S3 deletes only the marker
        return true;
    }
    if (info.isFile() && !QFile::remove(path)) {
        *error = QStringLiteral("cannot delete %1").arg(path);
        return false;
    }
    QFile::remove(d->sidecarPath(bucket, key));
    {
        std::lock_guard lock(d->mutex);
        d->tags.remove(info.absoluteFilePath());
    }
    d->removeEmptyParents(bucketDir(bucket), info.absolutePath());
    return true;
}

namespace {

QString uploadsDir(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".fnstudio/s3-uploads"));
}

bool validUploadId(const QString &id)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    return hex.match(id).hasMatch();
}

QString partPath(const QString &dir, int partNumber)
{
    return QDir(dir).filePath(QStringLiteral("part-%1").arg(partNumber, 5, 10, QLatin1Char('0')));
}

} // namespace

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
    const QString id = QUuid::createUuid().toString(QUuid::Id128);
    const QString dir = QDir(uploadsDir(d->projectDir)).filePath(id);
    nlohmann::ordered_json json{{"bucket", bucket.toStdString()},
                                {"key", key.toStdString()},
                                {"contentType", contentType.toStdString()},
                                {"metadata", nlohmann::ordered_json::object()}};
    for (const auto &[name, value] : metadata)
        json["metadata"][name.toStdString()] = value.toStdString();
    QSaveFile file(QDir(dir).filePath(QStringLiteral("upload.json")));
    if (!QDir().mkpath(dir) || !file.open(QIODevice::WriteOnly)
        || file.write(QByteArray::fromStdString(json.dump())) < 0 || !file.commit()) {
        *errorCode = QStringLiteral("InternalError");
        *error = QStringLiteral("cannot start the upload in %1: %2").arg(dir, file.errorString());
        return {};
    }
    return id;
}

std::optional<S3ObjectStore::Upload> S3ObjectStore::upload(const QString &uploadId) const
{
    if (!validUploadId(uploadId))
        return std::nullopt;
    QFile file(QDir(uploadsDir(d->projectDir)).filePath(uploadId + QStringLiteral("/upload.json")));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray text = file.readAll();
    const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object())
        return std::nullopt;
    Upload u;
    u.id = uploadId;
    u.bucket = QString::fromStdString(json.value("bucket", std::string()));
    u.key = QString::fromStdString(json.value("key", std::string()));
    u.contentType = QString::fromStdString(json.value("contentType", std::string()));
    if (const auto m = json.find("metadata"); m != json.end() && m->is_object())
        for (const auto &[name, value] : m->items())
            if (value.is_string())
                u.metadata.append({QString::fromStdString(name), QString::fromStdString(value.get<std::string>())});
    return u;
}

S3ObjectStore::Written S3ObjectStore::putPart(const QString &uploadId, int partNumber, const Fill &fill,
                                              const QByteArray &expectedMd5)
{
    Written result;
    if (!upload(uploadId)) {
        result.errorCode = QStringLiteral("NoSuchUpload");
        result.error = QStringLiteral("The specified upload does not exist. The upload ID may be invalid, or the "
                                      "upload may have been aborted or completed.");
        return result;
    }
    if (partNumber < 1 || partNumber > MaxPartNumber) {
        result.errorCode = QStringLiteral("InvalidArgument");
        result.error = QStringLiteral("Part number must be an integer between 1 and %1, inclusive").arg(MaxPartNumber);
        return result;
    }
    const QString dir = QDir(uploadsDir(d->projectDir)).filePath(uploadId);
    const QString path = partPath(dir, partNumber);
    const Staged staged =
        writeStaged(dir, path, fill, expectedMd5, QStringLiteral("part %1 of the upload").arg(partNumber));
    if (!staged.ok) {
        result.errorCode = staged.code;
        result.error = staged.error;
        return result;
    }
    const QByteArray md5 = staged.md5;
    result.ok = true;
    result.object.eTag = QString::fromLatin1(md5.toHex());
    result.object.size = QFileInfo(path).size();
    return result;
}

S3ObjectStore::Written S3ObjectStore::completeUpload(const QString &uploadId, const QList<QPair<int, QString>> &parts)
{
    Written result;
    const auto fail = [&result](const QString &code, const QString &message) {
        result.errorCode = code;
        result.error = message;
        return result;
    };
    const auto u = upload(uploadId);
    if (!u)
        return fail(QStringLiteral("NoSuchUpload"),
                    QStringLiteral("The specified upload does not exist. The upload ID may be invalid, or the upload "
                                   "may have been aborted or completed."));
    if (parts.isEmpty())
        return fail(QStringLiteral("MalformedXML"), QStringLiteral("You must specify at least one part"));
    const QString dir = QDir(uploadsDir(d->projectDir)).filePath(uploadId);
    QCryptographicHash tags(QCryptographicHash::Md5);
    for (qsizetype i = 1; i < parts.size(); ++i)
        if (parts.at(i).first <= parts.at(i - 1).first)
            return fail(QStringLiteral("InvalidPartOrder"),
                        QStringLiteral("The list of parts was not in ascending order. The parts list must be specified "
                                       "in order by part number."));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const auto &[number, eTag] = parts.at(i);
        const QString path = partPath(dir, number);
        const QString md5 = md5OfFile(path);
        QString given = eTag;
        given.remove(u'"');
        if (md5.isEmpty() || md5 != given)
            return fail(
                QStringLiteral("InvalidPart"),
                QStringLiteral("One or more of the specified parts could not be found. The part may not have been "
                               "uploaded, or the specified entity tag may not match the part's entity tag."));
        if (i < parts.size() - 1 && QFileInfo(path).size() < MinPartBytes)
            return fail(QStringLiteral("EntityTooSmall"),
                        QStringLiteral("Your proposed upload is smaller than the minimum allowed object size."));
        tags.addData(QByteArray::fromHex(md5.toLatin1()));
    }
    const auto fill = [&parts, &dir](QIODevice &out, QString *error, QString *code) {
        char buffer[64 * 1024];
        for (const auto &[number, eTag] : parts) {
            QFile in(partPath(dir, number));
            if (!in.open(QIODevice::ReadOnly)) {
                *code = QStringLiteral("InternalError");
                *error = QStringLiteral("cannot read part %1: %2").arg(number).arg(in.errorString());
                return false;
            }
            for (qint64 n; (n = in.read(buffer, sizeof buffer)) > 0;)
                if (out.write(buffer, n) != n) {
                    *code = QStringLiteral("InternalError");
                    *error = QStringLiteral("writing the object failed: %1").arg(out.errorString());
                    return false;
                }
        }
        return true;
    };
    result = put(u->bucket, u->key, fill, u->contentType, u->metadata);
    if (!result.ok)
        return result;
    // S3's ETag of a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts.
    S3Object &o = result.object;
    o.eTag = QString::fromLatin1(tags.result().toHex()) + u'-' + QString::number(parts.size());
    const qint64 modifiedMs = QFileInfo(o.path).lastModified().toMSecsSinceEpoch();
    {
        std::lock_guard lock(d->mutex);
        d->tags.insert(o.path, {o.size, modifiedMs, o.eTag});
    }
    QString sidecarError;
    if (!d->writeSidecar(o, modifiedMs, &sidecarError))
        result.error = sidecarError;
    QDir(dir).removeRecursively();
    return result;
}

bool S3ObjectStore::abortUpload(const QString &uploadId)
{
    if (!upload(uploadId))
        return false;
    return QDir(QDir(uploadsDir(d->projectDir)).filePath(uploadId)).removeRecursively();
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
        const YAML::Node root = YAML::LoadFile(templateFile.toStdString());
        const YAML::Node resources = root["Resources"];
        if (!resources || !resources.IsMap())
            return names;
        for (const auto &entry : resources) {
            const YAML::Node type = entry.second["Type"];
            if (type && type.IsScalar() && type.Scalar() == "AWS::S3::Bucket")
                names << QString::fromStdString(entry.first.Scalar());
        }
    } catch (const YAML::Exception &e) {
        if (error)
            *error = templateFile + QStringLiteral(": ") + QString::fromStdString(e.what());
        return {};
    }
    return names;
}

} // namespace fn
