#include "store/s3multipartuploads.h"

#include "store/s3stagingfile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <nlohmann/json.hpp>

namespace fn {

namespace {

bool validUploadId(const QString &id)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    return hex.match(id).hasMatch();
}

QString partPath(const QString &dir, int partNumber)
{
    return QDir(dir).filePath(QStringLiteral("part-%1").arg(partNumber, 5, 10, QLatin1Char('0')));
}

S3ObjectStore::Written failure(const QString &code, const QString &message)
{
    S3ObjectStore::Written result;
    result.errorCode = code;
    result.error = message;
    return result;
}

QString noSuchUpload()
{
    return QStringLiteral("The specified upload does not exist. The upload ID may be invalid, or the upload may have "
                          "been aborted or completed.");
}

} // namespace

S3MultipartUploads::S3MultipartUploads(const QString &projectDir)
    : m_dir(QDir(projectDir).filePath(QStringLiteral(".fnstudio/s3-uploads")))
{
}

QString S3MultipartUploads::dirOf(const QString &uploadId) const
{
    return QDir(m_dir).filePath(uploadId);
}

QString S3MultipartUploads::create(const QString &bucket, const QString &key, const QString &contentType,
                                   const QList<QPair<QString, QString>> &metadata, QString *error, QString *errorCode)
{
    const QString id = QUuid::createUuid().toString(QUuid::Id128);
    const QString dir = dirOf(id);
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

std::optional<S3ObjectStore::Upload> S3MultipartUploads::find(const QString &uploadId) const
{
    if (!validUploadId(uploadId))
        return std::nullopt;
    QFile file(QDir(dirOf(uploadId)).filePath(QStringLiteral("upload.json")));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray text = file.readAll();
    const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object())
        return std::nullopt;
    S3ObjectStore::Upload u;
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

S3ObjectStore::Written S3MultipartUploads::putPart(const QString &uploadId, int partNumber,
                                                   const S3ObjectStore::Fill &fill, const QByteArray &expectedMd5)
{
    if (!find(uploadId))
        return failure(QStringLiteral("NoSuchUpload"), noSuchUpload());
    if (partNumber < 1 || partNumber > S3ObjectStore::MaxPartNumber)
        return failure(QStringLiteral("InvalidArgument"),
                       QStringLiteral("Part number must be an integer between 1 and %1, inclusive")
                           .arg(S3ObjectStore::MaxPartNumber));
    const QString dir = dirOf(uploadId);
    const QString path = partPath(dir, partNumber);
    const S3StagingFile::Result staged =
        S3StagingFile::write(dir, path, fill, expectedMd5, QStringLiteral("part %1 of the upload").arg(partNumber));
    if (!staged.ok)
        return failure(staged.code, staged.error);
    S3ObjectStore::Written result;
    result.ok = true;
    result.object.eTag = QString::fromLatin1(staged.md5.toHex());
    result.object.size = QFileInfo(path).size();
    return result;
}

S3ObjectStore::Written S3MultipartUploads::joinParts(const QString &uploadId, const QList<QPair<int, QString>> &parts,
                                                     S3ObjectStore::Upload *upload, S3ObjectStore::Fill *join) const
{
    const auto u = find(uploadId);
    if (!u)
        return failure(QStringLiteral("NoSuchUpload"), noSuchUpload());
    if (parts.isEmpty())
        return failure(QStringLiteral("MalformedXML"), QStringLiteral("You must specify at least one part"));
    const QString dir = dirOf(uploadId);
    QCryptographicHash tags(QCryptographicHash::Md5);
    for (qsizetype i = 1; i < parts.size(); ++i)
        if (parts.at(i).first <= parts.at(i - 1).first)
            return failure(QStringLiteral("InvalidPartOrder"),
                           QStringLiteral("The list of parts was not in ascending order. The parts list must be "
                                          "specified in order by part number."));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const auto &[number, eTag] = parts.at(i);
        const QString path = partPath(dir, number);
        const QString md5 = S3ObjectStore::md5OfFile(path);
        QString given = eTag;
        given.remove(u'"');
        if (md5.isEmpty() || md5 != given)
            return failure(
                QStringLiteral("InvalidPart"),
                QStringLiteral("One or more of the specified parts could not be found. The part may not have been "
                               "uploaded, or the specified entity tag may not match the part's entity tag."));
        if (i < parts.size() - 1 && QFileInfo(path).size() < S3ObjectStore::MinPartBytes)
            return failure(QStringLiteral("EntityTooSmall"),
                           QStringLiteral("Your proposed upload is smaller than the minimum allowed object size."));
        tags.addData(QByteArray::fromHex(md5.toLatin1()));
    }
    *upload = *u;
    *join = [parts, dir](QIODevice &out, QString *error, QString *code) {
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
    S3ObjectStore::Written result;
    result.ok = true;
    // S3's ETag of a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts.
    result.object.eTag = QString::fromLatin1(tags.result().toHex()) + u'-' + QString::number(parts.size());
    return result;
}

bool S3MultipartUploads::remove(const QString &uploadId)
{
    if (!find(uploadId))
        return false;
    return QDir(dirOf(uploadId)).removeRecursively();
}

} // namespace fn
