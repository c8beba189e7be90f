#include "projecttree/projectpanel.h"

#include "project/project.h"
#include "projecttree/projecttreemodel.h"
#include "session/studiosession.h"

#include <QHeaderView>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>

namespace fn {

ProjectPanel::ProjectPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ProjectTreeModel(this))
    , m_view(new QTreeView(this))
{
    m_view->setModel(m_model);
    m_view->header()->hide();
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setExpandsOnDoubleClick(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(&session, &StudioSession::projectChanged, this, &ProjectPanel::reload);
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QString path = index.data(ProjectTreeModel::PathRole).toString();
        const auto kind = ProjectTreeModel::Kind(index.data(ProjectTreeModel::KindRole).toInt());
        if (!path.isEmpty() && kind != ProjectTreeModel::Kind::Layer)
            m_session.requestOpenFile(path);
    });
    // Anywhere: add a function; on a function (or anything of it): add a sample event from the catalogue.
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QTreeView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QString function = m_view->indexAt(pos).data(ProjectTreeModel::FunctionRole).toString();
        if (!m_session.hasProject())
            return;
        QMenu menu(this);
        QAction *add = nullptr;
        if (!function.isEmpty()) {
            add = menu.addAction(tr("New Event for %1…").arg(function));
            add->setObjectName(QStringLiteral("newEventForFunction"));
        }
        QAction *addFunction = menu.addAction(tr("New Function…"));
        addFunction->setObjectName(QStringLiteral("newFunction"));
        QAction *chosen = menu.exec(m_view->viewport()->mapToGlobal(pos));
        if (chosen && chosen == add)
            m_session.requestNewEvent(function);
        else if (chosen == addFunction)
            m_session.requestNewFunction();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &index) {
        const QString function = index.data(ProjectTreeModel::FunctionRole).toString();
        if (function.isEmpty())
            return;
        const auto kind = ProjectTreeModel::Kind(index.data(ProjectTreeModel::KindRole).toInt());
        m_session.chooseTarget(function, kind == ProjectTreeModel::Kind::Event
                                             ? index.data(ProjectTreeModel::PathRole).toString()
                                             : QString());
    });
    reload();
}

void ProjectPanel::reload()
{
    QHash<QString, QStringList> events;
    const QList<FunctionConfig> functions = m_session.functions();
    for (const FunctionConfig &f : functions)
        events.insert(f.name, m_session.eventFiles(f.name));
    m_model->resetData(m_session.hasProject() ? m_session.project().templatePath() : QString(), functions, events);
    m_view->expandToDepth(1);
}

} // namespace fn
