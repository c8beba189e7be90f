// CloudWatchReports: REPORT lines exported from CloudWatch Logs (tests/data/cloudwatch, in the shapes
// `aws logs filter-log-events`, `sam logs` and the JSON log format write them) read back as invocations.

#include "metrics/cloudwatchreports.h"

#include <QTest>

using namespace fn;

class TestCloudWatchReports final : public QObject
{
    Q_OBJECT

    static QString data(const char *name)
    {
        return qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/tests/data/cloudwatch/") + QLatin1String(name);
    }
    static const InvocationRecord *find(const CloudWatchImport &in, const QString &requestId)
    {
        for (const InvocationRecord &r : in.records)
            if (r.requestId == requestId)
                return &r;
        return nullptr;
    }
    static int timeouts(const CloudWatchImport &in)
    {
        int n = 0;
        for (const InvocationRecord &r : in.records)
            n += r.outcome == InvocationOutcome::Timeout;
        return n;
    }

    static constexpr qint64 firstReportAtMs = 1741183332257; // 2025-03-05T14:02:12.257Z

private Q_SLOTS:
    void filterLogEventsJson()
    {
        const CloudWatchImport in =
            CloudWatchReports::read(data("filter-log-events.json"), QStringLiteral("HelloPython"));
        QVERIFY2(in.problems.isEmpty(), qPrintable(toStrings(in.problems).join(u'\n')));
        QCOMPARE(in.format, QStringLiteral("filter-log-events JSON"));
        QCOMPARE(in.read, 69); // log events
        QCOMPARE(in.records.size(), 16);
        QCOMPARE(in.skipped, 69 - 16); // INIT_START, START, END, the function's lines, the timeout message
        QCOMPARE(in.coldStarts(), 4);
        QCOMPARE(timeouts(in), 1);

        const InvocationRecord &cold = in.records.first();
        QCOMPARE(cold.requestId, QStringLiteral("ff7d5ec0-9bc0-4e20-af25-29cad670a838"));
        QVERIFY(cold.coldStart);
        QCOMPARE(cold.functionName, QStringLiteral("HelloPython"));
        QCOMPARE(cold.environmentId, QStringLiteral("2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b"));
        QCOMPARE(cold.durationMs, 102.25);
        QCOMPARE(cold.billedDurationMs, qint64(103));
        QCOMPARE(cold.memorySizeMb, 128);
        QCOMPARE(cold.maxMemoryUsedMb, 70);
        QCOMPARE(cold.initDurationMs, 242.29);
        QCOMPARE(cold.phases.initMs, 242.29); // Lambda's whole init, shown as init
        QCOMPARE(cold.observedMs, 0.0);       // what the caller waited is not in a REPORT
        // The REPORT is logged at the end: the invocation started Init Duration + Duration before.
        QCOMPARE(cold.startedAtMs, firstReportAtMs - 345);
        QVERIFY(cold.reportLine.startsWith(QStringLiteral("REPORT RequestId: ff7d5ec0")));

        const InvocationRecord &warm = in.records.at(2);
        QVERIFY(!warm.coldStart);
        QCOMPARE(warm.initDurationMs, 0.0);
        QCOMPARE(warm.durationMs, 2.09);

        const InvocationRecord *timedOut = find(in, QStringLiteral("4cace191-6584-4c17-8899-bd385ee957a6"));
        QVERIFY(timedOut);
        QCOMPARE(timedOut->outcome, InvocationOutcome::Timeout);
        QCOMPARE(timedOut->errorType, QStringLiteral("Sandbox.Timedout"));
        QCOMPARE(timedOut->durationMs, 3000.0);
        QCOMPARE(in.summary(), QStringLiteral("16 REPORT lines (4 cold starts, 1 timeout); 53 other lines skipped"));
    }

