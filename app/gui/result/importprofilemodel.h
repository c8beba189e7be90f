#pragma once
// A function's import profile (what its module init imported) for a tree view: nested as imported,
// or flat so that sorting by cumulative or self time ranks every module. Sortable through a proxy
// on SortRole, which holds the raw numbers.

#include "metrics/importprofile.h"

#include <QAbstractItemModel>

#include <vector>

namespace fn {

class ImportProfileModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { ModuleColumn, CumulativeColumn, SelfColumn, ShareColumn, ImportedByColumn, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit ImportProfileModel(QObject *parent = nullptr);

    void setProfile(const ImportProfile &profile);
    // Nested: the import tree. Flat: every module a row, with what imported it.
    void setNested(bool nested);
    bool isNested() const { return m_nested; }
    qint64 totalUs() const { return m_totalUs; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Item
    {
        ImportProfile::Row row;
        int parent = -1; // item index; -1 at the top
        int rowInParent = 0;
        std::vector<int> children;
    };
    void rebuild();
    const std::vector<int> &childrenOf(const QModelIndex &parent) const;

    ImportProfile m_profile;
    bool m_nested = true;
    qint64 m_totalUs = 0;
    std::vector<Item> m_items;
    std::vector<int> m_top;
};

} // namespace fn
