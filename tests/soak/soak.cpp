// The soak of issue 14: N invocations at concurrency C through the real engine, across Python, Node.js
// and `provided` functions, with faults injected at a given rate (crash, hang past the timeout, out of
// memory, garbage on the Runtime API, slow init, oversized response). Every invocation is checked
// against the exact outcome it must have; after the engine is gone, what it left behind is checked:
// processes, descriptors, threads, cgroups, temporary files, listening ports, and the growth of this
// process's resident memory. Prints figures; exits 0 only if every check held.
//
//   fnstudio-soak [--invocations 100000] [--concurrency 8] [--fault-rate 0.05] [--seed S]
//                 [--idle-timeout-ms 30000] [--max-growth-mb 8]

#include "functionprocesses.h"
#include "sandboxleftovers.h"

#include "clock/clock.h"
#include "engine/engine.h"
#include "sandbox/resourcegroup.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"

#include <httplib.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <malloc.h>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace fn;

namespace {

enum class Mode { Ok, Crash, Hang, OutOfMemory, Garbage, Oversized, SlowInit };
constexpr int ModeCount = 7;

const char *modeName(Mode mode)
{
    switch (mode) {
    case Mode::Ok:
        return "ok";
    case Mode::Crash:
        return "crash";
    case Mode::Hang:
        return "hang";
    case Mode::OutOfMemory:
        return "oom";
    case Mode::Garbage:
        return "garbage";
    case Mode::Oversized:
        return "oversized";
    case Mode::SlowInit:
        return "slow-init";
    }
    return "?";
}

enum Runtime { Python, Node, Provided, RuntimeCount };
const char *const runtimeNames[RuntimeCount] = {"python", "node", "provided"};

constexpr int InitSleepMs = 300;
constexpr int OversizedChars = 6 * 1024 * 1024 + 100;

// ---- the functions, written into the soak's own project folder ----

const char pythonCode[] = R"(import os
import time

_sleep = int(os.environ.get("SOAK_INIT_SLEEP_MS", "0"))
if _sleep:
    time.sleep(_sleep / 1000)


def handler(event, context):
    mode = event["mode"]
    if mode == "crash":
        os._exit(3)
    if mode == "hang":
        time.sleep(3600)
    if mode == "oom":
        hog = []
        while True:
            hog.append(b"\x01" * (16 << 20))
    if mode == "oversized":
        return "x" * %1
    return event["token"]
)";

const char nodeCode[] = R"(const sleep = parseInt(process.env.SOAK_INIT_SLEEP_MS || '0', 10);
if (sleep > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleep);

exports.handler = async (event) => {
  switch (event.mode) {
    case 'crash':
      process.exit(3);
    case 'hang':
      await new Promise((resolve) => setTimeout(resolve, 3600 * 1000));
      return null;
    case 'oom': {
      const hog = [];
      for (;;) hog.push(Buffer.alloc(16 << 20, 1));
    }
    case 'oversized':
      return 'x'.repeat(%1);
    default:
      return event.token;
  }
};
)";

bool writeFile(const QString &path, const QByteArray &content, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
        return false;
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    return true;
}

// Two functions per runtime: [runtime][0] plain, [runtime][1] with a slow module init.
struct Functions
{
    FunctionConfig config[RuntimeCount][2];
};

