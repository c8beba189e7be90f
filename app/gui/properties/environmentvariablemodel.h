#pragma once
// A function's environment variables as an editable two-column table (name, value), remembering
// what it was given so the changes can be written back one by one.

#include <QAbstractTableModel>
#include <QList>
#include <QPair>
#include <QString>

namespace fn {

class EnvironmentVariableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    using List = QList<QPair<QString, QString>>;
    enum Column { NameColumn, ValueColumn, ColumnCount };

    explicit EnvironmentVariableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;

    // The variables as read from the template; they are also what changes are measured against.
    void resetData(const List &variables);
    // Appends an empty row; returns its row.
    int addVariable();

    List variables() const { return m_rows; }
    // Variables given that are gone now (names, rows with an empty name ignored).
    QStringList removedNames() const;
    // Variables that are new or whose value changed.
    List changed() const;
    bool isModified() const;

private:
    List m_original;
    List m_rows;
};

} // namespace fn
