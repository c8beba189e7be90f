#include "result/importprofiledialog.h"

#include "common/export.h"
#include "result/icicleview.h"
#include "result/importprofilemodel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace fn {

ImportProfileDialog::ImportProfileDialog(QWidget *parent)
    : QDialog(parent)
    , m_headline(new QLabel(this))
    , m_error(new QLabel(this))
    , m_nested(new QCheckBox(tr("Nested as imported"), this))
    , m_model(new ImportProfileModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_view(new QTreeView(this))
    , m_icicle(new IcicleView(this))
    , m_tabs(new QTabWidget(this))
    , m_sizes(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("importProfileDialog"));
    setWindowTitle(tr("Import Profile"));
    resize(760, 560);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { border-left: 3px solid #d63e3e; padding: 4px 8px; }"));
    m_error->hide();

    // Flat by default: sorted by cumulative time, the slowest imports lead whatever imported them.
    m_model->setNested(false);
    m_nested->setToolTip(tr("Show the modules nested under the module that imported them"));
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(ImportProfileModel::SortRole);
    m_view->setObjectName(QStringLiteral("importProfileView"));
    m_view->setModel(m_sorted);
    m_view->setSortingEnabled(true);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->sortByColumn(ImportProfileModel::CumulativeColumn, Qt::DescendingOrder);
    m_view->header()->setSectionResizeMode(ImportProfileModel::ModuleColumn, QHeaderView::Stretch);
    m_view->header()->setStretchLastSection(false);
    addTableExport(m_view, QStringLiteral("import-profile"));
    connect(m_nested, &QCheckBox::toggled, this, [this](bool nested) {
        m_model->setNested(nested);
        m_view->setRootIsDecorated(nested);
        if (nested)
            m_view->expandToDepth(0);
    });

    m_sizes->setObjectName(QStringLiteral("packageSizes"));
    m_sizes->setColumnCount(4);
    m_sizes->setHeaderLabels({tr("Package"), tr("Size (unzipped)"), tr("Files"), tr("Folder")});
    m_sizes->setRootIsDecorated(false);
    m_sizes->setMaximumHeight(130);
    m_sizes->setToolTip(tr("Counted as Lambda counts a package against its 250 MB limit: unzipped, every file; "
                           "without .fnstudio, .git, .aws-sam, __pycache__ and *.pyc, which sam build leaves out"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_error);
    auto *table = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(table);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_nested);
    tableLayout->addWidget(m_view, 1);
    m_tabs->addTab(table, tr("Sorted table"));
    m_tabs->addTab(m_icicle, tr("Icicle"));
    addChartExport(m_icicle, QStringLiteral("import-profile-icicle"));
    layout->addWidget(m_tabs, 1);
    layout->addWidget(new QLabel(tr("Package size"), this));
    layout->addWidget(m_sizes);
    layout->addWidget(buttons);
}

void ImportProfileDialog::showRunning(const QString &functionName)
{
    setWindowTitle(tr("Import Profile — %1").arg(functionName));
    m_headline->setText(tr("Profiling a cold start of %1…").arg(functionName));
    m_error->hide();
    m_model->setProfile({});
    m_icicle->setProfile({});
    m_sizes->clear();
}

void ImportProfileDialog::showRun(const ImportProfileRun &run, const QList<PackageSize> &sizes)
{
    const InvocationRecord &r = run.record;
    setWindowTitle(tr("Import Profile — %1").arg(r.functionName));
    m_model->setProfile(run.profile);
    m_icicle->setProfile(run.profile);
    if (m_nested->isChecked())
        m_view->expandToDepth(0);
    m_view->resizeColumnToContents(ImportProfileModel::CumulativeColumn);
    m_view->resizeColumnToContents(ImportProfileModel::SelfColumn);
    if (r.coldStart)
        m_headline->setText(tr("<b>%1</b>'s init imported %2 modules in %3 ms (module init %4 ms of a %5 ms cold "
                               "start, request %6). The environment was ended after it: profiling slows imports.")
                                .arg(r.functionName)
                                .arg(run.profile.moduleCount())
                                .arg(double(run.profile.totalUs()) / 1000.0, 0, 'f', 2)
                                .arg(r.phases.initMs, 0, 'f', 2)
                                .arg(r.observedMs, 0, 'f', 2)
                                .arg(r.requestId));
    else
        m_headline->setText(
            tr("%1 was not profiled.").arg(r.functionName.isEmpty() ? tr("The function") : r.functionName));
    m_error->setText(run.error);
    m_error->setVisible(!run.error.isEmpty());

    m_sizes->clear();
    for (const PackageSize &s : sizes)
        new QTreeWidgetItem(m_sizes, {s.label, s.error.isEmpty() ? PackageSize::describe(s.bytes) : s.error,
                                      s.error.isEmpty() ? QString::number(s.files) : QString(), s.path});
    new QTreeWidgetItem(m_sizes,
                        {tr("total"), PackageSize::describe(PackageSize::totalBytes(sizes)), QString(),
                         tr("of Lambda's %1 limit").arg(PackageSize::describe(PackageSize::LambdaUnzippedLimitBytes))});
    for (int c = 0; c < 3; ++c)
        m_sizes->resizeColumnToContents(c);
}

QString ImportProfileDialog::headline() const
{
    return m_headline->text();
}

} // namespace fn