bool writeFunctions(const QString &projectDir, int timeoutSec, Functions *out)
{
    const QString names[RuntimeCount] = {QStringLiteral("SoakPython"), QStringLiteral("SoakNode"),
                                         QStringLiteral("SoakProvided")};
    const QString runtimes[RuntimeCount] = {QStringLiteral("python3.12"), QStringLiteral("nodejs20.x"),
                                            QStringLiteral("provided.al2023")};
    const QString handlers[RuntimeCount] = {QStringLiteral("app.handler"), QStringLiteral("index.handler"), QString()};
    const QString size = QString::number(OversizedChars);
    for (int r = 0; r < RuntimeCount; ++r) {
        const QString codeDir = projectDir + u'/' + names[r];
        bool written = false;
        if (r == Python)
            written = writeFile(codeDir + QStringLiteral("/app.py"), QString::fromUtf8(pythonCode).arg(size).toUtf8());
        else if (r == Node)
            written = writeFile(codeDir + QStringLiteral("/index.js"), QString::fromUtf8(nodeCode).arg(size).toUtf8());
        else {
            QFile bootstrap(QStringLiteral(FN_SOAK_BOOTSTRAP));
            written = bootstrap.open(QIODevice::ReadOnly)
                      && writeFile(codeDir + QStringLiteral("/bootstrap"), bootstrap.readAll(), true);
        }
        if (!written)
            return false;
        for (int slow = 0; slow < 2; ++slow) {
            FunctionConfig &f = out->config[r][slow];
            f.name = names[r] + (slow ? QStringLiteral("Slow") : QString());
            f.runtime = runtimes[r];
            f.handler = handlers[r];
            f.codeDir = codeDir;
            f.memoryMb = 128;
            f.timeoutSec = timeoutSec;
            if (slow)
                f.environment = {{QStringLiteral("SOAK_INIT_SLEEP_MS"), QString::number(InitSleepMs)}};
        }
    }
    return true;
}

// ---- what each invocation must end with ----

struct Planned
{
    Runtime runtime;
    Mode mode;
};

std::vector<Planned> plan(int count, double faultRate, quint64 seed, const QStringList &only,
                          const std::vector<Runtime> &runtimes)
{
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<Planned> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        const Runtime runtime = runtimes[random() % runtimes.size()];
        Mode mode = Mode::Ok;
        if (unit(random) < faultRate) {
            // Garbage on the Runtime API is the custom runtime's fault; the others' bootstraps are ours.
            std::vector<Mode> faults{Mode::Crash, Mode::Hang, Mode::OutOfMemory, Mode::Oversized, Mode::SlowInit};
            if (runtime == Provided)
                faults.push_back(Mode::Garbage);
            if (!only.isEmpty())
                std::erase_if(faults, [&only](Mode m) { return !only.contains(QLatin1StringView(modeName(m))); });
            if (faults.empty())
                faults.push_back(Mode::Ok);
            mode = faults[random() % faults.size()];
        }
        out.push_back({runtime, mode});
    }
    return out;
}

QByteArray eventFor(int index, Mode mode)
{
    return QStringLiteral("{\"mode\":\"%1\",\"token\":\"t%2\"}")
        .arg(QLatin1StringView(mode == Mode::SlowInit ? "ok" : modeName(mode)))
        .arg(index)
        .toUtf8();
}

