#pragma once
// Finds where this process's cgroups live: the v1 hierarchy folder of a controller, or the
// cgroup2 folder, each as mount point plus the process's own cgroup path (from /proc/self).

#include <QString>
#include <QStringList>

#include <initializer_list>
#include <utility>

namespace fn {

class CgroupHierarchy final
{
public:
    // The folder of this process's cgroup in the v1 hierarchy that carries `controller`
    // ("memory", "cpu", "pids", "freezer"); empty if that controller is not mounted as v1.
    static QString v1Dir(const QString &controller);
    // The folder of this process's cgroup in the unified (v2) hierarchy; empty if none is mounted.
    static QString v2Dir();
    // Pids listed in a cgroup.procs / tasks file.
    static QList<qint64> pids(const QString &procsFile);
    // Sum of the resident set of the processes listed in a cgroup.procs file (from /proc/<pid>/statm).
    static qint64 residentBytes(const QString &procsFile);
    // rmdir, retrying while the kernel finishes tearing down killed tasks; false after timeoutMs.
    static bool removeDir(const QString &dir, int timeoutMs);
    // Checks by trying that groups can be made in base: creates ".probe-<pid>", writes each value
    // into its file, checks the `needed` files exist, removes it. Empty on success, else the reason.
    static QString probe(const QString &base, std::initializer_list<std::pair<const char *, QByteArray>> writes,
                         std::initializer_list<const char *> needed = {});
    // A group's name carries the pid of the studio that made it: "<pid>-<id>", or ".pin-<pid>" and
    // ".probe-<pid>" for the backends' own.
    static QString groupName(const QString &id);
    // True only when the name carries an owner pid and no such process exists any more: another
    // studio running beside this one (a second window, `fnstudio-cli serve`, a test) keeps its groups,
    // even the empty ones it has just made and not yet filled.
    static bool ownerGone(const QString &name);
    // Removes the empty groups in base whose owner is gone (left by a studio that crashed);
    // returns how many went.
    static int removeEmptyChildrenOfGoneOwners(const QString &base);
};

} // namespace fn
