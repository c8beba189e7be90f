// Prints what the sandbox costs on this machine: process start with and without bubblewrap, and the
// warm-path group calls (freeze + thaw, memory counters). A benchmark, not a test: it never fails.

#include <sandbox/bubblewrap.h>
#include <sandbox/childprocess.h>
#include <sandbox/resourcegroup.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

using namespace fn;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Cost
{
    double median = -1;
    double best = -1; // what an idle machine gives; the median includes waiting for a busy CPU
};

// `copied`: the system files bubblewrap copies in, opened anew for each start as the engine does
// (bwrap reads each descriptor to its end, and the offset is shared with this process).
Cost startCostMs(const ProcessSpec &spec, int runs, const QList<QPair<QString, int>> &copied = {})
{
    std::vector<double> samples;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        ProcessSpec started = spec;
        for (const auto &[file, as] : copied)
            started.passFds.push_back({::open(QFile::encodeName(file).constData(), O_RDONLY | O_CLOEXEC), as});
        ChildProcess p;
        const bool ok = p.start(started, nullptr);
        for (const ProcessSpec::PassedFd &fd : started.passFds)
            ::close(fd.fd);
        if (!ok)
            return {};
        p.waitForExit(-1);
        samples.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    return Cost{median(samples), *std::min_element(samples.begin(), samples.end())};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = 200;
    // --heap-mb N: start children from a process holding N MB (a studio with a long session's logs):
    // what the start costs beyond the child's own work is the parent's size if it were forked.
    const QStringList args = app.arguments();
    const qsizetype heapAt = args.indexOf(QStringLiteral("--heap-mb"));
    std::vector<char> heap(heapAt >= 0 ? size_t(args.value(heapAt + 1).toLongLong()) * 1024 * 1024 : 0);
    for (size_t i = 0; i < heap.size(); i += 4096)
        heap[i] = char(i);
    if (!heap.empty())
        std::printf("parent holds %zu MB (touched)\n", heap.size() / (1024 * 1024));

    ProcessSpec plain;
    plain.program = QStringLiteral("/bin/true");
    const Cost plainMs = startCostMs(plain, runs);
    std::printf("start+exit /bin/true:                 median %.3f ms, best %.3f ms (%d runs)\n", plainMs.median,
                plainMs.best, runs);

    if (!Bubblewrap::executable().isEmpty()) {
        QTemporaryDir code;
        SandboxLayout layout;
        layout.codeDir = code.path();
        ProcessSpec sandboxed;
        sandboxed.program = Bubblewrap::executable();
        // As the engine starts environments: the small /etc files copied in from descriptors.
        for (const QString &file : Bubblewrap::copiedSystemFiles())
            layout.copiedFiles.append({file, 3 + int(layout.copiedFiles.size())});
        sandboxed.arguments = Bubblewrap::arguments(layout, {QStringLiteral("/bin/true")});
        const Cost bwrapMs = startCostMs(sandboxed, runs, layout.copiedFiles);
        std::printf("start+exit bwrap <layout> /bin/true:  median %.3f ms, best %.3f ms; bubblewrap adds %.3f ms "
                    "(median), %.3f ms (best)\n",
                    bwrapMs.median, bwrapMs.best, bwrapMs.median - plainMs.median, bwrapMs.best - plainMs.best);
        // The same with those files bound read-only instead, as before they were copied.
        layout.copiedFiles.clear();
        sandboxed.arguments = Bubblewrap::arguments(layout, {QStringLiteral("/bin/true")});
        const Cost boundMs = startCostMs(sandboxed, runs);
        std::printf(
            "  with the /etc files bound instead:  median %.3f ms, best %.3f ms (copying saves %.3f / %.3f ms)\n",
            boundMs.median, boundMs.best, boundMs.median - bwrapMs.median, boundMs.best - bwrapMs.best);
    }

    auto backend = SandboxBackend::detect();
    std::printf("backend: %s\nisolation: %s\n", qPrintable(backend->name()), qPrintable(backend->isolation()));
    QString error;
    auto group = backend->createGroup(QStringLiteral("bench-%1").arg(::getpid()), ResourceLimits{}, &error);
    if (!group) {
        std::printf("cannot create a group: %s\n", qPrintable(error));
        return 0;
    }
    ProcessSpec sleeper;
    sleeper.program = QStringLiteral("/bin/sleep");
    sleeper.arguments = {QStringLiteral("1000")};
    group->applyTo(sleeper);
    ChildProcess child;
    if (!child.start(sleeper, &error)) {
        std::printf("cannot start: %s\n", qPrintable(error));
        return 0;
    }
    group->setLeader(child.pid());

    const int calls = 2000;
    std::vector<double> freezeThaw, peak, current, reset;
    for (int i = 0; i < calls; ++i) {
        QElapsedTimer t;
        t.start();
        group->freeze();
        group->thaw();
        freezeThaw.push_back(double(t.nsecsElapsed()) / 1e3);
        t.restart();
        group->memoryPeak();
        peak.push_back(double(t.nsecsElapsed()) / 1e3);
        t.restart();
        group->resetPeak();
        reset.push_back(double(t.nsecsElapsed()) / 1e3);
        t.restart();
        group->memoryCurrent();
        current.push_back(double(t.nsecsElapsed()) / 1e3);
    }
    std::printf("freeze()+thaw():  %.1f us (median of %d)\n", median(freezeThaw), calls);
    std::printf("memoryPeak():     %.1f us\n", median(peak));
    std::printf("resetPeak():      %.1f us\n", median(reset));
    std::printf("memoryCurrent():  %.1f us\n", median(current));
    child.kill();
    child.waitForExit(-1);
    return 0;
}
