#pragma once
// The project's local S3 buckets for the Buckets panel: each bucket's folder (and whether the user
// mapped it), how many objects it holds and which functions its events invoke.

#include "snapshots/bucketssnapshot.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace fn {

struct BucketRow
{
    QString name;
    QString folder;      // absolute
    bool mapped = false; // settings.json names the folder; else .fnstudio/buckets/<name>
    bool exists = false; // the folder is there
    int objectCount = 0;
    QStringList functions; // "Function (ObjectCreated:*)" for each S3 event on the bucket
};

class BucketModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, FolderColumn, ObjectsColumn, FunctionsColumn, ColumnCount };
    enum Role { NameRole = Qt::UserRole + 1, FolderRole, MappedRole };

    explicit BucketModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adopts a snapshot; the same buckets in the same order only change their cells.
    void resetData(const QList<BucketRow> &rows);
    void adopt(const BucketsSnapshot &snapshot);
    const BucketRow &bucket(int row) const { return m_rows.at(row); }
    int rowOf(const QString &name) const; // -1 when absent

    // Objects in a bucket folder: its files, below it at any depth, that are not a writer's
    // staging files. No file is read.
    static int countObjects(const QString &folder);

private:
    QList<BucketRow> m_rows;
};

} // namespace fn
