#include "clicommand.h"
#include "cliworkspace.h"
#include "invocationjson.h"
#include "invokemodes.h"
#include "projectloader.h"

#include "engine/engine.h"
#include "workspace/terminationsignals.h"

#include <QCommandLineParser>

#include <cstdio>
#include <mutex>

namespace fn::cli {

int invoke(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Invokes FUNCTION N times in one engine: the first run is cold, the rest warm unless --force-cold. "
        "Each response goes to stdout on its own line, the logs (START/END/REPORT included) to stderr."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FUNCTION"),
                                 QStringLiteral("the function's logical id in template.yaml, optionally with a "
                                                "qualifier: NAME:ALIAS, NAME:VERSION or NAME:$LATEST"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption eventOpt(QStringLiteral("event"), QStringLiteral("event JSON file, or - for stdin"),
                                      QStringLiteral("FILE"));
    const QCommandLineOption repeatOpt(QStringLiteral("repeat"), QStringLiteral("invocations to run (default 1)"),
                                       QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption coldOpt(QStringLiteral("force-cold"),
                                     QStringLiteral("a new environment for every invocation"));
    const QCommandLineOption envOpt(QStringLiteral("env-vars"),
                                    QStringLiteral("environment variables in the `sam local --env-vars` JSON format"),
                                    QStringLiteral("FILE"));
    const QCommandLineOption typeOpt(QStringLiteral("type"),
                                     QStringLiteral("RequestResponse (default) or Event: accepted into the project's "
                                                    "async queue, request id on stdout, delivered with retries"),
                                     QStringLiteral("TYPE"), QStringLiteral("RequestResponse"));
    const QCommandLineOption noWaitOpt(QStringLiteral("no-wait"),
                                       QStringLiteral("Event: exit once accepted; a later run delivers it"));
    const QCommandLineOption legacyOpt(
        QStringLiteral("legacy-async-limit"),
        QStringLiteral("Event: limit payloads to 262,144 bytes as Lambda did before 2025"));
    const QCommandLineOption concurrencyOpt(QStringLiteral("concurrency"),
                                            QStringLiteral("run the --repeat invocations from C threads at once and "
                                                           "print how many completed and were throttled"),
                                            QStringLiteral("C"), QStringLiteral("1"));
    const QCommandLineOption limitOpt(QStringLiteral("account-limit"),
                                      QStringLiteral("the account's concurrency limit (default 1000)"),
                                      QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption jsonOpt(
        QStringLiteral("json"),
        QStringLiteral("print one JSON object per invocation and line instead of its response: requestId, cold, "
                       "observedMs, phases (admissionMs, sandboxMs, runtimeStartMs, initMs, handlerMs, overheadMs: "
                       "those that apply, adding up to observedMs), billedDurationMs, maxMemoryUsedMb, costUsd, "
                       "payload, ..."));
    const QCommandLineOption profileOpt(
        QStringLiteral("import-profile"),
        QStringLiteral("one cold start with the module init's imports profiled (Python -X importtime, Node's module "
                       "loading): prints them sorted by cumulative time with the package sizes; with --json, one "
                       "object with the tree (importProfile), the invocation and the sizes"));
    const QCommandLineOption topOpt(QStringLiteral("top"),
                                    QStringLiteral("--import-profile: the N slowest modules (default 20, 0 all)"),
                                    QStringLiteral("N"), QStringLiteral("20"));
    parser.addOptions({projectOpt, eventOpt, repeatOpt, coldOpt, envOpt, typeOpt, noWaitOpt, legacyOpt, concurrencyOpt,
                       limitOpt, jsonOpt, profileOpt, topOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        error(QStringLiteral("invoke needs exactly one FUNCTION (see --help)"));
        return 2;
    }
    bool ok = false;
    const int repeat = parser.value(repeatOpt).toInt(&ok);
    if (!ok || repeat < 1) {
        error(QStringLiteral("--repeat must be a positive whole number, not '%1'").arg(parser.value(repeatOpt)));
        return 2;
    }

    // NAME:QUALIFIER, as Lambda's FunctionName takes it: an alias, a version or $LATEST.
    const QString named = parser.positionalArguments().constFirst();
    const QString name = named.section(QLatin1Char(':'), 0, 0);
    const QString qualifier = named.section(QLatin1Char(':'), 1);
    auto function = loadFunction(parser.value(projectOpt), name, parser.value(envOpt));
    if (!function)
        return 2;
    const auto payload = readEvent(parser.value(eventOpt));
    if (!payload)
        return 2;
    const QString type = parser.value(typeOpt);
    if (type != QLatin1String("RequestResponse") && type != QLatin1String("Event")) {
        error(QStringLiteral("--type must be RequestResponse or Event, not '%1'").arg(type));
        return 2;
    }
    const bool json = parser.isSet(jsonOpt);
    if (json && (type == QLatin1String("Event") || parser.isSet(concurrencyOpt))) {
        error(QStringLiteral("--json prints invocations run one after another: not with --type Event or "
                             "--concurrency"));
        return 2;
    }
    const bool profile = parser.isSet(profileOpt);
    if (profile && (type == QLatin1String("Event") || parser.isSet(concurrencyOpt) || repeat != 1)) {
        error(QStringLiteral("--import-profile runs one cold start: not with --type Event, --concurrency or --repeat"));
        return 2;
    }
    const int top = parser.value(topOpt).toInt(&ok);
    if (!ok || top < 0) {
        error(QStringLiteral("--top must be a whole number, not '%1'").arg(parser.value(topOpt)));
        return 2;
    }
    if (type == QLatin1String("Event") && !qualifier.isEmpty()) {
        error(QStringLiteral("--type Event runs $LATEST: a qualified Event invocation (%1) is not modelled yet")
                  .arg(named));
        return 2;
    }
    if (type == QLatin1String("Event"))
        return invokeEvent(parser.value(projectOpt), *function, *payload, repeat, !parser.isSet(noWaitOpt),
                           parser.isSet(legacyOpt));
    const int concurrency = parser.value(concurrencyOpt).toInt(&ok);
    if (!ok || concurrency < 1) {
        error(QStringLiteral("--concurrency must be a positive whole number, not '%1'")
                  .arg(parser.value(concurrencyOpt)));
        return 2;
    }
    const int accountLimit = parser.value(limitOpt).toInt(&ok);
    if (!ok || accountLimit < 0) {
        error(QStringLiteral("--account-limit must be a whole number, not '%1'").arg(parser.value(limitOpt)));
        return 2;
    }

    // A plain invocation keeps no history: the engine alone, with the project's settings in force.
    Workspace::Options parts;
    parts.durable = false;
    parts.triggers = false;
    parts.watch = false;
    parts.provision = false; // only the function invoked, below
    CliWorkspace session(parts);
    session.endEnvironmentsOnSignals();
    session.workspace().setEnvVarsFile(parser.value(envOpt));
    if (!session.open(parser.value(projectOpt)))
        return 2;
    Engine &engine = session.engine();
    engine.setAccountConcurrencyLimit(accountLimit);
    // The published version the qualifier names (opening the project published it if it was due).
    QString notFound;
    function = session.workspace().function(name, qualifier, &notFound);
    if (!function) {
        error(notFound);
        return 2;
    }
    // Provisioned concurrency is the alias's: an unqualified invocation stays on-demand, as on AWS.
    if (function->provisionedConcurrency && !function->isLatest() && qualifier == function->autoPublishAlias)
        engine.provision(*function);
    std::mutex &printing = session.printing();

    if (profile)
        return invokeImportProfile(session, *function, *payload, top == 0 ? -1 : top, json);
    if (parser.isSet(concurrencyOpt))
        return invokeBurst(session, *function, *payload, repeat, concurrency);

    bool anyFailed = false;
    InvokeOptions options;
    options.forceCold = parser.isSet(coldOpt);
    for (int i = 0; i < repeat && !CliWorkspace::interrupted(); ++i) {
        const InvocationRecord record = engine.invoke(*function, *payload, options);
        if (CliWorkspace::interrupted())
            break; // its environment was ended under it: no answer of the function's to print
        {
            std::lock_guard lock(printing);
            const QByteArray line = json ? QByteArray::fromStdString(
                                        invocationJson(record, architectureNamed(function->architecture)).dump())
                                         : record.payload;
            std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
        }
        anyFailed = anyFailed || record.failed();
    }
    if (const int signal = CliWorkspace::interrupted())
        return TerminationSignals::interruptedExitCode(signal);
    return anyFailed ? 1 : 0;
}

} // namespace fn::cli
