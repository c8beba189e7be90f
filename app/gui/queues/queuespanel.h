#pragma once
// The Queues panel: the project's async queues, dead-letter queues and destinations with their
// counts; a selected queue's messages with the body as JSON; Re-drive and Purge (after asking).
// A second tab holds the project's local SQS queues (SqsQueuesSection). It shows the workspace's
// published snapshots and never reads the store itself; only its commands call into the queue.

#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTreeView;

namespace fn {

struct AsyncQueuesSnapshot;
struct QueueMessagesSnapshot;

class QueueMessageModel;
class QueueModel;
class SqsQueuesSection;
class Messenger;
class Workspace;

class QueuesPanel final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a destructive action; true to go ahead.
    using Confirmation = std::function<bool(const QString &question)>;

    QueuesPanel(Workspace &workspace, Messenger &messenger, QWidget *parent = nullptr);

    QueueModel *queueModel() const { return m_queues; }
    QueueMessageModel *messageModel() const { return m_messages; }
    QPlainTextEdit *bodyView() const { return m_body; }
    QPushButton *redriveButton() const { return m_redrive; }
    QPushButton *purgeButton() const { return m_purge; }
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }
    QTabWidget *tabs() const { return m_tabs; }
    SqsQueuesSection *sqsSection() const { return m_sqs; }

    // Asks for fresh snapshots of the queues (and the selected queue's messages); they follow.
    void refresh();
    void selectQueue(const QString &kind, const QString &name);
    void redriveSelected();
    void purgeSelected();

private:
    void adoptQueues(const fn::AsyncQueuesSnapshot &snapshot);
    void adoptMessages(const fn::QueueMessagesSnapshot &snapshot);
    void showMessages();
    void updateButtons();
    QString selectedKind() const;
    QString selectedName() const;

    Workspace &m_workspace;
    Messenger &m_messenger;
    QueueModel *m_queues;
    QueueMessageModel *m_messages;
    QTreeView *m_queueView;
    QTreeView *m_messageView;
    QPlainTextEdit *m_body;
    QLabel *m_status;
    QPushButton *m_redrive;
    QPushButton *m_purge;
    QTabWidget *m_tabs;
    SqsQueuesSection *m_sqs;
    Confirmation m_confirm;
    // The detail request for the selected queue; answers to older ones are dropped.
    quint64 m_messagesRequest = 0;
    QString m_watchedKind;
    QString m_watchedName;
    bool m_adopting = false; // the selection moves while a snapshot is adopted: no new request
};

} // namespace fn
