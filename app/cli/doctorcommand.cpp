#include "clicommand.h"

#include "runtime/runtimeregistry.h"
#include "sandbox/bubblewrap.h"
#include "sandbox/resourcegroup.h"
#include "sandbox/sandboxnetwork.h"
#include "sandbox/sandboxprobe.h"
#include "sandbox/scratchdisk.h"
#include "sandbox/seccompfilter.h"

#include <QCommandLineParser>
#include <QStorageInfo>

#include <chrono>

#include <cstdio>

namespace fn::cli {

int doctor(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Reports what fnstudio can run here and how isolated it is."));
    parser.addHelpOption();
    parser.process(arguments);

    const auto out = [](const QString &line) { std::printf("%s\n", line.toLocal8Bit().constData()); };
    RuntimeRegistry registry;
    const QString root = RuntimeRegistry::defaultPluginRoot();
    registry.load(root);
    out(QStringLiteral("Runtimes (plugins in %1):").arg(root));
    for (const RuntimeDescriptor &rt : registry.plugins()) {
        const QString interp = rt.interpreter.isEmpty() ? QStringLiteral("the function's own bootstrap")
                                                        : rt.interpreter + QLatin1Char(' ') + rt.interpreterVersion;
        out(QStringLiteral("  %1  %2: %3").arg(rt.id, -9).arg(rt.displayName, interp));
    }
    for (const QString &problem : registry.problems())
        out(QStringLiteral("  problem: ") + problem);

    const QString bwrap = Bubblewrap::executable();
    out(QStringLiteral("Sandbox:"));
    out(QStringLiteral("  bubblewrap: ")
        + (bwrap.isEmpty() ? QStringLiteral("NOT FOUND (install the bubblewrap package)")
                           : bwrap + QLatin1Char(' ') + Bubblewrap::version()));
    const auto backend = SandboxBackend::detect();
    out(QStringLiteral("  resource backend: ") + backend->name());
    out(QStringLiteral("  isolation in force: ") + backend->isolation());
    out(QStringLiteral("  memory limit enforced: ")
        + (backend->enforcesMemory() ? QStringLiteral("yes")
                                     : QStringLiteral("not by the kernel: the RSS of each environment is polled and "
                                                      "the environment killed past its limit")));
    if (bwrap.isEmpty())
        return 1;

    // What a function gets, from a sandbox started the way the engine starts one.
    const SandboxProbe probe = SandboxProbe::run();
    out(QStringLiteral("Inside the sandbox (checked by starting one):"));
    if (!probe.ran) {
        out(QStringLiteral("  PROBE FAILED: ") + probe.error);
        return 1;
    }
    const auto yesNo = [](bool yes) { return yes ? QStringLiteral("yes") : QStringLiteral("NO"); };
    const QString hostUid = probe.hostUid < 0 ? QStringLiteral("the same") : QString::number(probe.hostUid);
    out(QStringLiteral("  user namespace: %1 (uid %2 %3, gid %4; host uid %5%6)")
            .arg(yesNo(probe.ownUserNamespace))
            .arg(probe.uid)
            .arg(probe.user)
            .arg(probe.gid)
            .arg(hostUid, probe.hostUid == 0 ? QStringLiteral(", without capabilities") : QString()));
    out(QStringLiteral("  /proc/sys read-only: ") + yesNo(probe.kernelKnobsReadOnly));
    const SeccompFilter &filter = SeccompFilter::instance();
    out(QStringLiteral("  seccomp filter: %1 with %2 rules (%3)")
            .arg(probe.seccomp ? QStringLiteral("in force") : QStringLiteral("NOT in force"))
            .arg(filter.ruleCount())
            .arg(filter.blockedCalls().join(QStringLiteral(", "))));
    // Tried, not assumed: one environment's network made as an invocation would make it.
    const auto networkStart = NetworkSlot::Clock::now();
    const auto networkDeadline = networkStart + std::chrono::seconds(10);
    QString networkError;
    auto network = NetworkSlot::create(NetworkPolicy{}, networkDeadline, &networkError);
    const bool networkWorks = network && network->waitReady(networkDeadline, &networkError);
    const double networkMs =
        std::chrono::duration<double, std::milli>(NetworkSlot::Clock::now() - networkStart).count();
    const bool networkMade = bool(network);
    network.reset();
    if (networkWorks)
        out(QStringLiteral("  network: a namespace per environment (made in %1 ms here; one is kept ready), "
                           "Runtime API at 127.0.0.1:%2 inside; reach through pasta (%3): the host's loopback "
                           "and the internet without VpcConfig, only the project's endpoints with it")
                .arg(networkMs, 0, 'f', 0)
                .arg(NetworkSlot::RuntimeApiPort)
                .arg(NetworkSlot::pastaExecutable()));
    else if (networkMade)
        out(QStringLiteral("  network: a namespace per environment, Runtime API at 127.0.0.1:%1 inside, but NO reach "
                           "(%2): functions run, and reach neither the host's services, the studio's endpoints nor "
                           "the internet (install passt; on an offline machine, pasta needs a network interface "
                           "with a default route)")
                .arg(NetworkSlot::RuntimeApiPort)
                .arg(networkError));
    else
        out(QStringLiteral("  network: FAILS, so every invocation fails: %1").arg(networkError));
    out(QStringLiteral("  capabilities: ")
        + (probe.capabilities == 0 ? QStringLiteral("none") : QString::number(probe.capabilities, 16)));
    const QString isolation = backend->isolation();
    const QString processes =
        backend->name().startsWith(QLatin1String("cgroup"))
            ? (isolation.contains(QLatin1String("pids")) ? QStringLiteral("1024 (pids controller)")
                                                         : QStringLiteral("not limited"))
            : QStringLiteral("1024 (RLIMIT_NPROC, counted over every process of the user)");
    out(QStringLiteral("  limits: open files %1, processes/threads %2, /dev/shm %3 MB (charged to the memory limit)")
            .arg(probe.openFiles)
            .arg(processes)
            .arg(probe.shmBytes >> 20));
    // Tried likewise: the folder an environment's /tmp would be.
    QString tmpError;
    if (const auto tmp = ScratchDisk::create(&tmpError)) {
        const QStorageInfo disk(tmp->path());
        const bool memory = disk.fileSystemType() == "tmpfs" || disk.fileSystemType() == "ramfs";
        out(QStringLiteral("  /tmp: a folder per environment under %1 (%2, %3 GB free)%4; its size is watched, "
                           "not enforced: a log line says when it passes EphemeralStorage")
                .arg(ScratchDisk::baseDir(), QString::fromLatin1(disk.fileSystemType()))
                .arg(double(disk.bytesAvailable()) / (1 << 30), 0, 'f', 1)
                .arg(memory ? QStringLiteral(", which is in memory: charged to the memory limit after all (set "
                                             "FN_SCRATCH_DIR to a folder on disk)")
                            : QStringLiteral(" on disk, not charged to the memory limit")));
    } else {
        out(QStringLiteral("  /tmp: a tmpfs of EphemeralStorage's size, charged to the memory limit (%1)")
                .arg(tmpError));
    }
    const bool held = probe.ownUserNamespace && probe.kernelKnobsReadOnly && probe.seccomp && probe.capabilities == 0;
    return held ? 0 : 1;
}

} // namespace fn::cli
