// Resource groups with real processes, on whichever backend detect() picks here (cgroup v1 on the
// development machine and CI), plus the rlimit fallback forced through FN_SANDBOX_BACKEND.

#include "sandboxtestutil.h"

#include <sandbox/childprocess.h>
#include <sandbox/resourcegroup.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

#include <csignal>

#include <unistd.h>

using namespace fn;
using fn::test::waitForOutput;
using fn::test::waitForSilence;

namespace {

constexpr qint64 MiB = 1 << 20;

QString groupId(const char *name)
{
    return QStringLiteral("test-%1-%2").arg(::getpid()).arg(QLatin1String(name));
}

ProcessSpec helper(const QStringList &args, const ResourceGroup &group)
{
    ProcessSpec spec;
    spec.program = QStringLiteral(FN_SANDBOX_HELPER);
    spec.arguments = args;
    group.applyTo(spec);
    return spec;
}

char processState(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return '?';
    const QByteArray stat = f.readAll();
    const int close = stat.lastIndexOf(')');
    return close > 0 ? stat.at(close + 2) : '?';
}

// Counter output stops while frozen (the pipe stays silent) and resumes after thaw.
void checkFreezeAndThaw(ResourceGroup &group, ChildProcess &child)
{
    QByteArray out;
    QVERIFY(waitForOutput(child, out, "\n5\n"));
    QVERIFY(group.freeze());
    QVERIFY2(waitForSilence(child, 300), "the counter kept running after freeze()");
    QVERIFY(child.isRunning());
    QVERIFY(group.thaw());
    out.clear();
    QVERIFY2(waitForOutput(child, out, "\n", 10000), "the counter did not resume after thaw()");
}

} // namespace

class TestResourceGroup final : public QObject
{
    Q_OBJECT

    std::unique_ptr<SandboxBackend> m_backend;

    std::unique_ptr<ResourceGroup> group(const char *name, const ResourceLimits &limits)
    {
        QString error;
        auto g = m_backend->createGroup(groupId(name), limits, &error);
        if (!g)
            qWarning("createGroup: %s", qPrintable(error));
        return g;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qunsetenv("FN_SANDBOX_BACKEND");
        m_backend = SandboxBackend::detect();
        QVERIFY(m_backend);
        qInfo("backend: %s — %s", qPrintable(m_backend->name()), qPrintable(m_backend->isolation()));
    }

    void backendSaysWhatIsInForce()
    {
        QVERIFY(!m_backend->name().isEmpty());
        if (m_backend->name().startsWith(QLatin1String("cgroup"))) {
            QVERIFY(m_backend->enforcesMemory());
            QVERIFY2(m_backend->isolation().contains(m_backend->name()), qPrintable(m_backend->isolation()));
            QVERIFY2(m_backend->isolation().contains(QLatin1String("memory")), qPrintable(m_backend->isolation()));
        }
    }

    void memoryLimitKillsAndIsReported()
    {
        if (!m_backend->enforcesMemory())
            QSKIP("this backend does not enforce memory in the kernel");
        ResourceLimits limits;
        limits.memoryBytes = 64 * MiB;
        auto g = group("oom", limits);
        QVERIFY(g);
        ChildProcess child;
        QString error;
        QVERIFY2(child.start(helper({QStringLiteral("alloc"), QStringLiteral("256")}, *g), &error), qPrintable(error));
        g->setLeader(child.pid());
        const auto status = child.waitForExit(30000);
        QVERIFY(status);
        QCOMPARE(status->describe(), QStringLiteral("signal: killed"));
        QVERIFY(g->oomKilled());
        const qint64 peak = g->memoryPeak();
        QVERIFY2(peak > limits.memoryBytes * 9 / 10 && peak <= limits.memoryBytes + MiB,
                 qPrintable(QString::number(peak)));
    }