// Empty if `r` is exactly what invocation `index` in `mode` must give; else what differs.
QString mismatch(const InvocationRecord &r, int index, Mode mode, int timeoutSec)
{
    QStringList wrong;
    const auto expect = [&wrong](bool holds, const QString &what) {
        if (!holds)
            wrong << what;
    };
    const auto exitError = [&](InvocationOutcome outcome, const QString &how) {
        expect(r.outcome == outcome,
               QStringLiteral("outcome %1, not %2").arg(outcomeName(r.outcome), outcomeName(outcome)));
        expect(r.errorType == QLatin1String("Runtime.ExitError"), QStringLiteral("errorType ") + r.errorType);
        const QString message =
            QStringLiteral("RequestId: %1 Error: Runtime exited with error: %2").arg(r.requestId, how);
        expect(r.errorMessage == message, QStringLiteral("errorMessage ") + r.errorMessage);
    };
    switch (mode) {
    case Mode::Ok:
    case Mode::SlowInit:
        expect(r.outcome == InvocationOutcome::Success, QStringLiteral("outcome ") + outcomeName(r.outcome));
        expect(r.payload == "\"t" + QByteArray::number(index) + '"',
               QStringLiteral("payload ") + QString::fromUtf8(r.payload.left(200)));
        if (mode == Mode::SlowInit) {
            expect(r.coldStart, QStringLiteral("not a cold start"));
            expect(r.initDurationMs >= InitSleepMs, QStringLiteral("init %1 ms").arg(r.initDurationMs));
        }
        break;
    case Mode::Crash:
        exitError(InvocationOutcome::RuntimeExit, QStringLiteral("exit status 3"));
        break;
    case Mode::Garbage:
        exitError(InvocationOutcome::RuntimeExit, QStringLiteral("exit status 1"));
        break;
    case Mode::OutOfMemory:
        exitError(InvocationOutcome::OutOfMemory, QStringLiteral("signal: killed"));
        expect(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.OutOfMemory")),
               QStringLiteral("REPORT ") + r.reportLine);
        break;
    case Mode::Hang:
        expect(r.outcome == InvocationOutcome::Timeout, QStringLiteral("outcome ") + outcomeName(r.outcome));
        expect(r.errorType == QLatin1String("Sandbox.Timedout"), QStringLiteral("errorType ") + r.errorType);
        expect(r.errorMessage
                   == QStringLiteral("RequestId: %1 Error: Task timed out after %2.00 seconds")
                          .arg(r.requestId)
                          .arg(timeoutSec),
               QStringLiteral("errorMessage ") + r.errorMessage);
        break;
    case Mode::Oversized:
        expect(r.outcome == InvocationOutcome::FunctionError, QStringLiteral("outcome ") + outcomeName(r.outcome));
        expect(r.errorType == QLatin1String("Function.ResponseSizeTooLarge"),
               QStringLiteral("errorType ") + r.errorType);
        expect(r.errorMessage
                   == QStringLiteral("Response payload size (%1 bytes) exceeded maximum allowed payload size "
                                     "(6291556 bytes).")
                          .arg(OversizedChars + 2),
               QStringLiteral("errorMessage ") + r.errorMessage);
        break;
    }
    return wrong.join(QStringLiteral("; "));
}

int entries(const QString &dir);

// ---- S3 and SQS traffic beside the invocations ----

// Every so many invocations a worker also puts an object through the local S3 endpoint, reads it back
// and deletes it, and sends a message to a local SQS queue and receives (and deletes) what is visible.
// At the end every object is gone, the bucket folder empty, and every message received exactly once.
class SideTraffic
{
public:
    static constexpr const char *Bucket = "soak";
    static constexpr const char *Queue = "soak-queue";

    explicit SideTraffic(const QString &projectDir)
        : m_objects(projectDir)
        , m_endpoint(m_objects)
    {
        QString error;
        m_store.open(Store::defaultPath(projectDir), &error);
        m_queue = std::make_unique<SqsQueueStore>(m_store, m_clock);
        if (!m_objects.createBucket(QString::fromLatin1(Bucket), &error) || !m_queue->isValid()
            || !m_endpoint.start(QStringLiteral("127.0.0.1"), 0, &error))
            m_problems << QStringLiteral("set-up: ") + error;
    }
    bool isReady() const { return m_problems.isEmpty(); }
    int port() const { return m_endpoint.port(); }

    // One round, from a worker with its own client of the S3 endpoint.
    void round(httplib::Client &s3, int index)
    {
        const std::string path = std::string("/") + Bucket + "/object-" + std::to_string(index);
        // Sizes from 1 byte to 256 KiB, content that differs per object.
        const std::string body(size_t(1 + (index * 7919) % (256 << 10)), char('a' + index % 26));
        const auto put = s3.Put(path, body, "application/octet-stream");
        const auto get = s3.Get(path);
        const auto del = s3.Delete(path);
        if (!put || put->status != 200 || !get || get->status != 200 || get->body != body || !del || del->status != 204)
            problem(QStringLiteral("S3 object-%1: PUT %2, GET %3 (%4 bytes of %5), DELETE %6")
                        .arg(index)
                        .arg(put ? put->status : -1)
                        .arg(get ? get->status : -1)
                        .arg(get ? qint64(get->body.size()) : -1)
                        .arg(body.size())
                        .arg(del ? del->status : -1));
        const QByteArray message = "message-" + QByteArray::number(index);
        QString error;
        if (!m_queue->send(QString::fromLatin1(Queue), message, "{}", &error))
            problem(QStringLiteral("SQS send %1: %2").arg(index).arg(error));
        ++m_sent;
        ++m_rounds;
        receive();
    }

