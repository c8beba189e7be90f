#include "environments/environmentmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace fn {

EnvironmentModel::EnvironmentModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

int EnvironmentModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_states.size());
}

int EnvironmentModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString ageText(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, ms / 1000);
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QVariant EnvironmentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EnvironmentState &e = m_states.at(index.row());
    const bool stopped = e.phase == EnvironmentPhase::Stopped;
    switch (role) {
    case EnvironmentIdRole:
        return e.environmentId;
    case PhaseRole:
        return int(e.phase);
    case StoppedRole:
        return stopped;
    case Qt::ToolTipRole:
        if (index.column() == IdColumn)
            return e.logStreamName.isEmpty() ? e.environmentId : e.logStreamName;
        if (index.column() == IsolationColumn)
            return e.isolation;
        if (stopped && !e.stopReason.isEmpty())
            return tr("Stopped: %1").arg(e.stopReason);
        return {};
    case Qt::ForegroundRole:
        if (stopped)
            return QBrush(QColor(0x88, 0x88, 0x88));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= AgeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case IdColumn:
            return e.environmentId.left(12);
        case FunctionColumn:
            // A published version's environment is its own: "Greeter:2", as Lambda qualifies it.
            return e.version.isEmpty() || e.version == QLatin1String("$LATEST")
                       ? e.functionName
                       : QString(e.functionName + u':' + e.version);
        case StateColumn: {
            const QString phase = stopped && !e.stopReason.isEmpty()
                                      ? QString(phaseName(e.phase) + QStringLiteral(" (") + e.stopReason + u')')
                                      : phaseName(e.phase);
            // Provisioned concurrency's allocation as the console says it: allocating until ready.
            if (e.initializationType != QLatin1String("provisioned-concurrency") || stopped)
                return phase;
            return e.phase == EnvironmentPhase::Starting || e.phase == EnvironmentPhase::Initializing
                       ? tr("Allocating (provisioned)")
                       : QString(phase + tr(" · provisioned"));
        }
        case IsolationColumn:
            return e.isolation;
        case AgeColumn:
            return ageText((stopped ? e.changedAtMs : m_now()) - e.createdAtMs);
        case InvocationsColumn:
            return e.invocations;
        case MemoryColumn:
            if (stopped)
                return QString();
            if (e.memoryBytes <= 0)
                return QStringLiteral("— / %1 MB").arg(e.memoryLimitMb);
            return QStringLiteral("%1 / %2 MB")
                .arg(QLocale().toString(e.memoryBytes / (1024.0 * 1024.0), 'f', 1))
                .arg(e.memoryLimitMb);
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant EnvironmentModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case IdColumn:
        return tr("Environment");
    case FunctionColumn:
        return tr("Function");
    case StateColumn:
        return tr("State");
    case IsolationColumn:
        return tr("Isolation");
    case AgeColumn:
        return tr("Age");
    case InvocationsColumn:
        return tr("Invocations");
    case MemoryColumn:
        return tr("Memory now");
    case ColumnCount:
        break;
    }
    return {};
}

void EnvironmentModel::append(const QList<EnvironmentState> &states)
{
    QList<EnvironmentState> added;
    for (const EnvironmentState &s : states) {
        const int row = m_rowById.value(s.environmentId, -1);
        if (row < 0) {
            // A batch can carry several snapshots of a new environment: keep only its latest.
            bool merged = false;
            for (EnvironmentState &a : added) {
                if (a.environmentId == s.environmentId) {
                    a = s;
                    merged = true;
                }
            }
            if (!merged)
                added.append(s);
            continue;
        }
        // A snapshot taken before any sample carries 0: keep the last reading rather than show none.
        const qint64 memory = s.memoryBytes > 0 ? s.memoryBytes : m_states[row].memoryBytes;
        m_states[row] = s;
        m_states[row].memoryBytes = memory;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    if (added.isEmpty())
        return;
    const int first = int(m_states.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    for (const EnvironmentState &s : std::as_const(added)) {
        m_rowById.insert(s.environmentId, int(m_states.size()));
        m_states.append(s);
    }
    endInsertRows();
}

void EnvironmentModel::resetData(const QList<EnvironmentState> &states)
{
    beginResetModel();
    m_states.clear();
    m_rowById.clear();
    for (const EnvironmentState &s : states) {
        const int row = m_rowById.value(s.environmentId, -1);
        if (row >= 0) {
            m_states[row] = s;
        } else {
            m_rowById.insert(s.environmentId, int(m_states.size()));
            m_states.append(s);
        }
    }
    endResetModel();
}

void EnvironmentModel::applyMemory(const QList<MemorySample> &samples)
{
    int lo = INT_MAX, hi = -1;
    for (const MemorySample &m : samples) {
        const int row = m_rowById.value(m.environmentId, -1);
        if (row < 0)
            continue;
        m_states[row].memoryBytes = m.bytes;
        lo = qMin(lo, row);
        hi = qMax(hi, row);
    }
    if (hi >= 0)
        Q_EMIT dataChanged(index(lo, MemoryColumn), index(hi, MemoryColumn));
}

void EnvironmentModel::setClock(std::function<qint64()> nowMs)
{
    m_now = std::move(nowMs);
    refreshAges();
}

void EnvironmentModel::refreshAges()
{
    if (!m_states.isEmpty())
        Q_EMIT dataChanged(index(0, AgeColumn), index(int(m_states.size()) - 1, AgeColumn));
}

int EnvironmentModel::liveCount() const
{
    int n = 0;
    for (const EnvironmentState &s : m_states)
        n += s.phase != EnvironmentPhase::Stopped;
    return n;
}

} // namespace fn
