#include "common/tableview.h"

#include <QHeaderView>
#include <QTreeView>

namespace fn {

QTreeView *makeTableView(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTreeView(parent);
    view->setModel(model);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAllColumnsShowFocus(true);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setFrameShape(QFrame::NoFrame);
    view->header()->setStretchLastSection(true);
    return view;
}

} // namespace fn
