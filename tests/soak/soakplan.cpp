#include "soakplan.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <random>

namespace fn::soak {

const char *runtimeName(Runtime runtime)
{
    static const char *const names[RuntimeCount] = {"python", "node", "provided"};
    return names[runtime];
}

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

namespace {

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

} // namespace

bool writeFunctions(const QString &projectDir, const QString &bootstrapProgram, int timeoutSec, Functions *out)
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
            QFile bootstrap(bootstrapProgram);
            written = bootstrap.open(QIODevice::ReadOnly)
                      && writeFile(codeDir + QStringLiteral("/bootstrap"), bootstrap.readAll(), true);
        }
        if (!written)
            return false;
        for (int variant = 0; variant < 3; ++variant) {
            FunctionConfig &f = out->config[r][variant];
            static const char *const suffixes[] = {"", "Slow", "Heavy"};
            f.name = names[r] + QLatin1String(suffixes[variant]);
            f.runtime = runtimes[r];
            f.handler = handlers[r];
            f.codeDir = codeDir;
            f.memoryMb = 128;
            f.timeoutSec = variant == 2 ? HeavyTimeoutSec : timeoutSec;
            if (variant == 1)
                f.environment = {{QStringLiteral("SOAK_INIT_SLEEP_MS"), QString::number(InitSleepMs)}};
        }
    }
    return true;
}

// ---- what each invocation must end with ----

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

} // namespace fn::soak
