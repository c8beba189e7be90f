#pragma once
// The Result dock: the response pretty-printed, an error with its type and stack, the REPORT figures
// as fields, and whether the start was cold or warm.

#include "snapshots/invocationrecord.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QTableView;
class QTimer;
class QToolButton;

namespace fn {

class AnatomyView;
class CodeEditor;
class ResultModel;
class StudioSession;

class ResultPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ResultPanel(StudioSession &session, QWidget *parent = nullptr);

    void showRecord(const InvocationRecord &record);
    ResultModel &model() const { return *m_model; }
    QString responseText() const;
    QString errorText() const;
    QString badgeText() const;
    AnatomyView *anatomy() const { return m_anatomy; }
    QToolButton *profileButton() const { return m_profile; }

private:
    void showAccepted(const QString &functionName);
    // During a burst results arrive by the thousand: the panel shows the latest at most every
    // renderIntervalMs (re-rendering a response per result stalled the window), and the last one
    // as soon as the burst ends.
    void resultArrived(const InvocationRecord &record);
    void showPending();
    static constexpr int renderIntervalMs = 100;

    StudioSession &m_session;
    ResultModel *m_model;
    QLabel *m_badge;
    QLabel *m_headline;
    QToolButton *m_profile; // "Profile init": what the shown function's init spent its time on
    QLabel *m_error;
    AnatomyView *m_anatomy; // the waterfall of the invocation shown
    QTableView *m_fields;
    CodeEditor *m_response;
    QLabel *m_empty;
    QWidget *m_content;
    QTimer *m_renderTimer;
    std::optional<InvocationRecord> m_pending;
    QElapsedTimer m_sinceRender;
};

} // namespace fn
