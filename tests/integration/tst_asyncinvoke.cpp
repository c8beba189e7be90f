// Asynchronous invocation through the engine with real Python functions and a manual Clock:
// retries and their timing, event age, reserved concurrency 0, throttle backoff, dead-letter and
// destination records as Lambda writes them, Lambda destinations, redrive, purge and recovery.

#include "enginetestsupport.h"

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "store/store.h"
#include "workspace/historyrecorder.h"

#include <QDateTime>
#include <QStandardPaths>
#include <QTest>
#include <QTimeZone>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

using namespace fn;
using namespace fn::test;
using ordered_json = nlohmann::ordered_json;

namespace {

constexpr qint64 T0 = 1767225600000; // 2026-01-01T00:00:00Z

const QByteArray Handler = R"PY(
import os, time

def handler(event, context):
    mode = event.get("mode")
    if mode == "fail":
        raise ValueError("boom " + str(event.get("n", "")))
    if mode == "hold":
        while not os.path.exists("/var/task/release"):
            time.sleep(0.01)
    return {"ok": True, "n": event.get("n"), "source": event.get("requestContext", {}).get("condition")}
)PY";

QStringList keys(const ordered_json &object)
{
    QStringList out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out << QString::fromStdString(it.key());
    return out;
}

ordered_json parse(const QByteArray &bytes)
{
    return ordered_json::parse(bytes.begin(), bytes.end());
}

} // namespace

class TestAsyncInvoke final : public QObject
{
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;
    std::shared_ptr<Clock> m_clock;
    QTemporaryDir m_project;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<AsyncQueue> m_queue;
    int m_storeCount = 0;

    TempFunction function(const QString &name, int timeoutSec = 10)
    {
        TempFunction f(name, QStringLiteral("python3.12"), QStringLiteral("app.handler"), timeoutSec);
        f.write(QStringLiteral("app.py"), Handler);
        return f;
    }

    // Waits until the event's first attempts ran: pending with `attempts`, not in flight.
    bool waitForAttempts(const QString &requestId, int attempts, int throttles = 0)
    {
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            for (const StoredEvent &e : m_queue->pending())
                if (e.requestId == requestId && !e.inFlight && e.attempts == attempts && e.throttles == throttles)
                    return true;
            QTest::qWait(5);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine = std::make_unique<Engine>();
        m_clock = std::make_shared<Clock>();
        m_clock->setManual(T0);
        m_engine->setClock(m_clock);
    }

