// The studio's models at the sizes issue 3 names, as figures (never a pass or fail): appending
// 100,000 invocation records to the timeline model, repainting the timeline view at that size
// (fitted, so pixel columns aggregate, and zoomed in), and appending 1,000,000 log lines to the log
// model, each with its time and the resident memory it adds. Offscreen unless a platform is given.
//
// Issue 13's comparison: the Metrics panel's cold-versus-warm anatomy recomputed and redrawn when
// one invocation arrives on top of 100,000, and with it the latency distribution and the cold share.
//
//   bench_models [--runs 5] [--repaints 20] [--json]

#include "common/anatomyview.h"
#include "logs/logmodel.h"
#include "metrics/coldshareview.h"
#include "metrics/latencydistributionview.h"
#include "metrics/metricsmodel.h"
#include "metrics/metricspanel.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelineview.h"

#include "snapshotfixtures.h" // tests/app: the engine-shaped records and log lines the GUI tests use

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <memory>
#include <vector>

using namespace fn;
using namespace fn::testing;

namespace {

constexpr int TimelineRecords = 100'000;
constexpr int TimelineLanes = 20;
constexpr int TimelineBatch = 1000;
constexpr int LogLines = 1'000'000;
constexpr int LogLinesPerInvocation = 5; // START, two of the function's, END, REPORT
constexpr int LogEnvironments = 8;
constexpr int LogBatchInvocations = 2000;

// Resident set size of this process, in bytes (VmRSS).
qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    return -1;
}

// Gives freed heap back to the system so the next figure's resident delta starts from a clean base.
void releaseFreedMemory()
{
    ::malloc_trim(0);
}

struct Summary
{
    double min = 0, median = 0, max = 0;
    int n = 0;
};

Summary summarize(std::vector<double> v)
{
    Summary s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.median = v[v.size() / 2];
    s.max = v.back();
    s.n = int(v.size());
    return s;
}

QJsonObject toJson(const Summary &s)
{
    return {{QStringLiteral("n"), s.n},
            {QStringLiteral("min_ms"), s.min},
            {QStringLiteral("median_ms"), s.median},
            {QStringLiteral("max_ms"), s.max}};
}

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

QList<QList<InvocationRecord>> timelineBatches()
{
    QList<QList<InvocationRecord>> batches;
    for (int b = 0; b < TimelineRecords; b += TimelineBatch) {
        QList<InvocationRecord> batch;
        batch.reserve(TimelineBatch);
        for (int i = b; i < b + TimelineBatch; ++i)
            batch.append(record(i, i % TimelineLanes, i < TimelineLanes, qint64(i) * 5, 3.5));
        batches.append(batch);
    }
    return batches;
}

// Repaints `view` `count` times and returns each repaint's wall time.
std::vector<double> repaintTimes(TimelineView &view, int count)
{
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer t;
        t.start();
        view.repaint();
        times.push_back(msSince(t));
    }
    return times;
}

struct TimelineFigures
{
    Summary append;
    qint64 residentBytes = 0; // added by one model holding all records
    int segments = 0;
    Summary repaintFitted, repaintZoomed;
    QPair<int, int> fittedCounts, zoomedCounts; // segments drawn one by one, aggregate columns
    double zoomedMsPerPixel = 0;
    QSize viewSize;
};

TimelineFigures benchTimeline(int runs, int repaints)
{
    TimelineFigures f;
    const QList<QList<InvocationRecord>> batches = timelineBatches();
    std::vector<double> appendMs;
    std::unique_ptr<TimelineModel> kept;
    for (int run = 0; run < runs; ++run) {
        releaseFreedMemory();
        const qint64 before = residentBytes();
        auto model = std::make_unique<TimelineModel>();
        QElapsedTimer t;
        t.start();
        for (const auto &batch : batches)
            model->append(batch);
        appendMs.push_back(msSince(t));
        if (run == 0)
            f.residentBytes = residentBytes() - before;
        if (run == runs - 1)
            kept = std::move(model);
    }
    f.append = summarize(appendMs);
    for (const TimelineLane &lane : kept->lanes())
        f.segments += int(lane.segments.size());

    TimelineView view(kept.get());
    view.resize(1600, 620); // every one of the 20 lanes in sight
    view.show();
    QCoreApplication::processEvents();
    view.fitAll();
    view.repaint(); // first paint: fonts, backing store
    f.viewSize = view.size();
    f.repaintFitted = summarize(repaintTimes(view, repaints));
    f.fittedCounts = view.lastPaintCounts();

    // Zoomed in around the middle: a few hundred invocations in sight, each drawn on its own.
    view.zoomBy(1.0 / 512);
    view.repaint();
    f.repaintZoomed = summarize(repaintTimes(view, repaints));
    f.zoomedCounts = view.lastPaintCounts();
    f.zoomedMsPerPixel = view.geometry().msPerPixel;
    return f;
}

