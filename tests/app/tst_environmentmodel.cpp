// EnvironmentModel: environments keyed by id, updated in place, ages against a pinned clock.
#include "environments/environmentmodel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestEnvironmentModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyedUpdates()
    {
        EnvironmentModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setClock([] { return t0 + 75'000; });
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        // One batch with two snapshots of the same new environment keeps only the latest.
        model.append({environment(1, EnvironmentPhase::Starting, 0, 0),
                      environment(1, EnvironmentPhase::Initializing, 0, 0),
                      environment(2, EnvironmentPhase::Busy, 1000, 0)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.size(), 1);
        auto cell = [&](int row, int col) { return model.index(row, col).data().toString(); };
        QCOMPARE(cell(0, EnvironmentModel::StateColumn), QStringLiteral("initializing"));
        QCOMPARE(cell(0, EnvironmentModel::IdColumn), environmentId(1).left(12));
        QCOMPARE(cell(0, EnvironmentModel::IsolationColumn), QStringLiteral("bubblewrap + cgroup v2"));
        QCOMPARE(cell(0, EnvironmentModel::AgeColumn), QStringLiteral("1 min 15 s"));
        QCOMPARE(cell(1, EnvironmentModel::AgeColumn), QStringLiteral("1 min 14 s"));
        QCOMPARE(cell(0, EnvironmentModel::MemoryColumn), QStringLiteral("40.0 / 128 MB"));

        model.append({environment(1, EnvironmentPhase::Frozen, 0, 3)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.size(), 1);
        QVERIFY(changed.size() >= 1);
        QCOMPARE(cell(0, EnvironmentModel::StateColumn), QStringLiteral("frozen"));
        QCOMPARE(model.index(0, EnvironmentModel::InvocationsColumn).data().toInt(), 3);

        model.applyMemory({memory(2, 1500, 64.5), memory(99, 1500, 1)}); // unknown ids are ignored
        QCOMPARE(cell(1, EnvironmentModel::MemoryColumn), QStringLiteral("64.5 / 128 MB"));

        model.append({environment(2, EnvironmentPhase::Stopped, 1000, 7)});
        QCOMPARE(cell(1, EnvironmentModel::StateColumn), QStringLiteral("stopped (idle)"));
        QCOMPARE(cell(1, EnvironmentModel::AgeColumn), QStringLiteral("0 s")); // frozen at the stop time
        QCOMPARE(model.index(1, 0).data(EnvironmentModel::StoppedRole).toBool(), true);
        QCOMPARE(model.liveCount(), 1);
        QCOMPARE(model.rowOf(environmentId(2)), 1);
        QCOMPARE(model.state(1).invocations, 7);

        QSignalSpy ages(&model, &QAbstractItemModel::dataChanged);
        model.refreshAges();
        QCOMPARE(ages.size(), 1);
    }

    void reset()
    {
        EnvironmentModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({environment(1, EnvironmentPhase::Idle, 0, 1)});
        model.resetData({environment(3, EnvironmentPhase::Busy, 0, 1), environment(3, EnvironmentPhase::Frozen, 0, 2),
                         environment(4, EnvironmentPhase::Idle, 0, 0)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(environmentId(1)), -1);
        QCOMPARE(model.state(0).phase, EnvironmentPhase::Frozen);
    }
};

QTEST_MAIN(TestEnvironmentModel)
#include "tst_environmentmodel.moc"