    // Stops the endpoint, drains the queue; the figures and what went wrong.
    QStringList finish(int *rounds)
    {
        m_endpoint.stop();
        while (receive() > 0) {
        }
        *rounds = m_rounds;
        QStringList problems = m_problems;
        if (m_received != m_sent)
            problems << QStringLiteral("SQS: %1 sent, %2 received").arg(m_sent.load()).arg(m_received.load());
        if (m_duplicates > 0)
            problems << QStringLiteral("SQS: %1 messages received twice").arg(m_duplicates);
        if (const auto left = m_queue->messages(QString::fromLatin1(Queue)); !left.isEmpty())
            problems << QStringLiteral("SQS: %1 messages left in the queue").arg(left.size());
        if (const auto left = m_objects.list(QString::fromLatin1(Bucket)); !left.isEmpty())
            problems << QStringLiteral("S3: %1 objects left in the bucket").arg(left.size());
        const QString bucketDir = m_objects.bucketDir(QString::fromLatin1(Bucket));
        if (const int files = entries(bucketDir); files > 0)
            problems << QStringLiteral("S3: %1 files left in %2").arg(files).arg(bucketDir);
        m_queue.reset();
        return problems;
    }

private:
    int receive()
    {
        const auto messages = m_queue->receive(QString::fromLatin1(Queue), 10, 300);
        for (const SqsQueueMessage &m : messages) {
            if (!m_queue->deleteMessage(m.queue, m.receiptHandle))
                problem(QStringLiteral("SQS: cannot delete %1").arg(QString::fromUtf8(m.body)));
            std::lock_guard lock(m_mutex);
            if (!m_seen.insert(m.body).second)
                ++m_duplicates;
        }
        m_received += int(messages.size());
        return int(messages.size());
    }
    void problem(const QString &what)
    {
        std::lock_guard lock(m_mutex);
        if (m_problems.size() < 20)
            m_problems << what;
    }

    std::shared_ptr<Clock> m_clock = std::make_shared<Clock>();
    S3ObjectStore m_objects;
    S3Endpoint m_endpoint;
    Store m_store;
    std::unique_ptr<SqsQueueStore> m_queue;
    std::mutex m_mutex;
    QStringList m_problems;
    std::set<QByteArray> m_seen;
    int m_duplicates = 0;
    std::atomic<int> m_rounds{0};
    std::atomic<int> m_sent{0};
    std::atomic<int> m_received{0};
};

// ---- what this process holds, read from /proc ----

int entries(const QString &dir)
{
    return int(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System | QDir::Hidden).size());
}

double rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    return 0;
}

// Resident memory in MB, after glibc handed back what it keeps freed (so that a sample taken just after
// a 6 MB response was dropped, or arenas of threads kept their pages, is not read as growth).
double trimmedRssMb()
{
    malloc_trim(0);
    return rssMb();
}

struct MemorySampleAt
{
    int done;
    double rssMb;
    double trimmedMb;
};

// Least-squares slope of the trimmed resident memory over the second half of the run, in MB per
// 10,000 invocations: the first half is warm-up (environments started, and glibc's per-thread arenas
// filled by the threads that read 6 MB bodies, each keeping what it freed), the second the steady state.
double growthPerTenThousand(const std::vector<MemorySampleAt> &samples)
{
    const size_t from = samples.size() > 2 ? samples.size() / 2 : 0;
    const double n = double(samples.size() - from);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = from; i < samples.size(); ++i) {
        sx += samples[i].done;
        sy += samples[i].trimmedMb;
        sxx += double(samples[i].done) * samples[i].done;
        sxy += samples[i].done * samples[i].trimmedMb;
    }
    const double denominator = n * sxx - sx * sx;
    return denominator > 0 ? (n * sxy - sx * sy) / denominator * 10000 : 0;
}

