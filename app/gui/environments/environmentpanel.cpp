#include "environments/environmentpanel.h"

#include "common/export.h"
#include "engine/engine.h"
#include "environments/environmentmodel.h"
#include "workspace/workspace.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace fn {

EnvironmentPanel::EnvironmentPanel(EnvironmentModel &model, Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_workspace(workspace)
    , m_view(new QTableView(this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_summary(new QLabel(this))
{
    m_view->setModel(&model);
    addTableExport(m_view, QStringLiteral("environments"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setShowGrid(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setWordWrap(false);
    m_view->setColumnWidth(EnvironmentModel::IdColumn, 120);
    m_view->setColumnWidth(EnvironmentModel::FunctionColumn, 120);
    m_view->setColumnWidth(EnvironmentModel::StateColumn, 110);
    m_view->setColumnWidth(EnvironmentModel::IsolationColumn, 180);
    m_view->setColumnWidth(EnvironmentModel::AgeColumn, 90);
    m_view->setColumnWidth(EnvironmentModel::InvocationsColumn, 90);
    m_stop->setToolTip(tr("Shut the selected environment down; the next invocation of its function starts cold"));
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // never widens the dock

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 4);
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_stop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_stop, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (Engine *engine = m_workspace.engine(); engine && current.isValid())
            engine->stopEnvironment(current.data(EnvironmentModel::EnvironmentIdRole).toString());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &EnvironmentPanel::updateButtons);
    connect(&model, &QAbstractItemModel::dataChanged, this, &EnvironmentPanel::updateButtons);
    connect(&model, &QAbstractItemModel::rowsInserted, this, &EnvironmentPanel::updateButtons);
    connect(&model, &QAbstractItemModel::modelReset, this, &EnvironmentPanel::updateButtons);
    // Ages tick while the panel is open.
    auto *ages = new QTimer(this);
    ages->setInterval(1000);
    connect(ages, &QTimer::timeout, &model, &EnvironmentModel::refreshAges);
    ages->start();
    updateButtons();
}

void EnvironmentPanel::updateButtons()
{
    const QModelIndex current = m_view->currentIndex();
    m_stop->setEnabled(m_workspace.engine() && current.isValid()
                       && !current.data(EnvironmentModel::StoppedRole).toBool());
    m_summary->setText(m_model.rowCount() == 0
                           ? tr("No execution environments yet — the first invocation starts one (a cold start).")
                           : tr("%1 alive, %2 in all").arg(m_model.liveCount()).arg(m_model.rowCount()));
}

} // namespace fn
