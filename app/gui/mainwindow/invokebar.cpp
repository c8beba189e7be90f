#include "mainwindow/invokebar.h"

#include "common/settings.h"
#include "editor/jsonvalidator.h"
#include "project/project.h"
#include "session/studiosession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

namespace fn {

InvokeBar::InvokeBar(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_function(new QComboBox(this))
    , m_event(new QComboBox(this))
    , m_type(new QComboBox(this))
    , m_forceCold(new QCheckBox(tr("Force cold start"), this))
    , m_count(new QSpinBox(this))
    , m_concurrency(new QSpinBox(this))
    , m_invoke(new QPushButton(tr("Invoke"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progressTimer(new QTimer(this))
{
    m_function->setMinimumContentsLength(14);
    m_function->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_function->setToolTip(tr("Function to invoke"));
    m_event->setMinimumContentsLength(16);
    m_event->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_event->setToolTip(tr("Sample event (events/<Function>/*.json); unsaved edits in an open editor are used"));
    m_type->addItem(tr("Sync (RequestResponse)"), false);
    m_type->addItem(tr("Async (Event)"), true);
    m_count->setRange(1, 100000);
    m_count->setValue(settings::get(settings::burstCount));
    m_count->setToolTip(tr("How many invocations in all"));
    m_count->setPrefix(tr("Burst "));
    m_concurrency->setRange(1, 256);
    m_concurrency->setValue(settings::get(settings::burstConcurrency));
    m_concurrency->setToolTip(tr("How many run at the same time (each needs its own environment)"));
    m_concurrency->setPrefix(tr("× concurrency "));
    m_invoke->setDefault(true);
    m_invoke->setToolTip(tr("Invoke (Ctrl+Return)"));
    QFont bold = m_invoke->font();
    bold.setBold(true);
    m_invoke->setFont(bold);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("%v / %m"));
    m_progress->setMaximumWidth(180);
    m_progress->hide();
    m_cancel->hide();

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setSpacing(8);
    auto *fnLabel = new QLabel(tr("Function"), this);
    auto *evLabel = new QLabel(tr("Event"), this);
    layout->addWidget(fnLabel);
    layout->addWidget(m_function);
    layout->addWidget(evLabel);
    layout->addWidget(m_event);
    layout->addWidget(m_type);
    layout->addWidget(m_forceCold);
    layout->addWidget(m_count);
    layout->addWidget(m_concurrency);
    layout->addWidget(m_invoke);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    layout->addStretch(1);

    connect(m_function, &QComboBox::currentIndexChanged, this, &InvokeBar::reloadEvents);
    connect(m_invoke, &QPushButton::clicked, this, &InvokeBar::invoke);
    connect(m_cancel, &QPushButton::clicked, this, &InvokeBar::cancel);
    connect(&session, &StudioSession::projectChanged, this, &InvokeBar::reloadFunctions);
    connect(&session, &StudioSession::busyChanged, this, &InvokeBar::setBusy);
    // QProgressBar repaints the whole window at once (not on the next paint) whenever its "%v" text
    // changes: once per result, a thousand times in a burst. It is shown on a timer instead.
    m_progressTimer->setSingleShot(true);
    m_progressTimer->setInterval(progressIntervalMs);
    connect(m_progressTimer, &QTimer::timeout, this, &InvokeBar::showProgress);
    connect(&session, &StudioSession::burstProgress, this, [this](int finished, int total) {
        m_finished = finished;
        m_total = total;
        if (finished == total)
            showProgress();
        else if (!m_progressTimer->isActive())
            m_progressTimer->start();
    });
    connect(&session, &StudioSession::targetChosen, this, [this](const QString &function, const QString &eventPath) {
        const int f = m_function->findText(function);
        if (f >= 0)
            m_function->setCurrentIndex(f);
        if (!eventPath.isEmpty()) {
            const int e = m_event->findData(eventPath);
            if (e >= 0)
                m_event->setCurrentIndex(e);
        }
    });
    connect(m_count, &QSpinBox::valueChanged, this, [](int v) { settings::set(settings::burstCount, v); });
    connect(m_count, &QSpinBox::valueChanged, this, &InvokeBar::describeForceCold);
    connect(m_concurrency, &QSpinBox::valueChanged, this, &InvokeBar::describeForceCold);
    connect(m_type, &QComboBox::currentIndexChanged, this, &InvokeBar::describeForceCold);
    describeForceCold();
    connect(m_concurrency, &QSpinBox::valueChanged, this, [](int v) { settings::set(settings::burstConcurrency, v); });
    reloadFunctions();
}

void InvokeBar::reloadFunctions()
{
    const QString previous =
        m_function->currentText().isEmpty() ? settings::get(settings::lastFunction) : m_function->currentText();
    const QSignalBlocker block(m_function);
    m_function->clear();
    // Each function, then its alias (AutoPublishAlias) as Lambda names it: an unqualified call is
    // $LATEST and on-demand even when the alias has provisioned concurrency.
    for (const FunctionConfig &f : m_session.functions()) {
        m_function->addItem(f.name, f.name);
        if (!f.autoPublishAlias.isEmpty())
            m_function->addItem(f.name + QLatin1Char(':') + f.autoPublishAlias, f.name);
    }
    m_function->setCurrentIndex(qMax(0, m_function->findText(previous)));
    m_function->setEnabled(m_function->count() > 0);
    reloadEvents();
}

void InvokeBar::reloadEvents()
{
    m_session.prepareAhead(m_function->currentData().toString(),
                           m_function->currentText().section(QLatin1Char(':'), 1));
    const QString previous = m_event->currentData().toString().isEmpty() ? settings::get(settings::lastEvent)
                                                                         : m_event->currentData().toString();
    m_event->clear();
    const QString function = m_function->currentData().toString();
    if (!function.isEmpty()) {
        for (const QString &path : m_session.eventFiles(function))
            m_event->addItem(QFileInfo(path).completeBaseName(), path);
    }
    // Lambda accepts an empty object; offering it means a function without events can still run.
    m_event->addItem(tr("{} (empty event)"), QString());
    const int remembered = previous.isEmpty() ? -1 : m_event->findData(previous);
    m_event->setCurrentIndex(qMax(0, remembered));
    m_invoke->setEnabled(!function.isEmpty() && !m_session.isBusy());
}

std::optional<InvokeRequest> InvokeBar::currentRequest(QString *error) const
{
    InvokeRequest r;
    r.functionName = m_function->currentData().toString();
    r.qualifier = m_function->currentText().section(QLatin1Char(':'), 1);
    r.eventPath = m_event->currentData().toString();
    r.asynchronous = m_type->currentData().toBool();
    r.forceCold = m_forceCold->isChecked();
    r.count = m_count->value();
    r.concurrency = m_concurrency->value();
    if (r.eventPath.isEmpty()) {
        r.payload = "{}";
        return r;
    }
    const std::optional<QString> open = m_openText ? m_openText(r.eventPath) : std::nullopt;
    if (open) {
        r.payload = open->toUtf8();
        const JsonValidation v = JsonValidation::of(r.payload);
        if (!v.ok) {
            *error = tr("The event %1 is not JSON: %2").arg(m_session.project().displayPath(r.eventPath), v.toString());
            return std::nullopt;
        }
        return r;
    }
    Diagnostic d;
    const std::optional<QByteArray> bytes = m_session.project().readEvent(r.eventPath, &d);
    if (!bytes) {
        *error = tr("The event is not usable: %1").arg(d.toString());
        return std::nullopt;
    }
    r.payload = *bytes;
    return r;
}

void InvokeBar::invoke()
{
    if (m_session.isBusy())
        return;
    QString error;
    const std::optional<InvokeRequest> request = currentRequest(&error);
    if (!request) {
        m_session.showMessage(StudioSession::Severity::Error, error);
        return;
    }
    if (m_beforeInvoke && !m_beforeInvoke(request->functionName))
        return;
    settings::set(settings::lastFunction, request->functionName);
    settings::set(settings::lastEvent, request->eventPath);
    m_session.invoke(*request);
}

void InvokeBar::profileImports(const QString &functionName)
{
    QString error;
    std::optional<InvokeRequest> request = currentRequest(&error);
    if (!functionName.isEmpty() && (!request || request->functionName != functionName)) {
        request = InvokeRequest{};
        request->functionName = functionName;
        request->payload = "{}";
    }
    if (!request) {
        m_session.showMessage(StudioSession::Severity::Error, error);
        return;
    }
    if (m_beforeInvoke && !m_beforeInvoke(request->functionName))
        return;
    m_session.profileImports(*request);
}

void InvokeBar::describeForceCold()
{
    // What the box does depends on the rest of the bar; it says so, exactly (issue 13: a burst
    // forced only its first invocation cold, unsaid).
    const int count = m_count->value();
    const bool async = m_type->currentData().toBool();
    m_forceCold->setEnabled(!async);
    if (async) {
        m_forceCold->setText(tr("Force cold start"));
        m_forceCold->setToolTip(tr("Not applied to Event invocations: the async queue delivers each event to an idle "
                                   "warm environment when there is one, as Lambda does"));
    } else if (count == 1) {
        m_forceCold->setText(tr("Force cold start"));
        m_forceCold->setToolTip(tr("Start a new execution environment even if a warm one is idle"));
    } else {
        m_forceCold->setText(tr("Force cold start (first of %n)", nullptr, count));
        m_forceCold->setToolTip(
            tr("Only the burst's first invocation is forced onto a new execution environment. The other %n start "
               "cold only when no warm environment is idle: at most %1 more (one per further concurrent invocation), "
               "plus one for each environment an error ends.",
               nullptr, count - 1)
                .arg(qMin(count, m_concurrency->value()) - 1));
    }
}

void InvokeBar::cancel()
{
    m_session.cancelBurst();
}

void InvokeBar::showProgress()
{
    m_progressTimer->stop();
    m_progress->setRange(0, m_total);
    m_progress->setValue(m_finished);
}

void InvokeBar::setBusy(bool busy)
{
    m_invoke->setEnabled(!busy && m_function->count() > 0);
    const bool burst = busy && m_count->value() > 1;
    if (burst && m_progress->isHidden()) {
        // Reset while hidden, where it costs no repaint; the bar then appears at 0 of N.
        m_finished = 0;
        m_total = m_count->value();
        showProgress();
    }
    m_progress->setVisible(burst);
    m_cancel->setVisible(burst);
}

} // namespace fn
