// fnstudio-cli queue: the project's asynchronous queues, dead-letter queues and destinations.

#include "cliworkspace.h"

#include "clicommand.h"
#include "engine/asyncqueue.h"
#include "store/store.h"
#include "workspace/terminationsignals.h"

#include <QCommandLineParser>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace fn::cli {

namespace {

nlohmann::ordered_json jsonOrString(const QByteArray &bytes)
{
    auto parsed = nlohmann::ordered_json::parse(bytes.begin(), bytes.end(), nullptr, false);
    return parsed.is_discarded() ? nlohmann::ordered_json(bytes.toStdString()) : parsed;
}

void printLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

int queue(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The project's local queues: each function's accepted asynchronous events (kind async), its dead-letter "
        "queue (dlq) and its OnSuccess/OnFailure destinations (destination).\n"
        "  list          the queues with something in them\n"
        "  show NAME     the messages of a queue as JSON lines (an async queue: its pending events)\n"
        "  redrive NAME  send a dead-letter or destination queue's events back to their functions\n"
        "  purge NAME    empty a dead-letter or destination queue\n"
        "  run           deliver every accepted event (also those an earlier run left) and exit"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("list, show, redrive, purge or run"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    parser.addOption(projectOpt);
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    const bool needsName =
        action == QLatin1String("show") || action == QLatin1String("redrive") || action == QLatin1String("purge");
    const bool known = needsName || action == QLatin1String("list") || action == QLatin1String("run");
    if (!known || args.size() != (needsName ? 2 : 1)) {
        error(QStringLiteral("usage: queue list|show NAME|redrive NAME|purge NAME|run [--project DIR] (see --help)"));
        return 2;
    }
    Workspace::Options options;
    options.deliver = false; // only `run` delivers
    options.triggers = false;
    options.watch = false;
    options.provision = false;
    CliWorkspace session(options);
    if (action == QLatin1String("run"))
        session.endEnvironmentsOnSignals();
    if (!session.open(parser.value(projectOpt)))
        return 2;
    AsyncQueue &queue = session.queue();
    const QString name = args.value(1);

    if (action == QLatin1String("list")) {
        const auto queues = queue.queues();
        printLine(QByteArrayLiteral("KIND         COUNT  NAME"));
        for (const QueueSummary &q : queues)
            printLine(q.kind.leftJustified(12).toUtf8() + ' ' + QByteArray::number(q.count).rightJustified(5) + "  "
                      + q.name.toUtf8());
        return 0;
    }
    if (action == QLatin1String("show")) {
        bool any = false;
        for (const StoredEvent &e : session.store().events()) {
            if (e.functionName != name)
                continue;
            nlohmann::ordered_json line{{"requestId", e.requestId.toStdString()},
                                        {"attempts", e.attempts},
                                        {"nextAttemptMs", e.nextAttemptMs},
                                        {"event", jsonOrString(e.payload)}};
            printLine(QByteArray::fromStdString(line.dump()));
            any = true;
        }
        for (const QueueMessage &m : queue.messages(name)) {
            nlohmann::ordered_json line{{"messageId", m.id}, {"function", m.functionName.toStdString()}};
            if (m.kind == QLatin1String("dlq"))
                line["attributes"] = jsonOrString(m.attributes);
            line["body"] = jsonOrString(m.body);
            printLine(QByteArray::fromStdString(line.dump()));
            any = true;
        }
        if (!any)
            error(QStringLiteral("queue '%1' is empty or does not exist (see queue list)").arg(name));
        return 0;
    }
    if (action == QLatin1String("redrive")) {
        const int count = queue.redrive(name);
        std::fprintf(stderr, "fnstudio-cli: re-drove %d messages from %s; `queue run` delivers them\n", count,
                     name.toUtf8().constData());
        return 0;
    }
    if (action == QLatin1String("purge")) {
        const int count = queue.purge(name);
        std::fprintf(stderr, "fnstudio-cli: purged %d messages from %s\n", count, name.toUtf8().constData());
        return 0;
    }

    // run: deliver until nothing is left, a line per finished event.
    QObject::connect(
        &queue, &AsyncQueue::eventFinished, &queue,
        [&session](const QString &requestId, const QString &function, const QString &condition, int count) {
            std::lock_guard lock(session.printing());
            printLine(requestId.toUtf8() + ' ' + function.toUtf8() + ' ' + condition.toUtf8()
                      + " approximateInvokeCount=" + QByteArray::number(count));
        },
        Qt::DirectConnection);
    session.workspace().startDelivery();
    while (!queue.waitUntilIdle(1000) && !CliWorkspace::interrupted()) {
    }
    if (const int signal = CliWorkspace::interrupted()) {
        error(QStringLiteral("the events not yet delivered stay queued for the next `queue run`"));
        return TerminationSignals::interruptedExitCode(signal);
    }
    return 0;
}

} // namespace fn::cli