struct LogFigures
{
    double appendMs = 0;      // model.append() calls only, not making the lines
    qint64 residentBytes = 0; // added by the model holding every line
    qint64 storageBytes = 0;
    qint64 textBytes = 0; // UTF-8 size of all lines' text
    double filterRequestMs = 0, filterLevelMs = 0, filterTextMs = 0, filterClearMs = 0;
};

LogFigures benchLog()
{
    LogFigures f;
    releaseFreedMemory();
    const qint64 before = residentBytes();
    LogModel model;
    QElapsedTimer t;
    for (int inv = 0; inv < LogLines / LogLinesPerInvocation; inv += LogBatchInvocations) {
        LogBatch batch;
        batch.reserve(LogBatchInvocations * LogLinesPerInvocation);
        for (int i = inv; i < inv + LogBatchInvocations; ++i) {
            const InvocationRecord r =
                record(i, i % LogEnvironments, i < LogEnvironments, qint64(i) * 10, 1.25 + i % 40);
            for (const LogLine &l : invocationLogs(r, i % LogEnvironments)) {
                f.textBytes += l.text.toUtf8().size();
                batch.append(l);
            }
        }
        t.start();
        model.append(batch);
        f.appendMs += msSince(t);
    }
    releaseFreedMemory(); // the batches are gone; what stays resident is the model's
    f.residentBytes = residentBytes() - before;
    f.storageBytes = model.storageBytes();

    const auto timed = [&model](const LogFilter &filter) {
        QElapsedTimer ft;
        ft.start();
        model.setFilter(filter);
        return msSince(ft);
    };
    LogFilter byRequest;
    byRequest.requestId = requestId(123'456);
    f.filterRequestMs = timed(byRequest);
    LogFilter byLevel;
    byLevel.levels = levelBit(LogLevel::Platform);
    f.filterLevelMs = timed(byLevel);
    LogFilter byText;
    byText.text = QStringLiteral("max memory used: 44 mb");
    f.filterTextMs = timed(byText);
    f.filterClearMs = timed(LogFilter{});
    if (model.lineCount() != LogLines)
        std::fprintf(stderr, "bench_models: the log model holds %lld lines, not %d\n", qlonglong(model.lineCount()),
                     LogLines);
    return f;
}

double mib(qint64 bytes)
{
    return double(bytes) / 1048576.0;
}

} // namespace

// One invocation more on 100,000 in the Metrics model: the comparison's update (four percentiles
// of whole invocations) and its repaint, as the panel does on every batch; then the whole of the
// panel's charts: the comparison, the latency distribution (with 1,000 imported cloud invocations
// mirrored below it) and the cold share over time, updated and repainted.
struct ComparisonFigures
{
    Summary comparison; // update + the comparison's repaint
    Summary charts;     // update + comparison, distribution and cold share repainted (one pass)
};

