#include "queues/queuespanel.h"

#include "common/export.h"
#include "common/tableview.h"
#include "queues/queuemessagemodel.h"
#include "queues/queuemodel.h"
#include "queues/sqsqueuessection.h"
#include "session/messenger.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/workspace.h"

#include "engine/asyncqueue.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace fn {

QueuesPanel::QueuesPanel(Workspace &workspace, Messenger &messenger, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_messenger(messenger)
    , m_queues(new QueueModel(this))
    , m_messages(new QueueMessageModel(this))
    , m_queueView(makeTableView(m_queues, this))
    , m_messageView(makeTableView(m_messages, this))
    , m_body(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_redrive(new QPushButton(tr("Re-drive"), this))
    , m_purge(new QPushButton(tr("Purge…"), this))
    , m_tabs(new QTabWidget(this))
    , m_sqs(new SqsQueuesSection(workspace, messenger, this))
{
    m_body->setReadOnly(true);
    addTableExport(m_queueView, QStringLiteral("queues"));
    addTableExport(m_messageView, QStringLiteral("queue-messages"));
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setPlaceholderText(tr("Select a message to see its body"));
    m_redrive->setToolTip(tr("Send every message of this queue back to its function's async queue as a new event"));
    m_purge->setToolTip(tr("Delete every message of this queue"));
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setWordWrap(true);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_queueView, 1);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(4, 0, 4, 4);
    buttons->addWidget(m_redrive);
    buttons->addWidget(m_purge);
    buttons->addStretch(1);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_status);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_messageView);
    right->addWidget(m_body);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(split, tr("Async && Dead Letters"));
    m_tabs->addTab(m_sqs, tr("SQS Queues"));
    layout->addWidget(m_tabs);

    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Purge queue"), question) == QMessageBox::Yes;
    };
    connect(m_queueView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &QueuesPanel::showMessages);
    connect(m_messageView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &index) {
                m_body->setPlainText(index.isValid() ? index.data(QueueMessageModel::PrettyBodyRole).toString()
                                                     : QString());
            });
    connect(m_redrive, &QPushButton::clicked, this, &QueuesPanel::redriveSelected);
    connect(m_purge, &QPushButton::clicked, this, &QueuesPanel::purgeSelected);
    // The publisher follows the queue's changes (and the clock while events wait) by itself.
    SnapshotPublisher &snapshots = workspace.snapshots();
    connect(&snapshots, &SnapshotPublisher::asyncQueuesPublished, this, &QueuesPanel::adoptQueues);
    connect(&snapshots, &SnapshotPublisher::queueMessagesPublished, this, &QueuesPanel::adoptMessages);
    connect(&workspace, &Workspace::projectChanged, this, &QueuesPanel::refresh);
    adoptQueues(snapshots.asyncQueues());
}

QString QueuesPanel::selectedKind() const
{
    return m_queueView->currentIndex().data(QueueModel::KindRole).toString();
}

QString QueuesPanel::selectedName() const
{
    return m_queueView->currentIndex().data(QueueModel::NameRole).toString();
}

void QueuesPanel::refresh()
{
    m_workspace.snapshots().refresh(SnapshotPublisher::AsyncQueues);
}

void QueuesPanel::adoptQueues(const AsyncQueuesSnapshot &snapshot)
{
    const QString kind = selectedKind(), name = selectedName();
    m_adopting = true;
    m_queues->adopt(snapshot);
    const int row = m_queues->rowOf(kind, name);
    if (row >= 0)
        m_queueView->setCurrentIndex(m_queues->index(row, 0));
    m_adopting = false;
    if (!snapshot.available)
        m_status->setText(m_workspace.hasProject() ? tr("The project's store is not open: no queues.")
                                                   : tr("Open a project to see its queues."));
    else
        m_status->setText(m_queues->rowCount() == 0 ? tr("No queued events, dead letters or destination records.")
                                                    : QString());
    showMessages();
}

void QueuesPanel::adoptMessages(const QueueMessagesSnapshot &snapshot)
{
    if (snapshot.requestId != m_messagesRequest)
        return; // the selection moved on since
    const QString selectedMessage = m_messageView->currentIndex().siblingAtColumn(0).data().toString();
    m_messages->adopt(snapshot);
    for (int r = 0; r < m_messages->rowCount(); ++r) {
        if (m_messages->row(r).requestId == selectedMessage)
            m_messageView->setCurrentIndex(m_messages->index(r, 0));
    }
    if (m_messages->rowCount() > 0 && !m_messageView->currentIndex().isValid())
        m_messageView->setCurrentIndex(m_messages->index(0, 0));
    if (m_messages->rowCount() == 0)
        m_body->clear();
    updateButtons();
}

void QueuesPanel::selectQueue(const QString &kind, const QString &name)
{
    const int row = m_queues->rowOf(kind, name);
    m_queueView->setCurrentIndex(row >= 0 ? m_queues->index(row, 0) : QModelIndex());
}

void QueuesPanel::showMessages()
{
    if (m_adopting)
        return;
    const QString kind = selectedKind(), name = selectedName();
    // Every new snapshot of the queues brings the watched queue's content again; only another
    // queue needs a new request.
    if (m_messagesRequest != 0 && kind == m_watchedKind && name == m_watchedName) {
        updateButtons();
        return;
    }
    m_watchedKind = kind;
    m_watchedName = name;
    m_messagesRequest = m_workspace.snapshots().requestQueueMessages(kind, name);
    m_messages->clear();
    m_body->clear();
    updateButtons();
}

void QueuesPanel::updateButtons()
{
    // Async queues drain themselves; only dead letters and destination records are re-driven or purged.
    const QString kind = selectedKind();
    const bool messageQueue = !kind.isEmpty() && kind != QStringLiteral("async");
    m_redrive->setEnabled(messageQueue);
    m_purge->setEnabled(messageQueue);
}

void QueuesPanel::redriveSelected()
{
    AsyncQueue *queue = m_workspace.queue();
    const QString name = selectedName();
    if (!queue || name.isEmpty() || selectedKind() == QStringLiteral("async"))
        return;
    const int before = m_queueView->currentIndex().data(QueueModel::CountRole).toInt();
    const int count = queue->redrive(name);
    if (count < before)
        m_messenger.showMessage(
            Messenger::Severity::Warning,
            tr("Re-drove %1 of %2 message(s) of %3; the others name a function the project does not have.")
                .arg(count)
                .arg(before)
                .arg(name));
    else
        m_messenger.showMessage(Messenger::Severity::Info, tr("Re-drove %1 message(s) of %2.").arg(count).arg(name));
    refresh();
}

void QueuesPanel::purgeSelected()
{
    AsyncQueue *queue = m_workspace.queue();
    const QString name = selectedName();
    const int count = m_queueView->currentIndex().data(QueueModel::CountRole).toInt();
    if (!queue || name.isEmpty() || selectedKind() == QStringLiteral("async"))
        return;
    if (!m_confirm(tr("Delete all %1 message(s) of %2? This cannot be undone.").arg(count).arg(name)))
        return;
    const int removed = queue->purge(name);
    m_messenger.showMessage(Messenger::Severity::Info, tr("Purged %1 message(s) from %2.").arg(removed).arg(name));
    refresh();
}

} // namespace fn
