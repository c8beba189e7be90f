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

} // namespace fn::test
