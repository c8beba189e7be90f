#include "result/resultpanel.h"

#include "common/anatomyview.h"
#include "common/export.h"
#include "editor/codeeditor.h"
#include "editor/jsonvalidator.h"
#include "result/resultmodel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "snapshots/invocationrecord.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace fn {

namespace {

// The stack of a Lambda error body: {"stackTrace": ["  File ...", ...]} (Python) or
// {"trace": ["Error: boom", "    at ..."]} (Node), joined as lines.
QString stackOf(const QByteArray &payload)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(payload.begin(), payload.end());
        for (const char *key : {"stackTrace", "trace"}) {
            if (j.is_object() && j.contains(key) && j[key].is_array()) {
                QStringList lines;
                for (const auto &item : j[key]) {
                    if (item.is_string())
                        lines.append(QString::fromStdString(item.get<std::string>()).trimmed());
                }
                return lines.join(u'\n');
            }
        }
    } catch (const nlohmann::json::exception &) {
    }
    return {};
}

} // namespace

ResultPanel::ResultPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ResultModel(this))
    , m_badge(new QLabel(this))
    , m_headline(new QLabel(this))
    , m_profile(new QToolButton(this))
    , m_error(new QLabel(this))
    , m_anatomy(new AnatomyView(this))
    , m_fields(new QTableView(this))
    , m_response(new CodeEditor(this))
    , m_empty(new QLabel(tr("No result yet — pick a function and an event, then press Ctrl+Return."), this))
    , m_content(new QWidget(this))
{
    m_badge->setAlignment(Qt::AlignCenter);
    m_badge->setMinimumWidth(56);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // a long request id clips, never widens
    m_profile->setObjectName(QStringLiteral("profileInitButton"));
    m_profile->setText(tr("Profile init…"));
    m_profile->setToolTip(tr("Run one cold start of this function with its module init's imports timed, and show "
                             "which modules its init spent its time on, with the package sizes"));
    connect(m_profile, &QToolButton::clicked, this, [this] {
        if (m_model->hasRecord())
            m_session.requestImportProfile(m_model->record().functionName);
    });
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setTextFormat(Qt::RichText);
    m_error->setStyleSheet(QStringLiteral("QLabel { border-left: 3px solid #d63e3e; padding: 4px 8px; }"));
    m_error->hide();

    m_fields->setModel(m_model);
    addTableExport(m_fields, QStringLiteral("result"));
    addChartExport(m_anatomy, QStringLiteral("invocation-anatomy"));
    m_fields->verticalHeader()->hide();
    m_fields->horizontalHeader()->hide();
    m_fields->horizontalHeader()->setStretchLastSection(true);
    m_fields->setShowGrid(false);
    m_fields->setFrameShape(QFrame::NoFrame);
    m_fields->setSelectionMode(QAbstractItemView::NoSelection);
    m_fields->setColumnWidth(ResultModel::FieldColumn, 130);
    m_fields->verticalHeader()->setDefaultSectionSize(m_fields->fontMetrics().height() + 6);

    m_response->setLanguage(CodeEditor::Language::Json);
    m_response->setValidateJson(false);
    m_response->setReadOnly(true);

    auto *head = new QHBoxLayout;
    head->setContentsMargins(8, 6, 8, 6);
    head->setSpacing(8);
    head->addWidget(m_badge);
    head->addWidget(m_headline, 1);
    head->addWidget(m_profile);

    auto *split = new QSplitter(Qt::Vertical, m_content);
    split->addWidget(m_fields);
    split->addWidget(m_response);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->setSpacing(0);
    content->addLayout(head);
    content->addWidget(m_error);
    content->addWidget(m_anatomy);
    content->addWidget(split, 1);

    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_content, 1);
    layout->addWidget(m_empty, 1);
    m_content->hide();

    m_renderTimer = new QTimer(this);
    m_renderTimer->setSingleShot(true);
    connect(m_renderTimer, &QTimer::timeout, this, &ResultPanel::showPending);
    connect(&session, &StudioSession::resultArrived, this, &ResultPanel::resultArrived);
    connect(&session, &StudioSession::busyChanged, this, [this](bool busy) {
        if (!busy)
            showPending();
    });
    connect(&session, &StudioSession::asyncAccepted, this, &ResultPanel::showAccepted);
    connect(&session.selection(), &InvocationSelection::selected, this, [this] {
        if (const InvocationRecord *r = m_session.selection().record())
            showRecord(*r);
    });
}

