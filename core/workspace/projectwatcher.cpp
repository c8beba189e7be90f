#include "workspace/projectwatcher.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace fn {

namespace {

// Enough for any function's code; inotify watches are a per-user resource shared with other programs.
constexpr int MaxWatchedFiles = 4000;

QStringList projectFiles(const QString &folder)
{
    const QDir dir(folder);
    return {dir.filePath(QStringLiteral("template.yaml")), dir.filePath(QStringLiteral("template.yml")),
            dir.filePath(QStringLiteral("env.json")), dir.filePath(QStringLiteral(".fnstudio/settings.json"))};
}

QStringList codeRoots(const FunctionConfig &f)
{
    QStringList roots;
    if (!f.codeDir.isEmpty())
        roots << f.codeDir;
    roots += f.layerDirs;
    return roots;
}

// Files and folders under `root`, hidden ones (.fnstudio, .git, ...) left out, sorted.
void walk(const QString &root, QStringList *dirs, QStringList *files)
{
    if (!QFileInfo(root).isDir())
        return;
    dirs->append(root);
    QDirIterator it(root, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    QStringList entries;
    while (it.hasNext())
        entries << it.next();
    entries.sort();
    for (const QString &path : std::as_const(entries)) {
        const QFileInfo info(path);
        if (info.fileName().startsWith(u'.'))
            continue;
        if (info.isDir())
            walk(path, dirs, files);
        else
            files->append(path);
    }
}

} // namespace

ProjectWatcher::ProjectWatcher(QObject *parent)
    : QObject(parent)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(100);
    connect(&m_settle, &QTimer::timeout, this, [this] { checkNow(); });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_settle.start(); });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_settle.start(); });
}

QByteArray ProjectWatcher::codeStamp(const FunctionConfig &function)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    for (const QString &root : codeRoots(function)) {
        QStringList dirs, files;
        walk(root, &dirs, &files);
        for (const QString &file : std::as_const(files)) {
            const QFileInfo info(file);
            hash.addData(file.toUtf8());
            const QByteArray stamp = QByteArray::number(info.size()) + ':'
                                     + QByteArray::number(info.lastModified().toMSecsSinceEpoch()) + ':'
                                     + QByteArray::number(info.metadataChangeTime().toMSecsSinceEpoch()) + '\n';
            hash.addData(stamp);
        }
    }
    return hash.result();
}

QByteArray ProjectWatcher::projectFilesStamp() const
{
    QByteArray stamp;
    for (const QString &file : projectFiles(m_folder)) {
        const QFileInfo info(file);
        if (info.exists())
            stamp += file.toUtf8() + ':' + QByteArray::number(info.size()) + ':'
                     + QByteArray::number(info.lastModified().toMSecsSinceEpoch()) + '\n';
    }
    return stamp;
}

void ProjectWatcher::watch(const QString &folder, const QList<FunctionConfig> &functions)
{
    m_folder = folder;
    m_functions = functions;
    m_codeStamps.clear();
    for (const FunctionConfig &f : functions)
        m_codeStamps.insert(f.name, codeStamp(f));
    m_projectStamp = projectFilesStamp();
    rearm();
}

void ProjectWatcher::clear()
{
    m_settle.stop();
    m_folder.clear();
    m_functions.clear();
    m_codeStamps.clear();
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
}

void ProjectWatcher::rearm()
{
    // Saving by rename replaces the file the watch was on: watch whatever is there now.
    // Not .fnstudio itself: the store's journal files come and go there with every invocation.
    QStringList dirs{m_folder};
    QStringList files;
    for (const QString &f : projectFiles(m_folder))
        if (QFileInfo::exists(f))
            files << f;
    for (const FunctionConfig &f : std::as_const(m_functions))
        for (const QString &root : codeRoots(f))
            walk(root, &dirs, &files);
    if (files.size() > MaxWatchedFiles)
        files.resize(MaxWatchedFiles); // folders still tell of files added, removed or renamed
    dirs.removeDuplicates();
    files.removeDuplicates();
    const QStringList watchedFiles = m_watcher.files(), watchedDirs = m_watcher.directories();
    QStringList add;
    for (const QString &d : std::as_const(dirs))
        if (!watchedDirs.contains(d) && QFileInfo(d).isDir())
            add << d;
    for (const QString &f : std::as_const(files))
        if (!watchedFiles.contains(f))
            add << f;
    if (!add.isEmpty())
        m_watcher.addPaths(add);
}

QStringList ProjectWatcher::checkNow()
{
    m_settle.stop();
    if (m_folder.isEmpty())
        return {};
    QStringList changed;
    for (const FunctionConfig &f : std::as_const(m_functions)) {
        const QByteArray stamp = codeStamp(f);
        QByteArray &known = m_codeStamps[f.name];
        if (stamp != known) {
            known = stamp;
            changed << f.name;
        }
    }
    const QByteArray projectStamp = projectFilesStamp();
    const bool projectChanged = projectStamp != m_projectStamp;
    m_projectStamp = projectStamp;
    rearm();
    if (!changed.isEmpty())
        Q_EMIT codeChanged(changed);
    if (projectChanged)
        Q_EMIT projectFilesChanged();
    return changed;
}

} // namespace fn
