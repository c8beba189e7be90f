#include "store/store.h"

#include "store/schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace fn {

namespace {

using Job = std::function<bool(QSqlDatabase &)>;

std::atomic<int> connectionCounter{0};

// Qt binds a null QString or QByteArray as SQL NULL; the columns hold empty values instead.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QString(QLatin1String(""))) : QVariant(s);
}

QVariant blob(const QByteArray &b)
{
    return b.isNull() ? QVariant(QByteArray("")) : QVariant(b);
}

bool exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    return q.exec(sql);
}

StoredEvent eventFrom(const QSqlQuery &q)
{
    StoredEvent e;
    e.requestId = q.value(0).toString();
    e.functionName = q.value(1).toString();
    e.payload = q.value(2).toByteArray();
    e.acceptedMs = q.value(3).toLongLong();
    e.attempts = q.value(4).toInt();
    e.throttles = q.value(5).toInt();
    e.nextAttemptMs = q.value(6).toLongLong();
    e.inFlight = q.value(7).toBool();
    e.lastError = q.value(8).toString();
    return e;
}

bool insertMessage(QSqlDatabase &db, const QueueMessage &m)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO messages(queue, kind, function, request_id, body, attributes, created_ms)"
                             " VALUES(?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(text(m.queue));
    q.addBindValue(text(m.kind));
    q.addBindValue(text(m.functionName));
    q.addBindValue(text(m.requestId));
    q.addBindValue(blob(m.body));
    q.addBindValue(m.attributes.isEmpty() ? QVariant(QByteArrayLiteral("{}")) : QVariant(m.attributes));
    q.addBindValue(m.createdMs);
    return q.exec();
}

} // namespace

struct Store::Private
{
    QString path;
    QString connection;
    std::thread worker;
    std::mutex mutex;
    std::condition_variable wake;
    struct Pending
    {
        Job job;
        std::promise<bool> *done = nullptr; // null: fire and forget (history)
    };
    std::deque<Pending> jobs;
    bool stopping = false;
    bool isOpen = false;
    std::atomic<qint64> keptInvocations{Store::DefaultKeptInvocations};
    std::atomic<qint64> keptLogLines{Store::DefaultKeptLogLines};
    quint64 historyWrites = 0; // on the store's thread
    std::atomic<QThread *> countedThread{nullptr};
    std::atomic<int> countedCalls{0};

    bool prune(QSqlDatabase &db) const
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM invocations WHERE id <= (SELECT max(id) FROM invocations) - ?"));
        q.addBindValue(keptInvocations.load());
        if (!q.exec())
            return false;
        q.prepare(QStringLiteral("DELETE FROM logs WHERE id <= (SELECT max(id) FROM logs) - ?"));
        q.addBindValue(keptLogLines.load());
        return q.exec();
    }

    bool validate(QSqlDatabase &db, QString *error);
    void loop(QSqlDatabase &db);
    bool run(Job job);
    void post(Job job);
};

QString Store::defaultPath(const QString &projectDir)
{
    return QDir(projectDir).absoluteFilePath(QStringLiteral(".fnstudio/fnstudio.db"));
}

Store::Store()
    : d(std::make_unique<Private>())
{
}

Store::~Store()
{
    if (!d->worker.joinable())
        return;
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    d->worker.join();
}

bool Store::isOpen() const
{
    return d->isOpen;
}

QString Store::path() const
{
    return d->path;
}

bool Store::Private::validate(QSqlDatabase &db, QString *error)
{
    QFile file(path);
    const bool fresh = !file.exists();
    if (!fresh && file.size() == 0) {
        // SQLite would take an empty file for a new database and start over: what it held (accepted
        // events, queues, history) would be gone without a word. It is someone's truncated store.
        *error = QStringLiteral("%1 is empty (0 bytes), not the fnstudio database it should be: it was cut short, and "
                                "what it held is not in it. %1 was left untouched; restore it from a copy, or delete "
                                "it to start a new one")
                     .arg(path);
        return false;
    }
    if (!fresh) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        if (file.read(16) != QByteArray("SQLite format 3\0", 16)) {
            *error = QStringLiteral("%1 is not an fnstudio database (not an SQLite file). %1 was left untouched; "
                                    "move it away to start a new one")
                         .arg(path);
            return false;
        }
    } else {
        QDir().mkpath(QFileInfo(path).absolutePath());
    }
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text());
        return false;
    }
    if (!Schema::bringUpToDate(db, path, error))
        return false;
    // Only now that the file is known to be ours and current may it change further: WAL, for
    // readers beside the writer; synchronous=FULL, so that a commit is on the disk when it returns.
    // An accepted asynchronous event or a sent message then survives the process being killed
    // (which NORMAL also gives) and the machine losing power or crashing (which NORMAL does not: it
    // may roll back the last commits). Measured: 22 µs a commit with NORMAL, 263 µs with FULL (one
    // fsync of the log) on the development machine's disk; history is written in batches.
    exec(db, QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(db, QStringLiteral("PRAGMA synchronous=FULL"));
    return true;
}

