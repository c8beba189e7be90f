#include "memory/memorymodel.h"

#include <QLocale>

#include <algorithm>

namespace fn {

MemoryModel::MemoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int MemoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_series.size());
}

int MemoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString mib(qint64 bytes)
{
    return QLocale().toString(bytes / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MB");
}

QVariant MemoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MemorySeries &s = m_series[size_t(index.row())];
    if (role == EnvironmentIdRole)
        return s.environmentId;
    if (role == FunctionNameRole)
        return s.functionName;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case EnvironmentColumn:
        return s.environmentId.left(12);
    case SamplesColumn:
        return qlonglong(s.points.size());
    case CurrentColumn:
        return s.points.empty() ? QString() : mib(s.points.back().bytes);
    case PeakColumn:
        return mib(s.peakBytes);
    case LimitColumn:
        return s.limitBytes > 0 ? mib(s.limitBytes) : QString();
    case OutOfMemoryColumn:
        return s.outOfMemoryAtMs >= 0 ? tr("killed") : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant MemoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case EnvironmentColumn:
        return tr("Environment");
    case SamplesColumn:
        return tr("Samples");
    case CurrentColumn:
        return tr("Now");
    case PeakColumn:
        return tr("Peak");
    case LimitColumn:
        return tr("Limit");
    case OutOfMemoryColumn:
        return tr("Out of memory");
    case ColumnCount:
        break;
    }
    return {};
}

void MemoryModel::add(const MemorySample &m, QList<int> *newRows, QList<int> *changedRows)
{
    int row = m_rowById.value(m.environmentId, -1);
    if (row < 0) {
        row = int(m_series.size());
        m_series.push_back({});
        m_series.back().environmentId = m.environmentId;
        m_series.back().functionName = m_functionById.value(m.environmentId);
        m_rowById.insert(m.environmentId, row);
        newRows->append(row);
    }
    MemorySeries &s = m_series[size_t(row)];
    if (m.limitBytes > 0)
        s.limitBytes = m.limitBytes;
    s.peakBytes = qMax(s.peakBytes, m.bytes);
    if (m.outOfMemory && s.outOfMemoryAtMs < 0)
        s.outOfMemoryAtMs = m.timestampMs;
    const MemoryPoint p{m.timestampMs, m.bytes};
    // Samples of one environment come in order; one that does not is inserted where it belongs.
    if (s.points.empty() || s.points.back().timestampMs <= p.timestampMs) {
        s.points.push_back(p);
    } else {
        auto at = std::upper_bound(s.points.begin(), s.points.end(), p.timestampMs,
                                   [](qint64 t, const MemoryPoint &q) { return t < q.timestampMs; });
        s.points.insert(at, p);
    }
    m_firstMs = m_firstMs < 0 ? m.timestampMs : qMin(m_firstMs, m.timestampMs);
    m_lastMs = qMax(m_lastMs, m.timestampMs);
    if (!changedRows->contains(row))
        changedRows->append(row);
}

void MemoryModel::append(const QList<MemorySample> &samples)
{
    if (samples.isEmpty())
        return;
    // New environments first get their rows inserted, then every sample is applied.
    QList<QString> fresh;
    for (const MemorySample &m : samples) {
        if (!m_rowById.contains(m.environmentId) && !fresh.contains(m.environmentId))
            fresh.append(m.environmentId);
    }
    if (!fresh.isEmpty()) {
        const int first = int(m_series.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const QString &id : std::as_const(fresh)) {
            m_rowById.insert(id, int(m_series.size()));
            m_series.push_back({});
            m_series.back().environmentId = id;
            m_series.back().functionName = m_functionById.value(id);
        }
        endInsertRows();
    }
    QList<int> newRows, changed;
    for (const MemorySample &m : samples)
        add(m, &newRows, &changed);
    std::sort(changed.begin(), changed.end());
    for (int row : std::as_const(changed))
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    Q_EMIT seriesChanged(changed);
}

void MemoryModel::applyEnvironments(const QList<EnvironmentState> &states)
{
    QList<int> changed;
    for (const EnvironmentState &e : states) {
        if (e.functionName.isEmpty() || m_functionById.value(e.environmentId) == e.functionName)
            continue;
        m_functionById.insert(e.environmentId, e.functionName);
        const int row = m_rowById.value(e.environmentId, -1);
        if (row >= 0) {
            m_series[size_t(row)].functionName = e.functionName;
            changed.append(row);
        }
    }
    if (!changed.isEmpty())
        Q_EMIT seriesChanged(changed);
}

void MemoryModel::resetData(const QList<MemorySample> &samples)
{
    beginResetModel();
    m_series.clear();
    m_rowById.clear();
    m_firstMs = m_lastMs = -1;
    QList<int> newRows, changed;
    for (const MemorySample &m : samples)
        add(m, &newRows, &changed);
    endResetModel();
    Q_EMIT seriesChanged(changed);
}

} // namespace fn