// Every process below this one (children, grandchildren, ...), with its state letter.
QStringList descendants()
{
    std::multimap<qint64, qint64> children;
    std::map<qint64, QString> describe;
    QDirIterator it(QStringLiteral("/proc"));
    while (it.hasNext()) {
        const QString dir = it.next();
        bool numeric = false;
        const qint64 pid = it.fileName().toLongLong(&numeric);
        QFile stat(dir + QStringLiteral("/stat"));
        if (!numeric || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        const QList<QByteArray> rest = text.mid(close + 2).split(' ');
        children.emplace(rest.value(1).toLongLong(), pid);
        describe[pid] = QStringLiteral("%1 %2 (%3)")
                            .arg(pid)
                            .arg(QString::fromUtf8(text.mid(text.indexOf('(') + 1, close - text.indexOf('(') - 1)),
                                 QString::fromUtf8(rest.value(0)));
    }
    QStringList found;
    std::vector<qint64> todo{qint64(getpid())};
    while (!todo.empty()) {
        const qint64 parent = todo.back();
        todo.pop_back();
        const auto [from, to] = children.equal_range(parent);
        for (auto c = from; c != to; ++c) {
            found << describe[c->second];
            todo.push_back(c->second);
        }
    }
    return found;
}

// TCP ports this process listens on (sockets among its descriptors in state LISTEN).
QStringList listeningPorts()
{
    QSet<QByteArray> inodes;
    QDirIterator fds(QStringLiteral("/proc/self/fd"), QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    while (fds.hasNext()) {
        fds.next();
        const QString target = fds.fileInfo().symLinkTarget();
        const QString link = QFile::symLinkTarget(fds.filePath());
        const QString name = link.isEmpty() ? target : link;
        const int at = name.indexOf(QStringLiteral("socket:["));
        if (at >= 0)
            inodes.insert(name.mid(at + 8).chopped(1).toUtf8());
    }
    QStringList ports;
    for (const QString &table : {QStringLiteral("/proc/net/tcp"), QStringLiteral("/proc/net/tcp6")}) {
        QFile f(table);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : f.readAll().split('\n')) {
            const QList<QByteArray> cols = line.simplified().split(' ');
            if (cols.size() > 9 && cols[3] == "0A" && inodes.contains(cols[9]))
                ports << QString::number(cols[1].split(':').value(1).toInt(nullptr, 16));
        }
    }
    return ports;
}

// What is left under a folder: every file and folder in it, relative.
QStringList leftUnder(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        found << QDir(dir).relativeFilePath(it.next());
    return found;
}

// The names of this process's threads (what each one's comm says).
QStringList threadNames()
{
    QStringList names;
    QDirIterator it(QStringLiteral("/proc/self/task"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        QFile comm(it.next() + QStringLiteral("/comm"));
        if (comm.open(QIODevice::ReadOnly))
            names << QString::fromUtf8(comm.readAll().trimmed());
    }
    names.sort();
    return names;
}

struct Holdings
{
    int fds = 0;
    QStringList threads;
    QStringList ports;
};

Holdings holdings()
{
    return {entries(QStringLiteral("/proc/self/fd")), threadNames(), listeningPorts()};
}

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
        if (runtimesOnly.isEmpty() || runtimesOnly.contains(QLatin1StringView(runtimeNames[r])))
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
    if (!root.isValid() || !writeFunctions(projectDir, timeoutSec, &functions)) {
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
                print("warm-up: %s did not succeed\n", runtimeNames[r]);
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
                    engine->invoke(functions.config[p.runtime][p.mode == Mode::SlowInit], eventFor(i, p.mode), options);
                const QString wrong = mismatch(r, i, p.mode, timeoutSec);
                const int done = ++finished;
                std::lock_guard lock(mutex);
                ++outcomes[p.runtime][int(p.mode)];
                observedMs[int(p.mode)] += r.observedMs;
                if (!wrong.isEmpty() && ++mismatchCount <= 20)
                    mismatches << QStringLiteral("#%1 %2 %3 (%4): %5")
                                      .arg(i)
                                      .arg(QLatin1StringView(runtimeNames[p.runtime]),
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
        print("  %-9s", runtimeNames[r]);
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
