#include "store/s3stagingfile.h"

#include <QDir>
#include <QUuid>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fn {

qint64 S3StagingFile::writeData(const char *data, qint64 len)
{
    const qint64 written = QFile::writeData(data, len);
    if (written > 0) {
        m_hash.addData(QByteArrayView(data, written));
        m_count += written;
    }
    return written;
}

S3StagingFile::Result S3StagingFile::write(const QString &dir, const QString &path, const S3ObjectStore::Fill &fill,
                                           const QByteArray &expectedMd5, const QString &what)
{
    Result r;
    const QString staging = QDir(dir).filePath(Prefix + QUuid::createUuid().toString(QUuid::Id128));
    S3StagingFile file(staging);
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

} // namespace fn
