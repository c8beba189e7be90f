// The soak of issue 14: N invocations at concurrency C through the real engine, across Python, Node.js
// and `provided` functions, with faults injected at a given rate (crash, hang past the timeout, out of
// memory, garbage on the Runtime API, slow init, oversized response). Every invocation is checked
// against the exact outcome it must have; after the engine is gone, what it left behind is checked:
// processes, descriptors, threads, cgroups, temporary files, listening ports, and the growth of this
// process's resident memory. Prints figures; exits 0 only if every check held.
//
//   fnstudio-soak [--invocations 100000] [--concurrency 8] [--fault-rate 0.05] [--seed S] [--timeout 2]
//                 [--side-every 10] [--faults crash,hang,...] [--runtimes python,node,provided]
//                 [--idle-timeout-ms 30000] [--max-growth-mb 8]
//
// Resident memory is read after malloc_trim; glibc's per-thread arenas still keep what threads freed
// (the HTTP Runtime API reads each oversized /response whole on a server thread). To tell that from a
// leak, run again with MALLOC_ARENA_MAX=1: a leak grows there too, and stays after shutdown.

#include "functionprocesses.h"
#include "processholdings.h"
#include "sandboxleftovers.h"
#include "sidetraffic.h"
#include "soakplan.h"

#include "engine/engine.h"
#include "sandbox/resourcegroup.h"

#include <httplib.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

using namespace fn;
using namespace fn::soak;

