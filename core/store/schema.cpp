#include "store/schema.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <initializer_list>
#include <iterator>

namespace fn {

namespace {

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = q.lastError().text() + QStringLiteral(" (in: ") + sql + u')';
    return false;
}

bool execAll(QSqlDatabase &db, std::initializer_list<const char *> statements, QString *error)
{
    for (const char *statement : statements)
        if (!exec(db, QString::fromLatin1(statement), error))
            return false;
    return true;
}

// What every refusal ends with: nothing was written, and what to do about it.
QString untouched(const QString &path)
{
    return QStringLiteral("%1 was left untouched; move it away to start a new one").arg(path);
}

// The first value of a one-row query, or an invalid QVariant (error set) when it fails.
QVariant scalar(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        *error = q.lastError().text();
        return {};
    }
    return q.next() ? q.value(0) : QVariant(QString());
}

bool hasColumn(QSqlDatabase &db, const QString &table, const QString &column, bool *has, QString *error)
{
    QSqlQuery info(db);
    if (!info.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table))) {
        *error = info.lastError().text();
        return false;
    }
    *has = false;
    while (info.next())
        *has = *has || info.value(1).toString() == column;
    return true;
}

bool addColumnIfMissing(QSqlDatabase &db, const char *table, const char *column, const char *definition, QString *error)
{
    bool has = false;
    if (!hasColumn(db, QString::fromLatin1(table), QString::fromLatin1(column), &has, error))
        return false;
    if (has)
        return true;
    const QString sql =
        QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3")
            .arg(QString::fromLatin1(table), QString::fromLatin1(column), QString::fromLatin1(definition));
    return exec(db, sql, error);
}

bool recordVersion(QSqlDatabase &db, int version, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE meta SET value = ? WHERE key = 'schema'"));
    q.addBindValue(QString::number(version));
    if (q.exec())
        return true;
    *error = q.lastError().text();
    return false;
}

// The first release's tables, as fnstudio has created them since it had a store; the SQLite header
// names the file fnstudio's from the first byte on.
bool toVersion1(QSqlDatabase &db, QString *error)
{
    const auto statements = {
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "INSERT INTO meta(key, value) VALUES('application', 'fnstudio'), ('schema', '1')",
        "CREATE TABLE events(request_id TEXT PRIMARY KEY, function TEXT NOT NULL, payload BLOB NOT NULL,"
        " accepted_ms INTEGER NOT NULL, attempts INTEGER NOT NULL, throttles INTEGER NOT NULL,"
        " next_attempt_ms INTEGER NOT NULL, in_flight INTEGER NOT NULL, last_error TEXT NOT NULL)",
        "CREATE TABLE messages(id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, kind TEXT NOT NULL,"
        " function TEXT NOT NULL, request_id TEXT NOT NULL, body BLOB NOT NULL, attributes BLOB NOT NULL,"
        " created_ms INTEGER NOT NULL)",
        "CREATE INDEX messages_by_queue ON messages(queue, id)",
        "CREATE TABLE invocations(id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL,"
        " function TEXT NOT NULL, environment_id TEXT NOT NULL, outcome INTEGER NOT NULL, started_ms INTEGER NOT NULL,"
        " cold INTEGER NOT NULL, initialization_type TEXT NOT NULL, init_ms REAL NOT NULL, duration_ms REAL NOT NULL,"
        " billed_ms INTEGER NOT NULL, memory_mb INTEGER NOT NULL, max_memory_mb INTEGER NOT NULL,"
        " error_type TEXT NOT NULL, error_message TEXT NOT NULL, throttle_reason TEXT NOT NULL,"
        " asynchronous INTEGER NOT NULL, attempt INTEGER NOT NULL, payload BLOB NOT NULL, report TEXT NOT NULL)",
        "CREATE INDEX invocations_by_request ON invocations(request_id)",
        "CREATE TABLE logs(id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, log_group TEXT NOT NULL,"
        " log_stream TEXT NOT NULL, timestamp_ms INTEGER NOT NULL, platform INTEGER NOT NULL, text TEXT NOT NULL)",
        "CREATE INDEX logs_by_request ON logs(request_id)",
    };
    return exec(db, QStringLiteral("PRAGMA application_id = %1").arg(Schema::ApplicationId), error)
           && execAll(db, statements, error);
}

