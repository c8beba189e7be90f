#include "clicommand.h"

#include "runtime/runtimeregistry.h"
#include "sandbox/bubblewrap.h"
#include "sandbox/resourcegroup.h"

#include <QCommandLineParser>

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
    return bwrap.isEmpty() ? 1 : 0;
}

} // namespace fn::cli
