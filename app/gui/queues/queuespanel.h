#pragma once
// The Queues panel: the project's async queues, dead-letter queues and destinations with their
// counts; a selected queue's messages with the body as JSON; Re-drive and Purge (after asking).
// A second tab holds the project's local SQS queues (SqsQueuesSection).

#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTimer;
class QTreeView;

namespace fn {

class QueueMessageModel;
class QueueModel;
class SqsQueuesSection;
class StudioSession;

class QueuesPanel final : public QWidget
{
    Q_OBJECT
public:
    // Asked before a destructive action; true to go ahead.
    using Confirmation = std::function<bool(const QString &question)>;

    explicit QueuesPanel(StudioSession &session, QWidget *parent = nullptr);

    QueueModel *queueModel() const { return m_queues; }
    QueueMessageModel *messageModel() const { return m_messages; }
    QPlainTextEdit *bodyView() const { return m_body; }
    QPushButton *redriveButton() const { return m_redrive; }
    QPushButton *purgeButton() const { return m_purge; }
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }
    QTabWidget *tabs() const { return m_tabs; }
    SqsQueuesSection *sqsSection() const { return m_sqs; }

    // Re-reads the queues (and the selected queue's messages) from the project's store.
    void refresh();
    void selectQueue(const QString &kind, const QString &name);
    void redriveSelected();
    void purgeSelected();

private:
    void showMessages();
    void updateButtons();
    QString selectedKind() const;
    QString selectedName() const;

    StudioSession &m_session;
    QueueModel *m_queues;
    QueueMessageModel *m_messages;
    QTreeView *m_queueView;
    QTreeView *m_messageView;
    QPlainTextEdit *m_body;
    QLabel *m_status;
    QPushButton *m_redrive;
    QPushButton *m_purge;
    QTimer *m_countdown;
    QTabWidget *m_tabs;
    SqsQueuesSection *m_sqs;
    Confirmation m_confirm;
};

} // namespace fn
