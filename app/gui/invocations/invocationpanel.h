#pragma once
// The Invocations dock: every invocation as a row (newest last); selecting one selects it everywhere.

#include <QWidget>

class QTableView;

namespace fn {

class InvocationModel;
class InvocationSelection;

class InvocationPanel final : public QWidget
{
    Q_OBJECT
public:
    InvocationPanel(InvocationModel &model, InvocationSelection &selection, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

private:
    QTableView *m_view;
};

} // namespace fn
