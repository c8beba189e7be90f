#include "properties/environmentvariablemodel.h"

namespace fn {

namespace {

const QString *valueOf(const EnvironmentVariableModel::List &list, const QString &name)
{
    for (const auto &entry : list) {
        if (entry.first == name)
            return &entry.second;
    }
    return nullptr;
}

} // namespace

EnvironmentVariableModel::EnvironmentVariableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int EnvironmentVariableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EnvironmentVariableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EnvironmentVariableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const auto &row = m_rows.at(index.row());
    return index.column() == NameColumn ? row.first : row.second;
}

QVariant EnvironmentVariableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Name") : tr("Value");
}

Qt::ItemFlags EnvironmentVariableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool EnvironmentVariableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    auto &row = m_rows[index.row()];
    QString &field = index.column() == NameColumn ? row.first : row.second;
    const QString text = index.column() == NameColumn ? value.toString().trimmed() : value.toString();
    if (field == text)
        return true;
    field = text;
    Q_EMIT dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole});
    return true;
}

bool EnvironmentVariableModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    return true;
}

void EnvironmentVariableModel::resetData(const List &variables)
{
    beginResetModel();
    m_original = variables;
    m_rows = variables;
    endResetModel();
}

int EnvironmentVariableModel::addVariable()
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(QPair<QString, QString>());
    endInsertRows();
    return row;
}

QStringList EnvironmentVariableModel::removedNames() const
{
    QStringList names;
    for (const auto &entry : m_original) {
        if (!valueOf(m_rows, entry.first))
            names.append(entry.first);
    }
    return names;
}

EnvironmentVariableModel::List EnvironmentVariableModel::changed() const
{
    List out;
    for (const auto &entry : m_rows) {
        if (entry.first.isEmpty())
            continue;
        const QString *before = valueOf(m_original, entry.first);
        if (!before || *before != entry.second)
            out.append(entry);
    }
    return out;
}

bool EnvironmentVariableModel::isModified() const
{
    return !removedNames().isEmpty() || !changed().isEmpty();
}

} // namespace fn
