#include "metrics/metricsmodel.h"

#include <QDateTime>
#include <QLocale>

namespace fn {

MetricsModel::MetricsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int MetricsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : RowCount;
}

int MetricsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double MetricsModel::value(Row row, Column column) const
{
    const Bucket &b = m_buckets[size_t(column)];
    switch (row) {
    case InvocationsRow:
        return b.invocations;
    case ErrorsRow:
        return b.errors;
    case ThrottlesRow:
        return b.throttles;
    case ObservedP50Row:
        return b.observed.at(50);
    case ObservedP99Row:
        return b.observed.at(99);
    case DurationP50Row:
        return b.duration.at(50);
    case DurationP90Row:
        return b.duration.at(90);
    case DurationP99Row:
        return b.duration.at(99);
    case InitP50Row:
        return b.init.at(50);
    case InitP90Row:
        return b.init.at(90);
    case InitP99Row:
        return b.init.at(99);
    case MaxMemoryRow:
        return b.maxMemoryMb;
    case GbSecondsRow:
        return b.cost.gbSeconds();
    case CostX86Row:
        return b.cost.cost(Architecture::X86_64);
    case CostArm64Row:
        return b.cost.cost(Architecture::Arm64);
    case PerMonthX86Row:
    case PerMonthArm64Row: {
        const Architecture a = row == PerMonthX86Row ? Architecture::X86_64 : Architecture::Arm64;
        return costPerMonth(b.cost, double(m_requestsPerMonth), a)
               + (column == AllColumn ? m_provisioned.costPerMonth(a) : 0);
    }
    case ProvisionedX86Row:
    case ProvisionedArm64Row:
        return column == AllColumn
                   ? m_provisioned.cost(QDateTime::currentMSecsSinceEpoch(),
                                        row == ProvisionedX86Row ? Architecture::X86_64 : Architecture::Arm64)
                   : 0;
    case RowCount:
        break;
    }
    return 0;
}

QVariant MetricsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row row = Row(index.row());
    const Column column = Column(index.column());
    if (role == ValueRole)
        return value(row, column);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return headerData(index.row(), Qt::Vertical, Qt::ToolTipRole);
    if (role != Qt::DisplayRole)
        return {};
    const Bucket &b = m_buckets[size_t(column)];
    const double v = value(row, column);
    const QLocale locale;
    switch (row) {
    case InvocationsRow:
    case ErrorsRow:
    case ThrottlesRow:
        return locale.toString(qlonglong(v));
    case ObservedP50Row:
    case ObservedP99Row:
        return !b.observed.isEmpty() ? QString(locale.toString(v, 'f', 2) + QStringLiteral(" ms"))
                                     : QStringLiteral("—");
    case DurationP50Row:
    case DurationP90Row:
    case DurationP99Row:
        return !b.duration.isEmpty() ? QString(locale.toString(v, 'f', 2) + QStringLiteral(" ms"))
                                     : QStringLiteral("—");
    case InitP50Row:
    case InitP90Row:
    case InitP99Row:
        return !b.init.isEmpty() ? QString(locale.toString(v, 'f', 2) + QStringLiteral(" ms")) : QStringLiteral("—");
    case MaxMemoryRow:
        return b.invocations ? QString(locale.toString(qlonglong(v)) + QStringLiteral(" MB")) : QStringLiteral("—");
    case GbSecondsRow:
        return locale.toString(v, 'f', 6);
    case CostX86Row:
    case CostArm64Row:
        return QString(u'$' + locale.toString(v, 'f', 8));
    case PerMonthX86Row:
    case PerMonthArm64Row:
        if (!b.invocations && (column != AllColumn || m_provisioned.gbNow() == 0))
            return QStringLiteral("—");
        return QString(u'$' + locale.toString(v, 'f', 2));
    case ProvisionedX86Row:
    case ProvisionedArm64Row:
        if (column != AllColumn || m_provisioned.isEmpty())
            return QStringLiteral("—");
        return QString(u'$' + locale.toString(v, 'f', 8));
    case RowCount:
        break;
    }
    return {};
}

