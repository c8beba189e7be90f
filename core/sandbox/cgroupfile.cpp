#include "cgroupfile.h"

#include <QFile>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace fn {

CgroupFile::~CgroupFile()
{
    close();
}

CgroupFile::CgroupFile(CgroupFile &&other) noexcept
    : m_fd(other.m_fd)
{
    other.m_fd = -1;
}

CgroupFile &CgroupFile::operator=(CgroupFile &&other) noexcept
{
    if (this != &other) {
        close();
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

bool CgroupFile::open(const QString &dir, const char *name)
{
    close();
    const QByteArray path = QFile::encodeName(dir) + '/' + name;
    m_fd = ::open(path.constData(), O_RDWR | O_CLOEXEC);
    if (m_fd < 0)
        m_fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    m_lastError = m_fd < 0 ? errno : 0;
    return m_fd >= 0;
}

void CgroupFile::close()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

long CgroupFile::readInto(char *buf, long size) const
{
    if (m_fd < 0 || size <= 0)
        return -1;
    ssize_t n;
    do {
        n = ::pread(m_fd, buf, size_t(size - 1), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        m_lastError = errno;
        return -1;
    }
    buf[n] = '\0';
    return long(n);
}

qint64 CgroupFile::readInt() const
{
    char buf[64];
    if (readInto(buf, sizeof buf) <= 0)
        return -1;
    if (std::strncmp(buf, "max", 3) == 0)
        return -1;
    return std::strtoll(buf, nullptr, 10);
}

namespace {

qint64 keyedValue(const char *buf, const char *key)
{
    const size_t keyLen = std::strlen(key);
    for (const char *line = buf; *line;) {
        if (std::strncmp(line, key, keyLen) == 0 && line[keyLen] == ' ')
            return std::strtoll(line + keyLen + 1, nullptr, 10);
        const char *next = std::strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    return -1;
}

} // namespace

qint64 CgroupFile::readKeyed(const char *key) const
{
    char buf[1024];
    if (readInto(buf, sizeof buf) <= 0)
        return -1;
    return keyedValue(buf, key);
}

bool CgroupFile::readKeyed(std::initializer_list<const char *> keys, qint64 *values) const
{
    char buf[1024];
    const bool ok = readInto(buf, sizeof buf) > 0;
    for (const char *key : keys)
        *values++ = ok ? keyedValue(buf, key) : -1;
    return ok;
}

bool CgroupFile::waitForChange(int timeoutMs) const
{
    if (m_fd < 0)
        return false;
    pollfd p{m_fd, POLLPRI, 0};
    int n;
    do {
        n = ::poll(&p, 1, timeoutMs);
    } while (n < 0 && errno == EINTR);
    return n > 0;
}

bool CgroupFile::write(const char *text) const
{
    if (m_fd < 0)
        return false;
    const size_t len = std::strlen(text);
    ssize_t n;
    do {
        n = ::pwrite(m_fd, text, len, 0);
    } while (n < 0 && errno == EINTR);
    m_lastError = n < 0 ? errno : 0;
    return n == ssize_t(len);
}

int writeCgroupValue(const QString &dir, const char *name, const QByteArray &text)
{
    CgroupFile file;
    if (!file.open(dir, name))
        return file.lastError();
    return file.write(text.constData()) ? 0 : (file.lastError() ? file.lastError() : EIO);
}

} // namespace fn
