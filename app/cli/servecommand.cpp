#include "clicommand.h"
#include "cliworkspace.h"

#include "engine/engine.h"
#include "project/project.h"
#include "services/apigatewayroutes.h"
#include "services/invokeapiserver.h"
#include "services/s3endpoint.h"
#include "triggers/scheduler.h"
#include "workspace/terminationsignals.h"
#include "workspace/triggerhost.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdio>
#include <mutex>

namespace fn::cli {

namespace {

int parsePort(const QCommandLineParser &parser, const QCommandLineOption &option, bool *ok)
{
    const int port = parser.value(option).toInt(ok);
    *ok = *ok && port >= 0 && port <= 65535;
    if (!*ok)
        error(QStringLiteral("--%1 must be a port number (0-65535; 0 picks a free one), not '%2'")
                  .arg(option.names().constFirst(), parser.value(option)));
    return port;
}

} // namespace

int serve(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serves the project's functions through the Lambda Invoke API until interrupted, so the AWS CLI "
                       "and SDKs can call them with --endpoint-url. The address and the functions go to stdout, the "
                       "functions' logs and one line per request to stderr."));
    parser.addHelpOption();
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption hostOpt(QStringLiteral("host"),
                                     QStringLiteral("address to listen on (default 127.0.0.1: this machine only)"),
                                     QStringLiteral("HOST"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOpt(QStringLiteral("port"), QStringLiteral("Invoke API port (default 3001)"),
                                     QStringLiteral("PORT"), QString::number(InvokeApiServer::DefaultPort));
    const QCommandLineOption apiPortOpt(QStringLiteral("api-port"),
                                        QStringLiteral("API Gateway port for the template's Api and HttpApi events "
                                                       "(default 3000; 0 picks a free one)"),
                                        QStringLiteral("PORT"), QStringLiteral("3000"));
    const QCommandLineOption legacyOpt(QStringLiteral("legacy-async-limit"),
                                       QStringLiteral("limit Event payloads to 262,144 bytes as Lambda did before "
                                                      "raising it to 1 MB"));
    const QCommandLineOption s3PortOpt(
        QStringLiteral("s3-port"),
        QStringLiteral("S3-compatible endpoint over the local buckets, which functions find "
                       "through AWS_ENDPOINT_URL_S3 (default 3002; 0 picks a free one)"),
        QStringLiteral("PORT"), QString::number(S3Endpoint::DefaultPort));
    parser.addOptions({projectOpt, hostOpt, portOpt, apiPortOpt, s3PortOpt, legacyOpt});
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        error(QStringLiteral("serve takes no arguments besides its options (see --help)"));
        return 2;
    }
    bool ok = false;
    const int port = parsePort(parser, portOpt, &ok);
    if (!ok)
        return 2;
    const int apiPort = parsePort(parser, apiPortOpt, &ok);
    if (!ok)
        return 2;
    const int s3Port = parsePort(parser, s3PortOpt, &ok);
    if (!ok)
        return 2;

    // From before the first environment starts (provisioned ones start with the project): SIGTERM,
    // SIGINT and SIGHUP leave the event loop, and the same orderly end as a quit follows below. The
    // signal is how serve is meant to stop, so a stop it completes exits 0, as a service should
    // under systemd (which counts 143 as a failure).
    TerminationSignals termination;
    QObject::connect(&termination, &TerminationSignals::requested, &termination,
                     [](int) { QCoreApplication::exit(0); });
    if (!termination.isInstalled())
        error(QStringLiteral("warning: cannot handle SIGTERM, SIGINT and SIGHUP: they end serve at once, and the "
                             "environments left are ended by the next start"));

    // Everything the studio runs for an open project: the store and its durable async queue
    // (retries, dead-letter queues, destinations; recovered after a crash), schedules, SQS event
    // source mappings and S3 buckets on the engine's clock, provisioned environments, and the watch
    // on the project's files (a saved handler retires its environments; the next call is cold).
    CliWorkspace session(Workspace::Options{});
    const QString dir = QFileInfo(parser.value(projectOpt)).absoluteFilePath();
    if (parser.isSet(legacyOpt))
        session.workspace().forceLegacyAsyncPayloadLimit();
    if (!session.open(dir))
        return 2;
    Workspace &workspace = session.workspace();
    const Project &project = workspace.project();
    for (const Diagnostic &w : project.warnings())
        error(QStringLiteral("warning: ") + w.toString());
    // Functions with errors are left out by the project; the others are still worth serving.
    for (const Diagnostic &e : project.errors())
        if (e.file != ProjectSettings::fileName()) // the session printed those
            error(e.toString());
    if (project.functions().isEmpty()) {
        error(QStringLiteral("no functions to serve in %1")
                  .arg(project.templatePath().isEmpty() ? dir : project.templatePath()));
        return 2;
    }
    Engine &engine = session.engine();
    std::mutex &printing = session.printing();
    TriggerHost &triggers = *workspace.triggers();
    auto printLine = [&printing](const QString &line) {
        const QByteArray text = "fnstudio-cli serve: " + line.toUtf8() + '\n';
        std::lock_guard lock(printing);
        std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
    };
    // Direct: printed on the thread that processed the batch or served the request.
    QObject::connect(
        &triggers, &TriggerHost::sqsBatchProcessed, &triggers,
        [printLine](const SqsBatchResult &r) {
            printLine(QStringLiteral("SQS %1 -> %2: %3 messages, %4 failed%5")
                          .arg(r.queue, r.functionName)
                          .arg(r.messageIds.size())
                          .arg(r.failedIds.size())
                          .arg(r.error.isEmpty() ? QString() : QStringLiteral(" (") + r.error + u')'));
        },
        Qt::DirectConnection);
    QObject::connect(&triggers, &TriggerHost::invokeApiRequest, &triggers, printLine, Qt::DirectConnection);
    QObject::connect(
        &triggers, &TriggerHost::apiGatewayRequest, &triggers,
        [printLine](const QString &line) { printLine(QStringLiteral("API Gateway: ") + line); }, Qt::DirectConnection);
    QObject::connect(
        &triggers, &TriggerHost::s3Request, &triggers,
        [printLine](const QString &line) { printLine(QStringLiteral("S3: ") + line); }, Qt::DirectConnection);
    QObject::connect(
        &triggers, &TriggerHost::accessDenied, &triggers,
        [printLine](const QString &, const QString &line) { printLine(QStringLiteral("permissions: ") + line); },
        Qt::DirectConnection);
    QObject::connect(&workspace, &Workspace::environmentsRetired, &workspace,
                     [printLine](const QString &function, const QString &reason) {
                         printLine(QStringLiteral("%1: %2; its environments are retired, the next invocation is cold")
                                       .arg(function, reason));
                     });

    QString problem;
    if (!workspace.startServing(parser.value(hostOpt), port, apiPort, s3Port, &problem)) {
        error(problem);
        return 2;
    }

    {
        std::lock_guard lock(printing);
        const QByteArray url = triggers.invokeApiUrl().toUtf8();
        std::printf("Lambda Invoke API: %s\n", url.constData());
        for (const FunctionConfig &f : triggers.functions())
            std::printf("  %s  %s  %s\n", f.name.toUtf8().constData(), f.runtime.toUtf8().constData(),
                        f.handler.toUtf8().constData());
        std::printf("Try: aws lambda invoke --endpoint-url %s --function-name %s out.json\n", url.constData(),
                    triggers.functions().constFirst().name.toUtf8().constData());
        std::fflush(stdout);
        if (triggers.servesApiGateway()) {
            std::printf("API Gateway: %s\n", triggers.apiGatewayUrl().toUtf8().constData());
            const ApiGatewayRoutes routes = triggers.routes();
            for (const ApiGatewayRoute &r : routes.routes())
                std::printf("  %s  %s  (%s, payload %s)\n", r.routeKey().toUtf8().constData(),
                            r.functionName.toUtf8().constData(),
                            r.kind == ApiGatewayRoute::Kind::Rest ? "REST API" : "HTTP API",
                            r.payloadVersion.toUtf8().constData());
            std::fflush(stdout);
        } else {
            std::fprintf(stderr, "fnstudio-cli serve: API Gateway: the template has no Api or HttpApi events; "
                                 "--api-port is not served\n");
        }
        const QByteArray s3 = triggers.s3EndpointUrl().toUtf8();
        std::printf("S3 endpoint: %s (AWS_ENDPOINT_URL_S3 in every environment)\n", s3.constData());
        for (const QString &b : triggers.buckets())
            std::printf("  %s  %s\n", b.toUtf8().constData(),
                        QDir::toNativeSeparators(triggers.bucketDir(b)).toUtf8().constData());
        std::printf("Try: aws s3api list-buckets --endpoint-url %s\n", s3.constData());
        const QList<ScheduleState> schedules = triggers.schedules();
        for (const ScheduleState &s : schedules)
            std::printf("Schedule %s  %s  %s  next %s\n", s.id.toUtf8().constData(), s.expression.toUtf8().constData(),
                        s.enabled ? "enabled" : "disabled",
                        s.nextFires.isEmpty() ? "-" : s.nextFires.first().toString(Qt::ISODate).toUtf8().constData());
        if (!schedules.isEmpty())
            std::printf("  %s\n", Scheduler::missedFiresNote().toUtf8().constData());
        for (const SqsEventSourceMapping &m : triggers.mappings())
            std::printf("SQS queue %s -> %s (batch %d)\n", m.queue.toUtf8().constData(),
                        m.functionName.toUtf8().constData(), m.batchSize);
        for (const S3Notification &n : triggers.notifications())
            std::printf("S3 bucket %s (%s) -> %s\n", n.bucket.toUtf8().constData(),
                        QDir::toNativeSeparators(triggers.bucketDir(n.bucket)).toUtf8().constData(),
                        n.functionName.toUtf8().constData());
        std::fflush(stdout);
        std::fflush(stderr);
    }

    QCoreApplication::exec();
    // Finish what is in flight, then take every environment down before the engine goes.
    workspace.close();
    engine.stopAll();
    std::lock_guard lock(printing);
    if (const int signal = TerminationSignals::received())
        std::fprintf(stderr, "fnstudio-cli serve: stopped by %s; every environment ended\n",
                     TerminationSignals::name(signal));
    else
        std::fprintf(stderr, "fnstudio-cli serve: stopped\n");
    return 0;
}

} // namespace fn::cli
