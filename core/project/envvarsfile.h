#pragma once
// An env-vars file in the format of `sam local --env-vars`: {"Parameters": {...}, "<Function>": {...}}.

#include "project/diagnostic.h"
#include "project/environmentvariables.h"
#include "project/functionconfig.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace fn {

class EnvVarsFile final
{
public:
    // How the file is named in messages; defaults to its path as given.
    void setDisplayName(const QString &name) { m_displayName = name; }

    // Reads the file. False with errors() when it cannot be read, is not valid JSON (placed at
    // line and column), or holds something other than objects of variable names to plain values.
    bool load(const QString &path);
    bool parse(const QByteArray &json, const QString &path);

    const QList<Diagnostic> &errors() const { return m_errors; }

    // The function sections present ("Parameters" excluded), in file order.
    QStringList functionSections() const { return m_order; }

    // Sets the file's variables on the function: Parameters first, then its own section, each
    // replacing the template's value. Unlike sam local, a variable the template does not declare
    // is added too, and each such addition comes back as a note. Bad names and a total over
    // Lambda's 4 KB go to *errors (the offending variable is not set).
    QList<Diagnostic> applyTo(FunctionConfig &function, QList<Diagnostic> *errors) const;

private:
    Diagnostic at(const QString &section, const QString &name, const QString &message) const;

    QString m_path;
    QString m_displayName;
    QByteArray m_text;
    EnvironmentVariables::List m_parameters;
    QHash<QString, EnvironmentVariables::List> m_functions;
    QStringList m_order;
    QList<Diagnostic> m_errors;
};

} // namespace fn
