// Real Python and Node.js handlers in real sandboxes: what a function sees of its environment,
// cold then warm, and the faults a user's own code can cause.
#include "enginetestsupport.h"
#include "functionprocesses.h"
#include "sandboxleftovers.h"

#include "sandbox/resourcegroup.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace fn;
using namespace fn::test;

namespace {
QJsonObject json(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

} // namespace

class TestFunctions : public QObject
{
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<LogCollector> m_logs;
    QTemporaryDir m_scratch; // where the environments' /tmp folders are made

    static constexpr const char *Probe = R"PY(
import json, os, time
STARTED = time.time()
count = 0

def handler(event, context):
    global count
    count += 1
    action = event.get("action")
    if action == "write":
        results = {}
        for path in event["paths"]:
            try:
                with open(path, "w") as f:
                    f.write("x")
                results[path] = "ok"
            except OSError as e:
                results[path] = e.errno
        return results
    if action == "read":
        return {p: os.path.exists(p) for p in event["paths"]}
    if action == "procs":
        return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    if action == "boom":
        raise ValueError("boom from the handler")
    if action == "hog":
        blocks = []
        while True:
            blocks.append(bytearray(16 * 1024 * 1024))
    if action == "fill":
        block = b"x" * (1 << 20)
        with open("/tmp/fill", "wb") as f:
            for _ in range(event["mb"]):
                f.write(block)
        return {"written": event["mb"]}
    if action == "fork":
        if os.fork() == 0:
            while True:
                time.sleep(1)
        return "forked"
    return {
        "count": count,
        "env": dict(os.environ),
        "context": {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
        },
    }
)PY";

