#pragma once
// The Permissions panel: what a function's execution role lets it do, seen from what it did. Every
// call the function made to a local service (S3, the Lambda API) with the IAM action, the resource,
// the decision and the statement that decided it; the least-privilege SAM Policies block for those
// calls, to copy or to Apply (written into template.yaml, every other byte kept); the statements
// of its role that allow more than it used; and the project's permissions mode (off, warn,
// enforce; .fnstudio/settings.json). Calls happen while the studio serves its local services.

#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTimer;
class QTreeView;

namespace fn {

class PermissionCallModel;
class StudioSession;
class TriggerHost;

class PermissionsPanel final : public QWidget
{
    Q_OBJECT
public:
    // Asks the user to go ahead (QMessageBox unless replaced, e.g. by tests).
    using Confirmer = std::function<bool(const QString &title, const QString &question)>;

    explicit PermissionsPanel(StudioSession &session, QWidget *parent = nullptr);

    QComboBox *functionBox() const { return m_function; }
    QComboBox *modeBox() const { return m_mode; }
    PermissionCallModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QPlainTextEdit *suggestionView() const { return m_suggestion; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *broaderLabel() const { return m_broader; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *copyButton() const { return m_copy; }
    QPushButton *clearButton() const { return m_clear; }
    void setConfirmer(Confirmer confirm) { m_confirm = std::move(confirm); }

    QString function() const;
    void showFunction(const QString &name);
    // Re-reads the shown function's calls now (they are also followed as they happen).
    void refresh();
    // Writes the least privilege for the shown calls into the function's Policies; false (said
    // through the session's messages) when it was not written.
    bool applySuggestion();
    bool setMode(const QString &mode); // "off", "warn" or "enforce", into .fnstudio/settings.json
    void clearCalls();

private:
    void attachHost();
    void projectChanged();
    void callsChecked(const QString &function);
    void updateStatus();

    StudioSession &m_session;
    QPointer<TriggerHost> m_host;
    QComboBox *m_function;
    QComboBox *m_mode;
    PermissionCallModel *m_model;
    QTreeView *m_view;
    QPlainTextEdit *m_suggestion;
    QLabel *m_status;
    QLabel *m_broader;
    QPushButton *m_copy;
    QPushButton *m_apply;
    QPushButton *m_clear;
    QTimer *m_refresh; // coalesces a burst of calls into one refresh
    Confirmer m_confirm;
};

} // namespace fn
