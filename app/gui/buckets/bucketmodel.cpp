#include "buckets/bucketmodel.h"

#include "store/s3objectstore.h"

#include <QDir>
#include <QDirIterator>
#include <QLocale>

namespace fn {

BucketModel::BucketModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int BucketModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BucketModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void BucketModel::adopt(const BucketsSnapshot &snapshot)
{
    QList<BucketRow> rows;
    rows.reserve(snapshot.buckets.size());
    for (const BucketSnapshot &b : snapshot.buckets)
        rows.append({b.name, b.folder, b.mapped, b.exists, b.objectCount, b.functions});
    resetData(rows);
}

int BucketModel::countObjects(const QString &folder)
{
    int count = 0;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        if (!S3ObjectStore::isStagingName(it.fileName()))
            ++count;
    }
    return count;
}

QVariant BucketModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BucketRow &b = m_rows.at(index.row());
    switch (role) {
    case NameRole:
        return b.name;
    case FolderRole:
        return b.folder;
    case MappedRole:
        return b.mapped;
    case Qt::TextAlignmentRole:
        return index.column() == ObjectsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == FolderColumn)
            return b.mapped ? tr("Mapped in .fnstudio/settings.json: %1").arg(QDir::toNativeSeparators(b.folder))
                            : tr("Kept under the project: %1").arg(QDir::toNativeSeparators(b.folder));
        if (index.column() == FunctionsColumn && b.functions.isEmpty())
            return tr("No S3 event of the template names this bucket");
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case NameColumn:
            return b.name;
        case FolderColumn: {
            const QString folder = QDir::toNativeSeparators(b.folder);
            if (!b.exists)
                return tr("%1 (missing)").arg(folder);
            return b.mapped ? tr("%1 (mapped)").arg(folder) : folder;
        }
        case ObjectsColumn:
            return b.exists ? QLocale().toString(b.objectCount) : QString();
        case FunctionsColumn:
            return b.functions.join(QStringLiteral(", "));
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant BucketModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Bucket");
    case FolderColumn:
        return tr("Folder");
    case ObjectsColumn:
        return tr("Objects");
    case FunctionsColumn:
        return tr("Events invoke");
    case ColumnCount:
        break;
    }
    return {};
}

void BucketModel::resetData(const QList<BucketRow> &rows)
{
    bool same = rows.size() == m_rows.size();
    for (qsizetype i = 0; same && i < rows.size(); ++i)
        same = rows.at(i).name == m_rows.at(i).name;
    if (!same) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    m_rows = rows;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int BucketModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).name == name)
            return row;
    }
    return -1;
}

} // namespace fn
