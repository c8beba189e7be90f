// The store's versioned schema: a project store written by fnstudio's schema 1 (data/fnstudio-v1.db,
// a real one) keeps every kind of data when this build migrates it and ends with the schema a new
// store has; a current store opens without a change; a newer one, or one whose migration fails, is
// refused with a message naming it and left byte for byte as it was.

#include "clock/clock.h"
#include "store/schema.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace fn;

namespace {

// What make-fnstudio-v1-db.sh printed when it wrote the fixture.
const QString GreetRequest = QStringLiteral("9935f2b5-7a6d-420f-b4a4-9b07abc22a80");   // delivered: Success
const QString FailRequest = QStringLiteral("bd15bff0-77cc-4867-94de-16618e324ee4");    // ValueError, to fail-dlq
const QString PendingRequest = QStringLiteral("40d49b24-b4ff-472b-b294-8195bc844dd5"); // accepted, not delivered

QString fixture()
{
    return qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/tests/core/store/data/fnstudio-v1.db");
}

QByteArray digest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// Runs `job` on a plain connection to `path`, as another program would read or change the file.
bool withDatabase(const QString &path, const std::function<bool(QSqlDatabase &)> &job)
{
    static int connections = 0;
    const QString name = QStringLiteral("plain-%1").arg(++connections);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open() && job(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

bool execAll(QSqlDatabase &db, const QStringList &statements)
{
    QSqlQuery q(db);
    for (const QString &statement : statements)
        if (!q.exec(statement)) {
            qWarning("%s: %s", qPrintable(statement), qPrintable(q.lastError().text()));
            return false;
        }
    return true;
}

int versionOf(const QString &path)
{
    int version = -1;
    withDatabase(path, [&version](QSqlDatabase &db) {
        version = Schema::versionOf(db);
        return true;
    });
    return version;
}

// Every table's columns (name, type, NOT NULL, default, key) and every index's columns, by name.
QMap<QString, QStringList> shapeOf(const QString &path)
{
    QMap<QString, QStringList> shape;
    withDatabase(path, [&shape](QSqlDatabase &db) {
        QSqlQuery objects(db);
        if (!objects.exec(QStringLiteral("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")))
            return false;
        while (objects.next()) {
            const QString type = objects.value(0).toString();
            const QString name = objects.value(1).toString();
            QSqlQuery info(db);
            const bool table = type == QLatin1String("table");
            if (!info.exec(QStringLiteral("PRAGMA %1(%2)")
                               .arg(table ? QStringLiteral("table_info") : QStringLiteral("index_info"), name)))
                return false;
            QStringList columns;
            while (info.next())
                columns << (table ? QStringList{info.value(1).toString(), info.value(2).toString(),
                                                info.value(3).toString(), info.value(4).toString(),
                                                info.value(5).toString()}
                                        .join(u' ')
                                  : info.value(2).toString());
            shape.insert(type + u' ' + name, columns);
        }
        return true;
    });
    return shape;
}

} // namespace

class TestSchema final : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString copyOfFixture(const QString &name) const
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(fixture(), path))
            return {};
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        return path;
    }

    QString newStore() const
    {
        const QString path = m_dir.filePath(QStringLiteral("new.db"));
        if (!QFile::exists(path)) {
            Store store;
            QString error;
            if (!store.open(path, &error))
                qWarning("%s", qPrintable(error));
        }
        return path;
    }

    void expectRefusedUntouched(const QString &path, const QStringList &why)
    {
        const QByteArray before = digest(path);
        Store store;
        QString error;
        QVERIFY(!store.open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        for (const QString &words : why)
            QVERIFY2(error.contains(words), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("left untouched")), qPrintable(error));
        QCOMPARE(digest(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(QFile::exists(fixture()), qPrintable(fixture()));
    }

    void theFixtureIsASchemaOneStoreWithSqsTables()
    {
        const QString path = copyOfFixture(QStringLiteral("premise.db"));
        QCOMPARE(versionOf(path), 1);
        QVERIFY(shapeOf(path).contains(QStringLiteral("table sqs_messages")));
    }

    void aNewStoreStartsAtTheCurrentVersion() { QCOMPARE(versionOf(newStore()), Schema::Version); }

    void everyKindOfDataSurvivesTheMigrationFromSchemaOne()
    {
        const QString path = copyOfFixture(QStringLiteral("migrated.db"));
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));

            // Invocation history and logs.
            const auto greet = store.invocations(GreetRequest);
            QCOMPARE(greet.size(), 1);
            QCOMPARE(greet.at(0).functionName, QStringLiteral("Greet"));
            QCOMPARE(greet.at(0).outcome, InvocationOutcome::Success);
            QVERIFY(greet.at(0).asynchronous);
            QCOMPARE(greet.at(0).payload, QByteArray(R"({"greeting": "hello Ada"})"));
            QCOMPARE(greet.at(0).observedMs, 0.0); // not measured before schema 3: none rather than made up
            QCOMPARE(greet.at(0).executedVersion, QStringLiteral("$LATEST")); // the only one before schema 4
            const QStringList logs = store.logText(GreetRequest);
            QCOMPARE(logs.size(), 4);
            QVERIFY(logs.at(0).startsWith(QStringLiteral("START RequestId: ") + GreetRequest));
            QCOMPARE(logs.at(1), QStringLiteral("handling {'name': 'Ada'}"));
            QVERIFY(logs.at(3).startsWith(QStringLiteral("REPORT RequestId: ") + GreetRequest));
            const auto fail = store.invocations(FailRequest);
            QCOMPARE(fail.size(), 1);
            QCOMPARE(fail.at(0).errorType, QStringLiteral("ValueError"));
            QCOMPARE(store.invocationCount(), 2);

            // The async queue: the accepted event still waits, the failed one is in its dead-letter queue.
            const auto events = store.events();
            QCOMPARE(events.size(), 1);
            QCOMPARE(events.at(0).requestId, PendingRequest);
            QCOMPARE(events.at(0).functionName, QStringLiteral("Greet"));
            QCOMPARE(events.at(0).payload.trimmed(), QByteArray(R"({"name": "Grace"})"));
            QVERIFY(!events.at(0).inFlight);
            const auto dlq = store.messages(QStringLiteral("fail-dlq"));
            QCOMPARE(dlq.size(), 1);
            QCOMPARE(dlq.at(0).kind, QStringLiteral("dlq"));
            QCOMPARE(dlq.at(0).requestId, FailRequest);
            QCOMPARE(dlq.at(0).body.trimmed(), QByteArray(R"({"mode": "fail"})"));
            QVERIFY(dlq.at(0).attributes.contains(R"("ErrorMessage":{"DataType":"String","StringValue":"nope"})"));
            QCOMPARE(store.queues().size(), 2);

            // The SQS queues, their messages (one received once) and a FIFO queue's order.
            SqsQueueStore sqs(store, std::make_shared<Clock>());
            QVERIFY(sqs.isValid());
            QCOMPARE(sqs.queueNames(), (QStringList{QStringLiteral("jobs.fifo"), QStringLiteral("orders")}));
            const auto orders = sqs.messages(QStringLiteral("orders"));
            QCOMPARE(orders.size(), 2);
            QCOMPARE(orders.at(0).body, QByteArray(R"({"order": 1})"));
            QCOMPARE(orders.at(0).receiveCount, 1);
            QVERIFY(!orders.at(0).receiptHandle.isEmpty());
            QCOMPARE(orders.at(1).body, QByteArray(R"({"order": 2})"));
            QCOMPARE(orders.at(1).receiveCount, 0);
            QVERIFY(sqs.queue(QStringLiteral("jobs.fifo")).fifo);
            const auto jobs = sqs.messages(QStringLiteral("jobs.fifo"));
            QCOMPARE(jobs.size(), 1);
            QCOMPARE(jobs.at(0).messageGroupId, QStringLiteral("g1"));
            QCOMPARE(jobs.at(0).messageDeduplicationId, QStringLiteral("d1"));
            QCOMPARE(jobs.at(0).sequenceNumber, QStringLiteral("10000000000000000003"));

            // And both keep working on the migrated file.
            SqsSendOptions next;
            next.messageGroupId = QStringLiteral("g1");
            next.messageDeduplicationId = QStringLiteral("d2");
            QVERIFY(sqs.send(QStringLiteral("jobs.fifo"), R"({"job": 2})", next));
            const auto received = sqs.receive(QStringLiteral("jobs.fifo"), 10);
            QCOMPARE(received.size(), 2);
            QCOMPARE(received.at(0).body, QByteArray(R"({"job": 1})"));
            QCOMPARE(received.at(1).sequenceNumber, QStringLiteral("10000000000000000004"));
            InvocationRecord r;
            r.requestId = QStringLiteral("after-migration");
            r.functionName = QStringLiteral("Greet");
            store.recordInvocation(r);
            store.flush();
            QCOMPARE(store.invocationCount(), 3);
        }
        QCOMPARE(versionOf(path), Schema::Version);
        QCOMPARE(shapeOf(path), shapeOf(newStore()));
    }

    void aCurrentStoreOpensWithoutAChange()
    {
        const QString path = copyOfFixture(QStringLiteral("current.db"));
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error)); // migrated here
        }
        const QByteArray migrated = digest(path);
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));
            QCOMPARE(store.invocationCount(), 2);
        }
        QCOMPARE(digest(path), migrated);
        QCOMPARE(versionOf(path), Schema::Version);
    }

    void aStoreOfANewerFnstudioIsRefusedUntouched()
    {
        const QString path = copyOfFixture(QStringLiteral("newer.db"));
        QVERIFY(withDatabase(path, [](QSqlDatabase &db) {
            return execAll(
                db, {QStringLiteral("UPDATE meta SET value = '%1' WHERE key = 'schema'").arg(Schema::Version + 1)});
        }));
        expectRefusedUntouched(
            path, {QStringLiteral("newer fnstudio"), QStringLiteral("schema %1; this one reads schemas up to %2")
                                                         .arg(Schema::Version + 1)
                                                         .arg(Schema::Version)});
        QCOMPARE(versionOf(path), Schema::Version + 1);
    }

    // SqsQueueStore's tables as it first made them (commit 06ffc6e), before FIFO queues added columns.
    void theFirstSqsTablesGainTheColumnsOfFifoQueues()
    {
        const QString path = copyOfFixture(QStringLiteral("first-sqs.db"));
        QVERIFY(withDatabase(path, [](QSqlDatabase &db) {
            return execAll(
                db,
                {
                    QStringLiteral("DROP TABLE sqs_messages"),
                    QStringLiteral("DROP TABLE sqs_queues"),
                    QStringLiteral("DROP TABLE sqs_fifo_dedup"),
                    QStringLiteral(
                        "CREATE TABLE sqs_queues(name TEXT PRIMARY KEY, visibility_timeout INTEGER NOT NULL DEFAULT 30,"
                        " dead_letter_queue TEXT NOT NULL DEFAULT '', max_receive_count INTEGER NOT NULL DEFAULT 0)"),
                    QStringLiteral(
                        "CREATE TABLE sqs_messages(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        " message_id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body BLOB NOT NULL,"
                        " md5 TEXT NOT NULL, attributes BLOB NOT NULL, sent_ms INTEGER NOT NULL,"
                        " sender_id TEXT NOT NULL, receive_count INTEGER NOT NULL DEFAULT 0,"
                        " first_receive_ms INTEGER NOT NULL DEFAULT 0, visible_at_ms INTEGER NOT NULL DEFAULT 0,"
                        " receipt_handle TEXT NOT NULL DEFAULT '')"),
                    QStringLiteral("CREATE INDEX sqs_messages_queue ON sqs_messages(queue, seq)"),
                    QStringLiteral("INSERT INTO sqs_queues(name, visibility_timeout) VALUES('old', 45)"),
                    QStringLiteral(
                        "INSERT INTO sqs_messages(message_id, queue, body, md5, attributes, sent_ms, sender_id)"
                        " VALUES('m-1', 'old', 'kept', 'md5', '{}', 1, 'sender')"),
                });
        }));
        {
            Store store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));
            SqsQueueStore sqs(store, std::make_shared<Clock>());
            QCOMPARE(sqs.queue(QStringLiteral("old")).visibilityTimeoutSec, 45);
            QCOMPARE(sqs.messages(QStringLiteral("old")).at(0).body, QByteArray("kept"));
            SqsSendOptions fifo;
            fifo.messageGroupId = QStringLiteral("g");
            fifo.messageDeduplicationId = QStringLiteral("d");
            const auto first = sqs.send(QStringLiteral("new.fifo"), "first", fifo);
            QVERIFY(first);
            const auto again = sqs.send(QStringLiteral("new.fifo"), "again", fifo);
            QVERIFY(again);
            QCOMPARE(again->messageId, first->messageId); // deduplicated within the window
            QCOMPARE(sqs.messages(QStringLiteral("new.fifo")).size(), 1);
        }
        QCOMPARE(shapeOf(path), shapeOf(newStore()));
    }

    void aStoreWhoseMigrationFailsIsRefusedUntouched()
    {
        const QString path = copyOfFixture(QStringLiteral("broken.db"));
        // A table of the name migration 2 adds to, but not its shape: the index on it cannot be made.
        QVERIFY(withDatabase(path, [](QSqlDatabase &db) {
            return execAll(db, {QStringLiteral("DROP TABLE sqs_messages"),
                                QStringLiteral("CREATE TABLE sqs_messages(note TEXT)")});
        }));
        expectRefusedUntouched(
            path, {QStringLiteral("from schema 1 to %1").arg(Schema::Version), QStringLiteral("migration 2 failed")});
        QCOMPARE(versionOf(path), 1);
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