    void peakFollowsAnAllocationAndResets()
    {
        ResourceLimits limits;
        limits.memoryBytes = 512 * MiB;
        auto g = group("peak", limits);
        QVERIFY(g);
        // RSS polling only sees what is resident at the moment of the sample: there the helper holds
        // its allocation until told to free it.
        const bool polled = !m_backend->enforcesMemory();
        ChildProcess child;
        QVERIFY(child.start(helper({QStringLiteral("alloc"), QStringLiteral("48"),
                                    polled ? QStringLiteral("free-on-usr1") : QStringLiteral("free")},
                                   *g),
                            nullptr));
        g->setLeader(child.pid());
        QByteArray out;
        if (polled) {
            QVERIFY(waitForOutput(child, out, "allocated 48\n", 30000));
            g->memoryCurrent();
        } else {
            QVERIFY(waitForOutput(child, out, "freed\n", 30000));
        }
        const qint64 peak = g->memoryPeak();
        QVERIFY2(peak >= 48 * MiB && peak < 96 * MiB, qPrintable(QString::number(peak)));
        if (polled) {
            ::kill(child.pid(), SIGUSR1);
            QVERIFY(waitForOutput(child, out, "freed\n", 30000));
        }
        g->resetPeak();
        QVERIFY2(g->memoryPeak() < 24 * MiB, qPrintable(QString::number(g->memoryPeak())));
        QVERIFY2(g->memoryCurrent() < 24 * MiB, qPrintable(QString::number(g->memoryCurrent())));
        QVERIFY(!g->oomKilled());
    }

    void freezeStopsProgressAndThawResumes()
    {
        auto g = group("freeze", ResourceLimits{});
        QVERIFY(g);
        ChildProcess child;
        QVERIFY(child.start(helper({QStringLiteral("count")}, *g), nullptr));
        g->setLeader(child.pid());
        checkFreezeAndThaw(*g, child);
        // A frozen group still dies when killed.
        QVERIFY(g->freeze());
        g->killAll();
        QCOMPARE(child.waitForExit(10000)->describe(), QStringLiteral("signal: killed"));
    }

    void pidsLimitStopsAForkLoop()
    {
        if (!m_backend->isolation().contains(QLatin1String("pids")))
            QSKIP("no pids controller in this backend");
        ResourceLimits limits;
        limits.pidsMax = 16;
        auto g = group("pids", limits);
        QVERIFY(g);
        ChildProcess child;
        QVERIFY(child.start(helper({QStringLiteral("forkloop"), QStringLiteral("100")}, *g), nullptr));
        g->setLeader(child.pid());
        QByteArray out;
        QVERIFY(waitForOutput(child, out, "\n"));
        QVERIFY2(out.startsWith("forked 15, then: Resource temporarily unavailable"), out.constData());
        child.shutdown(0);
    }

    void destroyingTheGroupKillsWhatIsLeftAndRemovesIt()
    {
        auto g = group("cleanup", ResourceLimits{});
        QVERIFY(g);
        const QStringList files = g->procFiles();
        ChildProcess child;
        QVERIFY(child.start(helper({QStringLiteral("forkloop"), QStringLiteral("3")}, *g), nullptr));
        g->setLeader(child.pid());
        QByteArray out;
        QVERIFY(waitForOutput(child, out, "forked 3\n"));
        g.reset();
        QCOMPARE(child.waitForExit(10000)->describe(), QStringLiteral("signal: killed"));
        for (const QString &file : files)
            QVERIFY2(!QFileInfo::exists(QFileInfo(file).path()), qPrintable(file));
    }

