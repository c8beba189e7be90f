#pragma once
// Follows a project's files on disk: the template, env.json and .fnstudio/settings.json (the
// project must be re-read) and each function's code and layer folders (its environments run old
// code), whoever saved them — the studio's editor, another editor, git.

#include "project/functionconfig.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace fn {

class ProjectWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit ProjectWatcher(QObject *parent = nullptr);

    // Starts following `folder` and these functions' code; the current files are the baseline.
    void watch(const QString &folder, const QList<FunctionConfig> &functions);
    void clear();

    // Looks again now (a save the caller knows of, so the next invocation already sees it):
    // emits what changed since the last look and returns the functions whose code changed.
    QStringList checkNow();

    // A fingerprint of the files under a function's code and layer folders (paths, sizes,
    // modification times); hidden folders such as .fnstudio and .git are left out.
    static QByteArray codeStamp(const FunctionConfig &function);

Q_SIGNALS:
    void projectFilesChanged();
    void codeChanged(const QStringList &functionNames);

private:
    void rearm();
    QByteArray projectFilesStamp() const;

    QString m_folder;
    QList<FunctionConfig> m_functions;
    QHash<QString, QByteArray> m_codeStamps; // by function
    QByteArray m_projectStamp;
    QFileSystemWatcher m_watcher;
    QTimer m_settle; // editors write a file in several steps: look once they are done
};

} // namespace fn
