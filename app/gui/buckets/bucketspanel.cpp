#include "buckets/bucketspanel.h"

#include "buckets/bucketmodel.h"
#include "common/export.h"
#include "common/tableview.h"
#include "session/messenger.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/workspace.h"

#include "project/projectsettingswriter.h"
#include "store/s3objectstore.h"
#include "workspace/triggerhost.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace fn {

BucketsPanel::BucketsPanel(Workspace &workspace, Messenger &messenger, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_messenger(messenger)
    , m_model(new BucketModel(this))
    , m_view(makeTableView(m_model, this))
    , m_open(new QPushButton(tr("Open Folder"), this))
    , m_map(new QPushButton(tr("Map to Folder…"), this))
    , m_unmap(new QPushButton(tr("Unmap"), this))
    , m_status(new QLabel(this))
    , m_endpoint(new QLabel(this))
    , m_activity(new QLabel(this))
{
    // Names and folders are read whole; the functions take what is left.
    for (const int column : {BucketModel::NameColumn, BucketModel::FolderColumn, BucketModel::ObjectsColumn})
        m_view->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    addTableExport(m_view, QStringLiteral("buckets"));
    m_open->setToolTip(tr("Show the bucket's folder in the file manager"));
    m_map->setToolTip(tr("Keep this bucket in a folder of your choice (saved in .fnstudio/settings.json)"));
    m_unmap->setToolTip(
        tr("Keep this bucket under the project again (.fnstudio/buckets/<name>); the mapped folder is left as it is"));
    for (QLabel *label : {m_status, m_endpoint, m_activity}) {
        label->setForegroundRole(QPalette::PlaceholderText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(4, 0, 4, 0);
    buttons->addWidget(m_open);
    buttons->addWidget(m_map);
    buttons->addWidget(m_unmap);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_endpoint);
    layout->addWidget(m_activity);

    m_pickFolder = [this](const QString &bucket, const QString &current) {
        return QFileDialog::getExistingDirectory(this, tr("Folder for bucket %1").arg(bucket), current);
    };
    m_openFolder = [](const QString &folder) { return QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); };
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &BucketsPanel::updateButtons);
    connect(m_open, &QPushButton::clicked, this, &BucketsPanel::openSelected);
    connect(m_map, &QPushButton::clicked, this, &BucketsPanel::mapSelected);
    connect(m_unmap, &QPushButton::clicked, this, &BucketsPanel::unmapSelected);
    connect(&workspace, &Workspace::triggersChanged, this, &BucketsPanel::attachHost);
    // The publisher follows object events, the S3 endpoint's writes and serving by itself.
    connect(&workspace.snapshots(), &SnapshotPublisher::bucketsPublished, this, &BucketsPanel::adopt);
    attachHost();
    adopt(workspace.snapshots().buckets());
}

void BucketsPanel::attachHost()
{
    TriggerHost *host = m_workspace.triggers();
    if (host && host != m_host)
        connect(host, &TriggerHost::s3ObjectEvent, this, &BucketsPanel::noteObjectEvent, Qt::QueuedConnection);
    m_host = host;
    updateButtons();
}

QString BucketsPanel::selectedBucket() const
{
    return m_view->currentIndex().data(BucketModel::NameRole).toString();
}

void BucketsPanel::refresh()
{
    m_workspace.snapshots().refresh(SnapshotPublisher::Buckets);
}

void BucketsPanel::adopt(const BucketsSnapshot &snapshot)
{
    const QString selected = selectedBucket();
    m_model->adopt(snapshot);
    if (!snapshot.available) {
        m_status->setText(m_workspace.hasProject() ? tr("The project's triggers are not running: no buckets.")
                                                   : tr("Open a project to see its S3 buckets."));
        m_endpoint->clear();
        updateButtons();
        return;
    }
    m_status->setText(snapshot.buckets.isEmpty()
                          ? tr("No buckets: add an AWS::S3::Bucket or an S3 event to the template.")
                          : QString());
    m_endpoint->setText(
        snapshot.endpointUrl.isEmpty()
            ? tr("S3 endpoint: not serving (Run → Serve starts it)")
            : tr("S3 endpoint: %1 (functions get it as AWS_ENDPOINT_URL_S3)").arg(snapshot.endpointUrl));
    const int row = m_model->rowOf(selected);
    if (row >= 0 && m_view->currentIndex().row() != row)
        m_view->setCurrentIndex(m_model->index(row, 0));
    updateButtons();
}

