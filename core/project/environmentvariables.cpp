#include "project/environmentvariables.h"

#include <nlohmann/json.hpp>

namespace fn {

const QStringList &EnvironmentVariables::reservedNames()
{
    // lambda-behaviour.md §2.1 (Lambda Developer Guide, "Defined runtime environment variables").
    static const QStringList names = {
        QStringLiteral("_HANDLER"),
        QStringLiteral("_X_AMZN_TRACE_ID"),
        QStringLiteral("AWS_REGION"),
        QStringLiteral("AWS_EXECUTION_ENV"),
        QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"),
        QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
        QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"),
        QStringLiteral("AWS_LAMBDA_INITIALIZATION_TYPE"),
        QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME"),
        QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME"),
        QStringLiteral("AWS_ACCESS_KEY"),
        QStringLiteral("AWS_ACCESS_KEY_ID"),
        QStringLiteral("AWS_SECRET_ACCESS_KEY"),
        QStringLiteral("AWS_SESSION_TOKEN"),
        QStringLiteral("AWS_LAMBDA_RUNTIME_API"),
        QStringLiteral("LAMBDA_TASK_ROOT"),
        QStringLiteral("LAMBDA_RUNTIME_DIR"),
        QStringLiteral("TZ"),
    };
    return names;
}

bool EnvironmentVariables::isReserved(const QString &name)
{
    return reservedNames().contains(name);
}

QString EnvironmentVariables::nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("has an empty name");
    const auto isAsciiLetter = [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
    };
    // Reserved names first: _HANDLER would otherwise be reported for its leading underscore,
    // which hides the real reason.
    if (isReserved(name))
        return QStringLiteral("is reserved: Lambda sets it itself");
    if (!isAsciiLetter(name.front()))
        return QStringLiteral("must start with a letter");
    if (name.size() < 2)
        return QStringLiteral("must be at least 2 characters long");
    for (QChar c : name) {
        if (!isAsciiLetter(c) && !(c >= QLatin1Char('0') && c <= QLatin1Char('9')) && c != QLatin1Char('_'))
            return QStringLiteral("may contain only letters, digits and underscores (found '%1')").arg(c);
    }
    return {};
}

qsizetype EnvironmentVariables::totalBytes(const List &variables)
{
    // An ordered object so duplicate handling and order match what the user wrote; the size is
    // the same in any order.
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto &[name, value] : variables)
        object[name.toStdString()] = value.toStdString();
    return static_cast<qsizetype>(object.dump().size());
}

bool EnvironmentVariables::set(List &variables, const QString &name, const QString &value)
{
    for (auto &entry : variables) {
        if (entry.first == name) {
            entry.second = value;
            return false;
        }
    }
    variables.append({name, value});
    return true;
}

bool EnvironmentVariables::contains(const List &variables, const QString &name)
{
    for (const auto &entry : variables) {
        if (entry.first == name)
            return true;
    }
    return false;
}

} // namespace fn