QVariant MetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role == Qt::ToolTipRole && orientation == Qt::Horizontal
        && (section == CloudColdColumn || section == CloudWarmColumn))
        return tr("Imported from CloudWatch REPORT lines: %1").arg(m_cloudName);
    if (role == Qt::ToolTipRole && orientation == Qt::Vertical) {
        switch (Row(section)) {
        case CostX86Row:
        case CostArm64Row:
            return tr("What these invocations are billed: a request each and their billed duration (init "
                      "included for on-demand cold starts), at the prices of %1")
                .arg(PriceList::builtIn().date);
        case PerMonthX86Row:
        case PerMonthArm64Row:
            return tr("%L1 requests a month, each costing what these cost on average (no free tier); "
                      "All adds a month (%2 hours) of the provisioned concurrency kept now")
                .arg(m_requestsPerMonth)
                .arg(HoursPerMonth);
        case ProvisionedX86Row:
        case ProvisionedArm64Row:
            return tr("Provisioned concurrency's own charge: the GB of its environments for as long as they "
                      "are kept ready, invoked or not, in steps of 5 minutes");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Horizontal) {
        switch (Column(section)) {
        case AllColumn:
            return tr("All");
        case ColdColumn:
            return tr("Cold");
        case WarmColumn:
            return tr("Warm");
        case CloudColdColumn:
            return tr("Cloud cold");
        case CloudWarmColumn:
            return tr("Cloud warm");
        case ColumnCount:
            break;
        }
        return {};
    }
    switch (Row(section)) {
    case InvocationsRow:
        return tr("Invocations");
    case ErrorsRow:
        return tr("Errors");
    case ThrottlesRow:
        return tr("Throttles");
    case ObservedP50Row:
        return tr("Observed p50");
    case ObservedP99Row:
        return tr("Observed p99");
    case DurationP50Row:
        return tr("Duration p50");
    case DurationP90Row:
        return tr("Duration p90");
    case DurationP99Row:
        return tr("Duration p99");
    case InitP50Row:
        return tr("Init duration p50");
    case InitP90Row:
        return tr("Init duration p90");
    case InitP99Row:
        return tr("Init duration p99");
    case MaxMemoryRow:
        return tr("Max memory used");
    case GbSecondsRow:
        return tr("GB-seconds");
    case CostX86Row:
        return tr("Cost (x86, us-east-1)");
    case CostArm64Row:
        return tr("Cost (arm64, us-east-1)");
    case PerMonthX86Row:
        return tr("Per month at %L1 requests (x86)").arg(m_requestsPerMonth);
    case PerMonthArm64Row:
        return tr("Per month at %L1 requests (arm64)").arg(m_requestsPerMonth);
    case ProvisionedX86Row:
        return tr("Provisioned concurrency (x86)");
    case ProvisionedArm64Row:
        return tr("Provisioned concurrency (arm64)");
    case RowCount:
        break;
    }
    return {};
}

void MetricsModel::addTo(Bucket &b, const InvocationRecord &r, bool observed)
{
    if (r.outcome == InvocationOutcome::Throttled || r.outcome == InvocationOutcome::Rejected) {
        // A throttled request never ran: it is counted, but not billed or timed.
        ++b.throttles;
        return;
    }
    ++b.invocations;
    b.errors += r.failed();
    b.duration.add(r.durationMs);
    if (observed && r.observedMs > 0) // measured since history schema 3
        b.observed.add(r.observedMs);
    if (observed) {
        b.anatomies.add(r);
    } else {
        // A REPORT line has no observed total: the comparison takes init + handler, all it says.
        InvocationRecord whole = r;
        whole.observedMs = LatencyHistogram::latencyMs(r);
        b.anatomies.add(whole);
    }
    if (r.coldStart)
        b.init.add(r.initDurationMs);
    b.maxMemoryMb = qMax(b.maxMemoryMb, r.maxMemoryUsedMb);
    b.cost.add(r);
}

void MetricsModel::add(const InvocationRecord &r)
{
    for (Column c : {AllColumn, r.coldStart ? ColdColumn : WarmColumn})
        addTo(m_buckets[size_t(c)], r, true);
    m_histogram.add(r);
    m_coldShare.add(r);
}

void MetricsModel::addCloud(const InvocationRecord &r)
{
    addTo(m_buckets[size_t(r.coldStart ? CloudColdColumn : CloudWarmColumn)], r, false);
    m_cloudHistogram.add(r);
    m_cloudColdShare.add(r);
}

void MetricsModel::setCloud(const QString &name, const QList<InvocationRecord> &records)
{
    m_buckets[CloudColdColumn] = {};
    m_buckets[CloudWarmColumn] = {};
    m_cloudHistogram.clear();
    m_cloudColdShare.clear();
    for (const InvocationRecord &r : records)
        addCloud(r);
    m_cloudName = name;
    Q_EMIT headerDataChanged(Qt::Horizontal, CloudColdColumn, CloudWarmColumn);
    Q_EMIT dataChanged(index(0, CloudColdColumn), index(RowCount - 1, CloudWarmColumn));
    Q_EMIT cloudChanged();
}

void MetricsModel::clearCloud()
{
    if (!hasCloud())
        return;
    setCloud({}, {});
}

std::optional<Anatomy> MetricsModel::anatomy(Column column, double p) const
{
    return m_buckets[size_t(column)].anatomies.at(p);
}

void MetricsModel::append(const QList<InvocationRecord> &records)
{
    if (records.isEmpty())
        return;
    for (const InvocationRecord &r : records)
        add(r);
    Q_EMIT dataChanged(index(0, 0), index(RowCount - 1, ColumnCount - 1));
}

void MetricsModel::updateEnvironments(const QList<EnvironmentState> &states)
{
    const bool had = !m_provisioned.isEmpty();
    for (const EnvironmentState &s : states)
        m_provisioned.update(s);
    if (had || !m_provisioned.isEmpty())
        Q_EMIT dataChanged(index(PerMonthX86Row, 0), index(ProvisionedArm64Row, ColumnCount - 1));
}

void MetricsModel::setRequestsPerMonth(qint64 requests)
{
    if (requests == m_requestsPerMonth || requests <= 0)
        return;
    m_requestsPerMonth = requests;
    Q_EMIT headerDataChanged(Qt::Vertical, PerMonthX86Row, PerMonthArm64Row);
    Q_EMIT dataChanged(index(PerMonthX86Row, 0), index(PerMonthArm64Row, ColumnCount - 1));
}

void MetricsModel::resetData(const QList<InvocationRecord> &records)
{
    beginResetModel();
    for (Column c : {AllColumn, ColdColumn, WarmColumn})
        m_buckets[size_t(c)] = {};
    m_histogram.clear();
    m_coldShare.clear();
    for (const InvocationRecord &r : records)
        add(r);
    endResetModel();
}

} // namespace fn
