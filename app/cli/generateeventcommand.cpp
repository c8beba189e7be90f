#include "clicommand.h"

#include "events/eventcatalogue.h"

#include <cstdio>

namespace fn::cli {

namespace {

void printHelp(const EventCatalogue &catalogue)
{
    std::fputs("usage: fnstudio-cli generate-event SERVICE EVENT [--PARAMETER VALUE ...]\n"
               "       fnstudio-cli generate-event --list\n"
               "       fnstudio-cli generate-event SERVICE EVENT --help   (the event's parameters)\n"
               "\n"
               "Prints a sample event of an AWS service as JSON, with the given parameter values.\n",
               stdout);
    std::printf("services: %s\n", catalogue.services().join(QStringLiteral(", ")).toUtf8().constData());
}

void printParameters(const EventTemplate &event)
{
    std::printf("%s %s: %s\n\nparameters:\n", event.service.toUtf8().constData(), event.name.toUtf8().constData(),
                event.description.toUtf8().constData());
    for (const EventParameter &p : event.parameters)
        std::printf("  --%-18s %s (default: %s)\n", p.name.toUtf8().constData(), p.help.toUtf8().constData(),
                    p.defaultValue.toUtf8().constData());
}

} // namespace

int generateEvent(const QStringList &arguments)
{
    EventCatalogue catalogue;
    QString problem;
    if (!catalogue.load(EventCatalogue::defaultDirectory(), &problem)) {
        error(QStringLiteral("cannot load the event catalogue: %1").arg(problem));
        return 2;
    }
    // Parameters are per event, so the arguments are read by hand: --name value or --name=value.
    QStringList positional;
    QMap<QString, QString> values;
    bool list = false;
    bool help = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        if (arg == QLatin1String("--list")) {
            list = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            help = true;
        } else if (arg.startsWith(QLatin1String("--"))) {
            QString name = arg.mid(2);
            QString value;
            if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            } else if (i + 1 < arguments.size()) {
                value = arguments.at(++i);
            } else {
                error(QStringLiteral("--%1 needs a value").arg(name));
                return 2;
            }
            values.insert(name, value);
        } else {
            positional << arg;
        }
    }
    if (list) {
        for (const EventTemplate &e : catalogue.events())
            std::printf("%s %s\n", e.service.toUtf8().constData(), e.name.toUtf8().constData());
        return 0;
    }
    if (help && positional.size() == 2) {
        if (const EventTemplate *event = catalogue.find(positional.at(0), positional.at(1))) {
            printParameters(*event);
            return 0;
        }
    } else if (help) {
        printHelp(catalogue);
        return 0;
    }
    if (positional.size() != 2) {
        error(QStringLiteral("generate-event needs a SERVICE and an EVENT (see --list)"));
        return 2;
    }
    const auto event = catalogue.render(positional.at(0), positional.at(1), values, &problem);
    if (!event) {
        error(problem);
        return 2;
    }
    const std::string text = event->dump(2);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
}

} // namespace fn::cli