    // A second studio starting (its detect() sweeps what crashed studios left) must not touch the
    // groups of a studio still running, not even the empty ones it has just made for an environment
    // it is about to start. Only a dead owner's groups go.
    void anotherStudioStartingLeavesLiveGroupsAlone()
    {
        if (!m_backend->name().startsWith(QLatin1String("cgroup")))
            QSKIP("no cgroups here");
        auto fresh = group("fresh", ResourceLimits{});
        QVERIFY(fresh);
        const QStringList files = fresh->procFiles();
        QVERIFY(!files.isEmpty());

        // A group left by a studio that is gone: named after a pid that no longer exists.
        ChildProcess gone;
        ProcessSpec trueSpec;
        trueSpec.program = QStringLiteral("/bin/true");
        QVERIFY(gone.start(trueSpec, nullptr));
        const qint64 deadPid = gone.pid();
        gone.waitForExit(10000);
        QStringList leftovers;
        for (const QString &file : files) {
            const QString dir = QFileInfo(QFileInfo(file).path()).path() + QStringLiteral("/%1-leftover").arg(deadPid);
            QVERIFY2(QDir().mkpath(dir), qPrintable(dir));
            leftovers << dir;
        }

        auto second = SandboxBackend::detect();
        for (const QString &file : files)
            QVERIFY2(QFileInfo::exists(QFileInfo(file).path()), qPrintable(file)); // still there, still empty
        for (const QString &dir : std::as_const(leftovers))
            QVERIFY2(!QFileInfo::exists(dir), qPrintable(dir));
        // And it still takes its process.
        ChildProcess child;
        QVERIFY(child.start(helper({QStringLiteral("count")}, *fresh), nullptr));
        fresh->setLeader(child.pid());
        QTRY_VERIFY(fresh->memoryCurrent() > 0);
        child.kill();
        child.waitForExit(10000);
    }

    void rlimitFallbackIsHonestAndStillWorks()
    {
        qputenv("FN_SANDBOX_BACKEND", "rlimit");
        auto backend = SandboxBackend::detect();
        qunsetenv("FN_SANDBOX_BACKEND");
        QCOMPARE(backend->name(), QStringLiteral("rlimits + RSS polling"));
        QVERIFY(!backend->enforcesMemory());
        const QString isolation = backend->isolation();
        QVERIFY2(isolation.contains(QLatin1String("no cgroup")) && isolation.contains(QLatin1String("polling"))
                     && isolation.contains(QLatin1String("SIGSTOP"))
                     && isolation.contains(QLatin1String("no CPU quota")),
                 qPrintable(isolation));

        ResourceLimits limits;
        limits.memoryBytes = 128 * MiB;
        QString error;
        auto g = backend->createGroup(groupId("rlimit"), limits, &error);
        QVERIFY(g);
        QVERIFY(g->procFiles().isEmpty());

        // RSS of the tree is measured.
        ChildProcess holder;
        QVERIFY(holder.start(helper({QStringLiteral("alloc"), QStringLiteral("48")}, *g), nullptr));
        g->setLeader(holder.pid());
        QByteArray out;
        QVERIFY(waitForOutput(holder, out, "allocated 48\n"));
        QVERIFY2(g->memoryCurrent() >= 48 * MiB, qPrintable(QString::number(g->memoryCurrent())));
        QVERIFY(g->memoryPeak() >= 48 * MiB);
        QVERIFY(!g->oomKilled());
        holder.shutdown(0);

        // Freezing is SIGSTOP: the process shows as stopped, and resumes.
        auto counterGroup = backend->createGroup(groupId("rlimit-count"), limits, &error);
        ChildProcess counter;
        QVERIFY(counter.start(helper({QStringLiteral("count")}, *counterGroup), nullptr));
        counterGroup->setLeader(counter.pid());
        checkFreezeAndThaw(*counterGroup, counter);
        QVERIFY(counterGroup->freeze());
        QTRY_COMPARE(processState(counter.pid()), 'T');
        QVERIFY(counterGroup->thaw());
        QTRY_VERIFY(processState(counter.pid()) != 'T');
        counter.shutdown(0);

        // Past the limit, a sample kills the tree and says so.
        ChildProcess hog;
        auto hogGroup = backend->createGroup(groupId("rlimit-hog"), limits, &error);
        QVERIFY(hog.start(helper({QStringLiteral("alloc"), QStringLiteral("256")}, *hogGroup), nullptr));
        hogGroup->setLeader(hog.pid());
        QVERIFY(waitForOutput(hog, out, "allocated 256\n", 30000));
        hogGroup->memoryCurrent();
        QVERIFY(hogGroup->oomKilled());
        QCOMPARE(hog.waitForExit(10000)->describe(), QStringLiteral("signal: killed"));
    }
};

QTEST_GUILESS_MAIN(TestResourceGroup)
#include "tst_resourcegroup.moc"