bool Store::open(const QString &path, QString *error)
{
    if (d->worker.joinable()) {
        *error = QStringLiteral("the store is already open on %1").arg(d->path);
        return false;
    }
    d->path = QFileInfo(path).absoluteFilePath();
    d->connection = QStringLiteral("fnstudio-store-%1").arg(++connectionCounter);
    std::promise<bool> opened;
    QString message;
    d->worker = std::thread([this, &opened, &message] {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connection);
            const bool ok = d->validate(db, &message);
            opened.set_value(ok);
            if (ok)
                d->loop(db);
            db.close();
        }
        QSqlDatabase::removeDatabase(d->connection);
    });
    d->isOpen = opened.get_future().get();
    if (!d->isOpen) {
        d->worker.join();
        *error = message;
    }
    return d->isOpen;
}

void Store::Private::loop(QSqlDatabase &db)
{
    std::unique_lock lock(mutex);
    for (;;) {
        wake.wait(lock, [this] { return stopping || !jobs.empty(); });
        if (jobs.empty())
            break;
        std::deque<Pending> batch;
        batch.swap(jobs);
        lock.unlock();
        // One transaction per batch (history arrives in bursts); a savepoint per job so one
        // failing job leaves the others' writes in.
        std::vector<bool> results;
        const bool inTransaction = db.transaction();
        for (Pending &p : batch) {
            exec(db, QStringLiteral("SAVEPOINT job"));
            const bool ok = p.job(db);
            if (!ok)
                exec(db, QStringLiteral("ROLLBACK TO job"));
            exec(db, QStringLiteral("RELEASE job"));
            results.push_back(ok);
        }
        // History is pruned now and then, in the batch's transaction.
        const quint64 before = historyWrites;
        for (const Pending &p : batch)
            historyWrites += p.done ? 0 : 1;
        if (historyWrites != before && (before == 0 || historyWrites / 1024 != before / 1024))
            prune(db);
        const bool committed = !inTransaction || db.commit();
        if (!committed)
            db.rollback();
        for (size_t i = 0; i < batch.size(); ++i)
            if (batch[i].done)
                batch[i].done->set_value(committed && results[i]);
        lock.lock();
    }
}

bool Store::Private::run(Job job)
{
    if (countedThread.load(std::memory_order_relaxed) == QThread::currentThread())
        ++countedCalls;
    if (!isOpen)
        return false;
    std::promise<bool> done;
    auto result = done.get_future();
    {
        std::lock_guard lock(mutex);
        jobs.push_back({std::move(job), &done});
    }
    wake.notify_all();
    return result.get();
}

void Store::Private::post(Job job)
{
    if (!isOpen)
        return;
    {
        std::lock_guard lock(mutex);
        jobs.push_back({std::move(job), nullptr});
    }
    wake.notify_all();
}

bool Store::putEvent(const StoredEvent &e)
{
    return d->run([e](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT OR REPLACE INTO events(request_id, function, payload, accepted_ms, attempts,"
                           " throttles, next_attempt_ms, in_flight, last_error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        q.addBindValue(text(e.requestId));
        q.addBindValue(text(e.functionName));
        q.addBindValue(blob(e.payload));
        q.addBindValue(e.acceptedMs);
        q.addBindValue(e.attempts);
        q.addBindValue(e.throttles);
        q.addBindValue(e.nextAttemptMs);
        q.addBindValue(e.inFlight ? 1 : 0);
        q.addBindValue(text(e.lastError));
        return q.exec();
    });
}

QList<StoredEvent> Store::events() const
{
    QList<StoredEvent> out;
    d->run([&out](QSqlDatabase &db) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT request_id, function, payload, accepted_ms, attempts, throttles,"
                                   " next_attempt_ms, in_flight, last_error FROM events ORDER BY accepted_ms, rowid")))
            return false;
        while (q.next())
            out.append(eventFrom(q));
        return true;
    });
    return out;
}

