// The store: events and queues round-trip and survive a reopen; a corrupt, foreign or non-SQLite
// file is refused with a message naming it and left byte for byte as it was.

#include "store/store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

QByteArray digest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestStore final : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    void expectRefused(const QString &path, const QString &why)
    {
        const QByteArray before = digest(path);
        Store store;
        QString error;
        QVERIFY(!store.open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(why), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("left untouched")), qPrintable(error));
        QCOMPARE(digest(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void eventsAndQueuesRoundTrip()
    {
        const QString path = Store::defaultPath(m_dir.filePath(QStringLiteral("project")));
        QVERIFY(path.endsWith(QStringLiteral("/project/.fnstudio/fnstudio.db")));
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));
            StoredEvent e{QStringLiteral("req-1"),     QStringLiteral("Fn"), "{\"a\":1}", 100, 1, 2, 60100, true,
                          QStringLiteral("ValueError")};
            QVERIFY(store.putEvent(e));
            QVERIFY(store.putEvent({QStringLiteral("req-2"), QStringLiteral("Fn"), "{}", 200, 0, 0, 200, false, {}}));
            QVERIFY(store.appendMessage({0, QStringLiteral("dlq"), QStringLiteral("dlq"), QStringLiteral("Fn"),
                                         QStringLiteral("req-0"), "{}", R"({"RequestID":{}})", 50}));
            QVERIFY(store.finishEvent(QStringLiteral("req-2"), {{0,
                                                                 QStringLiteral("ok"),
                                                                 QStringLiteral("destination"),
                                                                 QStringLiteral("Fn"),
                                                                 QStringLiteral("req-2"),
                                                                 "{\"v\":1}",
                                                                 {},
                                                                 300}}));
            InvocationRecord r;
            r.requestId = QStringLiteral("req-1");
            r.functionName = QStringLiteral("Fn");
            r.attempt = 2;
            r.asynchronous = true;
            r.coldStart = true;
            r.admissionMs = 0.25;
            r.phases = {3.5, 17.25, 1.75};
            r.durationMs = 0.5;
            r.observedMs = 24.0;
            r.executedVersion = QStringLiteral("3"); // through an alias
            store.recordInvocation(r);
            store.recordLogs({LogLine{1, QStringLiteral("/aws/lambda/Fn"), QStringLiteral("s"), QStringLiteral("req-1"),
                                      QStringLiteral("START RequestId: req-1"), true}});
        }
        Store store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        const auto events = store.events();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).requestId, QStringLiteral("req-1"));
        QCOMPARE(events.at(0).attempts, 1);
        QCOMPARE(events.at(0).throttles, 2);
        QCOMPARE(events.at(0).nextAttemptMs, 60100);
        QVERIFY(events.at(0).inFlight);
        QCOMPARE(events.at(0).payload, QByteArray("{\"a\":1}"));
        const auto queues = store.queues();
        QCOMPARE(queues.size(), 3);
        QCOMPARE(queues.at(0).kind, QStringLiteral("async"));
        QCOMPARE(store.messages(QStringLiteral("ok")).at(0).body, QByteArray("{\"v\":1}"));
        const InvocationRecord kept = store.invocations(QStringLiteral("req-1")).at(0);
        QCOMPARE(kept.attempt, 2);
        // Its anatomy, phase by phase.
        QCOMPARE(kept.admissionMs, 0.25);
        QCOMPARE(kept.phases.sandboxMs, 3.5);
        QCOMPARE(kept.phases.runtimeStartMs, 17.25);
        QCOMPARE(kept.phases.initMs, 1.75);
        QCOMPARE(kept.durationMs, 0.5);
        QCOMPARE(kept.observedMs, 24.0);
        QCOMPARE(kept.executedVersion, QStringLiteral("3"));
        QCOMPARE(store.logText(QStringLiteral("req-1")), QStringList{QStringLiteral("START RequestId: req-1")});
        QCOMPARE(store.removeMessages(QStringLiteral("dlq")), 1);
        QVERIFY(store.messages(QStringLiteral("dlq")).isEmpty());
    }

    // History keeps the most recent records and lines; events and queues are never pruned.
    void historyIsKeptToItsLimits()
    {
        Store store;
        QString error;
        QVERIFY2(store.open(m_dir.filePath(QStringLiteral("history.db")), &error), qPrintable(error));
        store.setHistoryLimits(100, 250);
        QVERIFY(store.putEvent({QStringLiteral("pending"), QStringLiteral("Fn"), "{}", 1, 0, 0, 1, false, {}}));
        for (int i = 0; i < 3000; ++i) {
            InvocationRecord r;
            r.requestId = QStringLiteral("req-%1").arg(i);
            r.functionName = QStringLiteral("Fn");
            store.recordInvocation(r);
            store.recordLogs({LogLine{i, QStringLiteral("/aws/lambda/Fn"), QStringLiteral("s"), r.requestId,
                                      QStringLiteral("line of %1").arg(i), false}});
        }
        store.flush();
        QVERIFY(store.pruneHistory());
        QCOMPARE(store.invocationCount(), 100);
        QCOMPARE(store.invocationCount(QStringLiteral("req-2999")), 1);
        QCOMPARE(store.invocationCount(QStringLiteral("req-2899")), 0);
        QCOMPARE(store.logText(QStringLiteral("req-2999")), QStringList{QStringLiteral("line of 2999")});
        QCOMPARE(store.logText(QStringLiteral("req-2749")), QStringList());
        QCOMPARE(store.logText(QStringLiteral("req-2750")), QStringList{QStringLiteral("line of 2750")});
        QCOMPARE(store.events().size(), 1);
    }

    void refusesAFileThatIsNotSQLite()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are my notes, not a database\n");
        f.close();
        expectRefused(path, QStringLiteral("not an SQLite file"));
    }

    // A store cut to nothing is not taken for a new one: its pending events would vanish unsaid.
    void refusesAnEmptyFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("truncated.db"));
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));
            store.putEvent({QStringLiteral("r1"), QStringLiteral("Fn"), QByteArray("{}"), 1, 0, 0, 1, false, {}});
        }
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        QFile f(path);
        QVERIFY(f.resize(0));
        expectRefused(path, QStringLiteral("empty (0 bytes)"));
        QCOMPARE(QFileInfo(path).size(), 0); // still there for the person to decide
    }

    void refusesACorruptDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("corrupt.db"));
        {
            Store store;
            QString error;
            QVERIFY(store.open(path, &error));
            for (int i = 0; i < 200; ++i)
                store.putEvent(
                    {QStringLiteral("r%1").arg(i), QStringLiteral("Fn"), QByteArray(500, 'x'), i, 0, 0, i, false, {}});
        }
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.size() > 8192);
        f.seek(4096); // past the header: the pages themselves
        f.write(QByteArray(f.size() - 4096, '\xA5'));
        f.close();
        expectRefused(path, QStringLiteral("is corrupt"));
    }

    void refusesAnotherApplicationsDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("foreign.db"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE contacts(name TEXT)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO contacts VALUES('Ada')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        expectRefused(path, QStringLiteral("belongs to another application"));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
