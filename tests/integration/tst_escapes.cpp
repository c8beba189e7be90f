// The escape suite: a real Python handler tries what an attacker's function would, through the
// engine as a user invokes it, and each attempt ends blocked, the host untouched.
#include "enginetestsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace fn;
using namespace fn::test;

namespace {

QByteArray hostValue(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestEscapes : public QObject
{
    Q_OBJECT

    std::unique_ptr<Engine> m_engine;

    // Each action returns "ok" when the attempt worked, else the errno's name.
    static constexpr const char *Attacker = R"PY(
import ctypes, errno, os, platform, resource, subprocess, sys, threading

libc = ctypes.CDLL(None, use_errno=True)
SYSCALLS = {"x86_64": {"keyctl": 250, "add_key": 248, "bpf": 321}, "aarch64": {"keyctl": 219, "add_key": 217, "bpf": 280}}
NR = SYSCALLS.get(platform.machine(), {})

def outcome(result):
    return "ok" if result != -1 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))

def write(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))

def handler(event, context):
    action = event["action"]
    if action == "write":
        return write(event["path"], event["value"])
    if action == "ptrace":
        return outcome(libc.ptrace(0, 0, None, None))  # PTRACE_TRACEME
    if action == "keyctl":  # KEYCTL_GET_KEYRING_ID of the session keyring, creating it
        return outcome(libc.syscall(NR["keyctl"], 0, ctypes.c_long(-3), 1))
    if action == "add_key":
        return outcome(libc.syscall(NR["add_key"], b"user", b"fn-escape", b"secret", 6, ctypes.c_long(-3)))
    if action == "bpf":
        return outcome(libc.syscall(NR["bpf"], 0, None, 0))
    if action == "mount":
        return outcome(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None))
    if action == "unshare":
        return outcome(libc.unshare(0x10000000))  # CLONE_NEWUSER
    if action == "unshare-net":
        return outcome(libc.unshare(0x40000000))  # CLONE_NEWNET
    if action == "id":
        return subprocess.run(["id"], capture_output=True, text=True).stdout.strip()
    if action == "limits":
        return {"nofile": list(resource.getrlimit(resource.RLIMIT_NOFILE)),
                "ulimit": subprocess.run(["/bin/sh", "-c", "ulimit -n"], capture_output=True, text=True).stdout.strip()}
    if action == "shm":
        written = 0
        try:
            with open("/dev/shm/fill", "wb") as f:
                while written < event["mb"]:
                    f.write(b"x" * (1 << 20))
                    f.flush()
                    written += 1
            result = "ok"
        except OSError as e:
            result = errno.errorcode.get(e.errno, str(e.errno))
        os.unlink("/dev/shm/fill")
        return {"written": written, "result": result}
    if action == "threads":
        stop = threading.Event()
        started = []
        try:
            while len(started) < 4096:
                t = threading.Thread(target=stop.wait)
                t.start()
                started.append(t)
            result = "ok"
        except RuntimeError:
            result = "refused"
        stop.set()
        for t in started:
            t.join()
        return {"threads": len(started), "result": result}
    if action == "alloc":
        block = bytearray(event["mb"] << 20)
        return len(block)
    if action == "child-alloc":
        code = "b = bytearray(%d << 20)" % event["mb"]
        child = subprocess.run([sys.executable, "-c", code])
        return {"child": child.returncode}
    return "unknown action"
)PY";

    // A whole vCPU (1,769 MB) unless memory is what the test is about: the handlers' work is then
    // quick even in the emulated cgroup v2 guest, where a 128 MB share of its slow CPU is not.
    TempFunction python(const QString &name, int memoryMb = 1769, int timeoutSec = 10)
    {
        TempFunction f(name, QStringLiteral("python3.12"), QStringLiteral("app.handler"), roomy(timeoutSec), memoryMb);
        f.write(QStringLiteral("app.py"), Attacker);
        return f;
    }
    // The handler's answer to one action (JSON), asserting the invocation itself succeeded.
    QJsonValue attempt(const TempFunction &f, const QJsonObject &event)
    {
        const auto r = m_engine->invoke(f.config, QJsonDocument(event).toJson(QJsonDocument::Compact));
        if (r.outcome != InvocationOutcome::Success) {
            qWarning("%s: %s", qPrintable(r.errorType), r.payload.constData());
            return {};
        }
        return QJsonDocument::fromJson("[" + r.payload + "]").array().first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine = std::make_unique<Engine>();
        m_engine->setInitTimeoutMs(roomy(8) * 1000); // a loaded machine must not turn a slow start into a failure
    }
    void cleanupTestCase() { m_engine.reset(); }

    void runsAsLambdasUserNotRoot()
    {
        auto f = python(QStringLiteral("EscapeId"));
        QCOMPARE(attempt(f, QJsonObject{{QStringLiteral("action"), QStringLiteral("id")}}).toString(),
                 QStringLiteral("uid=993(sbx_user1051) gid=990 groups=990"));
    }

    void kernelSettingsCannotBeWritten_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("core_uses_pid") << QStringLiteral("/proc/sys/kernel/core_uses_pid");
        QTest::newRow("core_pattern") << QStringLiteral("/proc/sys/kernel/core_pattern");
        QTest::newRow("sysrq-trigger") << QStringLiteral("/proc/sysrq-trigger");
    }
    void kernelSettingsCannotBeWritten()
    {
        QFETCH(QString, path);
        if (!QFile::exists(path))
            QSKIP("not on this kernel");
        // The attempt writes the host's own value back, so even a failure of this test changes nothing;
        // for the trigger an "h" only prints help into the kernel log.
        const QByteArray before = hostValue(path);
        const QString value = path.endsWith(QLatin1String("trigger")) ? QStringLiteral("h") : QString::fromUtf8(before);
        auto f = python(QStringLiteral("EscapeSysctl"));
        QCOMPARE(attempt(f, QJsonObject{{QStringLiteral("action"), QStringLiteral("write")},
                                        {QStringLiteral("path"), path},
                                        {QStringLiteral("value"), value}})
                     .toString(),
                 QStringLiteral("EROFS"));
        QCOMPARE(hostValue(path), before);
    }

    void systemCallsLambdaDoesNotOfferAreRefused_data()
    {
        QTest::addColumn<QString>("action");
        for (const char *action : {"ptrace", "keyctl", "add_key", "bpf", "mount", "unshare", "unshare-net"})
            QTest::newRow(action) << QString::fromLatin1(action);
    }
    void systemCallsLambdaDoesNotOfferAreRefused()
    {
        QFETCH(QString, action);
        auto f = python(QStringLiteral("EscapeSyscall"));
        QCOMPARE(attempt(f, QJsonObject{{QStringLiteral("action"), action}}).toString(), QStringLiteral("EPERM"));
    }

    void openFilesAreLimitedAsOnLambda()
    {
        auto f = python(QStringLiteral("EscapeNofile"));
        const QJsonObject limits =
            attempt(f, QJsonObject{{QStringLiteral("action"), QStringLiteral("limits")}}).toObject();
        QCOMPARE(limits.value(QStringLiteral("nofile")).toArray(), (QJsonArray{1024, 1024}));
        QCOMPARE(limits.value(QStringLiteral("ulimit")).toString(), QStringLiteral("1024"));
    }

    void processesAndThreadsAreLimited()
    {
        auto f = python(QStringLiteral("EscapeThreads"), 1769, 30);
        const QJsonObject threads =
            attempt(f, QJsonObject{{QStringLiteral("action"), QStringLiteral("threads")}}).toObject();
        QCOMPARE(threads.value(QStringLiteral("result")).toString(), QStringLiteral("refused"));
        QVERIFY2(threads.value(QStringLiteral("threads")).toInt() < 1024,
                 qPrintable(QString::number(threads.value(QStringLiteral("threads")).toInt())));
    }

    void devShmIsBounded()
    {
        auto f = python(QStringLiteral("EscapeShm"), 1769, 20);
        const QJsonObject shm =
            attempt(f, QJsonObject{{QStringLiteral("action"), QStringLiteral("shm")}, {QStringLiteral("mb"), 700}})
                .toObject();
        QCOMPARE(shm.value(QStringLiteral("result")).toString(), QStringLiteral("ENOSPC"));
        QVERIFY(shm.value(QStringLiteral("written")).toInt() <= 64);
    }

    void maxMemoryUsedNeverExceedsTheLimit()
    {
        auto f = python(QStringLiteral("EscapeAlloc"), 256, 20);
        const auto r = m_engine->invoke(f.config, R"({"action":"alloc","mb":400})");
        QCOMPARE(r.outcome, InvocationOutcome::OutOfMemory);
        QVERIFY2(r.maxMemoryUsedMb <= 256, qPrintable(r.reportLine));
        QVERIFY(r.reportLine.contains(QStringLiteral("\tMemory Size: 256 MB\tMax Memory Used: ")));
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.OutOfMemory")));
    }

    void aChildKilledForMemoryFailsTheInvocation()
    {
        auto f = python(QStringLiteral("EscapeChildOom"), 128, 20);
        const auto r = m_engine->invoke(f.config, R"({"action":"child-alloc","mb":400})");
        QCOMPARE(r.outcome, InvocationOutcome::OutOfMemory);
        QCOMPARE(r.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.errorMessage,
                 QStringLiteral("RequestId: %1 Error: Runtime exited with error: signal: killed").arg(r.requestId));
        QVERIFY(r.reportLine.contains(QStringLiteral("Status: error\tError Type: Runtime.OutOfMemory")));
        QVERIFY2(r.maxMemoryUsedMb <= 128, qPrintable(r.reportLine));
        QVERIFY(m_engine->invoke(f.config, R"({"action":"id"})").coldStart); // not reused after the kill
    }
};

QTEST_GUILESS_MAIN(TestEscapes)
#include "tst_escapes.moc"
