#pragma once
// "Send message…" for a local SQS queue: the body (any text; a hint says whether it is JSON),
// optional message attributes, and for a FIFO queue the message group and deduplication ids.
// What the queue refuses is shown in the dialog, which stays open to fix it.

#include "snapshots/sqsqueuemessage.h"

#include <QDialog>

#include <functional>
#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace fn {

class SqsSendDialog final : public QDialog
{
    Q_OBJECT
public:
    // Sends to the queue: the message, or nullopt with *error in the queue's words.
    using Send = std::function<std::optional<SqsQueueMessage>(const QByteArray &body, const SqsSendOptions &options,
                                                              QString *error)>;

    SqsSendDialog(const SqsQueueSettings &queue, Send send, QWidget *parent = nullptr);

    QPlainTextEdit *bodyEdit() const { return m_body; }
    QPlainTextEdit *attributesEdit() const { return m_attributes; }
    QLineEdit *groupIdEdit() const { return m_groupId; }
    QLineEdit *deduplicationIdEdit() const { return m_deduplicationId; }
    QLabel *hintLabel() const { return m_hint; }
    QLabel *errorLabel() const { return m_error; }
    QPushButton *sendButton() const { return m_send; }
    // The accepted message after a successful send.
    std::optional<SqsQueueMessage> sent() const { return m_sent; }

    // Sends what the fields hold; on success the dialog is accepted.
    bool trySend();

    // Message attributes as the SQS event carries them. Takes a JSON object whose values are
    // either SQS attribute objects ({"dataType": "String", "stringValue": "x"}, kept as written) or
    // plain strings and numbers (made String and Number attributes). Empty text: no attributes.
    static std::optional<QByteArray> attributesJson(const QString &text, QString *error);

private:
    void updateHint();

    SqsQueueSettings m_queue;
    Send m_sendFn;
    QPlainTextEdit *m_body;
    QPlainTextEdit *m_attributes;
    QLineEdit *m_groupId = nullptr;
    QLineEdit *m_deduplicationId = nullptr;
    QLabel *m_hint;
    QLabel *m_error;
    QPushButton *m_send;
    std::optional<SqsQueueMessage> m_sent;
};

} // namespace fn
