#pragma once
// Run → Serve: a checkable action that serves the project's functions through the Lambda Invoke API,
// its API Gateway routes and the S3 endpoint (on 127.0.0.1 unless Serve Settings… say otherwise),
// and a status-bar label with the URLs while it does.

#include <QObject>

class QAction;
class QLabel;

namespace fn {

class Messenger;
class Workspace;

class ServeControl final : public QObject
{
    Q_OBJECT
public:
    // The label is made for the window's status bar; `parent` owns both.
    ServeControl(Workspace &workspace, Messenger &messenger, QWidget *parent);

    QAction *action() const { return m_action; }
    QAction *settingsAction() const { return m_settingsAction; } // Run → Serve Settings…
    QLabel *statusLabel() const { return m_label; }

private:
    void toggle(bool on);
    void update();

    Workspace &m_workspace;
    Messenger &m_messenger;
    QAction *m_action;
    QLabel *m_label;
    QAction *m_settingsAction;
};

} // namespace fn