ComparisonFigures benchComparison(int repaints)
{
    MetricsModel model;
    QList<InvocationRecord> all;
    all.reserve(TimelineRecords);
    for (int i = 0; i < TimelineRecords; ++i) {
        const bool cold = i % 50 == 0;
        InvocationRecord r = record(i, i % TimelineLanes, cold, qint64(i) * 5, 0.3 + (i % 97) * 0.01);
        r.admissionMs = 0.01;
        if (cold)
            r.phases = {3.5, 17.0 + (i % 13), 2.0};
        r.observedMs =
            r.admissionMs + r.phases.sandboxMs + r.phases.runtimeStartMs + r.phases.initMs + r.durationMs + 0.05;
        all.append(r);
    }
    model.resetData(all);
    MetricsPanel panel(model);
    panel.resize(900, 320);
    panel.show();
    QCoreApplication::processEvents();
    ComparisonFigures f;
    std::vector<double> times, charts;
    for (int i = 0; i < repaints; ++i) {
        QElapsedTimer t;
        t.start();
        model.append({all.at(i)}); // dataChanged: the comparison is recomputed
        const double updated = msSince(t);
        panel.comparison()->repaint();
        times.push_back(msSince(t));
        if (qEnvironmentVariableIsSet("FN_BENCH_DEBUG"))
            std::fprintf(stderr, "update %.2f ms, total %.2f ms\n", updated, times.back());
    }
    QList<InvocationRecord> cloud;
    for (int i = 0; i < 1000; ++i) {
        InvocationRecord r = record(i, i % 4, i % 100 == 0, qint64(i) * 40, 1.5 + (i % 37) * 0.1);
        r.initDurationMs = r.coldStart ? 240.0 + i % 11 : 0;
        r.phases = {0, 0, r.initDurationMs};
        cloud.append(r);
    }
    model.setCloud(QStringLiteral("cloud.json"), cloud);
    panel.resize(900, 560); // room for every chart without scrolling
    QCoreApplication::processEvents();
    for (int i = 0; i < repaints; ++i) {
        QElapsedTimer t;
        t.start();
        model.append({all.at(repaints + i)});
        // The three are updated together and painted in one pass, as their common parent.
        panel.comparison()->parentWidget()->repaint();
        charts.push_back(msSince(t));
    }
    f.comparison = summarize(times);
    f.charts = summarize(charts);
    return f;
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times the studio's models at issue 3's sizes: 100,000 timeline records, the timeline repaint at "
        "that size, 1,000,000 log lines; prints figures, never fails on a slow machine."));
    parser.addHelpOption();
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("timeline appends to time (default 5)"),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption repaintsOpt(QStringLiteral("repaints"),
                                         QStringLiteral("repaints to time per view (default 20)"), QStringLiteral("N"),
                                         QStringLiteral("20"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print JSON instead of a table."));
    parser.addOptions({runsOpt, repaintsOpt, jsonOpt});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOpt).toInt());
    const int repaints = std::max(1, parser.value(repaintsOpt).toInt());

    const qint64 baseline = residentBytes();
    const TimelineFigures tl = benchTimeline(runs, repaints);
    const LogFigures log = benchLog();
    const ComparisonFigures comparison = benchComparison(repaints);

    const QJsonObject result{
        {QStringLiteral("platform"), QGuiApplication::platformName()},
        {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
        {QStringLiteral("resident_bytes_at_start"), QJsonValue(baseline)},
        {QStringLiteral("timeline_model"),
         QJsonObject{{QStringLiteral("records"), TimelineRecords},
                     {QStringLiteral("lanes"), TimelineLanes},
                     {QStringLiteral("batches"), TimelineRecords / TimelineBatch},
                     {QStringLiteral("segments"), tl.segments},
                     {QStringLiteral("append"), toJson(tl.append)},
                     {QStringLiteral("resident_bytes_added"), QJsonValue(tl.residentBytes)}}},
        {QStringLiteral("timeline_repaint"),
         QJsonObject{{QStringLiteral("records"), TimelineRecords},
                     {QStringLiteral("view_width"), tl.viewSize.width()},
                     {QStringLiteral("view_height"), tl.viewSize.height()},
                     {QStringLiteral("fitted"), toJson(tl.repaintFitted)},
                     {QStringLiteral("fitted_segments_drawn"), tl.fittedCounts.first},
                     {QStringLiteral("fitted_aggregate_columns_drawn"), tl.fittedCounts.second},
                     {QStringLiteral("zoomed"), toJson(tl.repaintZoomed)},
                     {QStringLiteral("zoomed_ms_per_pixel"), tl.zoomedMsPerPixel},
                     {QStringLiteral("zoomed_segments_drawn"), tl.zoomedCounts.first},
                     {QStringLiteral("zoomed_aggregate_columns_drawn"), tl.zoomedCounts.second}}},
        {QStringLiteral("log_model"),
         QJsonObject{{QStringLiteral("lines"), LogLines},
                     {QStringLiteral("streams"), LogEnvironments},
                     {QStringLiteral("append_ms"), log.appendMs},
                     {QStringLiteral("resident_bytes_added"), QJsonValue(log.residentBytes)},
                     {QStringLiteral("storage_bytes"), QJsonValue(log.storageBytes)},
                     {QStringLiteral("text_bytes"), QJsonValue(log.textBytes)},
                     {QStringLiteral("filter_request_id_ms"), log.filterRequestMs},
                     {QStringLiteral("filter_level_ms"), log.filterLevelMs},
                     {QStringLiteral("filter_text_ms"), log.filterTextMs},
                     {QStringLiteral("filter_clear_ms"), log.filterClearMs}}},
        {QStringLiteral("metrics_comparison"),
         QJsonObject{{QStringLiteral("invocations"), TimelineRecords},
                     {QStringLiteral("update_and_repaint"), toJson(comparison.comparison)},
                     {QStringLiteral("with_distribution_and_cold_share"), toJson(comparison.charts)}}},
    };
    if (parser.isSet(jsonOpt)) {
        std::fputs(QJsonDocument(result).toJson().constData(), stdout);
        return 0;
    }

    const QLocale english(QLocale::English); // 100,000 as the issue writes it
    const auto count = [&english](int n) { return english.toString(n); };
    std::printf("fnstudio models (Qt %s, platform %s)\n\n", qVersion(), qPrintable(QGuiApplication::platformName()));
    std::printf("%-62s %-34s %s\n", "figure", "measured", "issue 3 target");
    const auto row = [](const QString &what, const QString &value, const char *target) {
        std::printf("%-62s %-34s %s\n", qPrintable(what), qPrintable(value), target);
    };
    const auto summary = [](const Summary &s) {
        return QStringLiteral("%1 ms median (%2-%3, n=%4)")
            .arg(s.median, 0, 'f', 1)
            .arg(s.min, 0, 'f', 1)
            .arg(s.max, 0, 'f', 1)
            .arg(s.n);
    };
    row(QStringLiteral("timeline model: append %1 records (%2 batches, %3 lanes)")
            .arg(count(TimelineRecords))
            .arg(TimelineRecords / TimelineBatch)
            .arg(TimelineLanes),
        summary(tl.append), "< 1 s");
    row(QStringLiteral("timeline model: resident memory added"),
        QStringLiteral("%1 MiB").arg(mib(tl.residentBytes), 0, 'f', 1), "");
    row(QStringLiteral("timeline repaint, %1 records fitted to %2x%3 px")
            .arg(count(TimelineRecords))
            .arg(tl.viewSize.width())
            .arg(tl.viewSize.height()),
        summary(tl.repaintFitted), "< 16 ms");
    row(QStringLiteral("  drawn: %1 segments + %2 aggregate columns")
            .arg(count(tl.fittedCounts.first), count(tl.fittedCounts.second)),
        QString(), "");
    row(QStringLiteral("timeline repaint, zoomed in to %1 ms/px").arg(tl.zoomedMsPerPixel, 0, 'f', 3),
        summary(tl.repaintZoomed), "< 16 ms");
    row(QStringLiteral("  drawn: %1 segments + %2 aggregate columns")
            .arg(tl.zoomedCounts.first)
            .arg(tl.zoomedCounts.second),
        QString(), "");
    row(QStringLiteral("log model: append %1 lines (%2 streams)").arg(count(LogLines)).arg(LogEnvironments),
        QStringLiteral("%1 ms").arg(log.appendMs, 0, 'f', 0), "");
    row(QStringLiteral("log model: resident memory added"),
        QStringLiteral("%1 MiB").arg(mib(log.residentBytes), 0, 'f', 1), "< 400 MB");
    row(QStringLiteral("  storage %1 MiB for %2 MiB of text")
            .arg(mib(log.storageBytes), 0, 'f', 1)
            .arg(mib(log.textBytes), 0, 'f', 1),
        QString(), "");
    row(QStringLiteral("log model: filter by request id / level / text / none"),
        QStringLiteral("%1 / %2 / %3 / %4 ms")
            .arg(log.filterRequestMs, 0, 'f', 0)
            .arg(log.filterLevelMs, 0, 'f', 0)
            .arg(log.filterTextMs, 0, 'f', 0)
            .arg(log.filterClearMs, 0, 'f', 0),
        "");
    row(QStringLiteral("metrics: cold vs warm comparison on %1 invocations, one more").arg(count(TimelineRecords)),
        summary(comparison.comparison), "< 16 ms (issue 13)");
    row(QStringLiteral("metrics: + latency distribution (1,000 cloud) and cold share"), summary(comparison.charts),
        "< 16 ms (issue 13)");
    return 0;
}
