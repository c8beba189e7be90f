// LogModel: CloudWatch-style lines, level classification, filters by text, level, request id,
// group and stream, while batches keep arriving.
#include "logs/logmodel.h"
#include "snapshotfixtures.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fn;
using namespace fn::testing;

class TestLogModel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classification_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("platform");
        QTest::addColumn<int>("level");
        QTest::addColumn<int>("kind");
        auto row = [](const char *name, const char *text, bool platform, LogLevel level, LogKind kind) {
            QTest::newRow(name) << QByteArray(text) << platform << int(level) << int(kind);
        };
        row("init", "INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: arn", true, LogLevel::Platform,
            LogKind::InitStart);
        row("start", "START RequestId: 8f5e Version: $LATEST", true, LogLevel::Platform, LogKind::Start);
        row("end", "END RequestId: 8f5e", true, LogLevel::Platform, LogKind::End);
        row("report", "REPORT RequestId: 8f5e\tDuration: 1.00 ms", true, LogLevel::Platform, LogKind::Report);
        row("timeout", "2026-11-26T10:40:03.000Z 8f5e Task timed out after 3.00 seconds", true, LogLevel::Error,
            LogKind::PlatformOther);
        row("python error", "[ERROR] ValueError: boom", false, LogLevel::Error, LogKind::Text);
        row("python warning", "[WARNING]\t2026-11-26T10:40:00.123Z\t8f5e\tlow disk", false, LogLevel::Warning,
            LogKind::Text);
        row("python info", "[INFO]\t2026-11-26T10:40:00.123Z\t8f5e\tok", false, LogLevel::Info, LogKind::Text);
        row("node info", "2026-11-26T10:40:00.123Z\t8f5e\tINFO\thello", false, LogLevel::Info, LogKind::Text);
        row("node error", "2026-11-26T10:40:00.123Z\t8f5e\tERROR\tInvoke Error", false, LogLevel::Error, LogKind::Text);
        row("node debug", "2026-11-26T10:40:00.123Z\t8f5e\tDEBUG\tx", false, LogLevel::Debug, LogKind::Text);
        row("json", R"({"timestamp":"2026","level":"WARN","message":"m"})", false, LogLevel::Warning, LogKind::Text);
        row("traceback", "Traceback (most recent call last):", false, LogLevel::Error, LogKind::Text);
        row("print", "hello from print()", false, LogLevel::Output, LogKind::Text);
        row("bracket", "[1, 2, 3]", false, LogLevel::Output, LogKind::Text);
    }

    void classification()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, platform);
        QFETCH(int, level);
        QFETCH(int, kind);
        const LogClassification c = classifyLogLine(text, platform);
        QCOMPARE(int(c.level), level);
        QCOMPARE(int(c.kind), kind);
    }

    void appendAndFilter()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const InvocationRecord a = record(1, 1, true, 0, 10);
        const InvocationRecord b = record(2, 1, false, 100, 10, InvocationOutcome::FunctionError);
        const InvocationRecord c = record(3, 2, true, 200, 10);
        model.append(invocationLogs(a, 1));
        model.append(invocationLogs(b, 1));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(),
                 QStringLiteral("START RequestId: %1 Version: $LATEST").arg(requestId(1)));
        QCOMPARE(model.index(0, LogModel::StreamColumn).data().toString(),
                 QStringLiteral("2026/11/26/[$LATEST]") + environmentId(1));
        QCOMPARE(model.index(0, LogModel::GroupColumn).data().toString(), QStringLiteral("/aws/lambda/HelloPython"));
        QCOMPARE(model.index(4, 0).data(LogModel::KindRole).toInt(), int(LogKind::Report));
        // Tabs show as two spaces; the stored text keeps them.
        QVERIFY(model.index(1, LogModel::MessageColumn).data().toString().startsWith(QStringLiteral("[INFO]  2026-")));
        QVERIFY(model.lineText(1).startsWith(QStringLiteral("[INFO]\t2026-")));
        QVERIFY(model.index(1, LogModel::MessageColumn).data(Qt::ToolTipRole).toString().contains(u'\t'));
        QCOMPARE(model.index(1, 0).data(LogModel::RequestIdRole).toString(), requestId(1));
        QCOMPARE(model.index(1, 0).data(LogModel::TimestampRole).toLongLong(), t0 + 1);

        // request id
        LogFilter f;
        f.requestId = requestId(2);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(2, LogModel::MessageColumn).data().toString(), QStringLiteral("[ERROR] ValueError: boom"));
        // New lines that match join at the end; others do not appear.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.append(invocationLogs(c, 2));
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(model.rowCount(), 5);

        // level: errors only
        f = {};
        f.levels = levelBit(LogLevel::Error);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        // level: platform lines
        f.levels = levelBit(LogLevel::Platform);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 9);
        // text, case-insensitive, combined with stream
        f = {};
        f.text = QStringLiteral("ORDER 42");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 3);
        f.logStream = QStringLiteral("2026/11/26/[$LATEST]") + environmentId(2);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data(LogModel::RequestIdRole).toString(), requestId(3));
        QCOMPARE(model.lineOfRow(0), 11);

        // A filter on a request id not seen yet matches as soon as its lines arrive.
        f = {};
        f.requestId = requestId(4);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 0);
        model.append(invocationLogs(record(4, 2, false, 300, 1), 2));
        QCOMPARE(model.rowCount(), 5);

        f = {};
        f.logGroup = QStringLiteral("/aws/lambda/Other");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 0);

        model.setFilter({});
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(model.lineCount(), 20);
        QCOMPARE(model.logGroups(), QStringList{QStringLiteral("/aws/lambda/HelloPython")});
    }

    void unicodeAndReset()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({logLine(1, 0, requestId(1), QStringLiteral("grüße → 世界"), false)});
        model.append({logLine(1, 0, requestId(1),
                              QStringLiteral("[ERROR] ValueError: x\rTraceback (most recent call last):"), false)});
        QCOMPARE(model.index(1, LogModel::MessageColumn).data().toString(),
                 QStringLiteral("[ERROR] ValueError: x ↵ Traceback (most recent call last):"));
        QCOMPARE(model.index(1, 0).data(LogModel::LevelRole).toInt(), int(LogLevel::Error));
        QCOMPARE(model.lineText(0), QStringLiteral("grüße → 世界"));
        LogFilter f;
        f.text = QStringLiteral("→ 世");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        model.resetData({logLine(1, 0, QString(), QStringLiteral("a"), false),
                         logLine(1, 0, QString(), QStringLiteral("b → c"), false)});
        QCOMPARE(model.lineCount(), 2);
        QCOMPARE(model.rowCount(), 0); // the filter stays
        f.text = QStringLiteral("→ C");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("b → c"));
        QCOMPARE(model.lineRequestId(0), QString());
    }
};

QTEST_MAIN(TestLogModel)
#include "tst_logmodel.moc"
