#pragma once
// The Buckets panel: the project's local S3 buckets (folders that exist, the template's
// AWS::S3::Bucket resources and the buckets S3 events name) with their folders and object counts;
// Open Folder, Map to Folder… (written to .fnstudio/settings.json, the triggers then watch the new
// folder) and Unmap; the S3 endpoint's URL while serving and the latest object event. It shows the
// workspace's published snapshots and never scans a bucket's folder itself.

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTreeView;

namespace fn {

struct BucketsSnapshot;

class BucketModel;
class Messenger;
class Workspace;
class TriggerHost;

class BucketsPanel final : public QWidget
{
    Q_OBJECT
public:
    // Asks for a bucket's folder (empty: cancelled); QFileDialog unless replaced, e.g. by tests.
    using FolderPicker = std::function<QString(const QString &bucket, const QString &current)>;
    // Opens a folder in the desktop's file manager; QDesktopServices unless replaced.
    using FolderOpener = std::function<bool(const QString &folder)>;

    BucketsPanel(Workspace &workspace, Messenger &messenger, QWidget *parent = nullptr);

    BucketModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *mapButton() const { return m_map; }
    QPushButton *unmapButton() const { return m_unmap; }
    QLabel *endpointLabel() const { return m_endpoint; }
    QLabel *activityLabel() const { return m_activity; }
    void setFolderPicker(FolderPicker pick) { m_pickFolder = std::move(pick); }
    void setFolderOpener(FolderOpener open) { m_openFolder = std::move(open); }

    // Asks for a fresh snapshot of the buckets; it follows.
    void refresh();
    void selectBucket(const QString &name);
    QString selectedBucket() const;
    void openSelected();
    void mapSelected();
    void unmapSelected();

private:
    void attachHost();
    void adopt(const fn::BucketsSnapshot &snapshot);
    void noteObjectEvent(const QString &bucket, const QString &key, const QString &eventName,
                         const QString &functionName, const QString &requestId);
    bool writeMapping(const QString &bucket, const QString &folder);
    void updateButtons();

    Workspace &m_workspace;
    Messenger &m_messenger;
    QPointer<TriggerHost> m_host;
    BucketModel *m_model;
    QTreeView *m_view;
    QPushButton *m_open;
    QPushButton *m_map;
    QPushButton *m_unmap;
    QLabel *m_status;
    QLabel *m_endpoint;
    QLabel *m_activity;
    FolderPicker m_pickFolder;
    FolderOpener m_openFolder;
};

} // namespace fn
