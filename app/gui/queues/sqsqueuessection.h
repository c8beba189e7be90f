#pragma once
// The SQS part of the Queues panel: the project's local SQS queues (the template's AWS::SQS::Queue
// resources and any queue used) with live counts while event source mappings consume them, a
// selected queue's messages, Send message… and Purge.

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTimer;
class QTreeView;

namespace fn {

class SqsMessageModel;
class SqsQueueModel;
class SqsSendDialog;
class StudioSession;
class TriggerHost;
struct SqsBatchResult;

class SqsQueuesSection final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a destructive action; true to go ahead.
    using Confirmation = std::function<bool(const QString &question)>;
    // Shows the send dialog and returns when it closes (exec() unless replaced, e.g. by tests).
    using DialogRunner = std::function<void(SqsSendDialog &dialog)>;

    explicit SqsQueuesSection(StudioSession &session, QWidget *parent = nullptr);

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

    // Re-reads the queues and the selected queue's messages from the project's store.
    void refresh();
    void selectQueue(const QString &name);
    QString selectedQueue() const;
    void sendToSelected();
    void purgeSelected();

private:
    void attachHost();
    void scheduleRefresh();
    void noteBatch(const fn::SqsBatchResult &result);
    void showMessages();
    void updateButtons();
    qint64 nowMs() const;

    StudioSession &m_session;
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
    QTimer *m_coalesce; // batches finishing in a burst cost one refresh
    QTimer *m_tick;     // runs only while messages are in flight or waiting for a mapped function
    Confirmation m_confirm;
    DialogRunner m_runDialog;
};

} // namespace fn
