#include "clicommand.h"
#include "projectloader.h"

#include "engine/engine.h"
#include "metrics/percentiles.h"
#include "runtime/runtimeregistry.h"
#include "sandbox/bubblewrap.h"
#include "sandbox/childprocess.h"
#include "sandbox/resourcegroup.h"
#include "services/invokeapiserver.h"

#include <httplib.h>

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace fn::cli {

namespace {

using Clock = std::chrono::steady_clock;

double usSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// Latencies in microseconds, as percentiles by core's nearest-rank rule (the Metrics panel's too).
QJsonObject toJson(const Percentiles &p)
{
    return {{QStringLiteral("n"), qint64(p.size())},
            {QStringLiteral("p50_us"), p.at(50)},
            {QStringLiteral("p90_us"), p.at(90)},
            {QStringLiteral("p99_us"), p.at(99)},
            {QStringLiteral("max_us"), p.max()}};
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * 4096 : 0;
}

// A trivial handler for a runtime, written into dir; the function that runs it.
FunctionConfig trivialFunction(const QString &runtime, const QString &dir, int memoryMb)
{
    FunctionConfig f;
    f.memoryMb = memoryMb;
    f.timeoutSec = 30;
    f.codeDir = dir;
    if (runtime == QLatin1String("nodejs")) {
        f.name = QStringLiteral("BenchNode");
        f.runtime = QStringLiteral("nodejs20.x");
        f.handler = QStringLiteral("index.handler");
        QFile file(dir + QStringLiteral("/index.mjs"));
        if (file.open(QIODevice::WriteOnly))
            file.write("export const handler = async (event) => {\n"
                       "  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));\n"
                       "  return event;\n};\n");
    } else {
        f.name = QStringLiteral("BenchPython");
        f.runtime = QStringLiteral("python3.12");
        f.handler = QStringLiteral("app.handler");
        QFile file(dir + QStringLiteral("/app.py"));
        if (file.open(QIODevice::WriteOnly))
            file.write("import time\n"
                       "def handler(event, context):\n"
                       "    if event.get('sleepMs'):\n"
                       "        time.sleep(event['sleepMs'] / 1000)\n"
                       "    return event\n");
    }
    return f;
}

// Wall time of starting the bare interpreter through the same process chokepoint.
std::vector<double> bareStarts(const RuntimeDescriptor &rt, int count)
{
    std::vector<double> out;
    if (rt.bareStartCommand.isEmpty())
        return out;
    for (int i = 0; i < count; ++i) {
        ProcessSpec spec;
        spec.program = rt.bareStartCommand.first();
        spec.arguments = rt.bareStartCommand.mid(1);
        ChildProcess child;
        QString error;
        const auto t0 = Clock::now();
        if (!child.start(spec, &error))
            break;
        child.waitForExit(-1);
        out.push_back(usSince(t0) / 1000.0);
    }
    return out;
}

// Wall time of the same bare start inside bubblewrap with an environment's layout, namespaces,
// seccomp filter and copied files (in this process's network rather than one of its own, and
// outside a resource group): what isolation itself costs, apart from fnstudio's own work.
std::vector<double> bareSandboxedStarts(const RuntimeDescriptor &rt, const QString &codeDir, int count)
{
    std::vector<double> out;
    QTemporaryDir tmp;
    if (rt.bareStartCommand.isEmpty() || Bubblewrap::executable().isEmpty() || !tmp.isValid())
        return out;
    for (int i = 0; i < count; ++i) {
        SandboxLayout layout;
        layout.codeDir = codeDir;
        layout.runtimeDir = rt.pluginDir;
        layout.tmpDir = tmp.path();
        layout.networkJoined = true;
        ProcessSpec spec;
        QString error;
        const auto t0 = Clock::now();
        if (!Bubblewrap::prepare(spec, layout, 3, &error))
            break;
        spec.arguments = Bubblewrap::arguments(layout, rt.bareStartCommand);
        ChildProcess child;
        const bool started = child.start(spec, &error);
        for (const ProcessSpec::PassedFd &p : spec.passFds)
            ::close(p.fd);
        if (!started)
            break;
        child.waitForExit(-1);
        out.push_back(usSince(t0) / 1000.0);
    }
    return out;
}

// CPU time (user + system) this process has used, in seconds.
double processCpuSeconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
           + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The engine's own CPU while `busy` environments sit in a sleeping handler for `ms`, with the
// memory sampler at `periodMs` (0: off). Returns the share of one core, in percent.
double engineCpuWhileBusy(Engine &engine, const FunctionConfig &f, int busy, int ms, int periodMs, int *samples)
{
    engine.setSamplingIntervalMs(periodMs);
    std::atomic<int> count{0};
    const auto connection = QObject::connect(
        &engine, &Engine::memorySampled, &engine, [&count](const MemorySample &) { ++count; }, Qt::DirectConnection);
    const QByteArray sleeping = QByteArrayLiteral("{\"sleepMs\":") + QByteArray::number(ms) + '}';
    std::vector<std::thread> threads;
    const double cpu0 = processCpuSeconds();
    const auto t0 = Clock::now();
    for (int i = 0; i < busy; ++i)
        threads.emplace_back([&] { engine.invoke(f, sleeping); });
    for (auto &t : threads)
        t.join();
    const double wall = usSince(t0) / 1e6;
    const double cpu = processCpuSeconds() - cpu0;
    QObject::disconnect(connection);
    engine.setSamplingIntervalMs(0);
    if (samples)
        *samples = count.load();
    return 100.0 * cpu / wall;
}

// Medians are p50 by the same rule: for an even count, the lower of the two middle values.
double median(std::vector<double> v)
{
    return Percentiles(std::move(v)).median();
}

} // namespace

int bench(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures warm latency, cold start (with the bare interpreter "
                                                    "start beside it), throughput and engine memory."));
    parser.addHelpOption();
    const QCommandLineOption functionOpt(QStringLiteral("function"),
                                         QStringLiteral("a project function instead of the trivial handler"),
                                         QStringLiteral("F"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder for --function"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption runtimeOpt(QStringLiteral("runtime"), QStringLiteral("python or nodejs (trivial handler)"),
                                        QStringLiteral("R"), QStringLiteral("python"));
    const QCommandLineOption nOpt(QStringLiteral("n"), QStringLiteral("warm invocations (default 2000)"),
                                  QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption concurrencyOpt(
        QStringLiteral("concurrency"),
        QStringLiteral("comma-separated concurrency levels for throughput (default 1,2,8)"), QStringLiteral("C"),
        QStringLiteral("1,2,8"));
    const QCommandLineOption coldOpt(QStringLiteral("cold"), QStringLiteral("cold starts to measure (default 10)"),
                                     QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption memoryOpt(QStringLiteral("memory"),
                                       QStringLiteral("MemorySize of the trivial function (default 1769: one vCPU)"),
                                       QStringLiteral("MB"), QStringLiteral("1769"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("print JSON instead of a table"));
    parser.addOptions({functionOpt, projectOpt, runtimeOpt, nOpt, concurrencyOpt, coldOpt, memoryOpt, jsonOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    const int n = std::max(10, parser.value(nOpt).toInt());
    const int colds = std::max(1, parser.value(coldOpt).toInt());
    QList<int> levels;
    for (const QString &c : parser.value(concurrencyOpt).split(QLatin1Char(',')))
        if (c.toInt() > 0)
            levels << c.toInt();

    QTemporaryDir scratch;
    std::optional<FunctionConfig> function;
    if (parser.isSet(functionOpt))
        function = loadFunction(parser.value(projectOpt), parser.value(functionOpt), {});
    else
        function = trivialFunction(parser.value(runtimeOpt), scratch.path(), parser.value(memoryOpt).toInt());
    if (!function)
        return 2;

    const qint64 rssBefore = residentBytes();
    Engine engine;
    engine.setSamplingIntervalMs(0); // measure the invocation path, not the sampler
    QString runtimeError;
    const auto runtime = engine.registry().resolve(function->runtime, &runtimeError);
    if (!runtime) {
        error(runtimeError);
        return 2;
    }
    const QByteArray payload = QByteArrayLiteral("{\"hello\":\"world\"}");

    // Cold starts, each phase, beside the bare interpreter started the same way. The two alternate,
    // one of each in turn, so that a change in the machine's load falls on both alike. Each after a
    // pause, as a person invokes: the engine has made the next environment's network by then (see
    // NetworkPool); back-to-back cold starts, measured after, wait for theirs. Two series: with the
    // sandbox made on the spot (a configuration's first cold start), then with the sandbox made
    // ahead, after the cold start before it, as every later one is (see SpareSandboxes); the bare
    // starts are timed once that making is over, so that it slows neither.
    struct ColdSeries
    {
        std::vector<double> total, sandbox, runtimeStart, init, firstInvoke, madeAhead;
    };
    ColdSeries onTheSpot, ahead;
    std::vector<double> bare, bareSandboxed;
    const auto spareReady = [&engine, &function] {
        for (int i = 0; i < 200; ++i) {
            const auto spares = engine.spareSandboxes();
            if (std::any_of(spares.begin(), spares.end(),
                            [&function](const QStringList &s) { return s.value(0) == function->name; }))
                return;
            QThread::msleep(5);
        }
    };
    for (ColdSeries *series : {&onTheSpot, &ahead}) {
        const bool madeAhead = series == &ahead;
        engine.setSpareSandboxes(madeAhead ? 4 : 0);
        if (madeAhead) { // the first spare comes after a cold start
            engine.invoke(*function, payload, InvokeOptions{true, {}});
            spareReady();
        }
        for (int i = 0; i < colds; ++i) {
            QThread::msleep(400);
            const auto r = engine.invoke(*function, payload, InvokeOptions{true, {}});
            if (r.failed()) {
                error(QStringLiteral("cold invocation failed: %1 %2").arg(r.errorType, r.errorMessage));
                return 1;
            }
            series->total.push_back(r.initDurationMs + r.durationMs);
            series->sandbox.push_back(r.phases.sandboxMs);
            series->runtimeStart.push_back(r.phases.runtimeStartMs);
            series->init.push_back(r.phases.initMs);
            series->firstInvoke.push_back(r.durationMs);
            series->madeAhead.push_back(r.phases.sandboxMadeAheadMs);
            if (madeAhead)
                spareReady();
            for (double ms : bareStarts(*runtime, 1))
                bare.push_back(ms);
            for (double ms : bareSandboxedStarts(*runtime, function->codeDir, 1))
                bareSandboxed.push_back(ms);
        }
    }
    engine.setSpareSandboxes(0); // back to back: each on the spot
    std::vector<double> backToBack;
    for (int i = 0; i < std::min(colds, 8); ++i) {
        const auto r = engine.invoke(*function, payload, InvokeOptions{true, {}});
        if (!r.failed())
            backToBack.push_back(r.initDurationMs + r.durationMs);
    }
    engine.stopAll();

    // Warm latency through the engine's API, one environment.
    engine.invoke(*function, payload);
    for (int i = 0; i < 200; ++i)
        engine.invoke(*function, payload);
    std::vector<double> warm;
    warm.reserve(size_t(n));
    int failed = 0;
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        const auto r = engine.invoke(*function, payload);
        warm.push_back(usSince(t0));
        failed += r.failed() ? 1 : 0;
    }
    const Percentiles warmP(std::move(warm));

    // Warm latency through the Lambda Invoke API: one keep-alive HTTP connection, as an SDK keeps.
    Percentiles httpP;
    int httpFailed = 0;
    {
        InvokeApiServer api(engine);
        api.setFunctions({*function});
        QString apiError;
        if (api.start(QStringLiteral("127.0.0.1"), 0, &apiError)) {
            httplib::Client client("127.0.0.1", api.port());
            client.set_tcp_nodelay(true);
            client.set_keep_alive(true);
            const std::string path = "/2015-03-31/functions/" + function->name.toStdString() + "/invocations";
            const std::string body = payload.toStdString();
            for (int i = 0; i < 200; ++i)
                client.Post(path.c_str(), body, "application/json");
            std::vector<double> http;
            http.reserve(size_t(n));
            for (int i = 0; i < n; ++i) {
                const auto t0 = Clock::now();
                const auto res = client.Post(path.c_str(), body, "application/json");
                http.push_back(usSince(t0));
                httpFailed += (!res || res->status != 200 || res->has_header("X-Amz-Function-Error")) ? 1 : 0;
            }
            httpP = Percentiles(std::move(http));
        } else {
            error(QStringLiteral("Invoke API: ") + apiError);
        }
    }
    const qint64 rssOneEnv = residentBytes();

    // Throughput at each concurrency level: C threads, n invocations in all.
    QJsonArray throughput;
    QList<QPair<int, QPair<double, int>>> throughputRows;
    for (int c : levels) {
        // Warm c environments first so the figure is about warm invocations.
        {
            std::vector<std::thread> warmers;
            for (int t = 0; t < c; ++t)
                warmers.emplace_back([&] { engine.invoke(*function, payload); });
            for (auto &t : warmers)
                t.join();
        }
        std::atomic<int> next{0}, ok{0}, lost{0};
        const auto t0 = Clock::now();
        std::vector<std::thread> workers;
        for (int t = 0; t < c; ++t)
            workers.emplace_back([&] {
                while (next.fetch_add(1) < n) {
                    const auto r = engine.invoke(*function, payload);
                    (r.failed() ? lost : ok).fetch_add(1);
                    if (r.failed())
                        error(
                            QStringLiteral("lost: %1 %2 %3").arg(outcomeName(r.outcome), r.errorType, r.errorMessage));
                }
            });
        for (auto &t : workers)
            t.join();
        const double seconds = usSince(t0) / 1e6;
        const double perSecond = ok.load() / seconds;
        throughput.append(QJsonObject{{QStringLiteral("concurrency"), c},
                                      {QStringLiteral("invocations_per_second"), perSecond},
                                      {QStringLiteral("completed"), ok.load()},
                                      {QStringLiteral("lost"), lost.load()}});
        throughputRows.append({c, {perSecond, lost.load()}});
    }
    const int environments = int(engine.environments().size());
    const qint64 rssAfter = residentBytes();

    // History: does the engine grow with invocations it has served?
    const qint64 rssBeforeHistory = residentBytes();
    for (int i = 0; i < 10000; ++i)
        engine.invoke(*function, payload);
    const qint64 historyBytes = residentBytes() - rssBeforeHistory;

    // Memory sampling: 10 busy environments (warmed first), sampler at 20 Hz versus off.
    constexpr int Busy = 10, BusyMs = 3000;
    {
        std::vector<std::thread> warmers;
        for (int i = 0; i < Busy; ++i)
            warmers.emplace_back([&] { engine.invoke(*function, payload); });
        for (auto &t : warmers)
            t.join();
    }
    int samplesOff = 0, samplesOn = 0;
    const double cpuOff = engineCpuWhileBusy(engine, *function, Busy, BusyMs, 0, &samplesOff);
    const double cpuOn = engineCpuWhileBusy(engine, *function, Busy, BusyMs, 50, &samplesOn);

    const auto coldJson = [&](const ColdSeries &c) {
        return QJsonObject{{QStringLiteral("n"), colds},
                           {QStringLiteral("total_median"), median(c.total)},
                           {QStringLiteral("sandbox_median"), median(c.sandbox)},
                           {QStringLiteral("sandbox_made_ahead_median"), median(c.madeAhead)},
                           {QStringLiteral("runtime_start_median"), median(c.runtimeStart)},
                           {QStringLiteral("module_init_median"), median(c.init)},
                           {QStringLiteral("first_invocation_median"), median(c.firstInvoke)},
                           {QStringLiteral("bare_interpreter_median"), median(bare)},
                           {QStringLiteral("above_bare_median"), median(c.total) - median(bare)},
                           {QStringLiteral("bare_in_bubblewrap_median"), median(bareSandboxed)},
                           {QStringLiteral("back_to_back_median"), median(backToBack)}};
    };
    const QJsonObject result{
        {QStringLiteral("function"), function->name},
        {QStringLiteral("runtime"), function->runtime},
        {QStringLiteral("interpreter"), QString(runtime->interpreter + QLatin1Char(' ') + runtime->interpreterVersion)},
        {QStringLiteral("memory_mb"), function->memoryMb},
        {QStringLiteral("sandbox_backend"), engine.backend().name()},
        {QStringLiteral("warm_engine_api"), toJson(warmP)},
        {QStringLiteral("warm_failed"), failed},
        {QStringLiteral("warm_invoke_api_http"), toJson(httpP)},
        {QStringLiteral("warm_invoke_api_http_failed"), httpFailed},
        {QStringLiteral("cold_start_ms"), coldJson(ahead)},
        {QStringLiteral("cold_start_sandbox_made_on_the_spot_ms"), coldJson(onTheSpot)},
        {QStringLiteral("throughput"), throughput},
        {QStringLiteral("memory_sampling"),
         QJsonObject{{QStringLiteral("busy_environments"), Busy},
                     {QStringLiteral("period_ms"), 50},
                     {QStringLiteral("samples"), samplesOn},
                     {QStringLiteral("engine_cpu_percent_sampling"), cpuOn},
                     {QStringLiteral("engine_cpu_percent_not_sampling"), cpuOff},
                     {QStringLiteral("sampling_cost_percent_of_a_core"), cpuOn - cpuOff}}},
        {QStringLiteral("engine_rss_bytes"),
         QJsonObject{{QStringLiteral("before_engine"), QJsonValue(rssBefore)},
                     {QStringLiteral("one_environment"), QJsonValue(rssOneEnv)},
                     {QStringLiteral("after_throughput"), QJsonValue(rssAfter)},
                     {QStringLiteral("environments"), environments},
                     {QStringLiteral("per_environment"),
                      QJsonValue(environments > 0 ? double(rssAfter - rssBefore) / environments : 0.0)},
                     {QStringLiteral("growth_per_10000_invocations"), QJsonValue(historyBytes)}}},
    };
    if (parser.isSet(jsonOpt)) {
        std::fputs(QJsonDocument(result).toJson().constData(), stdout);
        return failed || httpFailed ? 1 : 0;
    }
    const auto line = [](const QString &s) { std::printf("%s\n", s.toLocal8Bit().constData()); };
    line(QStringLiteral("%1 (%2, %3 MB, %4)")
             .arg(function->name, runtime->interpreter + QLatin1Char(' ') + runtime->interpreterVersion)
             .arg(function->memoryMb)
             .arg(engine.backend().name()));
    line(QStringLiteral("warm invocation, engine API (n=%1):  p50 %2 us  p90 %3 us  p99 %4 us  max %5 us  failed %6")
             .arg(qint64(warmP.size()))
             .arg(warmP.at(50), 0, 'f', 0)
             .arg(warmP.at(90), 0, 'f', 0)
             .arg(warmP.at(99), 0, 'f', 0)
             .arg(warmP.max(), 0, 'f', 0)
             .arg(failed));
    line(QStringLiteral("warm invocation, Invoke API over keep-alive HTTP (n=%1):  p50 %2 us  p90 %3 us  p99 %4 us  "
                        "max %5 us  failed %6")
             .arg(qint64(httpP.size()))
             .arg(httpP.at(50), 0, 'f', 0)
             .arg(httpP.at(90), 0, 'f', 0)
             .arg(httpP.at(99), 0, 'f', 0)
             .arg(httpP.max(), 0, 'f', 0)
             .arg(httpFailed));
    const auto coldLine = [&](const QString &title, const ColdSeries &c) {
        line(QStringLiteral("cold start, %1, median of %2 (ms):  total %3 = sandbox %4 + runtime start %5 + "
                            "module init %6 + first invocation %7")
                 .arg(title)
                 .arg(colds)
                 .arg(median(c.total), 0, 'f', 1)
                 .arg(median(c.sandbox), 0, 'f', 1)
                 .arg(median(c.runtimeStart), 0, 'f', 1)
                 .arg(median(c.init), 0, 'f', 1)
                 .arg(median(c.firstInvoke), 0, 'f', 2));
    };
    coldLine(QStringLiteral("sandbox made on the spot (a configuration's first)"), onTheSpot);
    coldLine(QStringLiteral("sandbox made ahead (every later one)"), ahead);
    line(QStringLiteral("   (made ahead, in the background after the cold start before it: %1 ms, off the path)")
             .arg(median(ahead.madeAhead), 0, 'f', 1));
    line(QStringLiteral("bare interpreter start, median (ms): %1  (%2)   cold start above it: %3 ms made ahead, "
                        "%4 ms on the spot")
             .arg(median(bare), 0, 'f', 1)
             .arg(runtime->bareStartCommand.join(QLatin1Char(' ')))
             .arg(median(ahead.total) - median(bare), 0, 'f', 1)
             .arg(median(onTheSpot.total) - median(bare), 0, 'f', 1));
    if (!bareSandboxed.empty())
        line(QStringLiteral("the same bare start inside bubblewrap, median (ms): %1   isolation costs %2 ms of the %3 "
                            "on the spot; fnstudio's own work and the function's init the other %4 ms")
                 .arg(median(bareSandboxed), 0, 'f', 1)
                 .arg(median(bareSandboxed) - median(bare), 0, 'f', 1)
                 .arg(median(onTheSpot.total) - median(bare), 0, 'f', 1)
                 .arg(median(onTheSpot.total) - median(bareSandboxed), 0, 'f', 1));
    line(QStringLiteral("cold starts back to back, sandbox made on the spot, median of %1 (ms): %2 (each waits for "
                        "its network: +%3 ms)")
             .arg(qint64(backToBack.size()))
             .arg(median(backToBack), 0, 'f', 1)
             .arg(median(backToBack) - median(onTheSpot.total), 0, 'f', 1));
    for (const auto &row : std::as_const(throughputRows))
        line(QStringLiteral("throughput at concurrency %1: %2 invocations/s, %3 lost")
                 .arg(row.first)
                 .arg(row.second.first, 0, 'f', 0)
                 .arg(row.second.second));
    line(QStringLiteral("memory sampling at 20 Hz, %1 busy environments: %2 samples; engine CPU %3% of a core "
                        "(%4% without sampling): sampling costs %5% of a core")
             .arg(Busy)
             .arg(samplesOn)
             .arg(cpuOn, 0, 'f', 2)
             .arg(cpuOff, 0, 'f', 2)
             .arg(cpuOn - cpuOff, 0, 'f', 2));
    line(QStringLiteral(
             "engine memory: %1 KiB per environment (%2 environments); growth over 10,000 invocations: %3 KiB")
             .arg(environments > 0 ? (rssAfter - rssBefore) / 1024 / environments : 0)
             .arg(environments)
             .arg(historyBytes / 1024));
    return failed || httpFailed ? 1 : 0;
}

} // namespace fn::cli
