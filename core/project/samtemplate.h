#pragma once
// A SAM template.yaml read into the functions fnstudio can run, with every problem placed at its
// file and line (errors) and everything left out said out loud (warnings).

#include "project/diagnostic.h"
#include "project/functionconfig.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace YAML {
class Node;
}

namespace fn {

class IntrinsicResolver;

class SamTemplate final
{
public:
    // Values for template Parameters that win over their Default (sam --parameter-overrides).
    void setParameterOverrides(const QHash<QString, QString> &overrides) { m_overrides = overrides; }

    // How the file is named in messages; defaults to its file name ("template.yaml").
    void setDisplayName(const QString &name) { m_displayName = name; }

    // Reads and checks the template. True when it has no errors. Functions with errors are left
    // out of functions(); the others are still there, so one typo does not hide a whole project.
    bool load(const QString &path);
    // Same, from text already in memory; path places relative CodeUri and names the file.
    bool parse(const QByteArray &yaml, const QString &path);

    QString path() const { return m_path; }
    const QList<FunctionConfig> &functions() const { return m_functions; }
    std::optional<FunctionConfig> function(const QString &name) const;
    // The template's Parameters after Default values and overrides.
    const QHash<QString, QString> &parameters() const { return m_parameters; }

    const QList<Diagnostic> &errors() const { return m_errors; }
    const QList<Diagnostic> &warnings() const { return m_warnings; }

private:
    void reset(const QString &path);
    void error(int line, int column, const QString &message);
    void warning(int line, const QString &message);
    // The template's buckets, queues and topics by logical id → local name, warning about the
    // names that cannot be resolved (the logical id stands in) or break FIFO's naming rule.
    QHash<QString, QString> localNames(const IntrinsicResolver &resolver, const YAML::Node &resources);

    QHash<QString, QString> m_overrides;
    QString m_displayName;
    QString m_path;
    QList<FunctionConfig> m_functions;
    QHash<QString, QString> m_parameters;
    QList<Diagnostic> m_errors;
    QList<Diagnostic> m_warnings;
};

} // namespace fn
