#pragma once
// The SQS part of the Queues panel: the project's local SQS queues (the template's AWS::SQS::Queue
// resources and any queue used) with live counts while event source mappings consume them, a
// selected queue's messages, Send message… and Purge. It shows the workspace's published snapshots
// (counts move with the poller's batches and the clock) and never reads the store itself.

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeView;

namespace fn {

class SqsMessageModel;
class SqsQueueModel;
class SqsSendDialog;
class Messenger;
class Workspace;
class TriggerHost;
struct SqsBatchResult;
struct SqsMessagesSnapshot;
struct SqsQueuesSnapshot;

class SqsQueuesSection final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a destructive action; true to go ahead.
    using Confirmation = std::function<bool(const QString &question)>;
    // Shows the send dialog and returns when it closes (exec() unless replaced, e.g. by tests).
    using DialogRunner = std::function<void(SqsSendDialog &dialog)>;

    SqsQueuesSection(Workspace &workspace, Messenger &messenger, QWidget *parent = nullptr);

    SqsQueueModel *queueModel() const { return m_queues; }
    SqsMessageModel *messageModel() const { return m_messages; }
    QPlainTextEdit *bodyView() const { return m_body; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *purgeButton() const { return m_purge; }
    QLabel *statusLabel() const { return m_status; }
    // The latest batch an event source mapping ran, in a line.
    QLabel *activityLabel() const { return m_activity; }
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }
    void setDialogRunner(DialogRunner run) { m_runDialog = std::move(run); }

    // Asks for fresh snapshots of the queues and the selected queue's messages; they follow.
    void refresh();
    void selectQueue(const QString &name);
    QString selectedQueue() const;
    void sendToSelected();
    void purgeSelected();

private:
    void attachHost();
    void noteBatch(const fn::SqsBatchResult &result);
    void adoptQueues(const fn::SqsQueuesSnapshot &snapshot);
    void adoptMessages(const fn::SqsMessagesSnapshot &snapshot);
    void showMessages();
    void updateButtons();

    Workspace &m_workspace;
    Messenger &m_messenger;
    QPointer<TriggerHost> m_host;
    SqsQueueModel *m_queues;
    SqsMessageModel *m_messages;
    QTreeView *m_queueView;
    QTreeView *m_messageView;
    QPlainTextEdit *m_body;
    QLabel *m_status;
    QLabel *m_activity;
    QPushButton *m_send;
    QPushButton *m_purge;
    Confirmation m_confirm;
    DialogRunner m_runDialog;
    bool m_available = false;
    // The detail request for the selected queue; answers to older ones are dropped.
    quint64 m_messagesRequest = 0;
    QString m_watched;
    bool m_adopting = false; // the selection moves while a snapshot is adopted: no new request
};

} // namespace fn