bool Store::finishEvent(const QString &requestId, const QList<QueueMessage> &messages)
{
    return d->run([requestId, messages](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM events WHERE request_id = ?"));
        q.addBindValue(requestId);
        if (!q.exec())
            return false;
        for (const QueueMessage &m : messages)
            if (!insertMessage(db, m))
                return false;
        return true;
    });
}

bool Store::appendMessage(const QueueMessage &message)
{
    return d->run([message](QSqlDatabase &db) { return insertMessage(db, message); });
}

QList<QueueSummary> Store::queues() const
{
    QList<QueueSummary> out;
    d->run([&out](QSqlDatabase &db) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT function, 'async', count(*), max(accepted_ms) FROM events GROUP BY function"
                                   " UNION ALL SELECT queue, kind, count(*), max(created_ms) FROM messages"
                                   " GROUP BY queue, kind ORDER BY 2, 1")))
            return false;
        while (q.next())
            out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toInt(), q.value(3).toLongLong()});
        return true;
    });
    return out;
}

QList<QueueMessage> Store::messages(const QString &queue) const
{
    QList<QueueMessage> out;
    d->run([&out, queue](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, queue, kind, function, request_id, body, attributes, created_ms"
                                 " FROM messages WHERE queue = ? ORDER BY id"));
        q.addBindValue(queue);
        if (!q.exec())
            return false;
        while (q.next())
            out.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                        q.value(4).toString(), q.value(5).toByteArray(), q.value(6).toByteArray(),
                        q.value(7).toLongLong()});
        return true;
    });
    return out;
}

int Store::removeMessages(const QString &queue)
{
    int removed = 0;
    d->run([&removed, queue](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM messages WHERE queue = ?"));
        q.addBindValue(queue);
        if (!q.exec())
            return false;
        removed = q.numRowsAffected();
        return true;
    });
    return removed;
}

bool Store::removeMessage(qint64 id)
{
    return d->run([id](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM messages WHERE id = ?"));
        q.addBindValue(id);
        return q.exec();
    });
}

void Store::setHistoryLimits(qint64 invocations, qint64 logLines)
{
    d->keptInvocations = std::max<qint64>(1, invocations);
    d->keptLogLines = std::max<qint64>(1, logLines);
}

bool Store::pruneHistory()
{
    return d->run([this](QSqlDatabase &db) { return d->prune(db); });
}

void Store::recordInvocation(const InvocationRecord &r)
{
    d->post([r](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT INTO invocations(request_id, function, environment_id, outcome, started_ms, cold,"
                           " initialization_type, init_ms, duration_ms, billed_ms, memory_mb, max_memory_mb, "
                           "error_type, error_message,"
                           " throttle_reason, asynchronous, attempt, payload, report, admission_ms, sandbox_ms,"
                           " runtime_start_ms, module_init_ms, observed_ms, executed_version)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const QVariant &v : {text(r.requestId),
                                  text(r.functionName),
                                  text(r.environmentId),
                                  QVariant(int(r.outcome)),
                                  QVariant(r.startedAtMs),
                                  QVariant(r.coldStart ? 1 : 0),
                                  text(r.initializationType),
                                  QVariant(r.initDurationMs),
                                  QVariant(r.durationMs),
                                  QVariant(r.billedDurationMs),
                                  QVariant(r.memorySizeMb),
                                  QVariant(r.maxMemoryUsedMb),
                                  text(r.errorType),
                                  text(r.errorMessage),
                                  text(r.throttleReason),
                                  QVariant(r.asynchronous ? 1 : 0),
                                  QVariant(r.attempt),
                                  blob(r.payload),
                                  text(r.reportLine),
                                  QVariant(r.admissionMs),
                                  QVariant(r.phases.sandboxMs),
                                  QVariant(r.phases.runtimeStartMs),
                                  QVariant(r.phases.initMs),
                                  QVariant(r.observedMs),
                                  text(r.executedVersion)})
            q.addBindValue(v);
        return q.exec();
    });
}

