// InvocationModel: rows from InvocationRecord batches, columns as the user reads them.
#include "invocations/invocationmodel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestInvocationModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendAndRead()
    {
        InvocationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.append({record(1, 1, true, 0, 12.34), record(2, 1, false, 500, 1.5)});
        model.append({});
        model.append({record(3, 2, true, 600, 3000.0, InvocationOutcome::Timeout)});
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(InvocationModel::ColumnCount));

        auto cell = [&](int row, int col) { return model.index(row, col).data().toString(); };
        QCOMPARE(cell(0, InvocationModel::FunctionColumn), QStringLiteral("HelloPython"));
        QCOMPARE(cell(0, InvocationModel::RequestIdColumn), requestId(1));
        QCOMPARE(cell(0, InvocationModel::StartColumn), QStringLiteral("cold"));
        QCOMPARE(cell(1, InvocationModel::StartColumn), QStringLiteral("warm"));
        QVERIFY(cell(0, InvocationModel::InitColumn).startsWith(QStringLiteral("187")));
        QVERIFY(cell(1, InvocationModel::InitColumn).isEmpty()); // no init on a warm start
        QVERIFY(cell(0, InvocationModel::DurationColumn).startsWith(QStringLiteral("12")));
        QCOMPARE(cell(0, InvocationModel::BilledColumn), QStringLiteral("13 ms"));
        QCOMPARE(cell(0, InvocationModel::MemoryColumn), QStringLiteral("39 / 128 MB"));
        QCOMPARE(cell(0, InvocationModel::OutcomeColumn), QStringLiteral("success"));
        QCOMPARE(cell(2, InvocationModel::OutcomeColumn), QStringLiteral("timeout (Sandbox.Timedout)"));
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("REPORT RequestId: ")));
        QCOMPARE(model.index(2, 0).data(InvocationModel::FailedRole).toBool(), true);
        QCOMPARE(model.index(0, 0).data(InvocationModel::ColdStartRole).toBool(), true);
        QCOMPARE(model.index(1, InvocationModel::DurationColumn).data(InvocationModel::SortRole).toDouble(), 1.5);
        QCOMPARE(model.rowOf(requestId(3)), 2);
        QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
        QCOMPARE(model.headerData(InvocationModel::BilledColumn, Qt::Horizontal).toString(), QStringLiteral("Billed"));
    }

    void resetReplaces()
    {
        InvocationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({record(1, 1, true, 0, 10), record(2, 1, false, 100, 10)});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.resetData({record(9, 3, true, 0, 5)});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOf(requestId(1)), -1);
        QCOMPARE(model.rowOf(requestId(9)), 0);
        model.resetData({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestInvocationModel)
#include "tst_invocationmodel.moc"
