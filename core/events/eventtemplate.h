#pragma once
// One entry of the event catalogue: a sample event of an AWS service and the parameters it takes.

#include <QList>
#include <QString>

namespace fn {

struct EventParameter
{
    QString name; // used as --name on the command line and {{name}} in the template
    QString defaultValue;
    QString help;
};

struct EventTemplate
{
    QString service; // e.g. "s3"
    QString name;    // e.g. "put"
    QString description;
    QString file; // the template, relative to the catalogue folder: "s3/put.json"
    QList<EventParameter> parameters;

    const EventParameter *parameter(const QString &parameterName) const
    {
        for (const EventParameter &p : parameters)
            if (p.name == parameterName)
                return &p;
        return nullptr;
    }
};

} // namespace fn
