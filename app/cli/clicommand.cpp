#include "clicommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace fn::cli {

void error(const QString &message)
{
    std::fprintf(stderr, "fnstudio-cli: %s\n", message.toLocal8Bit().constData());
}

std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments)
{
    if (!parser.parse(arguments)) {
        error(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
        return 0;
    }
    return std::nullopt;
}

static void usage()
{
    std::fputs("usage: fnstudio-cli <command> [options]\n"
               "\n"
               "commands:\n"
               "  invoke FUNCTION [--project DIR] [--event FILE|-] [--repeat N] [--force-cold] [--env-vars FILE]\n"
               "                 [--type Event [--no-wait]] [--concurrency C] [--json]\n"
               "                 run a function; responses (or, with --json, each invocation's anatomy and\n"
               "                 cost) on stdout, logs on stderr\n"
               "  tune FUNCTION [--memory 128,256,..] [--num N] [--cold] [--strategy cost|speed|balanced]\n"
               "                [--weight W] [--event FILE] [--apply] [--logs] [--json]\n"
               "                 power tuning: duration and cost at each memory size, and the best size\n"
               "  bench [--runtime python|nodejs] [--function F --project DIR] [--n N] [--concurrency C,..] [--json]\n"
               "                 warm latency, cold start phases, throughput and engine memory\n"
               "  doctor         the runtimes found, the sandbox and cgroup backends, the isolation in force\n"
               "  serve [--project DIR] [--host 127.0.0.1] [--port 3001] [--api-port 3000]\n"
               "                 serve the project's functions through the Lambda Invoke API until interrupted\n"
               "  schedule next EXPRESSION [--from ISO-8601-TIME] [--count N]\n"
               "                 the next fire times of a rate() or cron() schedule expression, in UTC\n"
               "  generate-event SERVICE EVENT [--PARAMETER VALUE ...] | --list\n"
               "                 a sample event of an AWS service (S3, SQS, API Gateway, ...) as JSON\n"
               "  queue list|show NAME|redrive NAME|purge NAME|run [--project DIR]\n"
               "                 async queues, dead-letter queues and destinations; run delivers accepted events\n"
               "  sqs send QUEUE BODY|list|receive QUEUE [--project DIR]\n"
               "                 the local SQS queues the template's SQS events read\n"
               "  access FUNCTION [--project DIR] [--event FILE] [--json | --suggest]\n"
               "                 run a function with the services served and show each call it made and what its\n"
               "                 execution role decides; --suggest prints the least-privilege Policies block\n"
               "  cloudwatch FILE... [--json]\n"
               "                 REPORT lines from CloudWatch Logs (filter-log-events JSON, sam logs text):\n"
               "                 cold and warm percentiles and the latency distribution, to set beside local\n"
               "\n"
               "Run `fnstudio-cli <command> --help` for a command's options.\n",
               stderr);
}

int run(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.at(1) == QLatin1String("--help") || arguments.at(1) == QLatin1String("-h")) {
        usage();
        return arguments.size() < 2 ? 2 : 0;
    }
    const QString command = arguments.at(1);
    QStringList rest = arguments;
    rest.removeAt(1); // keep argv[0] for QCommandLineParser
    if (command == QLatin1String("invoke"))
        return invoke(rest);
    if (command == QLatin1String("doctor"))
        return doctor(rest);
    if (command == QLatin1String("serve"))
        return serve(rest);
    if (command == QLatin1String("access"))
        return access(rest);
    if (command == QLatin1String("bench"))
        return bench(rest);
    if (command == QLatin1String("tune"))
        return tune(rest);
    if (command == QLatin1String("schedule"))
        return schedule(rest);
    if (command == QLatin1String("generate-event"))
        return generateEvent(rest);
    if (command == QLatin1String("queue"))
        return queue(rest);
    if (command == QLatin1String("sqs"))
        return sqs(rest);
    if (command == QLatin1String("cloudwatch"))
        return cloudwatch(rest);
    error(QStringLiteral("unknown command '%1'").arg(command));
    usage();
    return 2;
}

} // namespace fn::cli