    TempFunction python(const QString &name, int memoryMb = 128, int timeoutSec = 3)
    {
        TempFunction f(name, QStringLiteral("python3.12"), QStringLiteral("app.handler"), timeoutSec, memoryMb);
        f.write(QStringLiteral("app.py"), Probe);
        return f;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_scratch.isValid());
        qputenv("FN_SCRATCH_DIR", m_scratch.path().toUtf8());
        qputenv("FN_TEST_SECRET", "do-not-leak");
        m_engine = std::make_unique<Engine>();
        m_logs = std::make_unique<LogCollector>(*m_engine);
    }
    void cleanupTestCase() { m_engine.reset(); }

    void pythonSeesLambdasEnvironment()
    {
        auto f = python(QStringLiteral("PyEnv"), 256);
        f.config.environment = {{QStringLiteral("MY_SETTING"), QStringLiteral("on")}};
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        const QJsonObject out = json(r.payload);
        const QJsonObject env = out.value(QStringLiteral("env")).toObject();
        const auto var = [&env](const char *name) { return env.value(QLatin1String(name)).toString(); };
        QCOMPARE(var("MY_SETTING"), QStringLiteral("on"));
        QCOMPARE(var("_HANDLER"), QStringLiteral("app.handler"));
        QCOMPARE(var("AWS_LAMBDA_FUNCTION_NAME"), QStringLiteral("PyEnv"));
        QCOMPARE(var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), QStringLiteral("256"));
        QCOMPARE(var("AWS_LAMBDA_FUNCTION_VERSION"), QStringLiteral("$LATEST"));
        QCOMPARE(var("AWS_LAMBDA_LOG_GROUP_NAME"), QStringLiteral("/aws/lambda/PyEnv"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}/\\d\\d/\\d\\d/\\[\\$LATEST\\][0-9a-f]{32}$"))
                    .match(var("AWS_LAMBDA_LOG_STREAM_NAME"))
                    .hasMatch());
        QVERIFY(var("AWS_LAMBDA_LOG_STREAM_NAME").endsWith(r.environmentId));
        QVERIFY(var("AWS_LAMBDA_RUNTIME_API").startsWith(QStringLiteral("127.0.0.1:")));
        QCOMPARE(var("AWS_LAMBDA_INITIALIZATION_TYPE"), QStringLiteral("on-demand"));
        QCOMPARE(var("AWS_EXECUTION_ENV"), QStringLiteral("AWS_Lambda_python3.12"));
        QCOMPARE(var("LAMBDA_TASK_ROOT"), QStringLiteral("/var/task"));
        QCOMPARE(var("LAMBDA_RUNTIME_DIR"), QStringLiteral("/var/runtime"));
        QCOMPARE(var("AWS_REGION"), QStringLiteral("us-east-1"));
        QCOMPARE(var("AWS_DEFAULT_REGION"), QStringLiteral("us-east-1"));
        QCOMPARE(var("TZ"), QStringLiteral(":UTC"));
        QVERIFY(var("_X_AMZN_TRACE_ID").startsWith(QStringLiteral("Root=1-")));
        // Built from scratch: nothing of the studio's own environment leaks in.
        QVERIFY(!env.contains(QStringLiteral("FN_TEST_SECRET")));
        QVERIFY(!env.contains(QStringLiteral("HOME")) || env.value(QStringLiteral("HOME")) != QDir::homePath());

        const QJsonObject ctx = out.value(QStringLiteral("context")).toObject();
        QCOMPARE(ctx.value(QStringLiteral("aws_request_id")).toString(), r.requestId);
        QCOMPARE(ctx.value(QStringLiteral("function_name")).toString(), QStringLiteral("PyEnv"));
        QCOMPARE(ctx.value(QStringLiteral("invoked_function_arn")).toString(),
                 QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:PyEnv"));
        const int remaining = ctx.value(QStringLiteral("remaining")).toInt();
        QVERIFY2(remaining > 0 && remaining <= 3000, qPrintable(QString::number(remaining)));
    }

    void coldThenWarmKeepsModuleState()
    {
        auto f = python(QStringLiteral("PyWarm"));
        const auto cold = m_engine->invoke(f.config, "{}");
        const auto warm = m_engine->invoke(f.config, "{}");
        QVERIFY(cold.coldStart);
        QVERIFY(!warm.coldStart);
        QCOMPARE(warm.environmentId, cold.environmentId);
        QCOMPARE(json(cold.payload).value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(json(warm.payload).value(QStringLiteral("count")).toInt(), 2);
        QVERIFY(cold.reportLine.contains(QStringLiteral("Init Duration")));
        QVERIFY(!warm.reportLine.contains(QStringLiteral("Init Duration")));
        QVERIFY(cold.maxMemoryUsedMb > 0 && cold.maxMemoryUsedMb < 128); // measured, not the configured size
        QVERIFY(m_logs->all().contains(QStringLiteral("INIT_START Runtime Version: python:")));
        const auto forced = m_engine->invoke(f.config, "{}", InvokeOptions{true, {}});
        QVERIFY(forced.coldStart);
        QCOMPARE(json(forced.payload).value(QStringLiteral("count")).toInt(), 1);
    }

    // After a cold start the next sandbox is made ahead, unseen; the next cold start of the same
    // configuration takes it and starts the runtime in it with exactly its own environment.
    void coldStartTakesTheSandboxMadeAhead()
    {
        auto f = python(QStringLiteral("PySpare"));
        const auto spareOf = [this](const QString &function) {
            for (const QStringList &s : m_engine->spareSandboxes())
                if (s.value(0) == function)
                    return s.value(2);
            return QString();
        };
        QSignalSpy states(m_engine.get(), &Engine::environmentChanged);
        const auto first = m_engine->invoke(f.config, "{}", InvokeOptions{true, {}});
        QVERIFY(first.coldStart);
        QCOMPARE(first.phases.sandboxMadeAheadMs, 0.0); // nothing was made for it
        QTRY_VERIFY(!spareOf(f.config.name).isEmpty());
        const QString spare = spareOf(f.config.name);
        QVERIFY(spare != first.environmentId);
        for (const QList<QVariant> &signal : std::as_const(states))
            QVERIFY2(signal.at(0).value<EnvironmentState>().environmentId != spare, "a spare was shown before its use");
        const auto cgroupOf = [](const QString &id) {
            if (id.isEmpty())
                return false;
            const QStringList groups = cgroupsOwnedBy(QCoreApplication::applicationPid());
            return std::any_of(groups.begin(), groups.end(), [&id](const QString &g) { return g.endsWith(id); });
        };
        const bool grouped = cgroupOf(spare); // false with the rlimit fallback: no groups to see

        const auto second = m_engine->invoke(f.config, "{}", InvokeOptions{true, {}});
        QVERIFY(second.coldStart);
        QCOMPARE(second.environmentId, spare);
        QVERIFY(second.phases.sandboxMadeAheadMs > 0);
        QVERIFY(second.reportLine.contains(QStringLiteral("Init Duration")));
        const QJsonObject answer = json(second.payload);
        QCOMPARE(answer.value(QStringLiteral("count")).toInt(), 1); // a fresh runtime, its module loaded now
        const QJsonObject env = answer.value(QStringLiteral("env")).toObject();
        QVERIFY(
            env.value(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME")).toString().endsWith(QStringLiteral("]") + spare));
        QCOMPARE(answer.value(QStringLiteral("context")).toObject().value(QStringLiteral("log_stream_name")).toString(),
                 env.value(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME")).toString());
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME")).toString(), f.config.name);
        QCOMPARE(env.value(QStringLiteral("_HANDLER")).toString(), QStringLiteral("app.handler"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_RUNTIME_API")).toString(), QStringLiteral("127.0.0.1:9001"));
        QVERIFY(!env.contains(QStringLiteral("FN_TEST_SECRET"))); // nothing of the studio's own

        // A changed configuration does not take the old one's spare, and that spare is ended.
        QTRY_VERIFY(!spareOf(f.config.name).isEmpty());
        const QString stale = spareOf(f.config.name);
        f.config.memoryMb = 256;
        const auto changed = m_engine->invoke(f.config, "{}", InvokeOptions{true, {}});
        QVERIFY(changed.coldStart);
        QVERIFY(changed.environmentId != stale);
        QCOMPARE(changed.phases.sandboxMadeAheadMs, 0.0);
        QTRY_VERIFY(spareOf(f.config.name) != stale && !spareOf(f.config.name).isEmpty());
        if (grouped)
            QVERIFY(!cgroupOf(stale));

        // The studio's services starting (their endpoints go into every environment) make the spare
        // again with them, so the next cold start still finds one, and it has them.
        const QString beforeServices = spareOf(f.config.name);
        m_engine->setServiceEnvironment(
            {{QStringLiteral("AWS_ENDPOINT_URL_S3"), QStringLiteral("http://127.0.0.1:9")}});
        QTRY_VERIFY(!spareOf(f.config.name).isEmpty() && spareOf(f.config.name) != beforeServices);
        const QString renewed = spareOf(f.config.name);
        const auto served = m_engine->invoke(f.config, "{}", InvokeOptions{true, {}});
        QCOMPARE(served.environmentId, renewed);
        QCOMPARE(json(served.payload)
                     .value(QStringLiteral("env"))
                     .toObject()
                     .value(QStringLiteral("AWS_ENDPOINT_URL_S3"))
                     .toString(),
                 QStringLiteral("http://127.0.0.1:9"));
        m_engine->setServiceEnvironment({});
        if (grouped)
            QVERIFY(!cgroupOf(beforeServices));

        // Stopping everything ends the spares too: nothing of them is left.
        QTRY_VERIFY(!spareOf(f.config.name).isEmpty()); // made again without the services
        const QString last = spareOf(f.config.name);
        m_engine->stopAll();
        QVERIFY(m_engine->spareSandboxes().isEmpty());
        if (grouped)
            QVERIFY(!cgroupOf(last));
    }

    void tmpPersistsWithinAnEnvironmentOnly()
    {
        auto f = python(QStringLiteral("PyTmp"));
        const QByteArray write = R"({"action":"write","paths":["/tmp/state"]})";
        const QByteArray read = R"({"action":"read","paths":["/tmp/state"]})";
        QCOMPARE(json(m_engine->invoke(f.config, write).payload).value(QStringLiteral("/tmp/state")).toString(),
                 QStringLiteral("ok"));
        QVERIFY(json(m_engine->invoke(f.config, read).payload).value(QStringLiteral("/tmp/state")).toBool());
        const auto fresh = m_engine->invoke(f.config, read, InvokeOptions{true, {}});
        QVERIFY(fresh.coldStart);
        QVERIFY(!json(fresh.payload).value(QStringLiteral("/tmp/state")).toBool());
    }

    void tmpIsOnDiskNotChargedToMemory()
    {
        // As on Lambda, a 128 MB function can fill more of its 512 MB /tmp than it has memory.
        m_engine->stopAll(); // the other tests' environments, and their folders
        QVERIFY(QDir(m_scratch.path()).isEmpty());
        auto f = python(QStringLiteral("PyTmpDisk"), 128, 30);
        const auto r = m_engine->invoke(f.config, R"({"action":"fill","mb":300})");
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        QCOMPARE(json(r.payload).value(QStringLiteral("written")).toInt(), 300);
        QVERIFY(r.maxMemoryUsedMb <= 128);
        // The environment's folder holds the file while it lives, and goes with it (the other one
        // is the sandbox made ahead for the next cold start, empty).
        QStringList folders = QDir(m_scratch.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        folders.removeIf([this](const QString &d) { return !QFileInfo::exists(m_scratch.filePath(d + u"/fill")); });
        QCOMPARE(folders.size(), 1);
        const QFileInfo fill(m_scratch.filePath(folders.first() + QStringLiteral("/fill")));
        QCOMPARE(fill.size(), qint64(300) << 20);
        QVERIFY(json(m_engine->invoke(f.config, R"({"action":"read","paths":["/tmp/fill"]})").payload)
                    .value(QStringLiteral("/tmp/fill"))
                    .toBool());
        QVERIFY(!m_logs->all().contains(QStringLiteral("fnstudio: /tmp holds")));
        m_engine->stopAll();
        QVERIFY2(QDir(m_scratch.path()).isEmpty(), qPrintable(folders.first()));
    }

    void tmpPastEphemeralStorageIsSaid()
    {
        auto f = python(QStringLiteral("PyTmpFull"));
        f.config.ephemeralStorageMb = 2; // below Lambda's 512 MB minimum, which the template reader enforces
        const auto r = m_engine->invoke(f.config, R"({"action":"fill","mb":3})");
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        const QString logs = m_logs->all();
        QVERIFY2(logs.contains(QStringLiteral("fnstudio: /tmp holds 3 MB, more than this function's EphemeralStorage "
                                              "of 2 MB. On Lambda, writes past 2 MB fail with \"No space left on "
                                              "device\"")),
                 qPrintable(logs));
    }

    void onlyTmpIsWritable()
    {
        auto f = python(QStringLiteral("PyWrite"));
        const auto r = m_engine->invoke(
            f.config,
            R"({"action":"write","paths":["/var/task/new.txt","/usr/new.txt","/opt/new.txt","/etc/new.txt","/tmp/new.txt"]})");
        const QJsonObject out = json(r.payload);
        QCOMPARE(out.value(QStringLiteral("/var/task/new.txt")).toInt(), 30); // EROFS, as on Lambda
        QCOMPARE(out.value(QStringLiteral("/usr/new.txt")).toInt(), 30);
        QCOMPARE(out.value(QStringLiteral("/etc/new.txt")).toInt(), 30);
        QCOMPARE(out.value(QStringLiteral("/tmp/new.txt")).toString(), QStringLiteral("ok"));
        QVERIFY(!QFile::exists(QDir(f.dir.path()).filePath(QStringLiteral("new.txt"))));
    }

    void homeAndOtherEnvironmentsAreInvisible()
    {
        auto f = python(QStringLiteral("PyHome"));
        const QString home = QDir::homePath();
        const QByteArray event =
            QJsonDocument(QJsonObject{{QStringLiteral("action"), QStringLiteral("read")},
                                      {QStringLiteral("paths"), QJsonArray{home, QStringLiteral("/root"),
                                                                           QStringLiteral("/home"), f.dir.path()}}})
                .toJson(QJsonDocument::Compact);
        const QJsonObject out = json(m_engine->invoke(f.config, event).payload);
        QVERIFY(out.contains(home) && out.contains(f.dir.path()) && out.contains(QStringLiteral("/root")));
        for (auto it = out.begin(); it != out.end(); ++it)
            QVERIFY2(!it.value().toBool(), qPrintable(it.key()));
    }

    void seesOnlyItsOwnProcesses()
    {
        auto f = python(QStringLiteral("PyProcs"));
        const auto r = m_engine->invoke(f.config, R"({"action":"procs"})");
        const QJsonArray pids = QJsonDocument::fromJson(r.payload).array();
        QVERIFY2(!pids.isEmpty() && pids.size() <= 3, r.payload.constData()); // bubblewrap's init and the runtime
        QVERIFY(!pids.contains(QJsonValue(int(QCoreApplication::applicationPid()))));
    }

    void handlerErrorKeepsTheEnvironmentWarm()
    {
        auto f = python(QStringLiteral("PyBoom"));
        const auto r = m_engine->invoke(f.config, R"({"action":"boom"})");
        QCOMPARE(r.outcome, InvocationOutcome::FunctionError);
        QCOMPARE(r.errorType, QStringLiteral("ValueError"));
        QCOMPARE(r.errorMessage, QStringLiteral("boom from the handler"));
        const QJsonObject body = json(r.payload);
        QVERIFY(body.value(QStringLiteral("stackTrace")).toArray().size() > 0);
        QVERIFY(m_logs->all().contains(QStringLiteral("[ERROR] ValueError: boom from the handler")));
        const auto next = m_engine->invoke(f.config, "{}");
        QCOMPARE(next.outcome, InvocationOutcome::Success);
        QVERIFY(!next.coldStart);
    }

    void initErrorsOfUserCode_data()
    {
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message");
        QTest::newRow("handler not found")
            << "app.missing" << QByteArray("def handler(e, c):\n    return 1\n") << "Runtime.HandlerNotFound"
            << "Handler 'missing' missing on module 'app'";
        QTest::newRow("import error") << "app.handler" << QByteArray("import not_a_module\n")
                                      << "Runtime.ImportModuleError"
                                      << "Unable to import module 'app': No module named 'not_a_module'";
        QTest::newRow("syntax error") << "app.handler" << QByteArray("def handler(e, c)\n    return 1\n")
                                      << "Runtime.UserCodeSyntaxError"
                                      << "Syntax error in module 'app'";
        QTest::newRow("no module") << "nothere.handler" << QByteArray("x = 1\n") << "Runtime.ImportModuleError"
                                   << "Unable to import module 'nothere'";
    }
    void initErrorsOfUserCode()
    {
        QFETCH(QString, handler);
        QFETCH(QByteArray, code);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        TempFunction f(QStringLiteral("PyInit"), QStringLiteral("python3.12"), handler);
        f.write(QStringLiteral("app.py"), code);
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::InitError);
        QCOMPARE(r.errorType, errorType);
        QVERIFY2(r.errorMessage.startsWith(message), qPrintable(r.errorMessage));
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: ") + errorType));
    }

    void memoryLimitKills()
    {
        auto f = python(QStringLiteral("PyHog"), 128, 20);
        const auto r = m_engine->invoke(f.config, R"({"action":"hog"})");
        QCOMPARE(r.outcome, InvocationOutcome::OutOfMemory);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("RequestId: %1 Error: Runtime exited with error: signal: killed").arg(r.requestId));
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.OutOfMemory")));
        QVERIFY2(r.maxMemoryUsedMb >= 120, qPrintable(r.reportLine));
        QVERIFY(m_engine->invoke(f.config, "{}").coldStart); // the environment was reset
    }

    void forkedChildrenDieWithTheEnvironment()
    {
        auto f = python(QStringLiteral("PyForker"));
        const auto r = m_engine->invoke(f.config, R"({"action":"fork"})");
        QCOMPARE(r.payload, QByteArray("\"forked\""));
        QVERIFY(functionProcesses(QStringLiteral("PyForker")).size() >= 2);
        m_engine->stopEnvironment(r.environmentId);
        QCOMPARE(functionProcesses(QStringLiteral("PyForker")).size(), 0);
    }

    void environmentVariablesOver4KB()
    {
        auto f = python(QStringLiteral("PyBigEnv"));
        f.config.environment = {{QStringLiteral("BIG"), QString(4090, QLatin1Char('v'))}};
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Rejected);
        QCOMPARE(r.errorType, QStringLiteral("InvalidParameterValueException"));
        QVERIFY(r.errorMessage.contains(QStringLiteral("exceeded the 4KB limit")));
        f.config.environment = {{QStringLiteral("AWS_REGION"), QStringLiteral("eu-west-1")}};
        const auto reserved = m_engine->invoke(f.config, "{}");
        QCOMPARE(reserved.outcome, InvocationOutcome::Rejected);
        QVERIFY(reserved.errorMessage.startsWith(QStringLiteral("Environment variable 'AWS_REGION' ")));
    }

    void rlimitFallbackSaysSo()
    {
        // Where no cgroup is writable the engine still runs functions, and says how weakly isolated they are.
        QList<EnvironmentState> states; // outlives the engine, which reports its shutdown
        qputenv("FN_SANDBOX_BACKEND", "rlimit");
        Engine fallback;
        qunsetenv("FN_SANDBOX_BACKEND");
        connect(
            &fallback, &Engine::environmentChanged, this, [&states](const EnvironmentState &s) { states << s; },
            Qt::DirectConnection);
        auto f = python(QStringLiteral("PyFallback"));
        const auto r = fallback.invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::Success);
        QVERIFY(r.maxMemoryUsedMb > 0); // RSS of the process tree, measured
        QVERIFY(!states.isEmpty());
        QVERIFY2(states.constLast().isolation.contains(QStringLiteral("rlimit"), Qt::CaseInsensitive),
                 qPrintable(states.constLast().isolation));
        QVERIFY(fallback.backend().name().contains(QStringLiteral("rlimit")));
    }

    void nodeModulesAndHandlerStyles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("code");
        QTest::newRow("ES module, async") << "index.mjs"
                                          << QByteArray("let n = 0;\nexport const handler = async (event, context) => "
                                                        "({n: ++n, id: context.awsRequestId, echo: event});\n");
        QTest::newRow("CommonJS, async") << "index.js"
                                         << QByteArray("let n = 0;\nexports.handler = async (event, context) => ({n: "
                                                       "++n, id: context.awsRequestId, echo: event});\n");
        QTest::newRow("CommonJS, callback")
            << "index.js"
            << QByteArray("let n = 0;\nexports.handler = (event, context, callback) => { callback(null, {n: ++n, id: "
                          "context.awsRequestId, echo: event}); };\n");
    }
    void nodeModulesAndHandlerStyles()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, code);
        TempFunction f(QStringLiteral("NodeStyles"), QStringLiteral("nodejs20.x"), QStringLiteral("index.handler"));
        f.write(file, code);
        const auto cold = m_engine->invoke(f.config, R"({"k":"v"})");
        QCOMPARE(cold.outcome, InvocationOutcome::Success);
        const auto warm = m_engine->invoke(f.config, R"({"k":"w"})");
        QCOMPARE(json(cold.payload).value(QStringLiteral("n")).toInt(), 1);
        QCOMPARE(json(warm.payload).value(QStringLiteral("n")).toInt(), 2);
        QCOMPARE(json(warm.payload).value(QStringLiteral("id")).toString(), warm.requestId);
        QCOMPARE(json(warm.payload).value(QStringLiteral("echo")).toObject().value(QStringLiteral("k")).toString(),
                 QStringLiteral("w"));
        QVERIFY(!warm.coldStart);
    }

    // Lambda's limits are the runtimes' too: a 6 MB request (exactly 6,291,456 bytes) reaches the
    // handler whole, warm as cold, and a response of that size comes back; 1 MB, the Event limit,
    // and the bundled example's own handler with an event over 256 KiB (the Python runtime's first
    // buffer, which once could not grow: BufferError, reported as Runtime.ExitError).
    void payloadsUpToLambdasLimits_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::addColumn<qint64>("size");
        for (const char *runtime : {"python3.12", "nodejs20.x"}) {
            QTest::addRow("%s, 300 KiB", runtime) << QString::fromLatin1(runtime) << qint64(300 << 10);
            QTest::addRow("%s, 1 MB", runtime) << QString::fromLatin1(runtime) << qint64(1048576);
            QTest::addRow("%s, 6 MB", runtime) << QString::fromLatin1(runtime) << qint64(6291456);
        }
    }
    void payloadsUpToLambdasLimits()
    {
        QFETCH(QString, runtime);
        QFETCH(qint64, size);
        const bool python = runtime.startsWith(QLatin1String("python"));
        TempFunction f(python ? QStringLiteral("PyLimits") : QStringLiteral("NodeLimits"), runtime,
                       QStringLiteral("app.handler"), 30, 512);
        // The answer is the event's data back, under another key: a response as large as the request.
        if (python)
            f.write(QStringLiteral("app.py"), "def handler(event, context):\n"
                                              "    return {\"back\": event[\"data\"]}\n");
        else
            f.write(QStringLiteral("app.js"), "exports.handler = async (event) => ({ back: event.data });\n");
        const QByteArray head = QByteArrayLiteral("{\"data\":\""), tail = QByteArrayLiteral("\"}");
        const QByteArray data(size - head.size() - tail.size(), 'x');
        const QByteArray payload = head + data + tail;
        QCOMPARE(payload.size(), size);
        for (const bool cold : {true, false}) {
            const auto r = m_engine->invoke(f.config, payload, InvokeOptions{cold, {}});
            QVERIFY2(r.outcome == InvocationOutcome::Success, qPrintable(r.errorType + u' ' + r.errorMessage));
            QCOMPARE(r.coldStart, cold);
            QCOMPARE(json(r.payload).value(QStringLiteral("back")).toString().size(), data.size());
            QVERIFY(r.payload.size() <= 6291556); // the response cap: 6 MiB + 100 bytes, as the RIE has it
        }
    }

    void nodeErrorShape()
    {
        TempFunction f(QStringLiteral("NodeBoom"), QStringLiteral("nodejs20.x"), QStringLiteral("index.handler"));
        f.write(QStringLiteral("index.mjs"), "export const handler = async () => { console.log('about to fail'); throw "
                                             "new TypeError('bad input'); };\n");
        const auto r = m_engine->invoke(f.config, "{}");
        QCOMPARE(r.outcome, InvocationOutcome::FunctionError);
        QCOMPARE(r.errorType, QStringLiteral("TypeError"));
        QCOMPARE(r.errorMessage, QStringLiteral("bad input"));
        QVERIFY(json(r.payload).value(QStringLiteral("trace")).toArray().size() > 0);
        const QStringList lines = m_logs->forRequest(r.requestId);
        QVERIFY(
            lines.filter(QRegularExpression(QStringLiteral("\\t%1\\tINFO\\tabout to fail$").arg(r.requestId))).size()
            == 1);
        QVERIFY(lines.filter(QStringLiteral("\tERROR\tInvoke Error \t{")).size() == 1);
    }
};

QTEST_GUILESS_MAIN(TestFunctions)
#include "tst_functions.moc"
