#include "project/project.h"

#include "project/envvarsfile.h"
#include "project/sampleevents.h"

#include <QDir>
#include <QFileInfo>

namespace fn {

bool Project::open(const QString &folder)
{
    m_folder = QDir(folder).absolutePath();
    m_envVarsPath.clear();
    m_envErrors.clear();
    m_notes.clear();

    QString templateFile = QDir(m_folder).absoluteFilePath(QStringLiteral("template.yaml"));
    const QString alternative = QDir(m_folder).absoluteFilePath(QStringLiteral("template.yml"));
    if (!QFileInfo::exists(templateFile) && QFileInfo::exists(alternative))
        templateFile = alternative;

    m_template = SamTemplate();
    m_template.setParameterOverrides(m_overrides);
    m_template.setDisplayName(displayPath(templateFile));
    m_template.load(templateFile);
    m_functions = m_template.functions();
    m_settingsErrors.clear();
    m_settings = ProjectSettings::load(m_folder, &m_settingsErrors);

    const QString envFile = QDir(m_folder).absoluteFilePath(defaultEnvVarsFileName());
    if (QFileInfo::exists(envFile))
        return applyEnvVarsFile(envFile);
    collect();
    return m_errors.isEmpty();
}

bool Project::applyEnvVarsFile(const QString &path)
{
    m_envVarsPath = QFileInfo(path).absoluteFilePath();
    m_envErrors.clear();
    m_notes.clear();
    m_functions = m_template.functions(); // a second file replaces the first, not adds to it

    EnvVarsFile file;
    file.setDisplayName(displayPath(path));
    if (file.load(path)) {
        for (FunctionConfig &function : m_functions)
            m_notes += file.applyTo(function, &m_envErrors);
        for (const QString &section : file.functionSections()) {
            if (!m_template.function(section))
                m_notes.append({displayPath(path), m_envVarsPath, 0, 0,
                                QStringLiteral("\"%1\" names no function of the template; its variables are not used")
                                    .arg(section)});
        }
    } else {
        m_envErrors = file.errors();
    }
    collect();
    return m_envErrors.isEmpty();
}

void Project::collect()
{
    m_errors = m_template.errors() + m_envErrors + m_settingsErrors;
    m_warnings = m_template.warnings();
}

std::optional<FunctionConfig> Project::function(const QString &name) const
{
    for (const FunctionConfig &f : m_functions) {
        if (f.name == name)
            return f;
    }
    for (const FunctionConfig &f : m_functions) { // by its FunctionName, as Lambda knows it
        if (f.lambdaName() == name)
            return f;
    }
    return std::nullopt;
}

QStringList Project::eventFiles(const QString &function) const
{
    return SampleEvents::list(m_folder, function);
}

std::optional<QByteArray> Project::readEvent(const QString &path, Diagnostic *error) const
{
    return SampleEvents::read(path, error, displayPath(path));
}

QString Project::displayPath(const QString &path) const
{
    if (m_folder.isEmpty())
        return path;
    const QString relative = QDir(m_folder).relativeFilePath(QFileInfo(path).absoluteFilePath());
    return relative.startsWith(QLatin1String("..")) ? QFileInfo(path).absoluteFilePath() : relative;
}

} // namespace fn
