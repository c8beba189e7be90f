// fnstudio-cli access FUNCTION: runs the function once with the project's services served (S3,
// the Invoke API), permissions in "warn" so every call goes on, and prints each call it made to a
// service with the decision its role gives; --suggest prints the least-privilege Policies block
// for those calls instead, and what the role allows beyond them.

#include "clicommand.h"
#include "cliworkspace.h"
#include "projectloader.h"

#include "access/policysuggestion.h"
#include "engine/engine.h"
#include "workspace/triggerhost.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>
#include <mutex>

namespace fn::cli {

namespace {

QString decisionWord(const Authorizer::Call &call)
{
    if (!call.evaluated)
        return QStringLiteral("UNCHECKED");
    return call.decision.allowed() ? QStringLiteral("ALLOWED") : QStringLiteral("DENIED");
}

nlohmann::json callJson(const Authorizer::Call &call)
{
    return {{"service", call.service.toStdString()},
            {"action", call.request.action.toStdString()},
            {"resource", call.request.resource.toStdString()},
            {"decision", decisionWord(call).toLower().toStdString()},
            {"policy", call.decision.policy.toStdString()},
            {"statement", call.decision.statement.toStdString()},
            {"explanation", call.evaluated ? call.decision.explain(call.request).toStdString()
                                           : std::string("the role is not in the template")}};
}

void print(std::mutex &printing, const QString &text)
{
    std::lock_guard lock(printing);
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

} // namespace

int access(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs FUNCTION once with the project's S3 endpoint and Invoke API served and permissions in "
                       "\"warn\" (every call goes on), then prints each call it made to a service and what its "
                       "execution role decides: ALLOWED, DENIED (on AWS it would fail) or UNCHECKED (a role outside "
                       "the template). --suggest prints the SAM Policies block that allows exactly those calls."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FUNCTION"), QStringLiteral("the function's logical id"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption eventOpt(QStringLiteral("event"), QStringLiteral("event JSON file, or - for stdin"),
                                      QStringLiteral("FILE"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("the decisions as a JSON array"));
    const QCommandLineOption suggestOpt(QStringLiteral("suggest"),
                                        QStringLiteral("print the least-privilege Policies block for the calls made"));
    parser.addOptions({projectOpt, eventOpt, jsonOpt, suggestOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        error(QStringLiteral("access takes one FUNCTION (see --help)"));
        return 2;
    }
    const QString name = parser.positionalArguments().constFirst();
    const QString dir = QFileInfo(parser.value(projectOpt)).absoluteFilePath();
    if (!loadFunction(dir, name, QString()))
        return 2;
    const auto payload = readEvent(parser.value(eventOpt));
    if (!payload)
        return 2;

    Workspace::Options parts;
    parts.durable = true; // the triggers (and so the services) stand on the store
    parts.watch = false;
    CliWorkspace session(parts);
    session.endEnvironmentsOnSignals();
    if (!session.open(dir))
        return 2;
    QString problem;
    if (!session.workspace().startServing(QStringLiteral("127.0.0.1"), 0, 0, 0, &problem)) {
        error(problem);
        return 2;
    }
    TriggerHost &host = *session.workspace().triggers();
    host.setPermissionsMode(QStringLiteral("warn"));
    host.authorizer().clearCalls();
    const auto function = session.workspace().function(name, QString(), &problem);
    if (!function) {
        error(problem);
        return 2;
    }
    const InvocationRecord record = session.engine().invoke(*function, *payload);
    const std::vector<Authorizer::Call> calls = host.authorizer().calls(name);
    std::mutex &printing = session.printing();

    if (parser.isSet(suggestOpt)) {
        QString text = QStringLiteral("# The least privilege for what %1 did (%2 call(s)); paste under its "
                                      "Properties in template.yaml:\n")
                           .arg(name)
                           .arg(calls.size());
        text += PolicySuggestion::samPoliciesYaml(PolicySuggestion::policyFor(calls), 4);
        if (const auto role = host.authorizer().role(name); role && role->known)
            for (const QString &wide : PolicySuggestion::broaderThanUsed(role->policies, calls))
                text += QStringLiteral("# broader than used: ") + wide + QLatin1Char('\n');
        print(printing, text);
    } else if (parser.isSet(jsonOpt)) {
        nlohmann::json list = nlohmann::json::array();
        for (const Authorizer::Call &call : calls)
            list.push_back(callJson(call));
        print(printing, QString::fromStdString(list.dump(2)) + QLatin1Char('\n'));
    } else {
        QString text;
        for (const Authorizer::Call &call : calls)
            text += QStringLiteral("%1  %2  %3  %4\n")
                        .arg(decisionWord(call), call.request.action, call.request.resource,
                             call.evaluated ? call.decision.explain(call.request)
                                            : QStringLiteral("its role is not in the template"));
        if (calls.empty())
            text = QStringLiteral("%1 made no call to a local service\n").arg(name);
        print(printing, text);
    }
    if (record.failed())
        error(QStringLiteral("%1 failed: %2").arg(name, QString::fromUtf8(record.payload)));
    session.workspace().stopServing();
    return record.failed() ? 1 : 0;
}

} // namespace fn::cli
