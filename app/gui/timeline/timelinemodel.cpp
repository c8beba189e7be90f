#include "timeline/timelinemodel.h"

#include <QLocale>

#include <algorithm>

namespace fn {

namespace {
// Lane rows carry internalId 0; segment rows carry their lane's index + 1.
constexpr quintptr laneId = 0;
} // namespace

TimelineModel::TimelineModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

QModelIndex TimelineModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, laneId);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex TimelineModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == laneId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, laneId);
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_lanes.size());
    if (parent.internalId() == laneId && parent.column() == 0)
        return int(m_lanes[size_t(parent.row())].segments.size());
    return 0;
}

int TimelineModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

static QString ms(double v)
{
    return QLocale().toString(v, 'f', 2) + QStringLiteral(" ms");
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == laneId) {
        const TimelineLane &lane = m_lanes[size_t(index.row())];
        if (role != Qt::DisplayRole)
            return {};
        switch (Column(index.column())) {
        case LabelColumn:
            if (lane.environmentId.isEmpty())
                return tr("not run");
            return lane.provisioned ? tr("%1 (provisioned)").arg(lane.environmentId.left(12))
                                    : lane.environmentId.left(12);
        case StartColumn:
            return lane.functionName;
        case DurationColumn:
            return tr("%n invocation(s)", nullptr, int(lane.segments.size()));
        case StatusColumn:
            return lane.stoppedMs >= 0 ? tr("stopped (%1)").arg(lane.stopReason) : tr("alive");
        case ColumnCount:
            break;
        }
        return {};
    }
    const TimelineSegment &s = m_lanes[size_t(index.internalId() - 1)].segments[size_t(index.row())];
    const InvocationRecord &r = m_records.at(s.record);
    switch (role) {
    case RequestIdRole:
        return r.requestId;
    case FlagsRole:
        return int(s.flags);
    case Qt::ToolTipRole:
        return r.reportLine;
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case LabelColumn:
            return r.requestId;
        case StartColumn:
            return ms(s.startMs);
        case DurationColumn:
            return s.has(TimelineSegment::Cold) ? QString(ms(s.initMs) + QStringLiteral(" init + ") + ms(s.durationMs))
                                                : ms(s.durationMs);
        case StatusColumn: {
            if (s.has(TimelineSegment::Throttled) && !r.throttleReason.isEmpty())
                return tr("throttled (%1)").arg(r.throttleReason);
            QString status = (s.has(TimelineSegment::Cold) ? QStringLiteral("cold, ") : QStringLiteral("warm, "))
                             + outcomeName(r.outcome);
            if (s.has(TimelineSegment::Async))
                status += tr(", attempt %1").arg(s.attempt);
            return status;
        }
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case LabelColumn:
        return tr("Environment / request");
    case StartColumn:
        return tr("Start");
    case DurationColumn:
        return tr("Duration");
    case StatusColumn:
        return tr("Status");
    case ColumnCount:
        break;
    }
    return {};
}

quint8 TimelineModel::flagsFor(const InvocationRecord &r)
{
    quint8 f = 0;
    if (r.coldStart)
        f |= TimelineSegment::Cold;
    switch (r.outcome) {
    case InvocationOutcome::Success:
        break;
    case InvocationOutcome::Timeout:
        f |= TimelineSegment::Failed | TimelineSegment::Timeout;
        break;
    case InvocationOutcome::OutOfMemory:
        f |= TimelineSegment::Failed | TimelineSegment::OutOfMemory;
        break;
    case InvocationOutcome::RuntimeExit:
    case InvocationOutcome::InitError:
        f |= TimelineSegment::Failed | TimelineSegment::Crashed;
        break;
    case InvocationOutcome::Throttled:
    case InvocationOutcome::Rejected:
        f |= TimelineSegment::Failed | TimelineSegment::Throttled;
        break;
    case InvocationOutcome::FunctionError:
        f |= TimelineSegment::Failed;
        break;
    }
    if (r.asynchronous)
        f |= TimelineSegment::Async;
    if (r.asynchronous && r.attempt > 1)
        f |= TimelineSegment::Retry;
    return f;
}

void TimelineModel::place(int recordIndex, QHash<int, int> *firstNew, bool *outOfOrder)
{
    const InvocationRecord &r = m_records.at(recordIndex);
    const int laneIndex = m_laneById.value(r.environmentId, -1);
    Q_ASSERT(laneIndex >= 0);
    TimelineLane &lane = m_lanes[size_t(laneIndex)];
    TimelineSegment s;
    s.startMs = double(r.startedAtMs - m_originMs);
    s.initMs = r.coldStart ? float(r.initDurationMs) : 0.f;
    s.durationMs = float(r.durationMs);
    s.record = recordIndex;
    s.flags = flagsFor(r);
    s.attempt = quint8(qBound(1, r.attempt, 255));
    if (r.initializationType == QStringLiteral("provisioned-concurrency") && !lane.provisioned)
        markProvisioned(laneIndex);
    if (!lane.segments.empty() && lane.segments.back().startMs > s.startMs)
        *outOfOrder = true;
    if (!firstNew->contains(laneIndex))
        firstNew->insert(laneIndex, int(lane.segments.size()));
    lane.segments.push_back(s);
    lane.coldStarts += s.has(TimelineSegment::Cold);
    lane.failures += s.has(TimelineSegment::Failed);
    if (m_records.size() == 1 || s.startMs < m_firstMs)
        m_firstMs = s.startMs;
    m_lastMs = qMax(m_lastMs, s.endMs());
    m_recordByRequestId.insert(r.requestId, recordIndex);
    if (r.asynchronous)
        m_attemptsByRequestId[r.requestId].append(recordIndex);
}

