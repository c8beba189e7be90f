// fnstudio-cli tune: power tuning, locally. Runs a function N times at each memory size (its CPU
// share follows memory, as on Lambda), summarises each size by a trimmed mean and picks the best by
// cost, speed or a balance of both (PowerTuning); --apply writes the pick into template.yaml.

#include "clicommand.h"
#include "cliworkspace.h"
#include "invocationjson.h"
#include "projectloader.h"

#include "engine/engine.h"
#include "metrics/powertuning.h"
#include "sandbox/resourcegroup.h"
#include "workspace/memorytuning.h"
#include "workspace/terminationsignals.h"

#include <QCommandLineParser>

#include <cstdio>

namespace fn::cli {

namespace {

struct TuneOptions
{
    QList<int> memorySizes;
    int num = 10;
    bool cold = false;
    PowerTuning::Strategy strategy = PowerTuning::Strategy::Cost;
    double weight = 0.5;
    double discard = 0.2;
};

// The sizes of --memory, each in Lambda's range; empty after printing why not.
QList<int> memorySizes(const QString &text)
{
    QString problem;
    const QList<int> sizes = MemoryTuning::memorySizes(text, &problem);
    if (sizes.isEmpty())
        error(QStringLiteral("--memory: ") + problem);
    return sizes;
}

QString dollars(double usd)
{
    return QStringLiteral("$") + QString::number(usd, 'f', usd < 0.001 ? 10 : 6);
}

void printTable(const FunctionConfig &f, const TuneOptions &o, const QList<PowerTuning::SizeResult> &results,
                std::optional<qsizetype> pick, const QStringList &firstErrors)
{
    const PriceList &prices = PriceList::builtIn();
    std::printf("%s: %d invocations at each size (%s), trimmed mean without the slowest and fastest %d %%; "
                "%s prices of %s\n",
                qPrintable(f.name), o.num, o.cold ? "each one cold" : "cold, then warm", int(o.discard * 100),
                qPrintable(f.architecture), qPrintable(prices.date));
    std::printf("%8s %14s %12s %22s %8s %7s\n", "memory", "duration (ms)", "billed (ms)", "cost per invocation", "cold",
                "errors");
    for (qsizetype i = 0; i < results.size(); ++i) {
        const PowerTuning::SizeResult &r = results.at(i);
        std::printf("%5d MB %14.2f %12.0f %22s %8d %7d%s%s\n", r.memoryMb, r.durationMs, std::ceil(r.billedDurationMs),
                    qPrintable(dollars(r.costUsd)), r.coldStarts, r.errors, pick == i ? "   <- pick" : "",
                    firstErrors.at(i).isEmpty() ? "" : qPrintable(QStringLiteral("   (") + firstErrors.at(i) + u')'));
    }
    if (pick) {
        const PowerTuning::SizeResult &r = results.at(*pick);
        std::printf("pick by %s%s: %d MB (%.2f ms, %s per invocation, %s per million)\n",
                    qPrintable(PowerTuning::name(o.strategy)),
                    o.strategy == PowerTuning::Strategy::Balanced
                        ? qPrintable(QStringLiteral(" (weight %1 on cost)").arg(o.weight))
                        : "",
                    r.memoryMb, r.durationMs, qPrintable(dollars(r.costUsd)), qPrintable(dollars(r.costUsd * 1e6)));
    } else {
        std::printf("no pick: every size had errors\n");
    }
    std::fflush(stdout);
}

nlohmann::json resultJson(const PowerTuning::SizeResult &r)
{
    return {{"memoryMb", r.memoryMb},      {"durationMs", r.durationMs}, {"billedDurationMs", r.billedDurationMs},
            {"costUsd", r.costUsd},        {"coldStarts", r.coldStarts}, {"errors", r.errors},
            {"invocations", r.invocations}};
}

bool applyPick(const FunctionConfig &f, int memoryMb)
{
    if (f.memoryMb == memoryMb) {
        std::fprintf(stderr, "fnstudio-cli: %s already has MemorySize %d: template.yaml unchanged\n",
                     qPrintable(f.name), memoryMb);
        return true;
    }
    QString problem;
    if (!MemoryTuning::apply(f, memoryMb, &problem)) {
        error(problem);
        return false;
    }
    std::fprintf(stderr, "fnstudio-cli: %s: MemorySize of %s set to %d (was %d)\n", qPrintable(f.templateFile),
                 qPrintable(f.name), memoryMb, f.memoryMb);
    return true;
}

} // namespace

int tune(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Power tuning, locally: runs FUNCTION --num times at each --memory size (CPU follows memory as on "
        "Lambda: 1,769 MB is one vCPU) and picks the best size by cost, speed or a balance of both, as AWS "
        "Lambda Power Tuning does. Each size is summarised by the trimmed mean of Duration + Init Duration (the "
        "slowest and fastest 20 % left out) and what one invocation is billed. template.yaml changes only "
        "with --apply."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FUNCTION"),
                                 QStringLiteral("the function's logical id in template.yaml"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption memoryOpt(QStringLiteral("memory"), QStringLiteral("memory sizes in MB, comma-separated"),
                                       QStringLiteral("MB,..."), QStringLiteral("128,256,512,1024,1536,3008"));
    const QCommandLineOption numOpt(QStringLiteral("num"), QStringLiteral("invocations at each size (default 10)"),
                                    QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption coldOpt(QStringLiteral("cold"), QStringLiteral("every invocation a cold start"));
    const QCommandLineOption strategyOpt(QStringLiteral("strategy"),
                                         QStringLiteral("cost (default), speed or balanced"), QStringLiteral("S"),
                                         QStringLiteral("cost"));
    const QCommandLineOption weightOpt(QStringLiteral("weight"),
                                       QStringLiteral("balanced: 0 (speed only) to 1 (cost only), default 0.5"),
                                       QStringLiteral("W"), QStringLiteral("0.5"));
    const QCommandLineOption eventOpt(QStringLiteral("event"), QStringLiteral("event JSON file, or - for stdin"),
                                      QStringLiteral("FILE"));
    const QCommandLineOption applyOpt(QStringLiteral("apply"),
                                      QStringLiteral("write the picked MemorySize into template.yaml"));
    const QCommandLineOption logsOpt(QStringLiteral("logs"), QStringLiteral("the function's log lines on stderr"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("print one JSON object: results (memoryMb, durationMs, costUsd, "
                                                    "coldStarts, errors, ... per size) and pick"));
    parser.addOptions(
        {projectOpt, memoryOpt, numOpt, coldOpt, strategyOpt, weightOpt, eventOpt, applyOpt, logsOpt, jsonOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        error(QStringLiteral("tune needs exactly one FUNCTION (see --help)"));
        return 2;
    }
    TuneOptions o;
    o.memorySizes = memorySizes(parser.value(memoryOpt));
    if (o.memorySizes.isEmpty())
        return 2;
    bool ok = false;
    o.num = parser.value(numOpt).toInt(&ok);
    if (!ok || o.num < 1) {
        error(QStringLiteral("--num must be a positive whole number, not '%1'").arg(parser.value(numOpt)));
        return 2;
    }
    const auto strategy = PowerTuning::strategyNamed(parser.value(strategyOpt));
    if (!strategy) {
        error(QStringLiteral("--strategy must be cost, speed or balanced, not '%1'").arg(parser.value(strategyOpt)));
        return 2;
    }
    o.strategy = *strategy;
    o.weight = parser.value(weightOpt).toDouble(&ok);
    if (!ok || o.weight < 0 || o.weight > 1) {
        error(QStringLiteral("--weight must be a number from 0 to 1, not '%1'").arg(parser.value(weightOpt)));
        return 2;
    }
    o.cold = parser.isSet(coldOpt);
    const bool json = parser.isSet(jsonOpt);

    const auto function = loadFunction(parser.value(projectOpt), parser.positionalArguments().constFirst(), {});
    if (!function)
        return 2;
    const auto payload = readEvent(parser.value(eventOpt));
    if (!payload)
        return 2;

    Workspace::Options parts;
    parts.durable = false;
    parts.triggers = false;
    parts.watch = false;
    parts.provision = false;
    CliWorkspace session(parts);
    session.setPrintsLogs(parser.isSet(logsOpt));
    session.endEnvironmentsOnSignals();
    if (!session.open(parser.value(projectOpt)))
        return 2;
    Engine &engine = session.engine();
    const QString isolation = engine.backend().isolation();
    if (!isolation.contains(QLatin1String("cpu")))
        std::fprintf(stderr,
                     "fnstudio-cli: note: CPU is not shared out by memory here (%s), so durations will not fall "
                     "with memory as on Lambda; `fnstudio-cli doctor` says why\n",
                     qPrintable(isolation));

    TuningPlan plan;
    plan.memorySizes = o.memorySizes;
    plan.num = o.num;
    plan.cold = o.cold;
    plan.discard = o.discard;
    const QList<TunedSize> tuned = MemoryTuning::run(
        engine, *function, *payload, plan, [](qsizetype, int) { return !CliWorkspace::interrupted(); },
        [&](qsizetype size) {
            engine.stopAll(); // the next size starts cold, on a machine with nothing else running
            if (!json) {
                std::fprintf(stderr, "fnstudio-cli: %d MB done\n", o.memorySizes.at(size));
                std::fflush(stderr);
            }
        });
    if (const int signal = CliWorkspace::interrupted())
        return TerminationSignals::interruptedExitCode(signal);
    QList<PowerTuning::SizeResult> results;
    QStringList firstErrors;
    for (const TunedSize &t : tuned) {
        results << t.result;
        firstErrors << t.firstError;
    }
    const auto pick = PowerTuning::pick(results, o.strategy, o.weight);
    if (json) {
        nlohmann::json out{{"function", function->name.toStdString()},
                           {"strategy", PowerTuning::name(o.strategy).toStdString()},
                           {"num", o.num},
                           {"cold", o.cold},
                           {"discard", o.discard},
                           {"architecture", function->architecture.toStdString()},
                           {"prices", PriceList::builtIn().date.toStdString()},
                           {"results", nlohmann::json::array()},
                           {"pick", nullptr}};
        if (o.strategy == PowerTuning::Strategy::Balanced)
            out["weight"] = o.weight;
        for (const PowerTuning::SizeResult &r : std::as_const(results))
            out["results"].push_back(resultJson(r));
        if (pick) {
            out["pick"] = resultJson(results.at(*pick));
            out["pick"]["strategy"] = PowerTuning::name(o.strategy).toStdString();
        }
        std::printf("%s\n", out.dump().c_str());
        std::fflush(stdout);
    } else {
        printTable(*function, o, results, pick, firstErrors);
    }
    if (!pick)
        return 1;
    if (parser.isSet(applyOpt) && !applyPick(*function, results.at(*pick).memoryMb))
        return 2;
    return 0;
}

} // namespace fn::cli
