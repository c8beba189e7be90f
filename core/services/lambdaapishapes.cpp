#include "services/lambdaapishapes.h"

#include <QDateTime>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace fn::lambdaapi {

namespace {

std::string str(const QString &s)
{
    return s.toStdString();
}

struct CodeStats
{
    qint64 size = 0;
    QDateTime lastModified;
};

// What Lambda reports of a package, measured on the code folder: total bytes and newest change.
// Metadata only, no file is read: this answers GetFunction, never an invocation.
CodeStats codeStats(const FunctionConfig &function)
{
    CodeStats stats;
    if (!function.codeDir.isEmpty()) {
        QDirIterator it(function.codeDir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            stats.size += info.size();
            if (!stats.lastModified.isValid() || info.lastModified() > stats.lastModified)
                stats.lastModified = info.lastModified();
        }
    }
    if (!stats.lastModified.isValid() && !function.templateFile.isEmpty())
        stats.lastModified = QFileInfo(function.templateFile).lastModified();
    if (!stats.lastModified.isValid())
        stats.lastModified = QDateTime::currentDateTimeUtc();
    return stats;
}

} // namespace

std::optional<FunctionReference> parseFunctionName(const QString &functionName)
{
    // Lambda's own patterns: names of letters, digits, - and _; qualifiers add $ (for $LATEST).
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(?:arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:function:|\d{12}:function:)?)"
                       R"(([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]{1,128}))?$)"));
    const auto match = pattern.match(functionName);
    if (!match.hasMatch())
        return std::nullopt;
    return FunctionReference{match.captured(1), match.captured(2)};
}

nlohmann::json functionConfiguration(const FunctionConfig &function)
{
    const CodeStats code = codeStats(function);
    nlohmann::json c;
    c["FunctionName"] = str(function.lambdaName());
    c["FunctionArn"] =
        str(function.account.functionArn(function.lambdaName(), function.isLatest() ? QString() : function.version));
    c["Runtime"] = str(function.runtime);
    // SAM names the role it creates for a function <LogicalId>Role.
    c["Role"] = str(function.account.roleArn(function.roleName.isEmpty() ? function.name + QStringLiteral("Role")
                                                                         : function.roleName));
    if (!function.handler.isEmpty())
        c["Handler"] = str(function.handler);
    c["CodeSize"] = code.size;
    c["Description"] = "";
    c["Timeout"] = function.timeoutSec;
    c["MemorySize"] = function.memoryMb;
    // Lambda's format: 2024-01-31T12:34:56.789+0000
    c["LastModified"] = str(code.lastModified.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))) + "+0000";
    c["Version"] = str(function.version);
    if (!function.environment.isEmpty()) {
        nlohmann::json variables = nlohmann::json::object();
        for (const auto &[name, value] : function.environment)
            variables[str(name)] = str(value);
        c["Environment"] = {{"Variables", variables}};
    }
    c["TracingConfig"] = {{"Mode", "PassThrough"}};
    if (!function.layerDirs.isEmpty()) {
        nlohmann::json layers = nlohmann::json::array();
        for (const QString &dir : function.layerDirs)
            layers.push_back({{"Arn", str(function.account.arn(QStringLiteral("lambda"),
                                                               QStringLiteral("layer:") + QFileInfo(dir).fileName()
                                                                   + QStringLiteral(":1")))}});
        c["Layers"] = layers;
    }
    c["State"] = "Active";
    c["LastUpdateStatus"] = "Successful";
    c["PackageType"] = "Zip";
    c["Architectures"] = nlohmann::json::array({str(function.architecture)});
    c["EphemeralStorage"] = {{"Size", function.ephemeralStorageMb}};
    c["SnapStart"] = {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}};
    nlohmann::json logging{{"LogFormat", str(function.logFormat)}, {"LogGroup", str(function.effectiveLogGroup())}};
    if (!function.applicationLogLevel.isEmpty())
        logging["ApplicationLogLevel"] = str(function.applicationLogLevel);
    if (!function.systemLogLevel.isEmpty())
        logging["SystemLogLevel"] = str(function.systemLogLevel);
    c["LoggingConfig"] = logging;
    return c;
}

nlohmann::json getFunctionResponse(const FunctionConfig &function)
{
    nlohmann::json body;
    body["Configuration"] = functionConfiguration(function);
    // Lambda answers with a presigned S3 URL of the package; locally the code is a folder.
    body["Code"] = {{"RepositoryType", "S3"},
                    {"Location", str(QUrl::fromLocalFile(function.codeDir).toString(QUrl::FullyEncoded))}};
    if (function.reservedConcurrency)
        body["Concurrency"] = {{"ReservedConcurrentExecutions", *function.reservedConcurrency}};
    return body;
}

} // namespace fn::lambdaapi