// The local SQS queues join the schema. Under version 1 SqsQueueStore created its tables itself
// on first use, so a version 1 file may have none of them, the first ones (before FIFO queues)
// or all of them: whatever is there is kept, what is missing is added.
bool toVersion2(QSqlDatabase &db, QString *error)
{
    const auto statements = {
        "CREATE TABLE IF NOT EXISTS sqs_queues(name TEXT PRIMARY KEY,"
        " visibility_timeout INTEGER NOT NULL DEFAULT 30, dead_letter_queue TEXT NOT NULL DEFAULT '',"
        " max_receive_count INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS sqs_messages(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " message_id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body BLOB NOT NULL, md5 TEXT NOT NULL,"
        " attributes BLOB NOT NULL, sent_ms INTEGER NOT NULL, sender_id TEXT NOT NULL,"
        " receive_count INTEGER NOT NULL DEFAULT 0, first_receive_ms INTEGER NOT NULL DEFAULT 0,"
        " visible_at_ms INTEGER NOT NULL DEFAULT 0, receipt_handle TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS sqs_messages_queue ON sqs_messages(queue, seq)",
        // Deduplication ids of FIFO queues outlive their messages for the 5-minute window.
        "CREATE TABLE IF NOT EXISTS sqs_fifo_dedup(queue TEXT NOT NULL, dedup_id TEXT NOT NULL,"
        " message_id TEXT NOT NULL, md5 TEXT NOT NULL, sent_ms INTEGER NOT NULL, PRIMARY KEY(queue, dedup_id))",
    };
    return execAll(db, statements, error)
           // Added to the first tables when FIFO queues came, in the same order as then.
           && addColumnIfMissing(db, "sqs_queues", "fifo", "INTEGER NOT NULL DEFAULT 0", error)
           && addColumnIfMissing(db, "sqs_queues", "content_dedup", "INTEGER NOT NULL DEFAULT 0", error)
           && addColumnIfMissing(db, "sqs_messages", "group_id", "TEXT NOT NULL DEFAULT ''", error)
           && addColumnIfMissing(db, "sqs_messages", "dedup_id", "TEXT NOT NULL DEFAULT ''", error);
}

// Every invocation's anatomy: the phases a cold start went through and what the caller waited in
// all. Older rows read 0 for each: not measured then.
bool toVersion3(QSqlDatabase &db, QString *error)
{
    for (const char *column : {"admission_ms", "sandbox_ms", "runtime_start_ms", "module_init_ms", "observed_ms"})
        if (!addColumnIfMissing(db, "invocations", column, "REAL NOT NULL DEFAULT 0", error))
            return false;
    return true;
}

// The version an invocation ran ($LATEST, or the number an alias resolved to). Older rows: $LATEST,
// the only one there was.
bool toVersion4(QSqlDatabase &db, QString *error)
{
    return addColumnIfMissing(db, "invocations", "executed_version", "TEXT NOT NULL DEFAULT '$LATEST'", error);
}

struct Migration
{
    int version; // what the database is once it ran
    bool (*apply)(QSqlDatabase &db, QString *error);
};

// Append only: a released migration never changes, or databases it already ran on would differ
// from new ones.
constexpr Migration Migrations[] = {
    {1, &toVersion1},
    {2, &toVersion2},
    {3, &toVersion3},
    {4, &toVersion4},
};

