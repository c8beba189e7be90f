// LogModel holding 1,000,000 Lambda-shaped lines: every line comes back intact and filters stay
// correct; the resident memory it costs is printed, not asserted.
#include "logs/logmodel.h"
#include "snapshotfixtures.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace fn;
using namespace fn::testing;

static qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

class TestLogModelMillion final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void millionLines()
    {
        constexpr int lines = 1'000'000;
        constexpr int perInvocation = 5;
        constexpr int environments = 8;
        const qint64 before = residentKiB();
        QElapsedTimer timer;
        timer.start();
        LogModel model;
        qint64 textBytes = 0;
        for (int inv = 0; inv < lines / perInvocation; inv += 2000) {
            LogBatch batch;
            batch.reserve(2000 * perInvocation);
            for (int i = inv; i < inv + 2000; ++i) {
                const InvocationRecord r = record(i, i % environments, i < environments, i * 10, 1.25 + i % 40);
                for (const LogLine &l : invocationLogs(r, i % environments)) {
                    textBytes += l.text.toUtf8().size();
                    batch.append(l);
                }
            }
            model.append(batch);
        }
        const qint64 appendMs = timer.elapsed();
        const qint64 after = residentKiB();
        QCOMPARE(model.lineCount(), qsizetype(lines));
        QCOMPARE(model.rowCount(), lines);
        qDebug("LogModel: %d lines, %.1f MB of text; storage %.1f MB; resident %.1f MB -> %.1f MB (+%.1f MB); append "
               "%lld ms",
               lines, textBytes / 1048576.0, model.storageBytes() / 1048576.0, before / 1024.0, after / 1024.0,
               (after - before) / 1024.0, appendMs);

        // Spot checks across the whole range.
        for (int inv : {0, 1, 77'777, 199'999}) {
            const InvocationRecord r = record(inv, inv % environments, inv < environments, inv * 10, 1.25 + inv % 40);
            const LogBatch expected = invocationLogs(r, inv % environments);
            for (int k = 0; k < perInvocation; ++k) {
                const qsizetype line = qsizetype(inv) * perInvocation + k;
                QCOMPARE(model.lineText(line), expected.at(k).text);
                QCOMPARE(model.lineRequestId(line), r.requestId);
                QCOMPARE(model.lineStream(line), expected.at(k).logStream);
            }
        }

        timer.restart();
        LogFilter f;
        f.requestId = requestId(123'456);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), perInvocation);
        f = {};
        f.levels = levelBit(LogLevel::Platform);
        model.setFilter(f);
        QCOMPARE(model.rowCount(), lines / perInvocation * 3);
        f = {};
        f.text = QStringLiteral("max memory used: 44 mb");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), lines / perInvocation / 7 + ((lines / perInvocation) % 7 > 6 ? 1 : 0));
        qDebug("LogModel: three filters over %d lines in %lld ms; resident now %.1f MB", lines, timer.elapsed(),
               residentKiB() / 1024.0);
        QVERIFY(residentKiB() - before < 400 * 1024);
    }
};

QTEST_MAIN(TestLogModelMillion)
#include "tst_logmodelmillion.moc"
