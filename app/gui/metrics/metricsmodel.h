#pragma once
// Invocation statistics with cold and warm starts side by side: counts, errors, duration and init
// percentiles, memory and cost, recomputed as batches of InvocationRecord arrive. The arithmetic is
// core's (Percentiles, CostModel), shared with `fnstudio-cli bench`; this is its table.

#include "metrics/anatomy.h"
#include "metrics/costmodel.h"
#include "metrics/percentiles.h"
#include "snapshots/invocationrecord.h"

#include <QAbstractTableModel>

#include <array>

namespace fn {

class MetricsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Row {
        InvocationsRow,
        ErrorsRow,
        ThrottlesRow,
        ObservedP50Row, // what the caller waited, end to end
        ObservedP99Row,
        DurationP50Row,
        DurationP90Row,
        DurationP99Row,
        InitP50Row,
        InitP90Row,
        InitP99Row,
        MaxMemoryRow,
        GbSecondsRow,
        CostX86Row,
        CostArm64Row,
        RowCount
    };
    enum Column { AllColumn, ColdColumn, WarmColumn, ColumnCount };
    enum Role { ValueRole = Qt::UserRole + 1 }; // the number behind the text

    explicit MetricsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<InvocationRecord> &records);
    void resetData(const QList<InvocationRecord> &records);

    double value(Row row, Column column) const;
    // The invocation at the p-th percentile of what callers observed, whole (see AnatomyPercentiles).
    std::optional<Anatomy> anatomy(Column column, double p) const;

private:
    struct Bucket
    {
        int invocations = 0;
        int errors = 0;
        int throttles = 0;
        Percentiles duration;
        Percentiles observed;
        AnatomyPercentiles anatomies;
        Percentiles init;
        int maxMemoryMb = 0;
        CostModel cost;
    };
    void add(const InvocationRecord &record);

    std::array<Bucket, ColumnCount> m_buckets;
};

} // namespace fn