    void samLogsTextWithJunkKeepsEverythingReadable()
    {
        const CloudWatchImport in = CloudWatchReports::read(data("sam-logs.txt"), QStringLiteral("HelloPython"));
        QCOMPARE(in.format, QStringLiteral("text"));
        QCOMPARE(in.records.size(), 16);
        QCOMPARE(in.coldStarts(), 4);
        QCOMPARE(timeouts(in), 1);
        QCOMPARE(in.read, 73); // non-empty lines
        QCOMPARE(in.skipped, 73 - 16 - 2);
        // Two REPORT lines that cannot be read: each said with its file and line.
        QCOMPARE(in.problems.size(), 2);
        QCOMPARE(in.problems.at(0).file, QStringLiteral("sam-logs.txt"));
        QCOMPARE(in.problems.at(0).line, 10);
        QCOMPARE(in.problems.at(0).toString(),
                 QStringLiteral("sam-logs.txt:10: REPORT line without Billed Duration, Memory Size, Max Memory Used"));
        QCOMPARE(in.problems.at(1).line, 15);
        QCOMPARE(in.problems.at(1).message, QStringLiteral("Duration \"n/a\" is not a number of ms"));
        QVERIFY(in.problems.at(1).path.endsWith(QStringLiteral("tests/data/cloudwatch/sam-logs.txt")));
        QCOMPARE(in.summary(), QStringLiteral("16 REPORT lines (4 cold starts, 1 timeout); 55 other lines skipped; "
                                              "2 could not be read"));

        // The same invocations as the JSON export: the stream and timestamp come from the line's prefix.
        const CloudWatchImport json =
            CloudWatchReports::read(data("filter-log-events.json"), QStringLiteral("HelloPython"));
        for (qsizetype i = 0; i < json.records.size(); ++i) {
            const InvocationRecord &a = json.records.at(i);
            const InvocationRecord &b = in.records.at(i);
            QCOMPARE(b.requestId, a.requestId);
            QCOMPARE(b.durationMs, a.durationMs);
            QCOMPARE(b.initDurationMs, a.initDurationMs);
            QCOMPARE(b.outcome, a.outcome);
            QCOMPARE(b.environmentId, a.environmentId);
            QCOMPARE(b.startedAtMs, a.startedAtMs);
        }
    }

    void jsonLogFormatRecords()
    {
        const CloudWatchImport in = CloudWatchReports::read(data("json-format.log"), QStringLiteral("HelloPython"));
        QCOMPARE(in.format, QStringLiteral("text")); // one JSON record a line
        QCOMPARE(in.records.size(), 8);
        QCOMPARE(in.coldStarts(), 3);
        QCOMPARE(timeouts(in), 1);
        QCOMPARE(in.skipped, 36 - 8 - 1); // platform.initStart, start, runtimeDone, the function's JSON lines
        QCOMPARE(in.problems.size(), 1);
        QCOMPARE(in.problems.at(0).toString(),
                 QStringLiteral("json-format.log:6: platform.report without a number for durationMs"));
        const InvocationRecord &cold = in.records.first();
        QCOMPARE(cold.requestId, QStringLiteral("ff7d5ec0-9bc0-4e20-af25-29cad670a838"));
        QCOMPARE(cold.initDurationMs, 242.29);
        QCOMPARE(cold.durationMs, 102.25);
        QCOMPARE(cold.billedDurationMs, qint64(103));
        QCOMPARE(cold.maxMemoryUsedMb, 70);
        QCOMPARE(cold.startedAtMs, firstReportAtMs - 345);
        QVERIFY(in.records.at(6).outcome == InvocationOutcome::Timeout);

        // The same records as the messages of filter-log-events.
        const CloudWatchImport events =
            CloudWatchReports::read(data("filter-log-events-json-format.json"), QStringLiteral("HelloPython"));
        QVERIFY(events.problems.isEmpty());
        QCOMPARE(events.format, QStringLiteral("filter-log-events JSON"));
        QCOMPARE(events.read, 12);
        QCOMPARE(events.records.size(), 2);
        QCOMPARE(events.coldStarts(), 2);
        QCOMPARE(events.records.first().startedAtMs, firstReportAtMs - 345);
        QCOMPARE(events.records.first().environmentId,
                 QStringLiteral("2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b"));
    }

    void aTruncatedExportIsSaidAndWhatIsWholeIsRead()
    {
        const CloudWatchImport in =
            CloudWatchReports::read(data("filter-log-events-truncated.json"), QStringLiteral("HelloPython"));
        QCOMPARE(in.problems.size(), 1);
        QVERIFY2(in.problems.at(0).message.startsWith(QStringLiteral("not valid JSON")),
                 qPrintable(in.problems.at(0).message));
        QCOMPARE(in.problems.at(0).line, 295); // the end of the file, where the JSON stops short
        QCOMPARE(in.records.size(), 10);       // every REPORT message above the cut
        QCOMPARE(in.records.first().durationMs, 102.25);
        QCOMPARE(in.records.first().initDurationMs, 242.29);
    }

