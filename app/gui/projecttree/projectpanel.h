#pragma once
// The Project dock: the tree of functions, handler files, events and layers; activating a file opens it.

#include <QWidget>

class QTreeView;

namespace fn {

class ProjectTreeModel;
class StudioSession;

class ProjectPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ProjectPanel(StudioSession &session, QWidget *parent = nullptr);

    ProjectTreeModel &model() const { return *m_model; }
    QTreeView *view() const { return m_view; }

private:
    void reload();

    StudioSession &m_session;
    ProjectTreeModel *m_model;
    QTreeView *m_view;
};

} // namespace fn
