#include "project/projectfile.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fn {

namespace {

QString kindOf(mode_t mode)
{
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO (named pipe)");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return QStringLiteral("a device");
    if (S_ISDIR(mode))
        return QStringLiteral("a folder");
    return QStringLiteral("not a regular file");
}

} // namespace

std::optional<QByteArray> ProjectFile::read(const QString &path, qint64 maxBytes, QString *error)
{
    const auto fail = [&](const QString &message) -> std::optional<QByteArray> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    // Non-blocking, so that opening a FIFO returns at once; then only a regular file is read.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return fail(QStringLiteral("cannot read %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const QString kind = kindOf(st.st_mode);
        ::close(fd);
        return fail(
            QStringLiteral("%1 is %2, not a regular file: fnstudio reads only regular files there").arg(path, kind));
    }
    if (st.st_size > maxBytes) {
        ::close(fd);
        return fail(QStringLiteral("%1 is %2 bytes, more than the %3 bytes fnstudio reads from such a file")
                        .arg(path, QString::number(qlonglong(st.st_size)), QString::number(maxBytes)));
    }
    QByteArray bytes;
    bytes.resize(qsizetype(st.st_size));
    qsizetype got = 0;
    for (;;) {
        if (got == bytes.size()) // it may have grown since: read on, within the cap
            bytes.resize(std::min<qsizetype>(bytes.size() + 65536, qsizetype(maxBytes) + 1));
        const ssize_t n = ::read(fd, bytes.data() + got, size_t(bytes.size() - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int saved = errno;
            ::close(fd);
            return fail(QStringLiteral("cannot read %1: %2").arg(path, QString::fromLocal8Bit(strerror(saved))));
        }
        if (n == 0)
            break;
        got += n;
        if (got > maxBytes) {
            ::close(fd);
            return fail(QStringLiteral("%1 grew past the %2 bytes fnstudio reads from such a file")
                            .arg(path, QString::number(maxBytes)));
        }
    }
    ::close(fd);
    bytes.truncate(got);
    return bytes;
}

} // namespace fn