    void oneLineAtATime()
    {
        QString error;
        // Copied from the console, the tabs turned to spaces.
        auto r = CloudWatchReports::parseTextReport(
            QStringLiteral("2025-03-05T14:02:12.257Z REPORT RequestId: 3f1c8a2e-5b7d-4e19-a0c6-9d2e4f6b8a13  Duration: "
                           "102.25 ms  Billed Duration: 103 ms  Memory Size: 128 MB  Max Memory Used: 70 MB  Init "
                           "Duration: 242.29 ms"),
            &error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->durationMs, 102.25);
        QCOMPARE(r->billedDurationMs, qint64(103));
        QCOMPARE(r->initDurationMs, 242.29);
        QVERIFY(r->coldStart);
        // A runtime that exited: Status error with its type.
        r = CloudWatchReports::parseTextReport(
            QStringLiteral("REPORT RequestId: 7a0c1e2d-3b4f-4a5e-8c6d-9e0f1a2b3c4d\tDuration: 812.06 ms\tBilled "
                           "Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: "
                           "Runtime.OutOfMemory\t"),
            &error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->outcome, InvocationOutcome::OutOfMemory);
        QCOMPARE(r->errorType, QStringLiteral("Runtime.OutOfMemory"));
        QVERIFY(!r->coldStart);
        // Not a REPORT at all.
        QVERIFY(!CloudWatchReports::parseTextReport(QStringLiteral("END RequestId: 7a0c1e2d"), &error));
        QVERIFY(
            !CloudWatchReports::parseJsonReport(R"({"type":"platform.report","record":{"requestId":"x"}})", &error));
        QCOMPARE(error, QStringLiteral("platform.report without metrics"));
    }

    void awsLogsTailAndRepeatedLines()
    {
        // `aws logs tail` puts a zoned timestamp and the stream before each message; a log copied
        // twice over repeats lines; Windows line ends.
        const QByteArray text =
            "2025-03-05T14:02:12.257000+00:00 2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b REPORT RequestId: "
            "ff7d5ec0-9bc0-4e20-af25-29cad670a838\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 70 MB\tInit Duration: 242.29 ms\t\r\n"
            "2025-03-05T14:02:12.257000+00:00 2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b REPORT RequestId: "
            "ff7d5ec0-9bc0-4e20-af25-29cad670a838\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 70 MB\tInit Duration: 242.29 ms\t\r\n"
            "2025-03-05T15:02:12.300000+01:00 2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b REPORT RequestId: "
            "12c2339b-218f-4c13-9dcf-019db3988b52\tDuration: 2.09 ms\tBilled Duration: 3 ms\tMemory Size: 128 "
            "MB\tMax Memory Used: 72 MB\t\r\n";
        const CloudWatchImport in = CloudWatchReports::parse(text, QStringLiteral("tail.txt"), QStringLiteral("F"));
        QVERIFY(in.problems.isEmpty());
        QCOMPARE(in.records.size(), 2);
        QCOMPARE(in.duplicates, 1);
        QCOMPARE(in.records.at(0).startedAtMs, firstReportAtMs - 345);
        QCOMPARE(in.records.at(0).environmentId,
                 QStringLiteral("2025/03/05/[$LATEST]e8d79f49af6d114c4a6f188a424e617b"));
        QCOMPARE(in.records.at(1).startedAtMs, firstReportAtMs + 43 - 2); // +01:00 is an hour ahead of UTC
        QVERIFY(in.summary().endsWith(QStringLiteral("; 1 repeated left out")));
    }

    void aFileThatCannotBeRead()
    {
        const CloudWatchImport in =
            CloudWatchReports::read(QStringLiteral("/nonexistent/report.txt"), QStringLiteral("F"));
        QCOMPARE(in.records.size(), 0);
        QCOMPARE(in.problems.size(), 1);
        QVERIFY(in.problems.at(0).toString().startsWith(QStringLiteral("report.txt: cannot be read")));
    }
};

QTEST_GUILESS_MAIN(TestCloudWatchReports)
#include "tst_cloudwatchreports.moc"
