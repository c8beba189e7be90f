#pragma once
// "What init spent its time on": the import profile of one profiled cold start (Engine::profileImports)
// as a sortable table or tree, with the package size of the function and of each layer beside it.

#include "engine/importprofilerun.h"
#include "metrics/packagesize.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;
class QTreeWidget;

namespace fn {

class IcicleView;
class ImportProfileModel;

class ImportProfileDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ImportProfileDialog(QWidget *parent = nullptr);

    void showRunning(const QString &functionName);
    void showRun(const ImportProfileRun &run, const QList<PackageSize> &sizes);

    ImportProfileModel &model() const { return *m_model; }
    QTreeView *view() const { return m_view; }
    IcicleView *icicle() const { return m_icicle; }
    QString headline() const;

private:
    QLabel *m_headline;
    QLabel *m_error;
    QCheckBox *m_nested;
    ImportProfileModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTreeView *m_view;
    IcicleView *m_icicle;
    QTabWidget *m_tabs; // the sorted table, the icicle
    QTreeWidget *m_sizes;
};

} // namespace fn