constexpr bool numberedInOrder()
{
    for (std::size_t i = 0; i < std::size(Migrations); ++i)
        if (Migrations[i].version != int(i) + 1)
            return false;
    return std::size(Migrations) == std::size_t(Schema::Version);
}
static_assert(numberedInOrder(), "migrations are numbered 1, 2, ... up to Schema::Version");

} // namespace

int Schema::versionOf(QSqlDatabase &db)
{
    QString ignored;
    const QVariant tables = scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &ignored);
    if (!tables.isValid())
        return -1;
    if (tables.toInt() == 0)
        return 0;
    bool ok = false;
    const int version =
        scalar(db, QStringLiteral("SELECT value FROM meta WHERE key = 'schema'"), &ignored).toString().toInt(&ok);
    return ok ? version : -1;
}

bool Schema::bringUpToDate(QSqlDatabase &db, const QString &path, QString *error)
{
    QString sqlError;
    const QVariant appId = scalar(db, QStringLiteral("PRAGMA application_id"), &sqlError);
    const QVariant tables =
        appId.isValid() ? scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &sqlError) : QVariant();
    if (!appId.isValid() || !tables.isValid()) {
        *error = QStringLiteral("%1 is corrupt (%2). ").arg(path, sqlError) + untouched(path);
        return false;
    }
    if (appId.toInt() == 0 && tables.toInt() == 0)
        return migrate(db, path, 0, error); // a new database: ours from the first byte on
    if (appId.toInt() != ApplicationId) {
        *error = QStringLiteral("%1 is not an fnstudio database (it belongs to another application: SQLite "
                                "application_id %2, %3 tables). ")
                     .arg(path)
                     .arg(appId.toInt())
                     .arg(tables.toInt())
                 + untouched(path);
        return false;
    }
    const QVariant check = scalar(db, QStringLiteral("PRAGMA quick_check"), &sqlError);
    if (!check.isValid() || check.toString() != QLatin1String("ok")) {
        *error = QStringLiteral("%1 is corrupt (%2). ").arg(path, check.isValid() ? check.toString() : sqlError)
                 + untouched(path);
        return false;
    }
    const QVariant app = scalar(db, QStringLiteral("SELECT value FROM meta WHERE key = 'application'"), &sqlError);
    const int version = versionOf(db);
    if (app.toString() != QLatin1String("fnstudio") || version < 1) {
        *error =
            QStringLiteral("%1 is corrupt (its fnstudio meta table is missing or has no schema version). ").arg(path)
            + untouched(path);
        return false;
    }
    if (version > Version) {
        *error = QStringLiteral("%1 was written by a newer fnstudio (schema %2; this one reads schemas up to %3). ")
                     .arg(path)
                     .arg(version)
                     .arg(Version)
                 + untouched(path);
        return false;
    }
    return version == Version || migrate(db, path, version, error);
}

bool Schema::migrate(QSqlDatabase &db, const QString &path, int from, QString *error)
{
    if (!db.transaction()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, db.lastError().text());
        return false;
    }
    QString sqlError;
    int failed = 0;
    for (const Migration &m : Migrations) {
        if (m.version <= from)
            continue;
        if (!m.apply(db, &sqlError) || !recordVersion(db, m.version, &sqlError)) {
            failed = m.version;
            break;
        }
    }
    bool ok = failed == 0;
    if (ok && !db.commit()) {
        ok = false;
        sqlError = db.lastError().text();
    }
    if (ok)
        return true;
    db.rollback();
    const QString what = failed > 0 ? QStringLiteral("migration %1 failed: %2").arg(QString::number(failed), sqlError)
                                    : QStringLiteral("the commit failed: %1").arg(sqlError);
    if (from == 0)
        *error = QStringLiteral("cannot create the tables of %1 (%2)").arg(path, what);
    else
        *error = QStringLiteral("cannot bring %1 from schema %2 to %3 (%4). ")
                     .arg(path, QString::number(from), QString::number(Version), what)
                 + untouched(path);
    return false;
}

} // namespace fn