    void init()
    {
        m_clock->setManual(T0);
        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(m_project.filePath(QStringLiteral("db%1.sqlite").arg(++m_storeCount)), &error),
                 qPrintable(error));
        m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
        m_queue->start();
    }

    void cleanup()
    {
        m_queue.reset();
        m_store.reset();
    }

    void cleanupTestCase() { m_engine.reset(); }

    void historyStopsWithItsRecorderWhileInvocationsRun()
    {
        // The studio closes a project's store while invocations run (another project opened): the
        // recorder goes first, then the store, with engine threads recording all along.
        auto f = function(QStringLiteral("HistoryChurn"));
        QVERIFY(!m_engine->invoke(f.config, "{}").failed()); // warm
        std::atomic<bool> stop{false};
        std::atomic<int> done{0};
        // Each recorder is made while the invoking threads wait between two invocations: Qt 6.4
        // hands a connection made on one thread to a thread emitting at that moment through relaxed
        // atomics only (QObjectPrivate::addConnection; QTBUG-100336), a race inside Qt that
        // ThreadSanitizer reports on whatever the new slot reads first. The recorder still goes
        // away while they invoke.
        std::mutex pauseMutex;
        std::condition_variable pauseChanged;
        bool paused = false;
        int waiting = 0;
        std::vector<std::jthread> invokers;
        for (int t = 0; t < 2; ++t)
            invokers.emplace_back([&] {
                while (!stop) {
                    {
                        std::unique_lock lock(pauseMutex);
                        if (paused) {
                            ++waiting;
                            pauseChanged.notify_all();
                            pauseChanged.wait(lock, [&] { return !paused; });
                            --waiting;
                        }
                    }
                    m_engine->invoke(f.config, "{}");
                    ++done;
                }
            });
        int recorded = 0;
        for (int round = 0; round < 40; ++round) {
            Store store;
            QString error;
            QVERIFY2(store.open(m_project.filePath(QStringLiteral("churn%1.sqlite").arg(round)), &error),
                     qPrintable(error));
            {
                std::optional<HistoryRecorder> history;
                {
                    std::unique_lock lock(pauseMutex);
                    paused = true;
                    pauseChanged.wait(lock, [&] { return waiting == int(invokers.size()); });
                    history.emplace(*m_engine, store);
                    paused = false;
                }
                pauseChanged.notify_all();
                const int before = done;
                QTRY_VERIFY_WITH_TIMEOUT(done >= before + 3, 10000);
            } // recorder gone: nothing reaches the store after this
            store.flush();
            const int kept = store.invocationCount();
            recorded += kept;
            if (round % 10 == 0) { // and the engine goes on invoking without it
                const int before = done;
                QTRY_VERIFY_WITH_TIMEOUT(done >= before + 3, 10000);
                store.flush();
                QCOMPARE(store.invocationCount(), kept);
            }
        }
        stop = true;
        invokers.clear();
        QVERIFY2(recorded >= 40, qPrintable(QString::number(recorded)));
    }

    void successGoesToOnSuccessDestination()
    {
        auto f = function(QStringLiteral("AsyncOk"));
        f.config.asyncInvoke.destinations = nlohmann::json::parse(
            R"({"OnSuccess": {"Type": "SQS", "Destination": "arn:aws:sqs:us-east-1:123456789012:ok-queue"}})");
        const auto accepted = m_queue->accept(f.config, R"({"n": 1})");
        QVERIFY(accepted.ok());
        QVERIFY(m_queue->waitForEvent(accepted.requestId, 30000));
        QCOMPARE(*m_queue->condition(accepted.requestId), QStringLiteral("Success"));

        const auto messages = m_queue->messages(QStringLiteral("ok-queue"));
        QCOMPARE(messages.size(), 1);
        const ordered_json record = parse(messages.at(0).body);
        QCOMPARE(keys(record), (QStringList{QStringLiteral("version"), QStringLiteral("timestamp"),
                                            QStringLiteral("requestContext"), QStringLiteral("requestPayload"),
                                            QStringLiteral("responseContext"), QStringLiteral("responsePayload")}));
        ordered_json expected;
        expected["version"] = "1.0";
        expected["timestamp"] = "2026-01-01T00:00:00.000Z";
        expected["requestContext"] = {{"requestId", accepted.requestId.toStdString()},
                                      {"functionArn", "arn:aws:lambda:us-east-1:123456789012:function:AsyncOk:$LATEST"},
                                      {"condition", "Success"},
                                      {"approximateInvokeCount", 1}};
        expected["requestPayload"] = {{"n", 1}};
        expected["responseContext"] = {{"statusCode", 200}, {"executedVersion", "$LATEST"}};
        expected["responsePayload"] = {{"ok", true}, {"n", 1}, {"source", nullptr}};
        QCOMPARE(QByteArray::fromStdString(record.dump()), QByteArray::fromStdString(expected.dump()));
        QCOMPARE(keys(record["requestContext"]),
                 (QStringList{QStringLiteral("requestId"), QStringLiteral("functionArn"), QStringLiteral("condition"),
                              QStringLiteral("approximateInvokeCount")}));
    }

    void functionErrorsRetryAfterOneThenTwoMinutes()
    {
        auto f = function(QStringLiteral("AsyncFail"));
        f.config.deadLetterQueue =
            nlohmann::json::parse(R"({"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["FailDLQ", "Arn"]}})");
        f.config.asyncInvoke.destinations =
            nlohmann::json::parse(R"({"OnFailure": {"Type": "SNS", "Destination": {"Ref": "FailTopic"}}})");
        HistoryRecorder history(*m_engine, *m_store);
        const auto accepted = m_queue->accept(f.config, R"({"mode": "fail", "n": 7})");
        QVERIFY(accepted.ok());

        QVERIFY(waitForAttempts(accepted.requestId, 1));
        QCOMPARE(m_queue->pending().at(0).nextAttemptMs, T0 + 60000);
        m_clock->advance(59999);
        QTest::qWait(100); // nothing may happen a millisecond early
        QCOMPARE(m_queue->pending().at(0).attempts, 1);
        m_clock->advance(1);
        QVERIFY(waitForAttempts(accepted.requestId, 2));
        QCOMPARE(m_queue->pending().at(0).nextAttemptMs, T0 + 60000 + 120000);
        m_clock->advance(120000);
        QVERIFY(m_queue->waitForEvent(accepted.requestId, 30000));
        QCOMPARE(*m_queue->condition(accepted.requestId), QStringLiteral("RetriesExhausted"));

        // Three invocations, one request id, attempts 1 to 3.
        m_store->flush();
        const auto attempts = m_store->invocations(accepted.requestId);
        QCOMPARE(attempts.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(attempts.at(i).attempt, i + 1);
            QVERIFY(attempts.at(i).asynchronous);
            QCOMPARE(attempts.at(i).outcome, InvocationOutcome::FunctionError);
        }
        QVERIFY(m_store->logText(accepted.requestId).join(QLatin1Char('\n')).contains(QStringLiteral("boom 7")));

        const auto dlq = m_queue->messages(QStringLiteral("FailDLQ"));
        QCOMPARE(dlq.size(), 1);
        QCOMPARE(dlq.at(0).body, QByteArray(R"({"mode": "fail", "n": 7})"));
        const ordered_json attributes = parse(dlq.at(0).attributes);
        QCOMPARE(keys(attributes), (QStringList{QStringLiteral("RequestID"), QStringLiteral("ErrorCode"),
                                                QStringLiteral("ErrorMessage")}));
        QCOMPARE(attributes["RequestID"]["StringValue"].get<std::string>(), accepted.requestId.toStdString());
        QCOMPARE(attributes["ErrorCode"]["DataType"].get<std::string>(), std::string("Number"));
        QCOMPARE(attributes["ErrorCode"]["StringValue"].get<std::string>(), std::string("200"));
        QCOMPARE(attributes["ErrorMessage"]["StringValue"].get<std::string>(), std::string("boom 7"));

        const auto failures = m_queue->messages(QStringLiteral("FailTopic"));
        QCOMPARE(failures.size(), 1);
        const ordered_json record = parse(failures.at(0).body);
        QCOMPARE(record["timestamp"].get<std::string>(), std::string("2026-01-01T00:03:00.000Z"));
        QCOMPARE(record["requestContext"]["condition"].get<std::string>(), std::string("RetriesExhausted"));
        QCOMPARE(record["requestContext"]["approximateInvokeCount"].get<int>(), 3);
        QCOMPARE(keys(record["responseContext"]),
                 (QStringList{QStringLiteral("statusCode"), QStringLiteral("executedVersion"),
                              QStringLiteral("functionError")}));
        QCOMPARE(record["responseContext"]["functionError"].get<std::string>(), std::string("Unhandled"));
        QCOMPARE(record["responsePayload"]["errorType"].get<std::string>(), std::string("ValueError"));
        QCOMPARE(record["responsePayload"]["errorMessage"].get<std::string>(), std::string("boom 7"));
        QVERIFY(record["requestPayload"] == ordered_json::parse(R"({"mode": "fail", "n": 7})"));

        // Re-driven back into the function's queue as a new event, then emptied.
        QCOMPARE(m_queue->redrive(QStringLiteral("FailDLQ")), 1);
        QVERIFY(m_queue->messages(QStringLiteral("FailDLQ")).isEmpty());
        const auto again = m_queue->pending();
        QCOMPARE(again.size(), 1);
        QCOMPARE(again.at(0).payload, QByteArray(R"({"mode": "fail", "n": 7})"));
        QCOMPARE(m_queue->purge(QStringLiteral("FailTopic")), 1);
        QVERIFY(m_queue->messages(QStringLiteral("FailTopic")).isEmpty());
    }

    void aRetryKeepsItsWaitWhenTheClockGoesBackToRealTime()
    {
        m_clock->setManual(QDateTime::currentMSecsSinceEpoch() + 21 * 60000); // after a lesson at 60x
        auto f = function(QStringLiteral("AsyncRewind"));
        const auto accepted = m_queue->accept(f.config, R"({"mode": "fail", "n": 1})");
        QVERIFY(waitForAttempts(accepted.requestId, 1));

        m_clock->setReal();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const StoredEvent pending = m_queue->pending().at(0);
        QVERIFY2(pending.nextAttemptMs - now > 50000 && pending.nextAttemptMs - now <= 60000,
                 qPrintable(QString::number(pending.nextAttemptMs - now)));
        QVERIFY(qAbs(pending.acceptedMs - now) < 10000);     // its age is seconds, not 21 minutes
        const QList<StoredEvent> stored = m_store->events(); // and so is what a restart would read
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.at(0).nextAttemptMs, pending.nextAttemptMs);
        m_clock->setManual(T0);
    }

    void zeroRetriesAndEventAge()
    {
        auto none = function(QStringLiteral("AsyncNoRetry"));
        none.config.asyncInvoke.maximumRetryAttempts = 0;
        none.config.deadLetterQueue =
            nlohmann::json::parse(R"({"Type": "SQS", "TargetArn": "arn:aws:sqs:us-east-1:1:dlq0"})");
        const auto first = m_queue->accept(none.config, R"({"mode": "fail"})");
        QVERIFY(m_queue->waitForEvent(first.requestId, 30000));
        QCOMPARE(*m_queue->condition(first.requestId), QStringLiteral("RetriesExhausted"));
        QCOMPARE(m_queue->messages(QStringLiteral("dlq0")).size(), 1);

        // Max age 100 s: the retry at 60 s runs, the one at 180 s would be too old.
        auto aged = function(QStringLiteral("AsyncAged"));
        aged.config.asyncInvoke.maximumEventAgeSeconds = 100;
        aged.config.asyncInvoke.destinations =
            nlohmann::json::parse(R"({"OnFailure": {"Type": "SQS", "Destination": "arn:aws:sqs:us-east-1:1:aged"}})");
        const auto second = m_queue->accept(aged.config, R"({"mode": "fail"})");
        QVERIFY(waitForAttempts(second.requestId, 1));
        m_clock->advance(60000);
        QVERIFY(m_queue->waitForEvent(second.requestId, 30000));
        QCOMPARE(*m_queue->condition(second.requestId), QStringLiteral("EventAgeExceeded"));
        const ordered_json record = parse(m_queue->messages(QStringLiteral("aged")).at(0).body);
        QCOMPARE(record["requestContext"]["condition"].get<std::string>(), std::string("EventAgeExceeded"));
        QCOMPARE(record["requestContext"]["approximateInvokeCount"].get<int>(), 2);
    }

    void reservedZeroGoesStraightToFailureTargets()
    {
        auto f = function(QStringLiteral("AsyncReservedZero"));
        f.config.reservedConcurrency = 0;
        f.config.deadLetterQueue =
            nlohmann::json::parse(R"({"Type": "SQS", "TargetArn": "arn:aws:sqs:us-east-1:1:zero"})");
        const auto accepted = m_queue->accept(f.config, R"({"n": 0})");
        QVERIFY(m_queue->waitForEvent(accepted.requestId, 30000));
        QCOMPARE(*m_queue->condition(accepted.requestId), QStringLiteral("RetriesExhausted"));
        const auto dlq = m_queue->messages(QStringLiteral("zero"));
        QCOMPARE(dlq.size(), 1);
        const ordered_json attributes = parse(dlq.at(0).attributes);
        QCOMPARE(attributes["ErrorCode"]["StringValue"].get<std::string>(), std::string("429"));
        QCOMPARE(attributes["ErrorMessage"]["StringValue"].get<std::string>(), std::string("Rate Exceeded."));
    }

    void throttlesBackOffFromOneSecond()
    {
        auto f = function(QStringLiteral("AsyncThrottled"));
        f.config.reservedConcurrency = 1;
        QFile::remove(f.dir.filePath(QStringLiteral("release")));
        std::thread holder([&] { m_engine->invoke(f.config, R"({"mode": "hold"})"); });
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->concurrency(f.config.name).functionInFlight, 1, 10000);

        const auto accepted = m_queue->accept(f.config, R"({"n": 2})");
        QVERIFY(waitForAttempts(accepted.requestId, 0, 1));
        QCOMPARE(m_queue->pending().at(0).nextAttemptMs, T0 + 1000);
        m_clock->advance(1000);
        QVERIFY(waitForAttempts(accepted.requestId, 0, 2));
        QCOMPARE(m_queue->pending().at(0).nextAttemptMs, T0 + 1000 + 2000);
        m_clock->advance(2000);
        QVERIFY(waitForAttempts(accepted.requestId, 0, 3));
        QCOMPARE(m_queue->pending().at(0).nextAttemptMs, T0 + 3000 + 4000);

        f.write(QStringLiteral("release"), "go");
        holder.join();
        m_clock->advance(4000);
        QVERIFY(m_queue->waitForEvent(accepted.requestId, 30000));
        QCOMPARE(*m_queue->condition(accepted.requestId), QStringLiteral("Success"));
    }

    void lambdaDestinationInvokesAnotherFunction()
    {
        auto target = function(QStringLiteral("AsyncTarget"));
        target.config.asyncInvoke.destinations =
            nlohmann::json::parse(R"({"OnSuccess": {"Type": "SQS", "Destination": "arn:aws:sqs:us-east-1:1:chain"}})");
        auto source = function(QStringLiteral("AsyncSource"));
        source.config.asyncInvoke.destinations = nlohmann::json::parse(
            R"({"OnSuccess": {"Type": "Lambda", "Destination": "arn:aws:lambda:us-east-1:123456789012:function:AsyncTarget"}})");
        m_queue->setFunctions({target.config, source.config});
        const auto accepted = m_queue->accept(source.config, R"({"n": 3})");
        QVERIFY(m_queue->waitForEvent(accepted.requestId, 30000));
        // The destination event runs next. On a loaded machine its first attempt may fail and be
        // scheduled for a retry on the manual clock: let that time pass instead of waiting forever.
        for (int round = 0; round < 5 && !m_queue->waitUntilIdle(10000); ++round) {
            for (const StoredEvent &e : m_queue->pending()) {
                qInfo("pending %s attempts %d last error %s", qPrintable(e.functionName), e.attempts,
                      qPrintable(e.lastError));
                if (e.nextAttemptMs > m_clock->nowMs())
                    m_clock->advance(e.nextAttemptMs - m_clock->nowMs());
            }
        }
        QVERIFY(m_queue->waitUntilIdle(30000));
        const auto chained = m_queue->messages(QStringLiteral("chain"));
        QCOMPARE(chained.size(), 1);
        const ordered_json record = parse(chained.at(0).body);
        // The target got the source's destination record as its event and answered with its condition.
        QCOMPARE(record["requestPayload"]["requestContext"]["requestId"].get<std::string>(),
                 accepted.requestId.toStdString());
        QCOMPARE(record["responsePayload"]["source"].get<std::string>(), std::string("Success"));
    }

    void payloadLimits()
    {
        auto f = function(QStringLiteral("AsyncBig"));
        const QByteArray big = "\"" + QByteArray(1048577 - 2, 'x') + "\"";
        auto refused = m_queue->accept(f.config, big);
        QCOMPARE(refused.errorType, QStringLiteral("RequestEntityTooLargeException"));
        QCOMPARE(
            refused.errorMessage,
            QStringLiteral("1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"));
        m_queue->setLegacyPayloadLimit(true);
        refused = m_queue->accept(f.config, QByteArray(262145, ' ') + "{}");
        QCOMPARE(refused.errorMessage,
                 QStringLiteral("262147 byte payload is too large for the Event invocation type (limit 262144 bytes)"));
        QVERIFY(m_queue->pending().isEmpty());
    }

    void acceptedEventsSurviveARestart()
    {
        auto f = function(QStringLiteral("AsyncRecovered"));
        const QString path = m_store->path();
        // Accepted while nobody delivers (no start()), then the process "ends".
        m_queue.reset();
        m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
        const auto a = m_queue->accept(f.config, R"({"n": 10})");
        const auto b = m_queue->accept(f.config, R"({"n": 11})");
        StoredEvent inFlight = m_queue->pending().at(0);
        inFlight.inFlight = true;
        inFlight.nextAttemptMs = T0 + 600000; // an attempt that was running has no due time any more
        QVERIFY(m_store->putEvent(inFlight));
        m_queue.reset();
        m_store.reset();

        m_store = std::make_unique<Store>();
        QString error;
        QVERIFY2(m_store->open(path, &error), qPrintable(error));
        m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
        m_queue->setFunctions({f.config});
        QCOMPARE(m_queue->start(), 2);
        // On failure, say where each event stands (a retry waits for the manual clock).
        const auto state = [this] {
            QStringList out;
            for (const StoredEvent &e : m_queue->pending())
                out << QStringLiteral("%1: attempts %2, throttles %3, in flight %4, next %5, last error '%6'")
                           .arg(e.requestId)
                           .arg(e.attempts)
                           .arg(e.throttles)
                           .arg(e.inFlight)
                           .arg(e.nextAttemptMs - T0)
                           .arg(e.lastError);
            return out.join(QStringLiteral("; ")).toUtf8();
        };
        QVERIFY2(m_queue->waitForEvent(a.requestId, 60000), state().constData());
        QVERIFY2(m_queue->waitForEvent(b.requestId, 60000), state().constData());
        QVERIFY(m_store->events().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAsyncInvoke)
#include "tst_asyncinvoke.moc"
