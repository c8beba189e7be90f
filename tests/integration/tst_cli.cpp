// fnstudio-cli invoke and doctor as a user runs them: real processes, real projects, exit codes,
// responses on stdout and Lambda's log lines on stderr.
#include "projectbuilder.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using fn::test::ProjectBuilder;
using fn::test::writeFile;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QStringList outLines() const { return out.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
};

Run cli(const QStringList &args, const QByteArray &stdinData = {}, const QStringList &extraEnvironment = {})
{
    QProcess p;
    if (!extraEnvironment.isEmpty())
        p.setEnvironment(QProcess::systemEnvironment() + extraEnvironment);
    p.start(QStringLiteral(FN_CLI), args);
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

const QString Example = QStringLiteral(FN_SOURCE) + QStringLiteral("/resources/examples/hello");

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coldThenWarm()
    {
        const Run r =
            cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"), Example,
                 QStringLiteral("--event"), Example + QStringLiteral("/events/HelloPython/greeting.json"),
                 QStringLiteral("--repeat"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.outLines();
        QCOMPARE(lines.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject response = QJsonDocument::fromJson(lines.at(i).toUtf8()).object();
            QCOMPARE(response.value(QStringLiteral("message")).toString(), QStringLiteral("Hello, Ada!"));
            QCOMPARE(response.value(QStringLiteral("invocationsInThisEnvironment")).toInt(), i + 1);
        }
        const QStringList reports =
            r.err.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("^REPORT ")));
        QCOMPARE(reports.size(), 2);
        QVERIFY(reports.at(0).contains(QStringLiteral("\tInit Duration: ")));
        QVERIFY(!reports.at(1).contains(QStringLiteral("Init Duration")));
        QCOMPARE(r.err.count(QStringLiteral("INIT_START ")), 1);
        QCOMPARE(r.err.count(QStringLiteral("greeting Ada")), 2);
    }

    void jsonLinesCarryEachInvocationsAnatomy()
    {
        const Run r = cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"),
                           Example, QStringLiteral("--repeat"), QStringLiteral("2"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.outLines();
        QCOMPARE(lines.size(), 2);
        const QStringList coldPhases{QStringLiteral("admissionMs"),    QStringLiteral("sandboxMs"),
                                     QStringLiteral("runtimeStartMs"), QStringLiteral("initMs"),
                                     QStringLiteral("handlerMs"),      QStringLiteral("overheadMs")};
        const QStringList reports =
            r.err.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("^REPORT ")));
        QCOMPARE(reports.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject o = QJsonDocument::fromJson(lines.at(i).toUtf8()).object();
            QVERIFY2(!o.isEmpty(), qPrintable(lines.at(i)));
            const bool cold = i == 0;
            QCOMPARE(o.value(QStringLiteral("cold")).toBool(), cold);
            QVERIFY(!o.value(QStringLiteral("requestId")).toString().isEmpty());
            QVERIFY(reports.at(i).contains(o.value(QStringLiteral("requestId")).toString()));
            const QJsonObject phases = o.value(QStringLiteral("phases")).toObject();
            QCOMPARE(phases.keys().size(), cold ? 6 : 3);
            double sum = 0;
            for (const QString &key : phases.keys()) {
                QVERIFY2(coldPhases.contains(key), qPrintable(key));
                QVERIFY(phases.value(key).toDouble() >= 0);
                sum += phases.value(key).toDouble();
            }
            const double observed = o.value(QStringLiteral("observedMs")).toDouble();
            QVERIFY(observed > 0);
            QVERIFY2(qAbs(sum - observed) < 0.01, qPrintable(lines.at(i))); // each figure rounded to 1 µs
            // The figures are the REPORT line's.
            const qint64 billed = o.value(QStringLiteral("billedDurationMs")).toInteger();
            QVERIFY(reports.at(i).contains(QStringLiteral("\tBilled Duration: %1 ms\t").arg(billed)));
            QVERIFY(reports.at(i).contains(
                QStringLiteral("\tMax Memory Used: %1 MB").arg(o.value(QStringLiteral("maxMemoryUsedMb")).toInt())));
            if (cold) {
                // The REPORT rounds to 10 µs what the JSON rounds to 1 µs: the same figure, rounded twice.
                const QRegularExpressionMatch init =
                    QRegularExpression(QStringLiteral("\tInit Duration: ([0-9.]+) ms")).match(reports.at(i));
                QVERIFY2(init.hasMatch(), qPrintable(reports.at(i)));
                QVERIFY(qAbs(init.captured(1).toDouble() - o.value(QStringLiteral("initDurationMs")).toDouble())
                        <= 0.0051);
            }
            QVERIFY(o.value(QStringLiteral("costUsd")).toDouble() >= 0.0000002); // a request at least
            QCOMPARE(o.value(QStringLiteral("payload")).toObject().value(QStringLiteral("message")).toString(),
                     QStringLiteral("Hello, world!"));
        }

        const Run burst =
            cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"), Example,
                 QStringLiteral("--concurrency"), QStringLiteral("2"), QStringLiteral("--json")});
        QCOMPARE(burst.exitCode, 2);
        QVERIFY2(burst.err.contains(QStringLiteral("--json")), qPrintable(burst.err));
    }

    // Provisioned concurrency is the alias's: FN:live runs on an environment made ahead (no Init
    // Duration, provisioned-concurrency), FN alone is $LATEST and starts cold, as on AWS.
    void provisionedConcurrencyThroughTheAliasOnly()
    {
        ProjectBuilder dir;
        dir.function(QStringLiteral("Warm"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("AutoPublishAlias: live\nProvisionedConcurrencyConfig:\n  ProvisionedConcurrentExecutions: 1\n")
            .code(QStringLiteral("app.py"), "import os\n"
                                            "def handler(event, context):\n"
                                            "    return [os.environ['AWS_LAMBDA_INITIALIZATION_TYPE'],\n"
                                            "            os.environ['AWS_LAMBDA_FUNCTION_VERSION'],\n"
                                            "            context.invoked_function_arn]\n");
        const Run alias = cli({QStringLiteral("invoke"), QStringLiteral("Warm:live"), QStringLiteral("--project"),
                               dir.path(), QStringLiteral("--json")});
        QCOMPARE(alias.exitCode, 0);
        const QJsonObject viaAlias = QJsonDocument::fromJson(alias.outLines().value(0).toUtf8()).object();
        QVERIFY2(!viaAlias.value(QStringLiteral("cold")).toBool(), qPrintable(alias.out));
        const QJsonArray seen = viaAlias.value(QStringLiteral("payload")).toArray();
        QCOMPARE(seen.at(0).toString(), QStringLiteral("provisioned-concurrency"));
        QCOMPARE(seen.at(1).toString(), QStringLiteral("1"));
        QVERIFY(seen.at(2).toString().endsWith(QStringLiteral(":function:Warm:live")));
        const QString report = alias.err.split(QLatin1Char('\n')).filter(QStringLiteral("REPORT ")).value(0);
        QVERIFY2(!report.isEmpty() && !report.contains(QStringLiteral("Init Duration")), qPrintable(alias.err));
        QVERIFY(alias.err.contains(QStringLiteral(" Version: 1")));

        const Run latest = cli({QStringLiteral("invoke"), QStringLiteral("Warm"), QStringLiteral("--project"),
                                dir.path(), QStringLiteral("--json")});
        QCOMPARE(latest.exitCode, 0);
        const QJsonObject unqualified = QJsonDocument::fromJson(latest.outLines().value(0).toUtf8()).object();
        QVERIFY(unqualified.value(QStringLiteral("cold")).toBool());
        QCOMPARE(unqualified.value(QStringLiteral("payload")).toArray().at(0).toString(), QStringLiteral("on-demand"));
        QCOMPARE(unqualified.value(QStringLiteral("payload")).toArray().at(1).toString(), QStringLiteral("$LATEST"));
        QVERIFY(latest.err.contains(QStringLiteral("\tInit Duration: ")));

        const Run missing =
            cli({QStringLiteral("invoke"), QStringLiteral("Warm:prod"), QStringLiteral("--project"), dir.path()});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(QStringLiteral("Function not found: "
                                                     "arn:aws:lambda:us-east-1:123456789012:function:Warm:prod")),
                 qPrintable(missing.err));
    }

    void tuneFollowsTheCpuShareAndAppliesItsPick()
    {
        // A CPU-bound handler: at 128 MB it has 128/1,769 of a vCPU, from 1,769 MB a whole one, and a
        // single thread cannot use more.
        ProjectBuilder dir;
        dir.function(QStringLiteral("Crunch"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .properties("MemorySize: 128 # as first written\nTimeout: 60\n")
            .code(QStringLiteral("app.py"), "def handler(event, context):\n"
                                            "    total = 0\n"
                                            "    for i in range(300000):\n"
                                            "        total += i * i\n"
                                            "    return total\n");
        const Run r = cli({QStringLiteral("tune"), QStringLiteral("Crunch"), QStringLiteral("--project"), dir.path(),
                           QStringLiteral("--memory"), QStringLiteral("128,1769,3008"), QStringLiteral("--num"),
                           QStringLiteral("5"), QStringLiteral("--strategy"), QStringLiteral("speed"),
                           QStringLiteral("--json"), QStringLiteral("--apply")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject out = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray results = out.value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3);
        QList<double> durations;
        for (const QJsonValue &v : results) {
            const QJsonObject size = v.toObject();
            QCOMPARE(size.value(QStringLiteral("errors")).toInt(), 0);
            QCOMPARE(size.value(QStringLiteral("coldStarts")).toInt(), 1);
            QVERIFY(size.value(QStringLiteral("costUsd")).toDouble() > 0);
            durations << size.value(QStringLiteral("durationMs")).toDouble();
        }
        const QJsonObject pick = out.value(QStringLiteral("pick")).toObject();
        QCOMPARE(pick.value(QStringLiteral("strategy")).toString(), QStringLiteral("speed"));
        const int picked = pick.value(QStringLiteral("memoryMb")).toInt();
        if (r.err.contains(QStringLiteral("CPU is not shared out by memory here")))
            QSKIP("no CPU controller for the sandbox here: durations do not follow memory");
        // Wide margins, for a loaded machine: the share alone makes 128 MB ~14 times slower than either
        // size of a whole vCPU or more. (That it stays flat above one vCPU is a timing, measured by
        // `fnstudio-cli tune` itself, not asserted here: two cores shared with the rest of the suite.)
        QVERIFY2(durations.at(0) > 4 * durations.at(1), qPrintable(r.out));
        QVERIFY2(durations.at(0) > 4 * durations.at(2), qPrintable(r.out));
        QVERIFY(picked == 1769 || picked == 3008);
        // Applied to the template, its comment kept.
        QFile saved(dir.templatePath());
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray yaml = saved.readAll();
        const QByteArray expected = "MemorySize: " + QByteArray::number(picked) + " # as first written";
        QVERIFY2(yaml.contains(expected), yaml.constData());
        QVERIFY(r.err.contains(QStringLiteral("MemorySize of Crunch set to %1 (was 128)").arg(picked)));
    }

    void tuneSaysWhatIsWrongWithItsOptions()
    {
        const QString project = Example;
        const auto tune = [&project](const QStringList &more) {
            return cli(
                QStringList{QStringLiteral("tune"), QStringLiteral("HelloPython"), QStringLiteral("--project"), project}
                + more);
        };
        Run r = tune({QStringLiteral("--memory"), QStringLiteral("64,256")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--memory: MemorySize")), qPrintable(r.err));
        r = tune({QStringLiteral("--strategy"), QStringLiteral("cheap")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--strategy must be cost, speed or balanced")), qPrintable(r.err));
        r = tune({QStringLiteral("--weight"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--weight must be a number from 0 to 1")), qPrintable(r.err));
    }

    void forceColdAndStdin()
    {
        const Run r = cli({QStringLiteral("invoke"), QStringLiteral("HelloNode"), QStringLiteral("--project"), Example,
                           QStringLiteral("--event"), QStringLiteral("-"), QStringLiteral("--repeat"),
                           QStringLiteral("2"), QStringLiteral("--force-cold")},
                          "{\"name\": \"Linus\"}");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err.count(QStringLiteral("INIT_START ")), 2);
        for (const QString &line : r.outLines()) {
            const QJsonObject response = QJsonDocument::fromJson(line.toUtf8()).object();
            QCOMPARE(response.value(QStringLiteral("message")).toString(), QStringLiteral("Hello, Linus!"));
            QCOMPARE(response.value(QStringLiteral("stage")).toString(), QStringLiteral("local"));
            QCOMPARE(response.value(QStringLiteral("invocationsInThisEnvironment")).toInt(), 1);
        }
    }

    void functionErrorExitsOne()
    {
        ProjectBuilder dir;
        dir.function(QStringLiteral("Fails"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    raise KeyError('missing')\n");
        const Run r = cli({QStringLiteral("invoke"), QStringLiteral("Fails"), QStringLiteral("--project"), dir.path()});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject error = QJsonDocument::fromJson(r.outLines().value(0).toUtf8()).object();
        QCOMPARE(error.value(QStringLiteral("errorType")).toString(), QStringLiteral("KeyError"));
        QVERIFY(r.err.contains(QStringLiteral("[ERROR] KeyError: ")));
    }

    void importProfileIsASortedTableWithThePackageSizes()
    {
        ProjectBuilder dir;
        dir.function(QStringLiteral("Imports"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "import json\nimport decimal\n"
                                            "def handler(event, context):\n    return {'ok': True}\n");
        const Run table =
            cli({QStringLiteral("invoke"), QStringLiteral("Imports"), QStringLiteral("--project"), dir.path(),
                 QStringLiteral("--import-profile"), QStringLiteral("--top"), QStringLiteral("0")});
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        QVERIFY(table.out.contains(QStringLiteral("cumulative ms")));
        const QStringList rows = table.outLines().filter(QRegularExpression(QStringLiteral("^ +[0-9.]+ +[0-9.]+  ")));
        QVERIFY(rows.size() >= 3);
        QVERIFY(rows.first().contains(QStringLiteral(" app "))); // the handler module holds all the others
        QVERIFY(table.out.contains(QRegularExpression(QStringLiteral("\\n +[0-9.]+ +[0-9.]+  json +app\\n"))));
        QVERIFY(table.out.contains(QRegularExpression(QStringLiteral("\\nfunction +[0-9.]+ [KM]?B +[0-9]+ files?"))));
        QVERIFY(!table.err.contains(QStringLiteral("import time:"))); // the profile is not the function's log
        QVERIFY(table.err.contains(QStringLiteral("REPORT ")));

        const Run json = cli({QStringLiteral("invoke"), QStringLiteral("Imports"), QStringLiteral("--project"),
                              dir.path(), QStringLiteral("--import-profile"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.outLines().value(0).toUtf8()).object();
        const QJsonArray modules =
            o.value(QStringLiteral("importProfile")).toObject().value(QStringLiteral("modules")).toArray();
        QCOMPARE(modules.size(), qsizetype(1));
        const QJsonObject app = modules.at(0).toObject();
        QCOMPARE(app.value(QStringLiteral("module")).toString(), QStringLiteral("app"));
        QStringList children;
        for (const QJsonValue &c : app.value(QStringLiteral("children")).toArray()) {
            const QJsonObject child = c.toObject();
            children << child.value(QStringLiteral("module")).toString();
            QVERIFY(child.value(QStringLiteral("cumulativeUs")).toDouble()
                    >= child.value(QStringLiteral("selfUs")).toDouble());
        }
        QVERIFY2(children.contains(QStringLiteral("json")) && children.contains(QStringLiteral("decimal")),
                 qPrintable(children.join(u',')));
        QVERIFY(o.value(QStringLiteral("invocation")).toObject().value(QStringLiteral("cold")).toBool());
        QCOMPARE(
            o.value(QStringLiteral("packages")).toArray().at(0).toObject().value(QStringLiteral("label")).toString(),
            QStringLiteral("function"));

        ProjectBuilder custom;
        custom.function(QStringLiteral("Custom"))
            .runtime(QStringLiteral("provided.al2023"))
            .handler(QStringLiteral("x"))
            .code(QStringLiteral("bootstrap"), "#!/bin/sh\n");
        const Run provided = cli({QStringLiteral("invoke"), QStringLiteral("Custom"), QStringLiteral("--project"),
                                  custom.path(), QStringLiteral("--import-profile")});
        QCOMPARE(provided.exitCode, 2);
        QVERIFY2(provided.err.contains(QStringLiteral("cannot profile")), qPrintable(provided.err));
    }

    void projectAndUsageErrorsExitTwo()
    {
        ProjectBuilder dir; // the template as given: its error is reported at its line 8
        dir.templateText(
            "Resources:\n  Small:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
            "      Handler: app.handler\n      CodeUri: .\n      MemorySize: 64\n");
        Run r = cli({QStringLiteral("invoke"), QStringLiteral("Small"), QStringLiteral("--project"), dir.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("template.yaml:8: ")) && r.err.contains(QStringLiteral("128")),
                 qPrintable(r.err));

        r = cli({QStringLiteral("invoke"), QStringLiteral("Nope"), QStringLiteral("--project"), Example});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("no function named 'Nope'")));
        QVERIFY(r.err.contains(QStringLiteral("HelloPython")) && r.err.contains(QStringLiteral("HelloNode")));

        QTemporaryDir events;
        const QString bad = events.filePath(QStringLiteral("bad.json"));
        QVERIFY(writeFile(bad, "{\n  \"name\": ,\n}\n"));
        r = cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"), Example,
                 QStringLiteral("--event"), bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(bad + QStringLiteral(":2:")) && r.err.contains(QStringLiteral("not valid JSON")),
                 qPrintable(r.err));
        // A number too large for a double ended the CLI with an uncaught exception (fuzz_event).
        QVERIFY(writeFile(bad, "{\n  \"amount\": 1e400\n}\n"));
        r = cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"), Example,
                 QStringLiteral("--event"), bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains(bad + QStringLiteral(":2:13: the event is not valid JSON: the number 1e400 is too large")),
            qPrintable(r.err));

        r = cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--repeat"),
                 QStringLiteral("zero"), QStringLiteral("--project"), Example});
        QCOMPARE(r.exitCode, 2);
        r = cli({QStringLiteral("frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("unknown command 'frobnicate'")));
    }

    void codeOutsideTheProjectIsRefused()
    {
        // A shared project must not mount the opener's files: CodeUri climbing out is a problem at its
        // line and the function does not run.
        QTemporaryDir outside;
        QVERIFY(writeFile(outside.filePath(QStringLiteral("app.py")),
                          "def handler(event, context):\n    return 'leaked'\n"));
        ProjectBuilder dir;
        const QString uri = QDir(dir.path()).relativeFilePath(outside.path());
        dir.function(QStringLiteral("Escape"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(uri);
        const Run r =
            cli({QStringLiteral("invoke"), QStringLiteral("Escape"), QStringLiteral("--project"), dir.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        const QByteArray yaml = dir.templateText();
        const int line = int(yaml.left(yaml.indexOf("CodeUri:")).count('\n')) + 1;
        QVERIFY2(r.err.contains(QStringLiteral("template.yaml:%1: CodeUri '%2' resolves to ").arg(line).arg(uri))
                     && r.err.contains(QStringLiteral("outside the project folder"))
                     && r.err.contains(QStringLiteral("allowOutsideFolders")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("no function 'Escape' that can run")), qPrintable(r.err));
        QVERIFY(!r.err.contains(QStringLiteral("START RequestId")));
    }

    void envVarsFileAddsWithANote()
    {
        ProjectBuilder dir;
        dir.function(QStringLiteral("Env"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .codeUri(QStringLiteral("."))
            .properties("Environment:\n  Variables:\n    DECLARED: template\n")
            .code(QStringLiteral("app.py"), "import os\ndef handler(event, context):\n    return "
                                            "[os.environ.get('DECLARED'), os.environ.get('EXTRA')]\n")
            .file(QStringLiteral("vars.json"), R"({"Env": {"DECLARED": "file", "EXTRA": 42}})");
        const Run r = cli({QStringLiteral("invoke"), QStringLiteral("Env"), QStringLiteral("--project"), dir.path(),
                           QStringLiteral("--env-vars"), dir.filePath(QStringLiteral("vars.json"))});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.outLines().value(0), QStringLiteral("[\"file\", \"42\"]"));
        QVERIFY2(r.err.contains(QStringLiteral("note: ")) && r.err.contains(QStringLiteral("EXTRA")),
                 qPrintable(r.err));
    }

    void cloudwatchReportLinesHeadless()
    {
        // What the Metrics dock imports, summarised on the command line: one JSON object per file.
        const QString data = QStringLiteral(FN_SOURCE) + QStringLiteral("/tests/data/cloudwatch/");
        Run r = cli({QStringLiteral("cloudwatch"), data + QStringLiteral("filter-log-events.json"),
                     data + QStringLiteral("sam-logs.txt"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.outLines().size(), 2);
        const QJsonObject json = QJsonDocument::fromJson(r.outLines().at(0).toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("format")).toString(), QStringLiteral("filter-log-events JSON"));
        QCOMPARE(json.value(QStringLiteral("invocations")).toArray().size(), 16);
        const QJsonObject cold = json.value(QStringLiteral("cold")).toObject();
        QCOMPARE(cold.value(QStringLiteral("count")).toInt(), 4);
        QCOMPARE(cold.value(QStringLiteral("initP50Ms")).toDouble(), 242.29);
        QCOMPARE(json.value(QStringLiteral("warm")).toObject().value(QStringLiteral("count")).toInt(), 12);
        int binned = 0;
        for (const QJsonValue bin : json.value(QStringLiteral("histogram")).toArray())
            binned += bin[QStringLiteral("cold")].toInt() + bin[QStringLiteral("warm")].toInt();
        QCOMPARE(binned, 16);
        // The text's unreadable REPORT lines are named on stderr with their file and line.
        const QJsonObject text = QJsonDocument::fromJson(r.outLines().at(1).toUtf8()).object();
        QCOMPARE(text.value(QStringLiteral("problems")).toArray().size(), 2);
        QVERIFY2(r.err.contains(QStringLiteral("sam-logs.txt:10: REPORT line without Billed Duration")),
                 qPrintable(r.err));
        // A file without REPORT lines is an error.
        r = cli({QStringLiteral("cloudwatch"), QStringLiteral(FN_SOURCE) + QStringLiteral("/README.md")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("README.md: no REPORT lines")));
    }

    void doctorReportsIsolation()
    {
        const Run r = cli({QStringLiteral("doctor")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("python")));
        QVERIFY(r.out.contains(QStringLiteral("nodejs")));
        QVERIFY(r.out.contains(QStringLiteral("bubblewrap: /")));
        QVERIFY(r.out.contains(QStringLiteral("isolation in force: ")));
        // The network was made, not assumed.
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("network: a namespace per environment \\(made in "
                                                                  "\\d+ ms here"))),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("Runtime API at 127.0.0.1:9001 inside")));
    }

    // Where pasta cannot run (not installed; on an offline machine it finds no interface to model the
    // namespace's on and exits), functions still run, isolated, reaching nothing: the doctor and each
    // environment's log say so, rather than every invocation failing.
    void withoutPastaFunctionsRunAndAreToldWhy_data()
    {
        QTest::addColumn<QString>("pasta");
        QTest::addColumn<QString>("why");
        QTest::newRow("exits at once") << QStringLiteral("/bin/false")
                                       << QStringLiteral("pasta ended without setting the network up");
        QTest::newRow("not installed") << QStringLiteral("/nonexistent/pasta")
                                       << QStringLiteral("pasta (Debian package passt) is not installed");
    }
    void withoutPastaFunctionsRunAndAreToldWhy()
    {
        QFETCH(QString, pasta);
        QFETCH(QString, why);
        const QStringList environment{QStringLiteral("FN_PASTA=") + pasta};
        const Run doctor = cli({QStringLiteral("doctor")}, {}, environment);
        QVERIFY2(doctor.out.contains(QStringLiteral("inside, but NO reach (%1)").arg(why)), qPrintable(doctor.out));
        const Run r =
            cli({QStringLiteral("invoke"), QStringLiteral("HelloPython"), QStringLiteral("--project"), Example}, {},
                environment);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Hello, world!")));
        QVERIFY2(r.err.contains(
                     QStringLiteral("fnstudio: this environment's network reaches nothing but its own Runtime API (%1)")
                         .arg(why)),
                 qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
