#include "queues/sqsqueuessection.h"

#include "common/export.h"
#include "common/tableview.h"
#include "queues/sqsmessagemodel.h"
#include "queues/sqsqueuemodel.h"
#include "queues/sqssenddialog.h"
#include "session/messenger.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/workspace.h"

#include "store/sqsqueuestore.h"
#include "triggers/sqsqueuepoller.h"
#include "workspace/triggerhost.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace fn {

SqsQueuesSection::SqsQueuesSection(Workspace &workspace, Messenger &messenger, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_messenger(messenger)
    , m_queues(new SqsQueueModel(this))
    , m_messages(new SqsMessageModel(this))
    , m_queueView(makeTableView(m_queues, this))
    , m_messageView(makeTableView(m_messages, this))
    , m_body(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_activity(new QLabel(this))
    , m_send(new QPushButton(tr("Send Message…"), this))
    , m_purge(new QPushButton(tr("Purge…"), this))
{
    setObjectName(QStringLiteral("sqsQueues"));
    m_queueView->setObjectName(QStringLiteral("sqsQueueView"));
    m_messageView->setObjectName(QStringLiteral("sqsMessageView"));
    m_body->setReadOnly(true);
    addTableExport(m_queueView, QStringLiteral("sqs-queues"));
    addTableExport(m_messageView, QStringLiteral("sqs-messages"));
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setPlaceholderText(tr("Select a message to see its body"));
    m_send->setToolTip(tr("Send a message to the selected queue, as SendMessage would"));
    m_purge->setToolTip(tr("Delete every message of the selected queue, in flight or not"));
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setWordWrap(true);
    m_activity->setForegroundRole(QPalette::PlaceholderText);
    m_activity->setWordWrap(true);
    m_activity->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_queueView, 1);
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(4, 0, 4, 4);
    buttons->addWidget(m_send);
    buttons->addWidget(m_purge);
    buttons->addStretch(1);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_status);
    leftLayout->addWidget(m_activity);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_messageView);
    right->addWidget(m_body);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Purge queue"), question) == QMessageBox::Yes;
    };
    m_runDialog = [](SqsSendDialog &dialog) { dialog.exec(); };
    connect(m_queueView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SqsQueuesSection::showMessages);
    connect(m_messageView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &index) {
                m_body->setPlainText(index.isValid() ? index.data(SqsMessageModel::PrettyBodyRole).toString()
                                                     : QString());
            });
    connect(m_send, &QPushButton::clicked, this, &SqsQueuesSection::sendToSelected);
    connect(m_purge, &QPushButton::clicked, this, &SqsQueuesSection::purgeSelected);
    connect(&workspace, &Workspace::triggersChanged, this, &SqsQueuesSection::attachHost);
    // The publisher follows the poller's batches (and the clock while messages are in flight).
    SnapshotPublisher &snapshots = workspace.snapshots();
    connect(&snapshots, &SnapshotPublisher::sqsQueuesPublished, this, &SqsQueuesSection::adoptQueues);
    connect(&snapshots, &SnapshotPublisher::sqsMessagesPublished, this, &SqsQueuesSection::adoptMessages);
    attachHost();
    adoptQueues(snapshots.sqsQueues());
}

void SqsQueuesSection::attachHost()
{
    TriggerHost *host = m_workspace.triggers();
    if (host != m_host && host) {
        // The poller's thread emits; the activity line is written on this thread.
        connect(host, &TriggerHost::sqsBatchProcessed, this, &SqsQueuesSection::noteBatch, Qt::QueuedConnection);
    }
    m_host = host;
    updateButtons();
}

void SqsQueuesSection::noteBatch(const SqsBatchResult &result)
{
    QString line;
    if (!result.error.isEmpty())
        line = tr("%1 ← %2: batch of %3 failed (%4); the messages return after the visibility timeout")
                   .arg(result.functionName, result.queue)
                   .arg(result.messageIds.size())
                   .arg(result.error);
    else if (!result.failedIds.isEmpty())
        line = tr("%1 ← %2: %3 of %4 message(s) reported failed and returned to the queue")
                   .arg(result.functionName, result.queue)
                   .arg(result.failedIds.size())
                   .arg(result.messageIds.size());
    else
        line = tr("%1 ← %2: %3 message(s) processed and deleted")
                   .arg(result.functionName, result.queue)
                   .arg(result.messageIds.size());
    m_activity->setText(line);
    m_activity->setToolTip(tr("Request %1").arg(result.requestId));
}

QString SqsQueuesSection::selectedQueue() const
{
    return m_queueView->currentIndex().data(SqsQueueModel::NameRole).toString();
}

void SqsQueuesSection::refresh()
{
    m_workspace.snapshots().refresh(SnapshotPublisher::SqsQueues);
}

