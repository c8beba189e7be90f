#pragma once
// A project folder: its SAM template, the env-vars file applied over it, and its sample events.

#include "project/diagnostic.h"
#include "project/functionconfig.h"
#include "project/projectsettings.h"
#include "project/samtemplate.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace fn {

class Project final
{
public:
    // The env-vars file picked up by open() when present.
    static QString defaultEnvVarsFileName() { return QStringLiteral("env.json"); }

    void setParameterOverrides(const QHash<QString, QString> &overrides) { m_overrides = overrides; }

    // Reads <folder>/template.yaml (or template.yml), then <folder>/env.json if there is one.
    // True when neither has errors; functions without errors are available either way.
    bool open(const QString &folder);

    // Applies an env-vars file (sam local --env-vars) over the template's values, replacing any
    // file applied before. True when it had no errors; notes() lists variables it added.
    bool applyEnvVarsFile(const QString &path);

    QString folder() const { return m_folder; }
    QString templatePath() const { return m_template.path(); }
    QString envVarsPath() const { return m_envVarsPath; }
    const SamTemplate &samTemplate() const { return m_template; }

    const QList<FunctionConfig> &functions() const { return m_functions; }
    // .fnstudio/settings.json (defaults when absent); its problems are among errors().
    const ProjectSettings &settings() const { return m_settings; }
    // By the logical id, else by the name Lambda knows it by (FunctionName).
    std::optional<FunctionConfig> function(const QString &name) const;

    const QList<Diagnostic> &errors() const { return m_errors; }
    const QList<Diagnostic> &warnings() const { return m_warnings; }
    // Things worth knowing that are not problems (variables added by the env-vars file).
    const QList<Diagnostic> &notes() const { return m_notes; }

    // events/<function>/*.json, sorted; see SampleEvents.
    QStringList eventFiles(const QString &function) const;
    // An event's bytes, checked to be JSON; errors name the file relative to the project.
    std::optional<QByteArray> readEvent(const QString &path, Diagnostic *error) const;

    // How a path is named in messages: relative to the project when inside it.
    QString displayPath(const QString &path) const;

private:
    void collect();

    QHash<QString, QString> m_overrides;
    QString m_folder;
    QString m_envVarsPath;
    SamTemplate m_template;
    QList<FunctionConfig> m_functions;
    ProjectSettings m_settings;
    QList<Diagnostic> m_settingsErrors;
    QList<Diagnostic> m_envErrors;
    QList<Diagnostic> m_errors;
    QList<Diagnostic> m_warnings;
    QList<Diagnostic> m_notes;
};

} // namespace fn
