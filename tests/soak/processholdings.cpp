#include "processholdings.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSet>

#include <malloc.h>
#include <map>
#include <unistd.h>

namespace fn::soak {

int entries(const QString &dir)
{
    return int(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System | QDir::Hidden).size());
}

double rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    return 0;
}

double trimmedRssMb()
{
    malloc_trim(0);
    return rssMb();
}

double growthPerTenThousand(const std::vector<MemorySampleAt> &samples)
{
    const size_t from = samples.size() > 2 ? samples.size() / 2 : 0;
    const double n = double(samples.size() - from);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = from; i < samples.size(); ++i) {
        sx += samples[i].done;
        sy += samples[i].trimmedMb;
        sxx += double(samples[i].done) * samples[i].done;
        sxy += samples[i].done * samples[i].trimmedMb;
    }
    const double denominator = n * sxx - sx * sx;
    return denominator > 0 ? (n * sxy - sx * sy) / denominator * 10000 : 0;
}

// Every process below this one (children, grandchildren, ...), with its state letter.
QStringList descendants()
{
    std::multimap<qint64, qint64> children;
    std::map<qint64, QString> describe;
    QDirIterator it(QStringLiteral("/proc"));
    while (it.hasNext()) {
        const QString dir = it.next();
        bool numeric = false;
        const qint64 pid = it.fileName().toLongLong(&numeric);
        QFile stat(dir + QStringLiteral("/stat"));
        if (!numeric || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        const QList<QByteArray> rest = text.mid(close + 2).split(' ');
        children.emplace(rest.value(1).toLongLong(), pid);
        describe[pid] = QStringLiteral("%1 %2 (%3)")
                            .arg(pid)
                            .arg(QString::fromUtf8(text.mid(text.indexOf('(') + 1, close - text.indexOf('(') - 1)),
                                 QString::fromUtf8(rest.value(0)));
    }
    QStringList found;
    std::vector<qint64> todo{qint64(getpid())};
    while (!todo.empty()) {
        const qint64 parent = todo.back();
        todo.pop_back();
        const auto [from, to] = children.equal_range(parent);
        for (auto c = from; c != to; ++c) {
            found << describe[c->second];
            todo.push_back(c->second);
        }
    }
    return found;
}

// TCP ports this process listens on (sockets among its descriptors in state LISTEN).
QStringList listeningPorts()
{
    QSet<QByteArray> inodes;
    QDirIterator fds(QStringLiteral("/proc/self/fd"), QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    while (fds.hasNext()) {
        fds.next();
        const QString target = fds.fileInfo().symLinkTarget();
        const QString link = QFile::symLinkTarget(fds.filePath());
        const QString name = link.isEmpty() ? target : link;
        const int at = name.indexOf(QStringLiteral("socket:["));
        if (at >= 0)
            inodes.insert(name.mid(at + 8).chopped(1).toUtf8());
    }
    QStringList ports;
    for (const QString &table : {QStringLiteral("/proc/net/tcp"), QStringLiteral("/proc/net/tcp6")}) {
        QFile f(table);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QList<QByteArray> cols = line.simplified().split(' ');
            if (cols.size() > 9 && cols[3] == "0A" && inodes.contains(cols[9]))
                ports << QString::number(cols[1].split(':').value(1).toInt(nullptr, 16));
        }
    }
    return ports;
}

// What is left under a folder: every file and folder in it, relative.
QStringList leftUnder(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        found << QDir(dir).relativeFilePath(it.next());
    return found;
}

// The names of this process's threads (what each one's comm says).
QStringList threadNames()
{
    QStringList names;
    QDirIterator it(QStringLiteral("/proc/self/task"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        QFile comm(it.next() + QStringLiteral("/comm"));
        if (comm.open(QIODevice::ReadOnly))
            names << QString::fromUtf8(comm.readAll().trimmed());
    }
    names.sort();
    return names;
}

Holdings holdings()
{
    return {entries(QStringLiteral("/proc/self/fd")), threadNames(), listeningPorts()};
}

} // namespace fn::soak
