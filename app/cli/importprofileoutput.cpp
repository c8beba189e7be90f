// fnstudio-cli invoke --import-profile: one profiled cold start, its imports as a table sorted by
// cumulative time (or the tree as JSON), with the package sizes beside them.

#include "clicommand.h"
#include "cliworkspace.h"
#include "invocationjson.h"
#include "invokemodes.h"

#include "engine/engine.h"
#include "metrics/importprofile.h"
#include "metrics/packagesize.h"

#include <cstdio>
#include <mutex>

namespace fn::cli {

namespace {

QString ms(qint64 us)
{
    return QString::number(double(us) / 1000.0, 'f', 2);
}

void print(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
}

nlohmann::json packagesJson(const QList<PackageSize> &sizes)
{
    nlohmann::json out = nlohmann::json::array();
    for (const PackageSize &s : sizes) {
        nlohmann::json entry = {
            {"label", s.label.toStdString()}, {"path", s.path.toStdString()}, {"bytes", s.bytes}, {"files", s.files}};
        if (!s.error.isEmpty())
            entry["error"] = s.error.toStdString();
        out.push_back(std::move(entry));
    }
    return out;
}

QString table(const ImportProfileRun &run, const QList<PackageSize> &sizes, int top)
{
    QString out;
    const InvocationRecord &r = run.record;
    out +=
        QStringLiteral("Import profile of %1's init: %2 modules, %3 ms (module init %4 ms of a %5 ms cold start)\n\n")
            .arg(r.functionName)
            .arg(run.profile.moduleCount())
            .arg(ms(run.profile.totalUs()))
            .arg(r.phases.initMs, 0, 'f', 2)
            .arg(r.observedMs, 0, 'f', 2);
    out += QStringLiteral("%1  %2  %3  %4\n")
               .arg(QStringLiteral("cumulative ms"), 13)
               .arg(QStringLiteral("self ms"), 9)
               .arg(QStringLiteral("module"), -40)
               .arg(QStringLiteral("imported by"));
    const auto rows = run.profile.ranked(top);
    for (const ImportProfile::Row &row : rows)
        out += QStringLiteral("%1  %2  %3  %4\n")
                   .arg(ms(row.cumulativeUs), 13)
                   .arg(ms(row.selfUs), 9)
                   .arg(row.module, -40)
                   .arg(row.importedBy.isEmpty() ? QStringLiteral("(init)") : row.importedBy);
    if (rows.size() < run.profile.moduleCount())
        out +=
            QStringLiteral("%1 more (--top N shows more, --top 0 all)\n").arg(run.profile.moduleCount() - rows.size());

    out += QStringLiteral("\nPackage size, unzipped as Lambda counts it (without .fnstudio, .git, .aws-sam, "
                          "__pycache__ and *.pyc):\n");
    for (const PackageSize &s : sizes) {
        out += QStringLiteral("%1  %2  %3  %4\n")
                   .arg(s.label, -10)
                   .arg(s.error.isEmpty() ? PackageSize::describe(s.bytes) : QStringLiteral("-"), 9)
                   .arg(!s.error.isEmpty() ? s.error
                        : s.files == 1     ? QStringLiteral("1 file")
                                           : QStringLiteral("%1 files").arg(s.files),
                        -11)
                   .arg(s.path);
    }
    out += QStringLiteral("%1  %2  of Lambda's %3 limit\n")
               .arg(QStringLiteral("total"), -10)
               .arg(PackageSize::describe(PackageSize::totalBytes(sizes)), 9)
               .arg(PackageSize::describe(PackageSize::LambdaUnzippedLimitBytes));
    return out;
}

} // namespace

int invokeImportProfile(CliWorkspace &session, const FunctionConfig &function, const QByteArray &payload, int top,
                        bool json)
{
    const ImportProfileRun run = session.engine().profileImports(function, payload);
    const QList<PackageSize> sizes = PackageSize::of(function);
    if (!run.record.coldStart && !run.error.isEmpty()) { // never ran: the runtime cannot be profiled, or rejected
        error(QStringLiteral("cannot profile %1's imports: %2").arg(function.name, run.error));
        return 2;
    }
    std::lock_guard lock(session.printing());
    if (json) {
        nlohmann::json out = {{"function", function.name.toStdString()},
                              {"runtime", function.runtime.toStdString()},
                              {"invocation", invocationJson(run.record, architectureNamed(function.architecture))},
                              {"importProfile", run.profile.toJson()},
                              {"packages", packagesJson(sizes)},
                              {"packagesTotalBytes", PackageSize::totalBytes(sizes)}};
        if (!run.error.isEmpty())
            out["error"] = run.error.toStdString();
        print(QString::fromStdString(out.dump()) + QLatin1Char('\n'));
    } else {
        print(table(run, sizes, top));
    }
    std::fflush(stdout);
    if (!run.error.isEmpty())
        error(QStringLiteral("%1: %2").arg(function.name, run.error));
    return run.record.failed() || !run.error.isEmpty() ? 1 : 0;
}

} // namespace fn::cli
