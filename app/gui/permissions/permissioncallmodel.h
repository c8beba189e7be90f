#pragma once
// One function's calls to the local services for the Permissions panel: when, the IAM action and
// resource, what its execution role decided and the statement that decided it (or why none did).

#include "access/authorizer.h"

#include <QAbstractTableModel>

#include <vector>

namespace fn {

class PermissionCallModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, ActionColumn, ResourceColumn, DecisionColumn, WhyColumn, ColumnCount };

    explicit PermissionCallModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The calls, oldest first (Authorizer::calls); the newest is shown at the top.
    void setCalls(std::vector<Authorizer::Call> calls);
    const std::vector<Authorizer::Call> &calls() const { return m_calls; }

    // "Allowed", "Denied" (refused under enforce), "Would be denied" (warn or off), "Not checked".
    static QString decisionText(const Authorizer::Call &call);

private:
    const Authorizer::Call &callAt(int row) const { return m_calls.at(m_calls.size() - 1 - size_t(row)); }

    std::vector<Authorizer::Call> m_calls;
};

} // namespace fn
