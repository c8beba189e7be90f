#pragma once
// An environment's /tmp as a folder on disk, so what a function writes there is page cache the
// kernel can write back and reclaim, not tmpfs pages charged to the memory limit: a 256 MB function
// can fill its 512 MB of /tmp, as on Lambda, where /tmp is disk.
//
// The folder lives under the user's cache (FN_SCRATCH_DIR overrides it), one per environment, and is
// removed with it. While an environment lives its folder is locked (flock on the folder itself); a
// studio that died leaves unlocked folders, which the next one sweeps away.
//
// No filesystem quota is cheap enough to give each environment without root and a filesystem of its
// own, so the size is watched rather than enforced: usedBytes() says how much is there, and the
// environment warns when it passes EphemeralStorage (where Lambda's writes would fail with ENOSPC).

#include <QString>

#include <memory>

namespace fn {

class ScratchDisk final
{
public:
    // The folder under which every environment's /tmp is made.
    static QString baseDir();
    // A new, empty folder for one environment, locked for as long as the returned object lives;
    // null with the reason when it cannot be made (no writable cache, a full disk).
    static std::unique_ptr<ScratchDisk> create(QString *error);
    // Removes the folders no live environment holds (a crashed studio's). Returns how many.
    static int sweepOrphans();

    ~ScratchDisk(); // removes the folder and everything in it, links as links
    ScratchDisk(const ScratchDisk &) = delete;
    ScratchDisk &operator=(const ScratchDisk &) = delete;

    QString path() const { return m_path; }
    // Bytes the folder's files take on disk (allocated blocks, as du counts), links not followed.
    qint64 usedBytes() const;

private:
    ScratchDisk(QString path, int lockFd);

    QString m_path;
    int m_lockFd = -1;
};

} // namespace fn
