#pragma once
// Finds the processes of a function's execution environments on this machine, as a user would
// with ps: every process whose environment names the function.

#include <QDirIterator>
#include <QFile>
#include <QStringList>

namespace fn::test {

// The /proc/<pid> folders of processes with AWS_LAMBDA_FUNCTION_NAME=<functionName>.
inline QStringList functionProcesses(const QString &functionName)
{
    QStringList found;
    const QByteArray needle = "AWS_LAMBDA_FUNCTION_NAME=" + functionName.toUtf8() + '\0';
    QDirIterator it(QStringLiteral("/proc"));
    while (it.hasNext()) {
        const QString dir = it.next();
        QFile environ(dir + QStringLiteral("/environ"));
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(needle))
            found << dir;
    }
    return found;
}

// The pasta processes (each environment's network, and the spare made ahead) that `parent` started.
inline QList<qint64> pastaChildren(qint64 parent)
{
    QList<qint64> found;
    QDirIterator it(QStringLiteral("/proc"));
    while (it.hasNext()) {
        const QString dir = it.next();
        QFile status(dir + QStringLiteral("/status")), cmdline(dir + QStringLiteral("/cmdline"));
        if (!status.open(QIODevice::ReadOnly) || !cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = status.readAll();
        const int at = text.indexOf("\nPPid:\t");
        if (at < 0 || text.mid(at + 7, text.indexOf('\n', at + 1) - at - 7).trimmed().toLongLong() != parent)
            continue;
        if (cmdline.readAll().split('\0').value(0).endsWith("pasta"))
            found << it.fileName().toLongLong();
    }
    return found;
}

// Whether any of these processes still runs (a zombie counts as gone).
inline bool anyRunning(const QList<qint64> &pids)
{
    for (const qint64 pid : pids) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        if (text.mid(text.lastIndexOf(')') + 2, 1) != "Z")
            return true;
    }
    return false;
}

} // namespace fn::test
