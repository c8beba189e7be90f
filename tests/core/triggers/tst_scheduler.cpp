// The scheduler on a manual clock: rate and cron fires, disabled schedules, Input, fire now, and
// that fires missed before start are not replayed.

#include "clock/clock.h"
#include "triggers/scheduler.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace fn;

namespace {

struct Fire
{
    QString function;
    QByteArray payload;
};

qint64 utcMs(const char *iso)
{
    QDateTime t = QDateTime::fromString(QLatin1String(iso), Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    return t.toMSecsSinceEpoch();
}

FunctionConfig functionWith(const char *eventsJson)
{
    FunctionConfig f;
    f.name = QStringLiteral("Ticker");
    f.runtime = QStringLiteral("python3.12");
    // Single quotes keep the test's JSON readable in plain literals.
    f.events = nlohmann::json::parse(QByteArray(eventsJson).replace('\'', '"').toStdString());
    return f;
}

QString str(const nlohmann::json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

nlohmann::json parsed(const QByteArray &payload)
{
    return nlohmann::json::parse(payload.toStdString());
}

} // namespace

class TestScheduler final : public QObject
{
    Q_OBJECT

    std::shared_ptr<Clock> m_clock;
    QList<Fire> m_fires;

    std::unique_ptr<Scheduler> makeScheduler()
    {
        return std::make_unique<Scheduler>(m_clock, [this](const FunctionConfig &f, const QByteArray &payload) {
            m_fires.append({f.name, payload});
            AsyncQueue::Accepted accepted;
            accepted.requestId = QStringLiteral("req-%1").arg(m_fires.size());
            return accepted;
        });
    }

    // Steps the clock and lets the scheduler's queued clock notification run.
    void step(qint64 ms)
    {
        m_clock->advance(ms);
        QCoreApplication::processEvents();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_clock = std::make_shared<Clock>();
        m_clock->setManual(utcMs("2026-03-02T08:00:30"));
        m_fires.clear();
    }

    void rateFiresOncePerMinuteStepped()
    {
        auto scheduler = makeScheduler();
        const QStringList problems = scheduler->setFunctions(
            {functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 minute)'}}}")});
        QVERIFY(problems.isEmpty());
        scheduler->start();
        QCOMPARE(m_fires.size(), 0);
        for (int i = 0; i < 5; ++i)
            step(60 * 1000);
        QCOMPARE(m_fires.size(), 5);

        // A single jump over three minutes delivers the three fires it passed over.
        step(3 * 60 * 1000);
        QCOMPARE(m_fires.size(), 8);

        const nlohmann::json event = parsed(m_fires.last().payload);
        QCOMPARE(str(event["detail-type"]), QStringLiteral("Scheduled Event"));
        QCOMPARE(str(event["source"]), QStringLiteral("aws.events"));
        QCOMPARE(str(event["version"]), QStringLiteral("0"));
        QCOMPARE(str(event["resources"][0]), QStringLiteral("arn:aws:events:us-east-1:123456789012:rule/TickerEvery"));
        QCOMPARE(str(event["time"]), QStringLiteral("2026-03-02T08:08:30Z"));

        const ScheduleState state = *scheduler->schedule(QStringLiteral("Ticker/Every"));
        QCOMPARE(state.fireCount, 8);
        QCOMPARE(state.lastRequestId, QStringLiteral("req-8"));
        QCOMPARE(state.lastResult, QStringLiteral("Accepted"));
        QCOMPARE(state.nextFires.first().toString(Qt::ISODate), QStringLiteral("2026-03-02T08:09:30Z"));
    }

    void cronFiresAtItsTime()
    {
        auto scheduler = makeScheduler();
        scheduler->setFunctions({functionWith("{'Morning': {'Type': 'ScheduleV2', 'Properties': {'ScheduleExpression': "
                                              "'cron(15 9 * * ? *)', 'Name': 'morning'}}}")});
        scheduler->start();
        const QString id = QStringLiteral("Ticker/Morning");
        QCOMPARE(scheduler->nextFireTimes(id, 2).first().toString(Qt::ISODate), QStringLiteral("2026-03-02T09:15:00Z"));

        step(utcMs("2026-03-02T09:14:59") - m_clock->nowMs());
        QCOMPARE(m_fires.size(), 0);
        step(1000);
        QCOMPARE(m_fires.size(), 1);
        QCOMPARE(str(parsed(m_fires.first().payload)["time"]), QStringLiteral("2026-03-02T09:15:00Z"));
        QCOMPARE(str(parsed(m_fires.first().payload)["resources"][0]),
                 QStringLiteral("arn:aws:events:us-east-1:123456789012:rule/morning"));
        step(24 * 3600 * 1000 - 1000);
        QCOMPARE(m_fires.size(), 1);
        step(1000);
        QCOMPARE(m_fires.size(), 2);
    }

    void disabledDoesNotFire()
    {
        auto scheduler = makeScheduler();
        scheduler->setFunctions({functionWith(
            "{ 'Off': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 minute)', 'Enabled': false}}, 'OffV2': "
            "{'Type': 'ScheduleV2', 'Properties': {'ScheduleExpression': 'rate(1 minute)', 'State': 'DISABLED'}}}")});
        scheduler->start();
        step(10 * 60 * 1000);
        QCOMPARE(m_fires.size(), 0);
        QVERIFY(scheduler->schedule(QStringLiteral("Ticker/Off"))->nextFires.isEmpty());

        // Enabling starts the rate's period from now.
        QVERIFY(scheduler->setEnabled(QStringLiteral("Ticker/Off"), true));
        step(59 * 1000);
        QCOMPARE(m_fires.size(), 0);
        step(1000);
        QCOMPARE(m_fires.size(), 1);
        QVERIFY(scheduler->setEnabled(QStringLiteral("Ticker/Off"), false));
        step(5 * 60 * 1000);
        QCOMPARE(m_fires.size(), 1);
    }

    void inputReplacesThePayload()
    {
        auto scheduler = makeScheduler();
        scheduler->setFunctions({functionWith("{ 'WithInput': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(2 "
                                              "minutes)', 'Input': '{\\'job\\': \\'report\\'}'}}}")});
        scheduler->start();
        step(2 * 60 * 1000);
        QCOMPARE(m_fires.size(), 1);
        QVERIFY((parsed(m_fires.first().payload) == nlohmann::json{{"job", "report"}}));
    }

    void fireNowKeepsTheRegularTimes()
    {
        auto scheduler = makeScheduler();
        scheduler->setFunctions({functionWith(
            "{'Hourly': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 hour)', 'Enabled': false}}}")});
        scheduler->start();
        QSignalSpy firedSpy(scheduler.get(), &Scheduler::fired);
        QVERIFY(scheduler->fireNow(QStringLiteral("Ticker/Hourly")));
        QCOMPARE(m_fires.size(), 1);
        QCOMPARE(firedSpy.size(), 1);
        const auto state = firedSpy.first().first().value<ScheduleState>();
        QCOMPARE(state.lastFire.toString(Qt::ISODate), QStringLiteral("2026-03-02T08:00:30Z"));
        QCOMPARE(str(parsed(m_fires.first().payload)["time"]), QStringLiteral("2026-03-02T08:00:30Z"));
        QVERIFY(!scheduler->fireNow(QStringLiteral("Ticker/Nope")));

        // The async queue's verdict becomes the last result.
        scheduler->noteEventFinished(state.lastRequestId, QStringLiteral("Ticker"), QStringLiteral("Success"), 1);
        QCOMPARE(scheduler->schedule(QStringLiteral("Ticker/Hourly"))->lastResult, QStringLiteral("Success"));
    }

    void missedFiresAreNotReplayed()
    {
        auto scheduler = makeScheduler();
        scheduler->setFunctions(
            {functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 minute)'}}}")});
        // Time passes before the scheduler runs (the studio was closed): nothing is owed.
        m_clock->advance(30 * 60 * 1000);
        scheduler->start();
        QCoreApplication::processEvents();
        QCOMPARE(m_fires.size(), 0);
        QVERIFY(Scheduler::missedFiresNote().contains(QLatin1String("not replayed")));
    }

    void aScheduleTheUserDisabledStaysDisabledAcrossAReload()
    {
        auto scheduler = makeScheduler();
        const FunctionConfig function =
            functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 minute)'}}}");
        scheduler->setFunctions({function});
        scheduler->start();
        QVERIFY(scheduler->setEnabled(QStringLiteral("Ticker/Every"), false));
        scheduler->setFunctions({function}); // the template was saved with other changes
        QVERIFY(!scheduler->schedule(QStringLiteral("Ticker/Every"))->enabled);
        step(5 * 60 * 1000);
        QCOMPARE(m_fires.size(), 0);

        // A change of the template's own Enabled is the user's newer word: it wins.
        scheduler->setFunctions({functionWith(
            "{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(1 minute)', 'Enabled': false}}}")});
        QVERIFY(!scheduler->schedule(QStringLiteral("Ticker/Every"))->enabled);
        scheduler->setFunctions({function});
        QVERIFY(scheduler->schedule(QStringLiteral("Ticker/Every"))->enabled);
        step(60 * 1000);
        QCOMPARE(m_fires.size(), 1);
    }

    void reloadKeepsThePeriodAndWhatIsDue()
    {
        auto scheduler = makeScheduler();
        const FunctionConfig function =
            functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(5 minutes)'}}}");
        scheduler->setFunctions({function});
        scheduler->start();
        step(60 * 1000);
        // The project is re-read (the template was saved) a minute into the period.
        scheduler->setFunctions({function});
        QCOMPARE(scheduler->schedule(QStringLiteral("Ticker/Every"))->nextFires.first().toString(Qt::ISODate),
                 QStringLiteral("2026-03-02T08:05:30Z"));
        // The clock passes the fire and the project is re-read before the clock's notice arrives.
        m_clock->advance(4 * 60 * 1000);
        scheduler->setFunctions({function});
        QCoreApplication::processEvents();
        QCOMPARE(m_fires.size(), 1);
        const ScheduleState state = *scheduler->schedule(QStringLiteral("Ticker/Every"));
        QCOMPARE(state.lastFire.toString(Qt::ISODate), QStringLiteral("2026-03-02T08:05:30Z"));
        QCOMPARE(state.nextFires.first().toString(Qt::ISODate), QStringLiteral("2026-03-02T08:10:30Z"));

        // A changed expression starts afresh from now.
        scheduler->setFunctions(
            {functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(10 minutes)'}}}")});
        QCOMPARE(scheduler->schedule(QStringLiteral("Ticker/Every"))->nextFires.first().toString(Qt::ISODate),
                 QStringLiteral("2026-03-02T08:15:30Z"));
        QCOMPARE(scheduler->schedule(QStringLiteral("Ticker/Every"))->fireCount, 1);
    }

    void backToRealTimeARateKeepsWhatItHadLeftAndACronMeetsTheWallClock()
    {
        const qint64 wall = QDateTime::currentMSecsSinceEpoch();
        m_clock->setManual(wall + 21 * 60000); // a lesson at 60x left the clock 21 minutes ahead
        auto scheduler = makeScheduler();
        scheduler->setFunctions({functionWith("{'Every': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(5 "
                                              "minutes)'}}, 'Hourly': {'Type': 'Schedule', 'Properties': "
                                              "{'Schedule': 'cron(0 * * * ? *)'}}}")});
        scheduler->start();
        step(60 * 1000); // 4 minutes left of the rate's period

        m_clock->setReal();
        QCoreApplication::processEvents();
        QCOMPARE(m_fires.size(), 0);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 rateLeft =
            scheduler->nextFireTimes(QStringLiteral("Ticker/Every"), 1).value(0).toMSecsSinceEpoch() - now;
        QVERIFY2(rateLeft > 3 * 60000 && rateLeft <= 4 * 60000, qPrintable(QString::number(rateLeft)));
        const QDateTime hourly = scheduler->schedule(QStringLiteral("Ticker/Hourly"))->nextFires.value(0);
        QCOMPARE(hourly, QDateTime::fromMSecsSinceEpoch(now / 3600000 * 3600000 + 3600000, Qt::UTC));
    }

    void invalidExpressionsAreReported()
    {
        auto scheduler = makeScheduler();
        const QStringList problems = scheduler->setFunctions(
            {functionWith("{ 'Bad': {'Type': 'Schedule', 'Properties': {'Schedule': 'rate(5 minute)'}}, 'Api': "
                          "{'Type': 'Api', 'Properties': {'Path': '/', 'Method': 'get'}}}")});
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().startsWith(QLatin1String("Ticker/Bad: rate(5 minute)")),
                 qPrintable(problems.first()));
        QCOMPARE(scheduler->schedules().size(), 1);
        scheduler->start();
        step(10 * 60 * 1000);
        QCOMPARE(m_fires.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
