#include "project/envvarsfile.h"

#include "project/jsonposition.h"
#include "project/projectfile.h"

#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace fn {

namespace {

const QString parametersSection = QStringLiteral("Parameters");

// sam local's coercions: numbers as written, booleans lower case, null as an empty string.
std::optional<QString> coerce(const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::string:
        return QString::fromStdString(value.get<std::string>());
    case nlohmann::json::value_t::boolean:
        return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return QString::fromStdString(value.dump());
    case nlohmann::json::value_t::null:
        return QString();
    default:
        return std::nullopt;
    }
}

} // namespace

bool EnvVarsFile::load(const QString &path)
{
    QString why;
    const std::optional<QByteArray> text = ProjectFile::read(path, ProjectFile::MaxSmallFileBytes, &why);
    if (!text) {
        m_path = QFileInfo(path).absoluteFilePath();
        if (m_displayName.isEmpty())
            m_displayName = path;
        m_errors = {{m_displayName, m_path, 0, 0, QStringLiteral("cannot read the env-vars file: %1").arg(why)}};
        return false;
    }
    return parse(*text, path);
}

bool EnvVarsFile::parse(const QByteArray &json, const QString &path)
{
    m_path = QFileInfo(path).absoluteFilePath();
    if (m_displayName.isEmpty())
        m_displayName = path;
    m_text = json;
    m_parameters.clear();
    m_functions.clear();
    m_order.clear();
    m_errors.clear();

    // ordered_json keeps the file's order, which is the order variables are added in.
    nlohmann::ordered_json root;
    try {
        root = nlohmann::ordered_json::parse(json.constBegin(), json.constEnd());
    } catch (const nlohmann::json::exception &e) {
        const JsonPosition position = JsonPosition::of(e, json);
        m_errors.append({m_displayName, m_path, position.line, position.column, position.message});
        return false;
    }
    if (!root.is_object()) {
        m_errors.append({m_displayName, m_path, 1, 0,
                         QStringLiteral("an env-vars file must be a JSON object of function names (or "
                                        "\"Parameters\") to objects of variables")});
        return false;
    }
    for (const auto &[sectionKey, section] : root.items()) {
        const QString name = QString::fromStdString(sectionKey);
        if (!section.is_object()) {
            m_errors.append(
                at(name, {}, QStringLiteral("\"%1\" must be an object of variable names to values").arg(name)));
            continue;
        }
        EnvironmentVariables::List variables;
        for (const auto &[key, value] : section.items()) {
            const QString variable = QString::fromStdString(key);
            const auto text = coerce(value);
            if (!text) {
                m_errors.append(at(name, variable,
                                   QStringLiteral("%1 in \"%2\" must be a string, number or boolean, not %3")
                                       .arg(variable, name, QString::fromLatin1(value.type_name()))));
                continue;
            }
            variables.append({variable, *text});
        }
        if (name == parametersSection) {
            m_parameters = variables;
        } else {
            m_functions.insert(name, variables);
            m_order.append(name);
        }
    }
    return m_errors.isEmpty();
}

QList<Diagnostic> EnvVarsFile::applyTo(FunctionConfig &function, QList<Diagnostic> *errors) const
{
    QList<Diagnostic> notes;
    const auto apply = [&](const QString &section, const EnvironmentVariables::List &variables) {
        for (const auto &[name, value] : variables) {
            const QString problem = EnvironmentVariables::nameProblem(name);
            if (!problem.isEmpty()) {
                errors->append(at(section, name, QStringLiteral("Environment variable '%1' %2").arg(name, problem)));
                continue;
            }
            const bool declared = EnvironmentVariables::contains(function.environment, name);
            EnvironmentVariables::set(function.environment, name, value);
            if (!declared)
                notes.append(
                    at(section, name,
                       QStringLiteral("added %1 to %2: the template does not declare it").arg(name, function.name)));
        }
    };
    apply(parametersSection, m_parameters);
    if (const auto it = m_functions.constFind(function.name); it != m_functions.cend())
        apply(function.name, *it);

    const qsizetype size = EnvironmentVariables::totalBytes(function.environment);
    if (size > EnvironmentVariables::MaxTotalBytes)
        errors->append({m_displayName, m_path, 0, 0,
                        QStringLiteral("with this file's values, the environment variables of %1 take %2 bytes, over "
                                       "Lambda's 4 KB limit (%3 bytes, counted as Lambda does: names and values as "
                                       "one JSON object)")
                            .arg(function.name)
                            .arg(size)
                            .arg(EnvironmentVariables::MaxTotalBytes)});
    return notes;
}

Diagnostic EnvVarsFile::at(const QString &section, const QString &name, const QString &message) const
{
    // nlohmann keeps no positions, so find the line by text: the section's key, then the
    // variable's key after it. Good enough to put an editor on the right line.
    Diagnostic d{m_displayName, m_path, 0, 0, message};
    qsizetype offset = m_text.indexOf(QByteArray('"' + section.toUtf8() + '"'));
    if (offset >= 0 && !name.isEmpty()) {
        const qsizetype inner = m_text.indexOf(QByteArray('"' + name.toUtf8() + '"'), offset);
        offset = inner >= 0 ? inner : offset;
    }
    if (offset >= 0)
        d.line = static_cast<int>(m_text.left(offset).count('\n')) + 1;
    return d;
}

} // namespace fn
