#pragma once
// The Environments dock: every execution environment with its state, isolation, age, invocations
// and memory now, and a button to stop the selected one.

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace fn {

class EnvironmentModel;
class Workspace;

class EnvironmentPanel final : public QWidget
{
    Q_OBJECT
public:
    EnvironmentPanel(EnvironmentModel &model, Workspace &workspace, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

private:
    void updateButtons();

    EnvironmentModel &m_model;
    Workspace &m_workspace; // its engine stops an environment
    QTableView *m_view;
    QPushButton *m_stop;
    QLabel *m_summary;
};

} // namespace fn