void Store::recordLogs(const LogBatch &batch)
{
    d->post([batch](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO logs(request_id, log_group, log_stream, timestamp_ms, platform, text)"
                                 " VALUES(?, ?, ?, ?, ?, ?)"));
        for (const LogLine &line : batch) {
            q.addBindValue(text(line.requestId));
            q.addBindValue(text(line.logGroup));
            q.addBindValue(text(line.logStream));
            q.addBindValue(line.timestampMs);
            q.addBindValue(line.platform ? 1 : 0);
            q.addBindValue(text(line.text));
            if (!q.exec())
                return false;
        }
        return true;
    });
}

int Store::invocationCount(const QString &requestId) const
{
    int count = 0;
    d->run([&count, requestId](QSqlDatabase &db) {
        QSqlQuery q(db);
        if (requestId.isEmpty()) {
            q.prepare(QStringLiteral("SELECT count(*) FROM invocations"));
        } else {
            q.prepare(QStringLiteral("SELECT count(*) FROM invocations WHERE request_id = ?"));
            q.addBindValue(requestId);
        }
        if (!q.exec() || !q.next())
            return false;
        count = q.value(0).toInt();
        return true;
    });
    return count;
}

QList<InvocationRecord> Store::invocations(const QString &requestId) const
{
    QList<InvocationRecord> out;
    d->run([&out, requestId](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "SELECT request_id, function, environment_id, outcome, started_ms, cold,"
            " initialization_type, init_ms, duration_ms, error_type, error_message, throttle_reason,"
            " asynchronous, attempt, payload, report, billed_ms, memory_mb, max_memory_mb, admission_ms, sandbox_ms,"
            " runtime_start_ms, module_init_ms, observed_ms, executed_version FROM invocations WHERE request_id = ?"
            " ORDER BY id"));
        q.addBindValue(requestId);
        if (!q.exec())
            return false;
        while (q.next()) {
            InvocationRecord r;
            r.requestId = q.value(0).toString();
            r.functionName = q.value(1).toString();
            r.environmentId = q.value(2).toString();
            r.outcome = InvocationOutcome(q.value(3).toInt());
            r.startedAtMs = q.value(4).toLongLong();
            r.coldStart = q.value(5).toBool();
            r.initializationType = q.value(6).toString();
            r.initDurationMs = q.value(7).toDouble();
            r.durationMs = q.value(8).toDouble();
            r.errorType = q.value(9).toString();
            r.errorMessage = q.value(10).toString();
            r.throttleReason = q.value(11).toString();
            r.asynchronous = q.value(12).toBool();
            r.attempt = q.value(13).toInt();
            r.payload = q.value(14).toByteArray();
            r.reportLine = q.value(15).toString();
            r.billedDurationMs = q.value(16).toLongLong();
            r.memorySizeMb = q.value(17).toInt();
            r.maxMemoryUsedMb = q.value(18).toInt();
            r.admissionMs = q.value(19).toDouble();
            r.phases.sandboxMs = q.value(20).toDouble();
            r.phases.runtimeStartMs = q.value(21).toDouble();
            r.phases.initMs = q.value(22).toDouble();
            r.observedMs = q.value(23).toDouble();
            r.executedVersion = q.value(24).toString();
            out.append(r);
        }
        return true;
    });
    return out;
}

QStringList Store::logText(const QString &requestId) const
{
    QStringList out;
    d->run([&out, requestId](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT text FROM logs WHERE request_id = ? ORDER BY id"));
        q.addBindValue(requestId);
        if (!q.exec())
            return false;
        while (q.next())
            out << q.value(0).toString();
        return true;
    });
    return out;
}

void Store::flush() const
{
    d->run([](QSqlDatabase &) { return true; });
}

void Store::countCallsFrom(QThread *thread)
{
    d->countedCalls = 0;
    d->countedThread = thread;
}

int Store::countedCalls() const
{
    return d->countedCalls;
}

bool Store::transact(const std::function<bool(QSqlDatabase &)> &job)
{
    return d->run(job);
}

} // namespace fn