void ResultPanel::showAccepted(const QString &functionName)
{
    m_empty->setText(
        tr("%1 accepted (202, Event invocation) — the result appears here when it has run.").arg(functionName));
    if (!m_model->hasRecord()) {
        m_content->hide();
        m_empty->show();
    }
}

void ResultPanel::resultArrived(const InvocationRecord &record)
{
    m_pending = record;
    const qint64 since = m_sinceRender.isValid() ? m_sinceRender.elapsed() : renderIntervalMs;
    if (since >= renderIntervalMs)
        showPending();
    else if (!m_renderTimer->isActive())
        m_renderTimer->start(int(renderIntervalMs - since));
}

void ResultPanel::showPending()
{
    m_renderTimer->stop();
    if (const std::optional<InvocationRecord> r = std::exchange(m_pending, std::nullopt))
        showRecord(*r);
}

void ResultPanel::showRecord(const InvocationRecord &r)
{
    m_sinceRender.start();
    m_model->setRecord(r);
    m_content->show();
    m_empty->hide();
    const bool throttled = r.outcome == InvocationOutcome::Throttled || r.outcome == InvocationOutcome::Rejected;
    const QString badge = r.outcome == InvocationOutcome::Throttled  ? tr("THROTTLED")
                          : r.outcome == InvocationOutcome::Rejected ? tr("REJECTED")
                          : r.coldStart                              ? tr("COLD")
                                                                     : tr("WARM");
    const QColor color = throttled || r.failed() ? QColor(0xd6, 0x3e, 0x3e)
                         : r.coldStart           ? QColor(0xf0, 0x9a, 0x2a)
                                                 : QColor(0x2f, 0x8f, 0xd8);
    m_badge->setText(badge);
    m_badge->setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; color: white; border-radius: 3px; padding: 2px 8px; font-weight: bold; }")
            .arg(color.name()));
    m_headline->setText(
        QStringLiteral("<b>%1</b> &nbsp; %2 &nbsp; <span style='color: gray'>%3</span>")
            .arg(r.functionName.toHtmlEscaped(), outcomeName(r.outcome).toHtmlEscaped(), r.requestId.toHtmlEscaped()));
    if (r.failed()) {
        const QString stack = stackOf(r.payload);
        QString html = QStringLiteral("<b style='color:#d63e3e'>%1</b>")
                           .arg((r.errorType.isEmpty() ? outcomeName(r.outcome) : r.errorType).toHtmlEscaped());
        if (!r.errorMessage.isEmpty())
            html += QStringLiteral(": ") + r.errorMessage.toHtmlEscaped();
        if (!stack.isEmpty())
            html += QStringLiteral("<pre style='margin-top:4px'>%1</pre>").arg(stack.toHtmlEscaped());
        m_error->setText(html);
        m_error->show();
    } else {
        m_error->clear();
        m_error->hide();
    }
    // What the caller waited, phase by phase (history from before it was measured has no total).
    m_anatomy->setVisible(r.observedMs > 0);
    if (r.observedMs > 0)
        m_anatomy->setRows({{r.coldStart ? tr("cold") : tr("warm"), Anatomy::of(r)}});
    m_response->setReadOnly(false);
    m_response->setText(QString::fromUtf8(JsonValidation::pretty(r.payload)));
    m_response->setModified(false);
    m_response->setReadOnly(true);
}

QString ResultPanel::responseText() const
{
    return m_response->text();
}

QString ResultPanel::errorText() const
{
    return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString();
}

QString ResultPanel::badgeText() const
{
    return m_badge->text();
}

} // namespace fn
