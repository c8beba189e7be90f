// fnstudio-cli sqs: the project's local SQS queues, which the template's SQS event source
// mappings read while `fnstudio-cli serve` runs.

#include "clicommand.h"
#include "clock/clock.h"
#include "project/projectsettings.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"
#include "triggers/sqsqueuepoller.h"

#include <QCommandLineParser>
#include <QDir>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace fn::cli {

namespace {

void printLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

int sqs(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The project's local SQS queues (kept in .fnstudio/fnstudio.db).\n"
                       "  send QUEUE BODY   append a message; prints its MessageId and MD5OfMessageBody\n"
                       "  list              the queues and how many messages each holds\n"
                       "  receive QUEUE     receive up to --max visible messages as the SQS event's records, hiding\n"
                       "                    them for the queue's visibility timeout (they are not deleted)"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("send, list or receive"));
    const QCommandLineOption projectOpt(QStringLiteral("project"), QStringLiteral("project folder (default: current)"),
                                        QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption maxOpt(QStringLiteral("max"), QStringLiteral("receive: at most N messages (default 1)"),
                                    QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption groupOpt(QStringLiteral("message-group-id"),
                                      QStringLiteral("send: the message group (FIFO queues need one)"),
                                      QStringLiteral("ID"));
    const QCommandLineOption dedupOpt(QStringLiteral("message-deduplication-id"),
                                      QStringLiteral("send: the deduplication id (FIFO queues without "
                                                     "ContentBasedDeduplication need one)"),
                                      QStringLiteral("ID"));
    parser.addOption(projectOpt);
    parser.addOption(maxOpt);
    parser.addOption(groupOpt);
    parser.addOption(dedupOpt);
    if (const auto exit = parseArguments(parser, arguments))
        return *exit;
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    const int expected = action == QLatin1String("send")      ? 3
                         : action == QLatin1String("receive") ? 2
                         : action == QLatin1String("list")    ? 1
                                                              : -1;
    if (expected < 0 || args.size() != expected) {
        error(QStringLiteral("usage: sqs send QUEUE BODY [--message-group-id ID] [--message-deduplication-id "
                             "ID]|list|receive QUEUE [--max N] [--project DIR] (see --help)"));
        return 2;
    }

    Store store;
    QString problem;
    if (!store.open(Store::defaultPath(QDir(parser.value(projectOpt)).absolutePath()), &problem)) {
        error(problem);
        return 2;
    }
    // The CLI runs on real time; serve's clock may be accelerated, but message times are stamps only.
    SqsQueueStore queues(store, std::make_shared<Clock>());
    if (!queues.isValid()) {
        error(QStringLiteral("cannot create the SQS tables in ") + store.path());
        return 2;
    }

    if (action == QLatin1String("send")) {
        SqsSendOptions options;
        options.messageGroupId = parser.value(groupOpt);
        options.messageDeduplicationId = parser.value(dedupOpt);
        const auto sent = queues.send(args.at(1), args.at(2).toUtf8(), options, &problem);
        if (!sent) {
            error(problem);
            return 2;
        }
        nlohmann::ordered_json reply{{"MessageId", sent->messageId.toStdString()},
                                     {"MD5OfMessageBody", sent->md5OfBody.toStdString()}};
        if (!sent->sequenceNumber.isEmpty())
            reply["SequenceNumber"] = sent->sequenceNumber.toStdString();
        printLine(QByteArray::fromStdString(reply.dump()));
        return 0;
    }
    if (action == QLatin1String("list")) {
        printLine(QByteArrayLiteral("COUNT  VISIBILITY  DLQ (maxReceiveCount)  TYPE      NAME"));
        for (const QString &name : queues.queueNames()) {
            const SqsQueueSettings s = queues.queue(name);
            const QString dlq = s.deadLetterQueue.isEmpty()
                                    ? QStringLiteral("-")
                                    : QStringLiteral("%1 (%2)").arg(s.deadLetterQueue).arg(s.maxReceiveCount);
            printLine(QByteArray::number(queues.messages(name).size()).rightJustified(5) + "  "
                      + QByteArray::number(s.visibilityTimeoutSec).rightJustified(9) + "s  "
                      + dlq.leftJustified(21).toUtf8() + ' ' + (s.fifo ? "FIFO    " : "standard") + "  "
                      + name.toUtf8());
        }
        return 0;
    }
    bool ok = false;
    const int max = parser.value(maxOpt).toInt(&ok);
    if (!ok || max < 1 || max > 10) {
        error(QStringLiteral("--max must be between 1 and 10"));
        return 2;
    }
    const auto batch = queues.receive(args.at(1), max);
    const auto event = nlohmann::ordered_json::parse(
        SqsQueuePoller::event(batch,
                              ProjectSettings::load(QDir(parser.value(projectOpt)).absolutePath(), nullptr).account)
            .toStdString());
    for (const auto &record : event["Records"])
        printLine(QByteArray::fromStdString(record.dump()));
    return 0;
}

} // namespace fn::cli