namespace {

void print(const char *format, auto... args)
{
    std::printf(format, args...);
    std::fflush(stdout);
}

QByteArray list(const QStringList &items, int max = 10)
{
    return (items.mid(0, max).join(QStringLiteral(", ")) + (items.size() > max ? QStringLiteral(", …") : QString()))
        .toUtf8();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Soak: invocations with injected faults, checked, then leaks."));
    parser.addHelpOption();
    const QCommandLineOption invocationsOption(QStringLiteral("invocations"), QStringLiteral("How many."),
                                               QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption concurrencyOption(QStringLiteral("concurrency"), QStringLiteral("At once."),
                                               QStringLiteral("C"), QStringLiteral("8"));
    const QCommandLineOption faultRateOption(QStringLiteral("fault-rate"), QStringLiteral("Share with a fault."),
                                             QStringLiteral("R"), QStringLiteral("0.05"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Of the plan."), QStringLiteral("S"),
                                        QStringLiteral("1"));
    const QCommandLineOption idleOption(QStringLiteral("idle-timeout-ms"),
                                        QStringLiteral("Keep-warm of idle environments (forced cold starts add some)."),
                                        QStringLiteral("ms"), QStringLiteral("30000"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QStringLiteral("The functions' Timeout."),
                                           QStringLiteral("s"), QStringLiteral("2"));
    const QCommandLineOption sideOption(QStringLiteral("side-every"),
                                        QStringLiteral("An S3 and SQS round every K invocations (0: none)."),
                                        QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption faultsOption(
        QStringLiteral("faults"),
        QStringLiteral("Only these faults, comma-separated (crash, hang, oom, garbage, "
                       "oversized, slow-init); default all."),
        QStringLiteral("list"));
    const QCommandLineOption runtimesOption(QStringLiteral("runtimes"),
                                            QStringLiteral("Only these runtimes, comma-separated (python, node, "
                                                           "provided); default all."),
                                            QStringLiteral("list"));
    const QCommandLineOption growthOption(QStringLiteral("max-growth-mb"),
                                          QStringLiteral("Resident memory growth per 10,000 still called flat."),
                                          QStringLiteral("MB"), QStringLiteral("8"));
    parser.addOptions({invocationsOption, concurrencyOption, faultRateOption, seedOption, idleOption, timeoutOption,
                       sideOption, faultsOption, runtimesOption, growthOption});
    parser.process(app);
    const int count = std::max(1, parser.value(invocationsOption).toInt());
    const int concurrency = std::max(1, parser.value(concurrencyOption).toInt());
    const double faultRate = parser.value(faultRateOption).toDouble();
    const quint64 seed = parser.value(seedOption).toULongLong();
    const int timeoutSec = std::max(1, parser.value(timeoutOption).toInt());
    const int sideEvery = std::max(0, parser.value(sideOption).toInt());
    const QStringList faultsOnly = parser.value(faultsOption).split(u',', Qt::SkipEmptyParts);
    std::vector<Runtime> runtimes;
    const QStringList runtimesOnly = parser.value(runtimesOption).split(u',', Qt::SkipEmptyParts);
    for (int r = 0; r < RuntimeCount; ++r)
        if (runtimesOnly.isEmpty() || runtimesOnly.contains(QLatin1StringView(runtimeName(Runtime(r)))))
            runtimes.push_back(Runtime(r));
    if (runtimes.empty()) {
        print("--runtimes: none of python, node, provided\n");
        return 2;
    }
    const double maxGrowthMb = parser.value(growthOption).toDouble();

    // Everything temporary goes under one folder of our own, so what is left there is ours.
    QTemporaryDir root(QDir::tempPath() + QStringLiteral("/fnstudio-soak-XXXXXX"));
    const QString tmpDir = root.path() + QStringLiteral("/tmp");
    const QString scratchDir = root.path() + QStringLiteral("/scratch");
    const QString projectDir = root.path() + QStringLiteral("/project");
    QDir().mkpath(tmpDir);
    QDir().mkpath(scratchDir);
    qputenv("TMPDIR", tmpDir.toUtf8());
    qputenv("FN_SCRATCH_DIR", scratchDir.toUtf8());
    qputenv("XDG_CACHE_HOME", (root.path() + QStringLiteral("/cache")).toUtf8());
    if (qEnvironmentVariableIsEmpty("FN_PLUGIN_DIR"))
        qputenv("FN_PLUGIN_DIR", FN_PLUGIN_OUTPUT_DIR);
    Functions functions;
    if (!root.isValid() || !writeFunctions(projectDir, QStringLiteral(FN_SOAK_BOOTSTRAP), timeoutSec, &functions)) {
        print("cannot write the soak's project under %s\n", qPrintable(root.path()));
        return 2;
    }
    const std::vector<Planned> planned = plan(count, faultRate, seed, faultsOnly, runtimes);
    int perMode[ModeCount] = {};
    for (const Planned &p : planned)
        ++perMode[int(p.mode)];

    // One engine made, used once per runtime and ended before the baseline: what lives as long as the
    // process from then on (the one thread that starts every child process, Qt's own) is not a leak.
    const Holdings beforeWarmUp = holdings();
    {
        Engine warmUp;
        for (int r = 0; r < RuntimeCount; ++r)
            if (warmUp.invoke(functions.config[r][0], eventFor(0, Mode::Ok)).outcome != InvocationOutcome::Success)
                print("warm-up: %s did not succeed\n", runtimeName(Runtime(r)));
    }
    const Holdings before = holdings();
    print("before a first engine: %d descriptors, %d threads; after one: %d descriptors, %d threads\n",
          beforeWarmUp.fds, int(beforeWarmUp.threads.size()), before.fds, int(before.threads.size()));
    print("soak: %d invocations at concurrency %d, fault rate %.3f, seed %llu, timeout %d s, under %s\n", count,
          concurrency, faultRate, (unsigned long long)seed, timeoutSec, qPrintable(root.path()));
    print("plan:");
    for (int m = 0; m < ModeCount; ++m)
        print(" %s %d", modeName(Mode(m)), perMode[m]);
    print("\n");

    std::unique_ptr<SideTraffic> side;
    if (sideEvery > 0) {
        side = std::make_unique<SideTraffic>(projectDir);
        if (!side->isReady()) {
            int rounds = 0;
            print("cannot start the S3 and SQS traffic: %s\n", list(side->finish(&rounds)).constData());
            return 2;
        }
    }
    auto engine = std::make_unique<Engine>();
    // Every invocation is also published once (what the studio's timeline and history are built from).
    std::atomic<int> published{0};
    QObject::connect(
        engine.get(), &Engine::invocationFinished, engine.get(), [&published] { ++published; }, Qt::DirectConnection);
    engine->setIdleTimeoutMs(parser.value(idleOption).toLongLong());
    print("sandbox backend: %s\n", qPrintable(engine->backend().name()));

    std::atomic<int> next{0};
    std::atomic<int> finished{0};
    std::mutex mutex;
    QStringList mismatches;
    int mismatchCount = 0;
    int outcomes[RuntimeCount][ModeCount] = {};
    double observedMs[ModeCount] = {};
    const int sampleEvery = count >= 20000 ? 10000 : std::max(1, count / 10);
    std::vector<MemorySampleAt> rss{{0, rssMb(), trimmedRssMb()}};
    QElapsedTimer wall;
    wall.start();
    std::vector<std::thread> workers;
    for (int w = 0; w < concurrency; ++w) {
        workers.emplace_back([&] {
            httplib::Client s3("127.0.0.1", side ? side->port() : 0);
            s3.set_tcp_nodelay(true);
            for (int i = next++; i < count; i = next++) {
                if (side && i % sideEvery == 0)
                    side->round(s3, i);
                const Planned p = planned[size_t(i)];
                InvokeOptions options;
                options.forceCold = p.mode == Mode::SlowInit;
                const InvocationRecord r =
                    engine->invoke(functions.forMode(p.runtime, p.mode), eventFor(i, p.mode), options);
                const QString wrong = mismatch(r, i, p.mode, timeoutSec);
                const int done = ++finished;
                std::lock_guard lock(mutex);
                ++outcomes[p.runtime][int(p.mode)];
                observedMs[int(p.mode)] += r.observedMs;
                if (!wrong.isEmpty() && ++mismatchCount <= 20)
                    mismatches << QStringLiteral("#%1 %2 %3 (%4): %5")
                                      .arg(i)
                                      .arg(QLatin1StringView(runtimeName(p.runtime)),
                                           QLatin1StringView(modeName(p.mode)), r.requestId, wrong);
                if (done % sampleEvery == 0) {
                    const double raw = rssMb();
                    rss.push_back({done, raw, trimmedRssMb()});
                    print("  %d done, %.1f s, RSS %.1f MB (%.1f MB trimmed), %d environments, mismatches %d\n", done,
                          wall.elapsed() / 1000.0, raw, rss.back().trimmedMb, int(engine->environments().size()),
                          mismatchCount);
                }
            }
        });
    }
    for (std::thread &t : workers)
        t.join();
    const double seconds = wall.elapsed() / 1000.0;
    const int liveAtEnd = int(engine->environments().size());
    engine.reset(); // shuts every environment down
    int sideRounds = 0;
    const QStringList sideProblems = side ? side->finish(&sideRounds) : QStringList();
    side.reset();
    const double afterShutdownMb = trimmedRssMb();

    // ---- the figures, and the checks ----
    bool allHeld = true;
    const auto check = [&allHeld](bool holds, const char *what, const QByteArray &detail) {
        print("%-34s %s%s%s\n", what, holds ? "ok" : "FAILED", detail.isEmpty() ? "" : "  ", detail.constData());
        allHeld = allHeld && holds;
    };
    print("\ninvocations                        %d in %.1f s: %.1f invocations/s\n", count, seconds, count / seconds);
    for (int r = 0; r < RuntimeCount; ++r) {
        print("  %-9s", runtimeName(Runtime(r)));
        for (int m = 0; m < ModeCount; ++m)
            if (outcomes[r][m])
                print(" %s %d", modeName(Mode(m)), outcomes[r][m]);
        print("\n");
    }
    print("  mean ms ");
    for (int m = 0; m < ModeCount; ++m)
        if (perMode[m])
            print(" %s %.1f", modeName(Mode(m)), observedMs[m] / perMode[m]);
    print("\n");
    print("environments alive at the end      %d (before shutdown)\n", liveAtEnd);
    check(published == count, "every invocation published once",
          QStringLiteral("%1 invocationFinished for %2").arg(published.load()).arg(count).toUtf8());
    check(mismatchCount == 0, "every outcome as expected", QByteArray::number(mismatchCount) + " mismatches");
    for (const QString &m : mismatches)
        print("    %s\n", qPrintable(m));

    check(sideProblems.isEmpty(), "S3 and SQS traffic as expected",
          QStringLiteral("%1 rounds (PUT, GET, DELETE; send, receive, delete)").arg(sideRounds).toUtf8());
    for (const QString &p : sideProblems)
        print("    %s\n", qPrintable(p));
    print("resident memory (this process)\n");
    for (const MemorySampleAt &m : rss)
        print("  after %6d: %.1f MB, %.1f MB trimmed\n", m.done, m.rssMb, m.trimmedMb);
    print("  after shutdown: %.1f MB trimmed\n", afterShutdownMb);
    const double perTenThousand = growthPerTenThousand(rss);
    check(perTenThousand <= maxGrowthMb, "memory flat",
          QStringLiteral("%1 MB per 10,000 invocations (trimmed, fitted from %2 done on; limit %3)")
              .arg(perTenThousand, 0, 'f', 2)
              .arg(rss.size() > 2 ? rss[rss.size() / 2].done : 0)
              .arg(maxGrowthMb)
              .toUtf8());

    const QStringList processes = descendants();
    QStringList functionLeft;
    for (const auto &row : functions.config)
        for (const FunctionConfig &f : row)
            functionLeft << fn::test::functionProcesses(f.name);
    check(processes.isEmpty(), "no child processes left", list(processes));
    check(functionLeft.isEmpty(), "no function processes left", list(functionLeft));
    const Holdings after = holdings();
    check(after.fds <= before.fds, "no descriptors leaked",
          QStringLiteral("%1 at start, %2 at end").arg(before.fds).arg(after.fds).toUtf8());
    check(after.threads.size() <= before.threads.size(), "no threads leaked",
          QStringLiteral("%1 at start, %2 at end [%3]")
              .arg(before.threads.size())
              .arg(after.threads.size())
              .arg(after.threads.join(u','))
              .toUtf8());
    check(after.ports == before.ports, "no listening ports left",
          QStringLiteral("[%1] at start, [%2] at end").arg(before.ports.join(u','), after.ports.join(u',')).toUtf8());
    const QStringList cgroups = fn::test::cgroupsOwnedBy(QCoreApplication::applicationPid());
    check(cgroups.isEmpty(), "no cgroups left", list(cgroups));
    const QStringList files = leftUnder(tmpDir) + leftUnder(scratchDir);
    check(files.isEmpty(), "no temporary files left", list(files));
    print("%s\n", allHeld ? "soak: all held" : "soak: FAILED");
    return allHeld ? 0 : 1;
}
