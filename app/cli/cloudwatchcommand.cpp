// fnstudio-cli cloudwatch FILE…: REPORT lines exported from CloudWatch Logs read as the studio's
// Metrics dock imports them, summarised as it shows them (cold and warm percentiles, the latency
// distribution), so a class can set the cloud beside `invoke --repeat N --json` headless.

#include "clicommand.h"

#include "metrics/cloudwatchreports.h"
#include "metrics/latencyhistogram.h"
#include "metrics/percentiles.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>

namespace fn::cli {

namespace {

using json = nlohmann::json;

std::string utf8(const QString &s)
{
    return s.toStdString();
}

struct Side
{
    Percentiles latency, duration, init;
    int count = 0;
};

json sideJson(const Side &s)
{
    json out{{"count", s.count}};
    if (s.count) {
        out["latencyP50Ms"] = s.latency.at(50);
        out["latencyP99Ms"] = s.latency.at(99);
        out["durationP50Ms"] = s.duration.at(50);
        out["durationP99Ms"] = s.duration.at(99);
    }
    if (!s.init.isEmpty()) {
        out["initP50Ms"] = s.init.at(50);
        out["initP99Ms"] = s.init.at(99);
    }
    return out;
}

json fileJson(const QString &path, const CloudWatchImport &in, std::array<Side, 2> &sides, const LatencyHistogram &h)
{
    json problems = json::array();
    for (const Diagnostic &d : in.problems)
        problems.push_back({{"file", utf8(d.file)}, {"line", d.line}, {"message", utf8(d.message)}});
    json bins = json::array();
    using Start = LatencyHistogram::Start;
    for (int bin = 0; bin < LatencyHistogram::BinCount; ++bin)
        if (h.count(bin))
            bins.push_back({{"fromMs", LatencyHistogram::lowerMs(bin)},
                            {"toMs", LatencyHistogram::upperMs(bin)},
                            {"cold", h.count(bin, Start::Cold)},
                            {"warm", h.count(bin, Start::Warm)}});
    json invocations = json::array();
    for (const InvocationRecord &r : in.records)
        invocations.push_back(
            {{"requestId", utf8(r.requestId)},
             {"cold", r.coldStart},
             {"startedAt",
              r.startedAtMs ? utf8(QDateTime::fromMSecsSinceEpoch(r.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs))
                            : std::string()},
             {"logStream", utf8(r.environmentId)},
             {"durationMs", r.durationMs},
             {"initDurationMs", r.initDurationMs},
             {"billedDurationMs", r.billedDurationMs},
             {"memorySizeMb", r.memorySizeMb},
             {"maxMemoryUsedMb", r.maxMemoryUsedMb},
             {"outcome", utf8(outcomeName(r.outcome))}});
    return {{"file", utf8(path)},         {"format", utf8(in.format)},   {"read", in.read},
            {"skipped", in.skipped},      {"duplicates", in.duplicates}, {"problems", problems},
            {"cold", sideJson(sides[0])}, {"warm", sideJson(sides[1])},  {"histogram", bins},
            {"invocations", invocations}};
}

} // namespace

int cloudwatch(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "cloudwatch FILE...: Lambda's REPORT lines from CloudWatch Logs (the JSON of `aws logs "
        "filter-log-events`, the text of `sam logs` or a copied log, or the JSON log format's platform.report "
        "records), summarised cold and warm: what callers waited (Init Duration + Duration), Duration and "
        "Init Duration at p50 and p99. Lines that are not REPORT lines are skipped and counted; those that "
        "cannot be read are named with their file and line on stderr."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("an exported or copied log"),
                                 QStringLiteral("FILE..."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("one JSON object per file: counts, problems, cold and warm "
                                                    "percentiles, the histogram's bins and every invocation"));
    parser.addOption(jsonOpt);
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        error(QStringLiteral("usage: cloudwatch FILE... [--json]"));
        return 2;
    }
    int exit = 0;
    for (const QString &path : files) {
        const CloudWatchImport in = CloudWatchReports::read(path, QFileInfo(path).completeBaseName());
        for (const Diagnostic &d : in.problems)
            error(d.toString());
        if (in.records.isEmpty()) {
            if (in.problems.isEmpty())
                error(QStringLiteral("%1: no REPORT lines (%2 lines read)").arg(path).arg(in.read));
            exit = 2;
            continue;
        }
        std::array<Side, 2> sides; // cold, warm
        LatencyHistogram histogram;
        for (const InvocationRecord &r : in.records) {
            Side &s = sides[r.coldStart ? 0 : 1];
            ++s.count;
            s.latency.add(LatencyHistogram::latencyMs(r));
            s.duration.add(r.durationMs);
            if (r.coldStart)
                s.init.add(r.initDurationMs);
            histogram.add(r);
        }
        if (parser.isSet(jsonOpt)) {
            std::printf("%s\n", fileJson(path, in, sides, histogram).dump().c_str());
            continue;
        }
        std::printf("%s: %s\n", qPrintable(path), qPrintable(in.summary()));
        std::printf("%-6s %7s %14s %14s %14s %14s\n", "", "count", "waited p50", "waited p99", "duration p50",
                    "init p50");
        for (int i = 0; i < 2; ++i) {
            const Side &s = sides[std::size_t(i)];
            const auto ms = [](const Percentiles &p, double at) {
                return p.isEmpty() ? QStringLiteral("—") : QString::number(p.at(at), 'f', 2) + QStringLiteral(" ms");
            };
            std::printf("%-6s %7d %14s %14s %14s %14s\n", i == 0 ? "cold" : "warm", s.count,
                        qPrintable(ms(s.latency, 50)), qPrintable(ms(s.latency, 99)), qPrintable(ms(s.duration, 50)),
                        qPrintable(ms(s.init, 50)));
        }
    }
    return exit;
}

} // namespace fn::cli