void TimelineModel::markProvisioned(int laneIndex)
{
    m_lanes[size_t(laneIndex)].provisioned = true;
    const QModelIndex i = index(laneIndex, LabelColumn);
    Q_EMIT dataChanged(i, i);
}

std::vector<std::pair<double, double>> TimelineModel::activity() const
{
    std::vector<std::pair<double, double>> spans;
    spans.reserve(m_records.size() + m_lanes.size());
    for (const TimelineLane &lane : m_lanes) {
        for (const TimelineSegment &s : lane.segments)
            spans.emplace_back(s.startMs, s.endMs());
        if (lane.isStopped())
            spans.emplace_back(lane.stoppedMs, lane.stoppedMs);
    }
    return spans;
}

std::vector<TimelineRetryLink> TimelineModel::retryLinks() const
{
    std::vector<TimelineRetryLink> links;
    for (auto it = m_attemptsByRequestId.cbegin(); it != m_attemptsByRequestId.cend(); ++it) {
        if (it->size() < 2)
            continue;
        QList<int> attempts = *it;
        std::stable_sort(attempts.begin(), attempts.end(),
                         [this](int a, int b) { return m_records.at(a).startedAtMs < m_records.at(b).startedAtMs; });
        for (int i = 1; i < attempts.size(); ++i) {
            const InvocationRecord &from = m_records.at(attempts.at(i - 1));
            const InvocationRecord &to = m_records.at(attempts.at(i));
            links.push_back(
                {m_laneById.value(from.environmentId, -1),
                 double(from.startedAtMs - m_originMs) + (from.coldStart ? from.initDurationMs : 0) + from.durationMs,
                 m_laneById.value(to.environmentId, -1), double(to.startedAtMs - m_originMs), to.attempt});
        }
    }
    return links;
}

void TimelineModel::append(const QList<InvocationRecord> &records)
{
    if (records.isEmpty())
        return;
    if (!m_hasOrigin) {
        qint64 first = records.first().startedAtMs;
        for (const InvocationRecord &r : records)
            first = qMin(first, r.startedAtMs);
        ensureOrigin(first);
    }
    // New lanes first, as rows of their own, empty.
    QStringList freshLanes;
    for (const InvocationRecord &r : records) {
        if (!m_laneById.contains(r.environmentId) && !freshLanes.contains(r.environmentId))
            freshLanes.append(r.environmentId);
    }
    addLanes(freshLanes);
    bool finishedRunning = false;
    for (const InvocationRecord &r : records)
        finishedRunning |= m_running.remove(r.requestId) > 0;
    if (finishedRunning)
        Q_EMIT runningChanged();
    // Then the segments: a block appended to each lane, or a reset when one arrived out of order.
    QHash<int, int> firstNew;
    bool outOfOrder = false;
    const int firstRecord = int(m_records.size());
    m_records.append(records);
    for (int i = firstRecord; i < m_records.size(); ++i) {
        TimelineLane &lane = m_lanes[size_t(m_laneById.value(m_records.at(i).environmentId))];
        if (lane.functionName.isEmpty())
            lane.functionName = m_records.at(i).functionName;
        place(i, &firstNew, &outOfOrder);
    }
    if (outOfOrder) {
        beginResetModel();
        for (TimelineLane &lane : m_lanes) {
            std::stable_sort(lane.segments.begin(), lane.segments.end(),
                             [](const TimelineSegment &a, const TimelineSegment &b) { return a.startMs < b.startMs; });
        }
        endResetModel();
        return;
    }
    // The rows are already in the lanes; announce them lane by lane as one block each.
    for (auto it = firstNew.cbegin(); it != firstNew.cend(); ++it) {
        TimelineLane &lane = m_lanes[size_t(it.key())];
        std::vector<TimelineSegment> added(lane.segments.begin() + it.value(), lane.segments.end());
        lane.segments.resize(size_t(it.value()));
        beginInsertRows(index(it.key(), 0), it.value(), it.value() + int(added.size()) - 1);
        lane.segments.insert(lane.segments.end(), added.begin(), added.end());
        endInsertRows();
    }
}

void TimelineModel::ensureOrigin(qint64 ms)
{
    if (m_hasOrigin)
        return;
    m_originMs = ms;
    m_hasOrigin = true;
}