void BucketsPanel::selectBucket(const QString &name)
{
    const int row = m_model->rowOf(name);
    m_view->setCurrentIndex(row >= 0 ? m_model->index(row, 0) : QModelIndex());
}

void BucketsPanel::updateButtons()
{
    const QModelIndex current = m_view->currentIndex();
    const bool selected = m_host && current.isValid();
    m_open->setEnabled(selected);
    m_map->setEnabled(selected);
    m_unmap->setEnabled(selected && current.data(BucketModel::MappedRole).toBool());
}

void BucketsPanel::noteObjectEvent(const QString &bucket, const QString &key, const QString &eventName,
                                   const QString &functionName, const QString &requestId)
{
    m_activity->setText(tr("%1 %2/%3 → %4 (request %5)").arg(eventName, bucket, key, functionName, requestId));
}

void BucketsPanel::openSelected()
{
    const QString folder = m_view->currentIndex().data(BucketModel::FolderRole).toString();
    if (folder.isEmpty())
        return;
    if (!QFileInfo(folder).isDir() && !QDir().mkpath(folder)) {
        m_messenger.showMessage(Messenger::Severity::Error,
                                tr("Cannot create the bucket folder %1.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    if (!m_openFolder(folder))
        m_messenger.showMessage(
            Messenger::Severity::Warning,
            tr("No file manager opened %1; open it yourself.").arg(QDir::toNativeSeparators(folder)));
}

void BucketsPanel::mapSelected()
{
    const QString bucket = selectedBucket();
    if (!m_host || bucket.isEmpty())
        return;
    const QString chosen = m_pickFolder(bucket, m_view->currentIndex().data(BucketModel::FolderRole).toString());
    if (chosen.isEmpty())
        return;
    // Inside the project the mapping stays relative, so the project can move with it.
    const QDir project(m_host->projectDir());
    const QString absolute = QFileInfo(chosen).absoluteFilePath();
    const QString relative = project.relativeFilePath(absolute);
    const QString stored =
        relative.startsWith(QStringLiteral("..")) || QDir::isAbsolutePath(relative) ? absolute : relative;
    if (writeMapping(bucket, stored))
        m_messenger.showMessage(Messenger::Severity::Info,
                                tr("Bucket %1 is now kept in %2.").arg(bucket, QDir::toNativeSeparators(absolute)));
}

void BucketsPanel::unmapSelected()
{
    const QString bucket = selectedBucket();
    if (!m_host || bucket.isEmpty() || !m_view->currentIndex().data(BucketModel::MappedRole).toBool())
        return;
    if (writeMapping(bucket, QString()))
        m_messenger.showMessage(
            Messenger::Severity::Info,
            tr("Bucket %1 is kept under the project again (%2); the folder it was mapped to was left as it is.")
                .arg(bucket,
                     QDir::toNativeSeparators(S3ObjectStore::bucketsDir(m_host->projectDir()) + u'/' + bucket)));
}

bool BucketsPanel::writeMapping(const QString &bucket, const QString &folder)
{
    QString error;
    if (!ProjectSettingsWriter::setBucketFolder(m_host->projectDir(), bucket, folder, &error)) {
        m_messenger.showMessage(Messenger::Severity::Error, tr("Bucket %1 was not remapped: %2").arg(bucket, error));
        return false;
    }
    // The watcher (and the S3 endpoint while serving) restart on the new folder.
    m_workspace.reloadBucketFolders();
    refresh();
    return true;
}

} // namespace fn
