#pragma once
// A staging file beside an object: a writer fills it, and it replaces the object in one rename
// only once whole and matching its Content-MD5, so a failed write leaves the object as it was. It
// hashes what it is given on the way, so a PUT reads its body once.

#include "store/s3objectstore.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QLatin1String>
#include <QString>

namespace fn {

class S3StagingFile final : public QFile
{
public:
    // Staging files' names start with this; they are never objects (the watcher and listings skip them).
    static constexpr QLatin1String Prefix{".fnstudio-upload-"};

    // What writing one file through a staging file gave: its MD5, or S3's error code and a message.
    struct Result
    {
        bool ok = false;
        QByteArray md5;
        QString code;
        QString error;
    };
    // Fills a staging file in `dir` and renames it over `path` in one step, after checking the body
    // against `expectedMd5` (Content-MD5, none when empty). On any failure the staging file goes
    // and `path` is untouched. `what` names the file in messages.
    static Result write(const QString &dir, const QString &path, const S3ObjectStore::Fill &fill,
                        const QByteArray &expectedMd5, const QString &what);

    using QFile::QFile;
    QByteArray md5() { return m_hash.result(); } // of everything written so far
    qint64 bytesWritten() const { return m_count; }

protected:
    qint64 writeData(const char *data, qint64 len) override;

private:
    QCryptographicHash m_hash{QCryptographicHash::Md5};
    qint64 m_count = 0;
};

} // namespace fn
