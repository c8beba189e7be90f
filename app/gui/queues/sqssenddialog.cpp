#include "queues/sqssenddialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fn {

SqsSendDialog::SqsSendDialog(const SqsQueueSettings &queue, Send send, QWidget *parent)
    : QDialog(parent)
    , m_queue(queue)
    , m_sendFn(std::move(send))
    , m_body(new QPlainTextEdit(this))
    , m_attributes(new QPlainTextEdit(this))
    , m_hint(new QLabel(this))
    , m_error(new QLabel(this))
    , m_send(new QPushButton(tr("Send"), this))
{
    setObjectName(QStringLiteral("sqsSendDialog"));
    setWindowTitle(tr("Send message to %1").arg(queue.name));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_body->setFont(fixed);
    m_body->setPlaceholderText(tr("Any text up to 256 KB; usually JSON, e.g. {\"orderId\": 42}"));
    m_body->setTabChangesFocus(true);
    m_attributes->setFont(fixed);
    m_attributes->setPlaceholderText(tr("Optional, a JSON object: {\"source\": \"studio\", \"priority\": 2}"));
    m_attributes->setTabChangesFocus(true);
    m_attributes->setMaximumHeight(m_attributes->fontMetrics().lineSpacing() * 4);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Body:"), m_body);
    form->addRow(QString(), m_hint);
    form->addRow(tr("&Attributes:"), m_attributes);
    if (queue.fifo) {
        m_groupId = new QLineEdit(this);
        m_groupId->setPlaceholderText(tr("Required: messages of one group are delivered in order"));
        m_deduplicationId = new QLineEdit(this);
        m_deduplicationId->setPlaceholderText(
            queue.contentBasedDeduplication ? tr("Optional: the queue deduplicates by the body's SHA-256")
                                            : tr("Required: a repeat within 5 minutes is accepted but not added"));
        form->addRow(tr("Message &group ID:"), m_groupId);
        form->addRow(tr("&Deduplication ID:"), m_deduplicationId);
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_send, QDialogButtonBox::AcceptRole);
    m_send->setDefault(true);
    // Accept only once the queue took the message.
    connect(m_send, &QPushButton::clicked, this, &SqsSendDialog::trySend);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_body, &QPlainTextEdit::textChanged, this, &SqsSendDialog::updateHint);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(520, 360);
    updateHint();
}

void SqsSendDialog::updateHint()
{
    const QByteArray body = m_body->toPlainText().toUtf8();
    if (body.trimmed().isEmpty()) {
        m_hint->setText(tr("The body must not be empty."));
        return;
    }
    QJsonParseError parse;
    QJsonDocument::fromJson(body, &parse);
    m_hint->setText(parse.error == QJsonParseError::NoError
                        ? tr("Valid JSON (%1 bytes)").arg(body.size())
                        : tr("Not JSON (%1 at offset %2): sent as plain text, which SQS allows")
                              .arg(parse.errorString())
                              .arg(parse.offset));
}

std::optional<QByteArray> SqsSendDialog::attributesJson(const QString &text, QString *error)
{
    if (text.trimmed().isEmpty())
        return QByteArray("{}");
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = parse.error != QJsonParseError::NoError
                         ? tr("Attributes: not valid JSON (%1 at offset %2)").arg(parse.errorString()).arg(parse.offset)
                         : tr("Attributes: expected a JSON object of names and values");
        return std::nullopt;
    }
    QJsonObject out;
    const QJsonObject in = doc.object();
    for (auto it = in.begin(); it != in.end(); ++it) {
        const QJsonValue v = it.value();
        if (v.isObject() && v.toObject().contains(QStringLiteral("dataType"))) {
            out.insert(it.key(), v);
        } else if (v.isString() || v.isDouble()) {
            // The event's shape for a String or Number attribute.
            out.insert(it.key(), QJsonObject{{QStringLiteral("stringValue"),
                                              v.isString() ? v.toString() : v.toVariant().toString()},
                                             {QStringLiteral("stringListValues"), QJsonArray()},
                                             {QStringLiteral("binaryListValues"), QJsonArray()},
                                             {QStringLiteral("dataType"),
                                              v.isString() ? QStringLiteral("String") : QStringLiteral("Number")}});
        } else {
            if (error)
                *error = tr("Attributes: \"%1\" must be a string, a number or an object with a dataType").arg(it.key());
            return std::nullopt;
        }
    }
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

bool SqsSendDialog::trySend()
{
    const auto fail = [this](const QString &why) {
        m_error->setText(why);
        m_error->show();
        return false;
    };
    QString error;
    const std::optional<QByteArray> attributes = attributesJson(m_attributes->toPlainText(), &error);
    if (!attributes)
        return fail(error);
    SqsSendOptions options;
    options.messageAttributes = *attributes;
    if (m_groupId)
        options.messageGroupId = m_groupId->text().trimmed();
    if (m_deduplicationId)
        options.messageDeduplicationId = m_deduplicationId->text().trimmed();
    m_sent = m_sendFn(m_body->toPlainText().toUtf8(), options, &error);
    if (!m_sent)
        return fail(error.isEmpty() ? tr("The queue did not accept the message.") : error);
    m_error->hide();
    accept();
    return true;
}

} // namespace fn
