#include "invocations/invocationpanel.h"

#include "common/export.h"
#include "invocations/invocationmodel.h"
#include "session/invocationselection.h"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace fn {

InvocationPanel::InvocationPanel(InvocationModel &model, InvocationSelection &selection, QWidget *parent)
    : QWidget(parent)
    , m_view(new QTableView(this))
{
    m_view->setModel(&model);
    addTableExport(m_view, QStringLiteral("invocations"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setColumnWidth(InvocationModel::FunctionColumn, 110);
    m_view->setColumnWidth(InvocationModel::RequestIdColumn, 270);
    m_view->setColumnWidth(InvocationModel::StartColumn, 55);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, &selection,
            [&selection](const QModelIndex &current) {
                if (current.isValid())
                    selection.select(current.data(InvocationModel::RequestIdRole).toString());
            });
    connect(&selection, &InvocationSelection::selected, this, [this, &model](const QString &requestId) {
        const int row = model.rowOf(requestId);
        if (row >= 0 && m_view->currentIndex().row() != row) {
            m_view->setCurrentIndex(model.index(row, 0));
            m_view->scrollTo(model.index(row, 0));
        }
    });
    connect(&model, &QAbstractItemModel::rowsInserted, m_view, &QTableView::scrollToBottom);
}

} // namespace fn
