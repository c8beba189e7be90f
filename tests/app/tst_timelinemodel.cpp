// TimelineModel: lanes per environment, cold/warm segments, failure flags, hit testing, and
// appending 100k records in batches (the time is printed, not asserted).
#include "snapshotfixtures.h"
#include "timeline/timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestTimelineModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lanesAndSegments()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.isEmpty());
        model.append({record(1, 1, true, 0, 20), record(2, 2, true, 5, 30)});
        model.append({record(3, 1, false, 400, 2), record(4, 1, false, 500, 3000, InvocationOutcome::Timeout),
                      record(5, 0, false, 600, 0, InvocationOutcome::Throttled)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.originMs(), t0);
        const auto &lanes = model.lanes();
        QCOMPARE(lanes[0].environmentId, environmentId(1));
        QCOMPARE(lanes[0].functionName, QStringLiteral("HelloPython"));
        QCOMPARE(lanes[0].segments.size(), size_t(3));
        QCOMPARE(lanes[0].coldStarts, 1);
        QCOMPARE(lanes[0].failures, 1);
        QCOMPARE(lanes[2].environmentId, QString()); // throttled lane
        QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("not run"));

        const TimelineSegment &cold = lanes[0].segments[0];
        QVERIFY(cold.has(TimelineSegment::Cold));
        QCOMPARE(cold.startMs, 0.0);
        QCOMPARE(cold.initMs, 187.42f);
        QCOMPARE(cold.invokeStartMs(), double(187.42f));
        QCOMPARE(cold.endMs(), double(187.42f) + 20);
        const TimelineSegment &timeout = lanes[0].segments[2];
        QVERIFY(timeout.has(TimelineSegment::Timeout) && timeout.has(TimelineSegment::Failed));
        QVERIFY(!timeout.has(TimelineSegment::Cold));
        QVERIFY(lanes[2].segments[0].has(TimelineSegment::Throttled));
        QCOMPARE(model.firstMs(), 0.0);
        QCOMPARE(model.lastMs(), 3500.0);

        // rows: lanes with segment children
        const QModelIndex lane0 = model.index(0, 0);
        QCOMPARE(model.rowCount(lane0), 3);
        QCOMPARE(model.index(1, 0, lane0).data().toString(), requestId(3));
        QCOMPARE(model.index(1, 0, lane0).data(TimelineModel::RequestIdRole).toString(), requestId(3));
        QCOMPARE(model.index(0, TimelineModel::StatusColumn, lane0).data().toString(), QStringLiteral("cold, success"));
        QVERIFY(
            model.index(0, 0, lane0).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("REPORT RequestId: ")));

        // hit testing
        QCOMPARE(model.segmentAt(0, 100), 0);    // inside init
        QCOMPARE(model.segmentAt(0, 300), -1);   // frozen gap
        QCOMPARE(model.segmentAt(0, 398, 5), 1); // near enough
        QCOMPARE(model.segmentAt(0, 2000), 2);
        QCOMPARE(model.segmentAt(7, 0), -1);
        QCOMPARE(model.find(requestId(4)), qMakePair(0, 2));
        QCOMPARE(model.find(requestId(2)), qMakePair(1, 0));
        QCOMPARE(model.find(QStringLiteral("x")), qMakePair(-1, -1));

        // a stopped environment closes its lane
        EnvironmentState stopped = environment(2, EnvironmentPhase::Stopped, 0, 1);
        model.applyEnvironments({stopped});
        QCOMPARE(lanes[1].stoppedMs, 500.0);
        QCOMPARE(lanes[1].stopReason, QStringLiteral("idle"));
        QVERIFY(lanes[1].isStopped() && !lanes[1].isStale());
        QVERIFY(lanes[2].isThrottleLane());
        // Retired because its code changed: stale, drawn and named so.
        EnvironmentState retired = environment(1, EnvironmentPhase::Stopped, 4000, 3);
        retired.stopReason = QStringLiteral("code changed");
        model.applyEnvironments({retired});
        QVERIFY(lanes[0].isStale());
        // Everything that happened, for the idle gaps: segments, the throttle, the two stops.
        QCOMPARE(model.activity().size(), size_t(5 + 2));
    }

    void outOfOrderArrivalIsSorted()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({record(1, 1, true, 1000, 5)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.append({record(2, 1, false, 100, 5), record(3, 1, false, 2000, 5)});
        QCOMPARE(reset.size(), 1);
        const auto &segs = model.lanes()[0].segments;
        QCOMPARE(segs.size(), size_t(3));
        QVERIFY(segs[0].startMs < segs[1].startMs && segs[1].startMs < segs[2].startMs);
        QCOMPARE(model.find(requestId(2)), qMakePair(0, 0));
        model.resetData({});
        QVERIFY(model.isEmpty());
        QCOMPARE(model.rowCount(), 0);
    }

    void runningUntilTheRecordArrives()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy running(&model, &TimelineModel::runningChanged);
        model.markRunning(requestId(1), QStringLiteral("HelloPython"), environmentId(1), true, t0 + 2);
        QVERIFY(!model.isEmpty());
        QCOMPARE(model.rowCount(), 1); // the cold environment's lane appears at once
        QCOMPARE(model.lanes()[0].functionName, QStringLiteral("HelloPython"));
        QCOMPARE(model.running().size(), 1);
        QCOMPARE(model.running().value(requestId(1)).startMs, 0.0);
        QVERIFY(model.running().value(requestId(1)).coldStart);
        model.append({record(1, 1, true, 0, 20)});
        QCOMPARE(model.originMs(), t0 + 2); // the origin never moves once set
        QVERIFY(model.running().isEmpty());
        QCOMPARE(running.size(), 2);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.lanes()[0].segments[0].startMs, -2.0);
        // A start reported after its record is ignored.
        model.markRunning(requestId(1), QStringLiteral("HelloPython"), environmentId(1), true, t0 + 5);
        QVERIFY(model.running().isEmpty());
    }

    void asyncRetriesThrottlesAndProvisioned()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // One async event: a throttled attempt, a failing first attempt on env 1, a retry on env 2.
        InvocationRecord throttle = record(1, 0, false, 0, 0, InvocationOutcome::Throttled);
        throttle.asynchronous = true;
        throttle.throttleReason = QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded");
        InvocationRecord first = record(1, 1, true, 1000, 30, InvocationOutcome::FunctionError);
        first.asynchronous = true;
        InvocationRecord retry = record(1, 2, false, 61'000, 20);
        retry.asynchronous = true;
        retry.attempt = 2;
        retry.initializationType = QStringLiteral("provisioned-concurrency");
        model.append({throttle, first});
        model.append({retry});
        QCOMPARE(model.rowCount(), 3);
        const auto &lanes = model.lanes();
        // The throttle is a marker on the "not run" lane, with its reason.
        QCOMPARE(lanes[0].environmentId, QString());
        const TimelineSegment &t = lanes[0].segments[0];
        QVERIFY(t.has(TimelineSegment::Throttled) && t.has(TimelineSegment::Async));
        QCOMPARE(model.index(0, TimelineModel::StatusColumn, model.index(0, 0)).data().toString(),
                 QStringLiteral("throttled (ReservedFunctionConcurrentInvocationLimitExceeded)"));
        // Attempts share the request id; the later ones are flagged and numbered.
        const TimelineSegment &r = lanes[2].segments[0];
        QVERIFY(r.has(TimelineSegment::Retry));
        QCOMPARE(r.attempt, quint8(2));
        QVERIFY(!lanes[1].segments[0].has(TimelineSegment::Retry));
        QCOMPARE(model.attemptsOf(requestId(1)).size(), 3);
        QCOMPARE(model.find(requestId(1)), qMakePair(2, 0)); // the latest attempt
        QCOMPARE(model.index(0, TimelineModel::StatusColumn, model.index(2, 0)).data().toString(),
                 QStringLiteral("warm, success, attempt 2"));
        const std::vector<TimelineRetryLink> links = model.retryLinks();
        QCOMPARE(links.size(), size_t(2));
        QCOMPARE(links[0].fromLane, 0);
        QCOMPARE(links[0].toLane, 1);
        QCOMPARE(links[0].toMs, 1000.0);
        QCOMPARE(links[1].fromLane, 1);
        QCOMPARE(links[1].fromMs, 1000 + double(187.42) + 30);
        QCOMPARE(links[1].toLane, 2);
        QCOMPARE(links[1].toMs, 61'000.0);
        QCOMPARE(links[1].toAttempt, 2);
        // A provisioned environment's lane is distinguished.
        QVERIFY(lanes[2].provisioned);
        QVERIFY(!lanes[1].provisioned);
        QVERIFY(model.index(2, 0).data().toString().endsWith(QStringLiteral("(provisioned)")));

        // Provisioned environments get a lane before any invocation; keep-warm expiry ends it with "idle".
        EnvironmentState pc = environment(3, EnvironmentPhase::Idle, 70'000, 0);
        pc.initializationType = QStringLiteral("provisioned-concurrency");
        model.applyEnvironments({pc});
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(lanes[3].provisioned);
        QCOMPARE(lanes[3].functionName, QStringLiteral("HelloPython"));
        EnvironmentState expired = environment(1, EnvironmentPhase::Stopped, 1000, 1);
        model.applyEnvironments({expired});
        QCOMPARE(lanes[1].stopReason, QStringLiteral("idle"));
        QCOMPARE(model.index(1, TimelineModel::StatusColumn).data().toString(), QStringLiteral("stopped (idle)"));
        // A stop that arrives before the lane keeps its reason.
        EnvironmentState evicted = environment(4, EnvironmentPhase::Stopped, 80'000, 0);
        evicted.stopReason = QStringLiteral("evicted");
        model.applyEnvironments({evicted});
        model.append({record(9, 4, true, 79'000, 5)});
        QCOMPARE(lanes.back().stopReason, QStringLiteral("evicted"));
    }

    void hundredThousandRecords()
    {
        constexpr int total = 100'000;
        constexpr int environments = 20;
        QList<QList<InvocationRecord>> batches;
        for (int b = 0; b < total; b += 1000) {
            QList<InvocationRecord> batch;
            for (int i = b; i < b + 1000; ++i)
                batch.append(record(i, i % environments, i < environments, qint64(i) * 5, 3.5));
            batches.append(batch);
        }
        TimelineModel model;
        QElapsedTimer timer;
        timer.start();
        for (const auto &batch : std::as_const(batches))
            model.append(batch);
        const qint64 ms = timer.elapsed();
        qDebug("TimelineModel: appended %d records in 100 batches to %d lanes in %lld ms", total, environments, ms);
        QCOMPARE(model.rowCount(), environments);
        size_t segments = 0;
        for (const TimelineLane &lane : model.lanes())
            segments += lane.segments.size();
        QCOMPARE(segments, size_t(total));
        QCOMPARE(model.find(requestId(99'999)).first, 99'999 % environments);
    }
};

QTEST_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
