#pragma once
// What a studio or CLI process leaves of its sandboxes' resource groups, found as a user would
// (find /sys/fs/cgroup -path '*fnstudio*'): every backend names an environment's group
// <owner pid>-<id> under a folder called fnstudio (cgroup v1: one per controller; v2: beside the
// studio's own group), and v1 keeps one empty frozen group .pin-<owner pid> per studio.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

namespace fn::test {

// The groups under any fnstudio folder of /sys/fs/cgroup that belong to process `pid`.
inline QStringList cgroupsOwnedBy(qint64 pid)
{
    const QString environment = QString::number(pid) + u'-';
    const QString pin = QStringLiteral(".pin-") + QString::number(pid);
    QStringList found;
    QDirIterator it(QStringLiteral("/sys/fs/cgroup"), QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString dir = it.next();
        if (it.fileName() != QLatin1String("fnstudio"))
            continue;
        const QStringList children = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
        for (const QString &child : children)
            if (child.startsWith(environment) || child == pin)
                found << dir + u'/' + child;
    }
    return found;
}

// An environment's group (not the pin) that the freezer holds: v1 freezer.state, v2 cgroup.events.
inline bool anyEnvironmentFrozen(qint64 pid)
{
    const QString environment = QString::number(pid) + u'-';
    for (const QString &dir : cgroupsOwnedBy(pid)) {
        if (!QDir(dir).dirName().startsWith(environment))
            continue;
        QFile v1(dir + QStringLiteral("/freezer.state"));
        if (v1.open(QIODevice::ReadOnly) && v1.readAll().trimmed() == "FROZEN")
            return true;
        QFile v2(dir + QStringLiteral("/cgroup.events"));
        if (v2.open(QIODevice::ReadOnly) && v2.readAll().contains("frozen 1"))
            return true;
    }
    return false;
}

} // namespace fn::test
