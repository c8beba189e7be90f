#include "scratchdisk.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fn {

namespace {

bool isDotOrDotDot(const char *name)
{
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

// Opens the sub-folder `name` of dirFd without following a link, and without letting its mode keep us out.
int openSubfolder(int dirFd, const char *name)
{
    ::fchmodat(dirFd, name, 0700, 0); // a real folder here: unlinkat said so, and nothing runs in it any more
    return ::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

// Empties the folder open at rootFd. Iterative, holding one descriptor at a time, so a function's
// folders nested a million deep cost neither the stack nor the descriptor table. Whatever it cannot
// remove it leaves, and says so by returning false.
bool emptyTree(int rootFd)
{
    ::fchmod(rootFd, 0700);
    int fd = ::dup(rootFd);
    if (fd < 0)
        return false;
    int depth = 0;
    bool ok = true;
    while (true) {
        DIR *dir = ::fdopendir(::dup(fd));
        if (!dir) {
            ok = false;
            break;
        }
        ::rewinddir(dir);
        bool descended = false;
        bool stuck = false;
        while (const dirent *entry = ::readdir(dir)) {
            if (isDotOrDotDot(entry->d_name))
                continue;
            if (::unlinkat(fd, entry->d_name, 0) == 0)
                continue;
            if (errno == EISDIR && ::unlinkat(fd, entry->d_name, AT_REMOVEDIR) == 0)
                continue;
            if (errno == ENOTEMPTY || errno == EEXIST || errno == EACCES || errno == EPERM) {
                const int child = openSubfolder(fd, entry->d_name);
                if (child >= 0) {
                    ::close(fd);
                    fd = child;
                    ++depth;
                    descended = true;
                    break;
                }
            }
            stuck = true;
        }
        ::closedir(dir);
        if (descended)
            continue;
        if (stuck) { // going up would only come back down to it
            ok = false;
            break;
        }
        if (depth == 0)
            break;
        const int parent = ::openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ::close(fd);
        fd = parent;
        --depth;
        if (fd < 0)
            return false;
    }
    ::close(fd);
    return ok;
}

// Removes base/name if no environment holds its lock. True if it was removed.
bool removeIfUnlocked(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool removed = false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
        removed = emptyTree(fd) && ::rmdir(native.constData()) == 0;
    ::close(fd);
    return removed;
}

} // namespace

QString ScratchDisk::baseDir()
{
    const QString overridden = qEnvironmentVariable("FN_SCRATCH_DIR");
    if (!overridden.isEmpty())
        return overridden;
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/fnstudio/tmp");
}

std::unique_ptr<ScratchDisk> ScratchDisk::create(QString *error)
{
    const QString base = baseDir();
    const auto fail = [error, &base](const QString &why) {
        if (error)
            *error = QStringLiteral("cannot make a folder for /tmp under %1: %2").arg(base, why);
        return nullptr;
    };
    if (!QDir().mkpath(base))
        return fail(QStringLiteral("cannot create it"));
    // Only the studio's user may look in: other users of the machine have no business in a function's files.
    ::chmod(QFile::encodeName(base).constData(), 0700);
    for (int attempt = 0; attempt < 8; ++attempt) {
        const QString path = base + QLatin1Char('/') + QString::number(QRandomGenerator::global()->generate64(), 16);
        const QByteArray native = QFile::encodeName(path);
        if (::mkdir(native.constData(), 0755) != 0) {
            if (errno == EEXIST)
                continue;
            return fail(QString::fromLocal8Bit(strerror(errno)));
        }
        const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return fail(QString::fromLocal8Bit(strerror(errno)));
        // A studio sweeping at this moment may have taken it first, and removed it: then try another.
        struct stat held
        {
        }, there{};
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 && ::lstat(native.constData(), &there) == 0
            && held.st_ino == there.st_ino && held.st_dev == there.st_dev)
            return std::unique_ptr<ScratchDisk>(new ScratchDisk(path, fd));
        ::close(fd);
    }
    return fail(QStringLiteral("another studio keeps removing it"));
}

int ScratchDisk::sweepOrphans()
{
    const QString base = baseDir();
    int removed = 0;
    const QStringList names = QDir(base).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    for (const QString &name : names)
        removed += removeIfUnlocked(base + QLatin1Char('/') + name) ? 1 : 0;
    return removed;
}

ScratchDisk::ScratchDisk(QString path, int lockFd)
    : m_path(std::move(path))
    , m_lockFd(lockFd)
{
}

ScratchDisk::~ScratchDisk()
{
    if (emptyTree(m_lockFd))
        ::rmdir(QFile::encodeName(m_path).constData());
    ::close(m_lockFd); // a folder left behind is swept by the next studio
}

qint64 ScratchDisk::usedBytes() const
{
    // Depth-first with a bounded stack of descriptors: deep enough for any real /tmp, and a walk that
    // a hostile tree cannot make endless (its deeper levels are left out of the estimate).
    constexpr int MaxDepth = 64;
    constexpr int MaxEntries = 200000; // and at most 256 folders open at once
    qint64 bytes = 0;
    int entries = 0;
    std::vector<int> pending{::dup(m_lockFd)};
    std::vector<int> depths{0};
    while (!pending.empty()) {
        const int fd = pending.back();
        const int depth = depths.back();
        pending.pop_back();
        depths.pop_back();
        DIR *dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
        if (!dir) {
            if (fd >= 0)
                ::close(fd);
            continue;
        }
        while (const dirent *entry = ::readdir(dir)) {
            if (isDotOrDotDot(entry->d_name) || ++entries > MaxEntries)
                continue;
            struct stat st
            {
            };
            if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            bytes += qint64(st.st_blocks) * 512;
            if (S_ISDIR(st.st_mode) && depth < MaxDepth && pending.size() < 256) {
                const int child =
                    ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child >= 0) {
                    pending.push_back(child);
                    depths.push_back(depth + 1);
                }
            }
        }
        ::closedir(dir);
    }
    return bytes;
}

} // namespace fn
