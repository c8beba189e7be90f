#pragma once
// Builds the bubblewrap command line for one execution environment with Lambda's filesystem layout.

#include "childprocess.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace fn {

struct SandboxLayout
{
    QString codeDir;           // host folder → /var/task (read-only)
    QStringList layerDirs;     // host folders merged → /opt (read-only), in order
    QString runtimeDir;        // host folder with the runtime plugin's files → /var/runtime (read-only)
    QString tmpDir;            // host folder → /tmp (read-write; see ScratchDisk), or empty for a tmpfs
    int tmpSizeMb = 512;       // the tmpfs's size, when there is no tmpDir
    QStringList extraReadOnly; // host paths also bound read-only at the same place (an interpreter outside /usr)
    // Small system files bubblewrap copies onto the sandbox's root instead of binding them: the
    // path (the same inside and out) and the descriptor of it that bwrap inherits and reads.
    // A copy costs a read and a write; a read-only bind costs two mounts and a re-read of the
    // whole mount table. A file of copiedSystemFiles() not given here is bound.
    QList<QPair<QString, int>> copiedFiles;
    int seccompFd = -1; // descriptor bwrap inherits and reads the seccomp program from; -1: no filter
    int shmSizeMb = 64; // /dev/shm: a private tmpfs of this size (Docker's default; Lambda has none)
    // The caller starts bubblewrap inside the environment's own network namespace (NetworkSlot);
    // otherwise the sandbox gets a new one with nothing but a loopback.
    bool networkJoined = false;
};

// Lambda's process limits and identity, which every sandbox gets.
struct SandboxIdentity
{
    static constexpr int Uid = 993; // sbx_user1051, as `id` says on Lambda
    static constexpr int Gid = 990;
    static constexpr const char *User = "sbx_user1051";
    static constexpr int MaxOpenFiles = 1024;        // RLIMIT_NOFILE
    static constexpr int MaxProcessesThreads = 1024; // the resource group's pids limit
};

class Bubblewrap final
{
public:
    static QString executable(); // resolved path of bwrap, empty if missing
    static QString version();
    // The files of /etc a runtime needs that are small regular files on this machine (loader
    // cache, name resolution, users): the candidates for SandboxLayout::copiedFiles.
    static QStringList copiedSystemFiles();
    // The kernel's knobs under /proc that the sandbox sees read-only (bound over its own /proc).
    static QStringList readOnlyKernelPaths();
    // Arguments for bwrap (not including bwrap itself) ending with `command`.
    static QStringList arguments(const SandboxLayout &layout, const QStringList &command);

    // What every sandbox start needs beyond its folders: bwrap as the program, Lambda's process
    // limits, the seccomp filter and the copied system files as descriptors bwrap inherits (numbered
    // from firstFd on, noted in the layout). The caller closes spec.passFds once started. False
    // with the reason when the filter or a descriptor cannot be had: isolation is never weakened.
    static bool prepare(ProcessSpec &spec, SandboxLayout &layout, int firstFd, QString *error);
    // The sandbox's own /etc/passwd and /etc/group (Lambda's user, not the host's); empty for other files.
    static QByteArray generatedSystemFile(const QString &path);
};

} // namespace fn