void SqsQueuesSection::adoptQueues(const SqsQueuesSnapshot &snapshot)
{
    const QString selected = selectedQueue();
    m_available = snapshot.available;
    m_adopting = true;
    m_queues->adopt(snapshot);
    const int row = m_queues->rowOf(selected);
    if (row >= 0 && m_queueView->currentIndex().row() != row)
        m_queueView->setCurrentIndex(m_queues->index(row, 0));
    else if (row < 0 && m_queues->rowCount() > 0 && !m_queueView->currentIndex().isValid())
        m_queueView->setCurrentIndex(m_queues->index(0, 0));
    m_adopting = false;
    if (!snapshot.available)
        m_status->setText(m_workspace.hasProject() ? tr("The project's store is not open: no SQS queues.")
                                                   : tr("Open a project to see its SQS queues."));
    else
        m_status->setText(snapshot.queues.isEmpty() ? tr(
                              "No SQS queues: add an AWS::SQS::Queue to the template, or an SQS event to a function.")
                                                    : QString());
    showMessages();
}

void SqsQueuesSection::selectQueue(const QString &name)
{
    const int row = m_queues->rowOf(name);
    m_queueView->setCurrentIndex(row >= 0 ? m_queues->index(row, 0) : QModelIndex());
}

void SqsQueuesSection::showMessages()
{
    if (m_adopting)
        return;
    const QString name = selectedQueue();
    // Every new snapshot of the queues brings the watched queue's messages again; only another
    // queue needs a new request.
    if (m_messagesRequest != 0 && name == m_watched) {
        updateButtons();
        return;
    }
    m_watched = name;
    m_messagesRequest = m_workspace.snapshots().requestSqsMessages(name);
    m_messages->clear();
    m_body->clear();
    updateButtons();
}

void SqsQueuesSection::adoptMessages(const SqsMessagesSnapshot &snapshot)
{
    if (snapshot.requestId != m_messagesRequest)
        return; // the selection moved on since
    const QString selectedMessage = m_messageView->currentIndex().data(SqsMessageModel::MessageIdRole).toString();
    m_messages->adopt(snapshot);
    const int row = m_messages->rowOf(selectedMessage);
    if (row >= 0 && m_messageView->currentIndex().row() != row)
        m_messageView->setCurrentIndex(m_messages->index(row, 0));
    else if (row < 0)
        m_messageView->setCurrentIndex(m_messages->rowCount() > 0 ? m_messages->index(0, 0) : QModelIndex());
    if (m_messages->rowCount() == 0)
        m_body->clear();
    updateButtons();
}

void SqsQueuesSection::updateButtons()
{
    const bool selected = m_host && m_available && !selectedQueue().isEmpty();
    m_send->setEnabled(selected);
    m_purge->setEnabled(selected && m_messages->rowCount() > 0);
}

void SqsQueuesSection::sendToSelected()
{
    const QString name = selectedQueue();
    if (!m_host || name.isEmpty())
        return;
    // The queue's settings as the latest snapshot has them: opening the dialog reads nothing.
    SqsQueueSettings settings = m_queues->queue(m_queueView->currentIndex().row()).settings;
    QPointer<SqsQueuesSection> self(this);
    SqsSendDialog dialog(
        settings,
        [self, name](const QByteArray &body, const SqsSendOptions &options, QString *error) {
            std::optional<SqsQueueMessage> sent;
            if (!self || !self->m_host) {
                *error = tr("The project's queues were closed.");
                return sent;
            }
            sent = self->m_host->sqsQueues().send(name, body, options, error);
            if (sent)
                self->m_host->sqsPoller().wake();
            return sent;
        },
        this);
    m_runDialog(dialog);
    if (!self || !dialog.sent())
        return;
    m_messenger.showMessage(Messenger::Severity::Info,
                            tr("Sent message %1 to %2.").arg(dialog.sent()->messageId, name));
    refresh();
}

void SqsQueuesSection::purgeSelected()
{
    const QString name = selectedQueue();
    if (!m_host || name.isEmpty())
        return;
    const QModelIndex current = m_queueView->currentIndex();
    const int count =
        current.data(SqsQueueModel::VisibleRole).toInt() + current.data(SqsQueueModel::InFlightRole).toInt();
    if (!m_confirm(tr("Delete all %1 message(s) of %2, including those in flight? This cannot be undone.")
                       .arg(count)
                       .arg(name)))
        return;
    const int removed = m_host->sqsQueues().purge(name);
    m_messenger.showMessage(Messenger::Severity::Info, tr("Purged %1 message(s) from %2.").arg(removed).arg(name));
    refresh();
}

} // namespace fn
