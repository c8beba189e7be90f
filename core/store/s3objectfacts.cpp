#include "store/s3objectfacts.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <nlohmann/json.hpp>

namespace fn {

S3ObjectFacts::S3ObjectFacts(const QString &projectDir)
    : m_dir(QDir(projectDir).filePath(QStringLiteral(".fnstudio/s3-metadata")))
{
}

QString S3ObjectFacts::sidecarPath(const QString &bucket, const QString &key) const
{
    return m_dir + u'/' + bucket + u'/' + key + QStringLiteral(".json");
}

void S3ObjectFacts::removeBucket(const QString &bucket)
{
    QDir(m_dir + u'/' + bucket).removeRecursively();
}

// What the last writer through the store recorded, if the file is still what it wrote.
void S3ObjectFacts::applySidecar(S3Object &o, qint64 modifiedMs) const
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

bool S3ObjectFacts::writeSidecar(const S3Object &o, qint64 modifiedMs, QString *error) const
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
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray::fromStdString(json.dump())) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

S3Object S3ObjectFacts::describe(const QString &bucket, const QString &key, const QFileInfo &info) const
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
            std::lock_guard lock(m_mutex);
            const auto it = m_tags.constFind(o.path);
            if (it != m_tags.cend() && it->size == o.size && it->modifiedMs == modifiedMs)
                o.eTag = it->eTag;
        }
        if (o.eTag.isEmpty()) {
            o.eTag = S3ObjectStore::md5OfFile(o.path);
            std::lock_guard lock(m_mutex);
            m_tags.insert(o.path, {o.size, modifiedMs, o.eTag});
        }
    }
    if (o.contentType.isEmpty())
        o.contentType = S3ObjectStore::guessContentType(key);
    return o;
}

void S3ObjectFacts::remember(const S3Object &o, qint64 modifiedMs)
{
    std::lock_guard lock(m_mutex);
    m_tags.insert(o.path, {o.size, modifiedMs, o.eTag});
}

void S3ObjectFacts::forget(const QString &path)
{
    std::lock_guard lock(m_mutex);
    m_tags.remove(path);
}

} // namespace fn