void TimelineModel::addLanes(const QStringList &environmentIds)
{
    if (environmentIds.isEmpty())
        return;
    const int first = int(m_lanes.size());
    beginInsertRows({}, first, first + int(environmentIds.size()) - 1);
    for (const QString &id : environmentIds) {
        m_laneById.insert(id, int(m_lanes.size()));
        TimelineLane lane;
        lane.environmentId = id;
        if (const auto stop = m_pendingStops.constFind(id); stop != m_pendingStops.cend()) {
            lane.stoppedMs = stop->first;
            lane.stopReason = stop->second;
        }
        m_lanes.push_back(std::move(lane));
    }
    endInsertRows();
}

void TimelineModel::markRunning(const QString &requestId, const QString &functionName, const QString &environmentId,
                                bool coldStart, qint64 atMs)
{
    if (m_recordByRequestId.contains(requestId))
        return; // its record came first
    ensureOrigin(atMs);
    if (!m_laneById.contains(environmentId))
        addLanes({environmentId});
    const int lane = m_laneById.value(environmentId);
    if (m_lanes[size_t(lane)].functionName.isEmpty())
        m_lanes[size_t(lane)].functionName = functionName;
    m_running.insert(requestId, Running{lane, double(atMs - m_originMs), coldStart});
    Q_EMIT runningChanged();
}

void TimelineModel::resetData(const QList<InvocationRecord> &records)
{
    beginResetModel();
    m_records.clear();
    m_lanes.clear();
    m_laneById.clear();
    m_recordByRequestId.clear();
    m_attemptsByRequestId.clear();
    m_firstMs = m_lastMs = 0;
    m_originMs = 0;
    m_hasOrigin = false;
    m_running.clear();
    endResetModel();
    append(records);
}

void TimelineModel::applyEnvironments(const QList<EnvironmentState> &states)
{
    for (const EnvironmentState &e : states) {
        // Provisioned environments get their lane as soon as they exist: they are initialized
        // ahead of any invocation, and watching them wait (or expire) is the point.
        const bool provisioned = e.initializationType == QStringLiteral("provisioned-concurrency");
        if (provisioned && !m_laneById.contains(e.environmentId)) {
            ensureOrigin(e.createdAtMs);
            addLanes({e.environmentId});
            m_lanes.back().functionName = e.functionName;
            const QModelIndex i = index(int(m_lanes.size()) - 1, StartColumn);
            Q_EMIT dataChanged(i, i);
        }
        const int laneIndex = m_laneById.value(e.environmentId, -1);
        if (provisioned && laneIndex >= 0 && !m_lanes[size_t(laneIndex)].provisioned)
            markProvisioned(laneIndex);
        if (e.phase != EnvironmentPhase::Stopped)
            continue;
        const double stopped = double(e.changedAtMs - m_originMs);
        if (laneIndex < 0) {
            m_pendingStops.insert(e.environmentId, {stopped, e.stopReason});
            continue;
        }
        TimelineLane &lane = m_lanes[size_t(laneIndex)];
        lane.stoppedMs = stopped;
        lane.stopReason = e.stopReason;
        // The end of a lane (keep-warm expiry) is part of what there is to see.
        if (!m_records.isEmpty())
            m_lastMs = qMax(m_lastMs, stopped);
        const QModelIndex i = index(laneIndex, StatusColumn);
        Q_EMIT dataChanged(i, i);
    }
}

int TimelineModel::segmentAt(int laneIndex, double timeMs, double toleranceMs) const
{
    if (laneIndex < 0 || laneIndex >= int(m_lanes.size()))
        return -1;
    const auto &segs = m_lanes[size_t(laneIndex)].segments;
    // First segment starting after timeMs + tolerance; candidates are the ones just before it.
    auto it = std::upper_bound(segs.begin(), segs.end(), timeMs + toleranceMs,
                               [](double t, const TimelineSegment &s) { return t < s.startMs; });
    int best = -1;
    double bestDistance = toleranceMs;
    for (int back = 0; back < 4 && it != segs.begin(); ++back) {
        --it;
        const double d = timeMs < it->startMs ? it->startMs - timeMs : timeMs > it->endMs() ? timeMs - it->endMs() : 0;
        if (d <= bestDistance) {
            best = int(it - segs.begin());
            bestDistance = d;
            if (d == 0)
                break;
        }
    }
    return best;
}

QPair<int, int> TimelineModel::find(const QString &requestId) const
{
    const int record = m_recordByRequestId.value(requestId, -1);
    if (record < 0)
        return {-1, -1};
    const int laneIndex = m_laneById.value(m_records.at(record).environmentId, -1);
    const auto &segs = m_lanes[size_t(laneIndex)].segments;
    const double start = double(m_records.at(record).startedAtMs - m_originMs);
    auto it = std::lower_bound(segs.begin(), segs.end(), start,
                               [](const TimelineSegment &s, double t) { return s.startMs < t; });
    for (; it != segs.end() && it->startMs == start; ++it) {
        if (it->record == record)
            return {laneIndex, int(it - segs.begin())};
    }
    return {-1, -1};
}

} // namespace fn
