// fnstudio-cli's `schedule next`, `generate-event` and `sqs`, run as a user runs them: output lines and exit codes.

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

class TestTriggerCli final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int code = -1;
        QStringList lines; // stdout, one entry per line
        QString out;
        QString err;
    };

    static Result run(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral(FN_CLI), arguments);
        Result result;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        result.lines = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        return result;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A FIFO queue (its name ends in .fifo) takes a message group and a deduplication id.
    void sqsSendToFifoQueue()
    {
        QTemporaryDir project;
        const QStringList base{QStringLiteral("sqs"),         QStringLiteral("send"),
                               QStringLiteral("Orders.fifo"), QStringLiteral("{\"order\": 1}"),
                               QStringLiteral("--project"),   project.path()};
        Result r = run(base);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("The request must contain the parameter MessageGroupId.")),
                 qPrintable(r.err));
        r = run(base
                + QStringList{QStringLiteral("--message-group-id"), QStringLiteral("customer-7"),
                              QStringLiteral("--message-deduplication-id"), QStringLiteral("order-1")});
        QCOMPARE(r.code, 0);
        const auto reply = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(reply["SequenceNumber"].get<std::string>().size(), size_t(20));
        // The same deduplication id within 5 minutes: accepted, answered with the first message's id.
        const Result again =
            run(base
                + QStringList{QStringLiteral("--message-group-id"), QStringLiteral("customer-7"),
                              QStringLiteral("--message-deduplication-id"), QStringLiteral("order-1")});
        QCOMPARE(again.code, 0);
        QCOMPARE(QString::fromStdString(nlohmann::json::parse(again.out.toStdString())["MessageId"].get<std::string>()),
                 QString::fromStdString(reply["MessageId"].get<std::string>()));
        r = run({QStringLiteral("sqs"), QStringLiteral("list"), QStringLiteral("--project"), project.path()});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("\\n\\s+1 .*FIFO\\s+Orders\\.fifo"))),
                 qPrintable(r.out));
    }

    void scheduleNext()
    {
        const Result r = run({QStringLiteral("schedule"), QStringLiteral("next"),
                              QStringLiteral("cron(0 9 ? * MON-FRI *)"), QStringLiteral("--from"),
                              QStringLiteral("2026-01-02T12:00:00Z"), QStringLiteral("--count"), QStringLiteral("3")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines, (QStringList{QStringLiteral("2026-01-05T09:00:00Z"), QStringLiteral("2026-01-06T09:00:00Z"),
                                       QStringLiteral("2026-01-07T09:00:00Z")}));
    }

    void scheduleNextDefaultsToFive()
    {
        const Result r = run({QStringLiteral("schedule"), QStringLiteral("next"), QStringLiteral("rate(5 minutes)"),
                              QStringLiteral("--from"), QStringLiteral("2026-01-05T09:00:00Z")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines.size(), 5);
        QCOMPARE(r.lines.constFirst(), QStringLiteral("2026-01-05T09:05:00Z"));
        QCOMPARE(r.lines.constLast(), QStringLiteral("2026-01-05T09:25:00Z"));
    }

    void scheduleNextWhenTheYearsRunOut()
    {
        const Result r =
            run({QStringLiteral("schedule"), QStringLiteral("next"), QStringLiteral("cron(0 0 1 1 ? 2020-2022)"),
                 QStringLiteral("--from"), QStringLiteral("2026-01-01T00:00:00Z")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.lines.isEmpty());
        QVERIFY2(r.err.contains(QStringLiteral("has no fire times after 2026-01-01T00:00:00Z")), qPrintable(r.err));
    }

    void scheduleInvalid_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("plural") << QStringList{QStringLiteral("schedule"), QStringLiteral("next"),
                                               QStringLiteral("rate(5 hour)")}
                                << QStringLiteral(
                                       "rate(5 hour): use the plural unit \"hours\" for a value other than 1");
        QTest::newRow("hours") << QStringList{QStringLiteral("schedule"), QStringLiteral("next"),
                                              QStringLiteral("cron(0 25 * * ? *)")}
                               << QStringLiteral("cron(0 25 * * ? *): field 2 (hours): 25 is outside 0–23");
        QTest::newRow("bad --from") << QStringList{QStringLiteral("schedule"), QStringLiteral("next"),
                                                   QStringLiteral("rate(1 day)"), QStringLiteral("--from"),
                                                   QStringLiteral("tomorrow")}
                                    << QStringLiteral("--from must be an ISO 8601 time");
        QTest::newRow("bad --count") << QStringList{QStringLiteral("schedule"), QStringLiteral("next"),
                                                    QStringLiteral("rate(1 day)"), QStringLiteral("--count"),
                                                    QStringLiteral("0")}
                                     << QStringLiteral("--count must be a whole number");
        QTest::newRow("no expression") << QStringList{QStringLiteral("schedule"), QStringLiteral("next")}
                                       << QStringLiteral("usage: schedule next EXPRESSION");
    }

    void scheduleInvalid()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = run(arguments);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void generateEventList()
    {
        const Result r = run({QStringLiteral("generate-event"), QStringLiteral("--list")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.lines.size() >= 68, qPrintable(QString::number(r.lines.size())));
        QSet<QString> services;
        for (const QString &line : r.lines) {
            const QStringList parts = line.split(QLatin1Char(' '));
            QCOMPARE(parts.size(), 2);
            services.insert(parts.constFirst());
        }
        QVERIFY(services.size() >= 26);
        QVERIFY(r.lines.contains(QStringLiteral("s3 put")));
        QVERIFY(r.lines.contains(QStringLiteral("apigateway aws-proxy")));
        QVERIFY(r.lines.contains(QStringLiteral("cloudwatch scheduled-event")));
    }

    void generateEventWithParameters()
    {
        const Result r =
            run({QStringLiteral("generate-event"), QStringLiteral("s3"), QStringLiteral("put"),
                 QStringLiteral("--bucket"), QStringLiteral("photos"), QStringLiteral("--key=my cat.jpg")});
        QCOMPARE(r.code, 0);
        const QByteArray bytes = r.out.toUtf8();
        const nlohmann::json event = nlohmann::json::parse(bytes.begin(), bytes.end());
        const nlohmann::json &s3 = event.at("Records").at(0).at("s3");
        QVERIFY(s3.at("bucket").at("name") == "photos");
        QVERIFY(s3.at("object").at("key") == "my+cat.jpg");
        QVERIFY(r.lines.size() > 10); // pretty-printed
    }

    void generateEventErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown parameter")
            << QStringList{QStringLiteral("generate-event"), QStringLiteral("s3"), QStringLiteral("put"),
                           QStringLiteral("--colour"), QStringLiteral("red")}
            << QStringLiteral("s3 put has no parameter --colour; its parameters are: --bucket, --configurationId, "
                              "--content, --key, "
                              "--region, --sourceIp, --time");
        QTest::newRow("unknown service") << QStringList{QStringLiteral("generate-event"), QStringLiteral("s4"),
                                                        QStringLiteral("put")}
                                         << QStringLiteral("unknown service 's4'");
        QTest::newRow("unknown event")
            << QStringList{QStringLiteral("generate-event"), QStringLiteral("sqs"), QStringLiteral("send")}
            << QStringLiteral("unknown sqs event 'send'; its events are: receive-message, receive-message-fifo");
        QTest::newRow("missing event") << QStringList{QStringLiteral("generate-event"), QStringLiteral("sqs")}
                                       << QStringLiteral("needs a SERVICE and an EVENT");
        QTest::newRow("missing value") << QStringList{QStringLiteral("generate-event"), QStringLiteral("sqs"),
                                                      QStringLiteral("receive-message"), QStringLiteral("--body")}
                                       << QStringLiteral("--body needs a value");
    }

    void generateEventErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = run(arguments);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestTriggerCli)
#include "tst_triggercli.moc"
