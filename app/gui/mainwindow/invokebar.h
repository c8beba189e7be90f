#pragma once
// The invoke bar: function, event, invocation type, Force cold start, burst N × concurrency C,
// Invoke, and progress with cancel while a burst runs.

#include "session/invokerequest.h"

#include <QWidget>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace fn {

class StudioSession;

class InvokeBar final : public QWidget
{
    Q_OBJECT
public:
    // openText returns the text of a file open in an editor (unsaved edits included), if it is open.
    using OpenTextProvider = std::function<std::optional<QString>(const QString &path)>;

    explicit InvokeBar(StudioSession &session, QWidget *parent = nullptr);

    void setOpenTextProvider(OpenTextProvider provider) { m_openText = std::move(provider); }
    // Called before an invocation with the function's name; false stops it (the hook says why).
    // The window saves the function's open files here, as invoking runs what is on disk.
    using BeforeInvoke = std::function<bool(const QString &functionName)>;
    void setBeforeInvoke(BeforeInvoke hook) { m_beforeInvoke = std::move(hook); }

    // The request as the controls describe it; nullopt with *error when the event is not JSON.
    std::optional<InvokeRequest> currentRequest(QString *error) const;
    void invoke();
    void cancel();
    // One profiled cold start (StudioSession::profileImports) with this bar's event; for another
    // function than the bar's (the Result panel's), with an empty event.
    void profileImports(const QString &functionName = {});

    QComboBox *functionCombo() const { return m_function; }
    QComboBox *eventCombo() const { return m_event; }
    QComboBox *typeCombo() const { return m_type; }
    QCheckBox *forceColdBox() const { return m_forceCold; }
    QSpinBox *countSpin() const { return m_count; }
    QSpinBox *concurrencySpin() const { return m_concurrency; }
    QProgressBar *progressBar() const { return m_progress; }

private:
    void reloadFunctions();
    void reloadEvents();
    void setBusy(bool busy);
    // Label and tool tip of Force cold start for a single invocation, a burst, or an Event invocation.
    void describeForceCold();
    void showProgress();

    StudioSession &m_session;
    OpenTextProvider m_openText;
    BeforeInvoke m_beforeInvoke;
    QComboBox *m_function;
    QComboBox *m_event;
    QComboBox *m_type;
    QCheckBox *m_forceCold;
    QSpinBox *m_count;
    QSpinBox *m_concurrency;
    QPushButton *m_invoke;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    // A burst's progress as last announced, shown at most every progressIntervalMs.
    static constexpr int progressIntervalMs = 50;
    QTimer *m_progressTimer;
    int m_finished = 0;
    int m_total = 0;
};

} // namespace fn
