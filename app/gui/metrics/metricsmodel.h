#pragma once
// Invocation statistics with cold and warm starts side by side: counts, errors, duration and init
// percentiles, memory and cost, recomputed as batches of InvocationRecord arrive, with the
// distribution of what callers waited and the share of cold starts over time. Beside the local
// invocations, one set imported from CloudWatch Logs ("cloud") in columns of its own. The arithmetic
// is core's (Percentiles, CostModel, LatencyHistogram, ColdShare), shared with `fnstudio-cli bench`;
// this is its table.

#include "metrics/anatomy.h"
#include "metrics/coldshare.h"
#include "metrics/costmodel.h"
#include "metrics/latencyhistogram.h"
#include "metrics/percentiles.h"
#include "snapshots/environmentstate.h"
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
        PerMonthX86Row, // at requestsPerMonth(); All adds a month of the provisioned concurrency kept now
        PerMonthArm64Row,
        ProvisionedX86Row, // provisioned concurrency's own charge in this run (All only)
        ProvisionedArm64Row,
        RowCount
    };
    // The cloud columns hold the imported set (empty, and hidden by the panel, until there is one).
    enum Column { AllColumn, ColdColumn, WarmColumn, CloudColdColumn, CloudWarmColumn, ColumnCount };
    enum Role { ValueRole = Qt::UserRole + 1 }; // the number behind the text

    explicit MetricsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<InvocationRecord> &records);
    void resetData(const QList<InvocationRecord> &records);
    // Environments as they change: the provisioned ones are charged for as long as they are kept.
    void updateEnvironments(const QList<EnvironmentState> &states);

    // The rate the per-month rows project onto (1,000,000 until set).
    void setRequestsPerMonth(qint64 requests);
    qint64 requestsPerMonth() const { return m_requestsPerMonth; }

    // Invocations imported from CloudWatch REPORT lines, named (after their file); replaces any set
    // imported before. Kept when the local invocations are reset.
    void setCloud(const QString &name, const QList<InvocationRecord> &records);
    void clearCloud();
    bool hasCloud() const { return !m_cloudName.isEmpty(); }
    QString cloudName() const { return m_cloudName; }

    double value(Row row, Column column) const;
    // The invocation at the p-th percentile of what callers observed, whole (see AnatomyPercentiles).
    // For the cloud columns, what callers waited is Init Duration + Duration: a REPORT says no more.
    std::optional<Anatomy> anatomy(Column column, double p) const;
    const LatencyHistogram &histogram() const { return m_histogram; }
    const LatencyHistogram &cloudHistogram() const { return m_cloudHistogram; }
    const ColdShare &coldShare() const { return m_coldShare; }
    const ColdShare &cloudColdShare() const { return m_cloudColdShare; }

Q_SIGNALS:
    void cloudChanged();

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
    void addCloud(const InvocationRecord &record);
    void addTo(Bucket &bucket, const InvocationRecord &record, bool observed);

    std::array<Bucket, ColumnCount> m_buckets;
    LatencyHistogram m_histogram;
    LatencyHistogram m_cloudHistogram;
    ColdShare m_coldShare;
    ColdShare m_cloudColdShare;
    QString m_cloudName;
    ProvisionedCharge m_provisioned;
    qint64 m_requestsPerMonth = 1'000'000;
};

} // namespace fn
