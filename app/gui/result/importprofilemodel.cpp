#include "result/importprofilemodel.h"

namespace fn {

namespace {

QString ms(qint64 us)
{
    return QString::number(double(us) / 1000.0, 'f', 2);
}

} // namespace

ImportProfileModel::ImportProfileModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void ImportProfileModel::setProfile(const ImportProfile &profile)
{
    beginResetModel();
    m_profile = profile;
    m_totalUs = profile.totalUs();
    rebuild();
    endResetModel();
}

void ImportProfileModel::setNested(bool nested)
{
    if (nested == m_nested)
        return;
    beginResetModel();
    m_nested = nested;
    rebuild();
    endResetModel();
}

void ImportProfileModel::rebuild()
{
    m_items.clear();
    m_top.clear();
    // rows() walks depth first: an item's parent is the last item one level up.
    const QList<ImportProfile::Row> rows = m_profile.rows();
    std::vector<int> lastAtDepth;
    m_items.reserve(size_t(rows.size()));
    for (const ImportProfile::Row &row : rows) {
        Item item;
        item.row = row;
        if (m_nested && row.depth > 0 && size_t(row.depth) <= lastAtDepth.size())
            item.parent = lastAtDepth[size_t(row.depth) - 1];
        const int id = int(m_items.size());
        std::vector<int> &siblings = item.parent < 0 ? m_top : m_items[size_t(item.parent)].children;
        item.rowInParent = int(siblings.size());
        siblings.push_back(id);
        m_items.push_back(std::move(item));
        lastAtDepth.resize(size_t(row.depth) + 1);
        lastAtDepth[size_t(row.depth)] = id;
    }
}

const std::vector<int> &ImportProfileModel::childrenOf(const QModelIndex &parent) const
{
    return parent.isValid() ? m_items[size_t(parent.internalId())].children : m_top;
}

QModelIndex ImportProfileModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, quintptr(childrenOf(parent)[size_t(row)]));
}

QModelIndex ImportProfileModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int parentId = m_items[size_t(child.internalId())].parent;
    if (parentId < 0)
        return {};
    return createIndex(m_items[size_t(parentId)].rowInParent, 0, quintptr(parentId));
}

int ImportProfileModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(childrenOf(parent).size());
}

int ImportProfileModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ImportProfileModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const ImportProfile::Row &row = m_items[size_t(index.internalId())].row;
    const double share = m_totalUs > 0 ? 100.0 * double(row.cumulativeUs) / double(m_totalUs) : 0.0;
    if (role == SortRole) {
        switch (index.column()) {
        case ModuleColumn:
            return row.module;
        case CumulativeColumn:
        case ShareColumn:
            return row.cumulativeUs;
        case SelfColumn:
            return row.selfUs;
        case ImportedByColumn:
            return row.importedBy;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case ModuleColumn:
            return row.module;
        case CumulativeColumn:
            return ms(row.cumulativeUs);
        case SelfColumn:
            return ms(row.selfUs);
        case ShareColumn:
            return QStringLiteral("%1 %").arg(share, 0, 'f', 1);
        case ImportedByColumn:
            return row.importedBy.isEmpty() ? tr("(init)") : row.importedBy;
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != ModuleColumn && index.column() != ImportedByColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("%1: %2 ms with what it imported, %3 ms its own")
            .arg(row.module, ms(row.cumulativeUs), ms(row.selfUs));
    return {};
}

QVariant ImportProfileModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ModuleColumn:
        return tr("Module");
    case CumulativeColumn:
        return tr("Cumulative (ms)");
    case SelfColumn:
        return tr("Self (ms)");
    case ShareColumn:
        return tr("Of init imports");
    case ImportedByColumn:
        return tr("Imported by");
    }
    return {};
}

} // namespace fn
