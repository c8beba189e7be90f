#pragma once
// The Invocations dock: every invocation as a row (newest last); selecting one selects it everywhere.

#include <QWidget>

class QTableView;

namespace fn {

class StudioSession;

class InvocationPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit InvocationPanel(StudioSession &session, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

private:
    QTableView *m_view;
};

} // namespace fn
