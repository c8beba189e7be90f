#pragma once
// The Environments dock: every execution environment with its state, isolation, age, invocations
// and memory now, and a button to stop the selected one.

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace fn {

class StudioSession;

class EnvironmentPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit EnvironmentPanel(StudioSession &session, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

private:
    void updateButtons();

    StudioSession &m_session;
    QTableView *m_view;
    QPushButton *m_stop;
    QLabel *m_summary;
};

} // namespace fn
