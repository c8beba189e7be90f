#pragma once
// Invocations laid out per execution environment for the timeline: lanes (top-level rows) holding
// init and invoke segments (child rows), with cold/warm and failure flags and frozen gaps between them.

#include "snapshots/environmentstate.h"
#include "snapshots/invocationrecord.h"
#include "timeline/timelinelane.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>

#include <vector>

namespace fn {

class TimelineModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { LabelColumn, StartColumn, DurationColumn, StatusColumn, ColumnCount };
    enum Role { RequestIdRole = Qt::UserRole + 1, FlagsRole };

    explicit TimelineModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QList<InvocationRecord> &records);
    void resetData(const QList<InvocationRecord> &records);
    // Environments that stopped close their lane (the frozen tail ends there).
    void applyEnvironments(const QList<EnvironmentState> &states);
    // An invocation that has started but not finished: drawn as running (from atMs, wall clock)
    // on its environment's lane, which appears at once for a cold start, until its record arrives.
    void markRunning(const QString &requestId, const QString &functionName, const QString &environmentId,
                     bool coldStart, qint64 atMs);

    struct Running
    {
        int lane = -1;
        double startMs = 0; // relative to the origin
        bool coldStart = false;
    };
    const QHash<QString, Running> &running() const { return m_running; }

    const std::vector<TimelineLane> &lanes() const { return m_lanes; }
    const QList<InvocationRecord> &records() const { return m_records; }
    qint64 originMs() const { return m_originMs; }
    // Extent of all segments, relative to the origin.
    double firstMs() const { return m_firstMs; }
    double lastMs() const { return m_lastMs; }
    bool isEmpty() const { return m_records.isEmpty() && m_running.isEmpty(); }
    // Every span something happened in (segments, throttles and lane stops as instants), for
    // finding the idle gaps the collapsed view compresses.
    std::vector<std::pair<double, double>> activity() const;

    // Connectors between consecutive attempts of every async event delivered more than once.
    std::vector<TimelineRetryLink> retryLinks() const;
    // Record indices of every attempt of a request id, in arrival order.
    QList<int> attemptsOf(const QString &requestId) const { return m_attemptsByRequestId.value(requestId); }

    // The segment of lane under timeMs (± toleranceMs, nearest wins), or -1.
    int segmentAt(int lane, double timeMs, double toleranceMs = 0) const;
    // Lane and segment of a request id (its latest attempt), or {-1, -1}.
    QPair<int, int> find(const QString &requestId) const;

    static quint8 flagsFor(const InvocationRecord &record);

Q_SIGNALS:
    void runningChanged();

private:
    void place(int recordIndex, QHash<int, int> *firstNewSegment, bool *outOfOrder);
    void ensureOrigin(qint64 ms);
    void addLanes(const QStringList &environmentIds);
    void markProvisioned(int lane);

    QList<InvocationRecord> m_records;
    std::vector<TimelineLane> m_lanes;
    QHash<QString, int> m_laneById;
    QHash<QString, int> m_recordByRequestId;          // the latest attempt
    QHash<QString, QList<int>> m_attemptsByRequestId; // only requests with async attempts
    // Environments that stopped before their first invocation arrived: when, and why.
    QHash<QString, QPair<double, QString>> m_pendingStops;
    QHash<QString, Running> m_running;
    qint64 m_originMs = 0;
    bool m_hasOrigin = false; // the origin never moves once set: every relative time depends on it
    double m_firstMs = 0;
    double m_lastMs = 0;
};

} // namespace fn
