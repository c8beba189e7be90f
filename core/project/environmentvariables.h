#pragma once
// Lambda's rules for a function's own environment variables: names, reserved names, the 4 KB total.

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace fn {

class EnvironmentVariables final
{
public:
    using List = QList<QPair<QString, QString>>;

    // Lambda rejects a configuration whose variables exceed 4 KB in total.
    static constexpr qsizetype MaxTotalBytes = 4096;

    // Names Lambda sets itself and refuses from the user.
    static const QStringList &reservedNames();
    static bool isReserved(const QString &name);

    // Empty when Lambda accepts the name as a user variable, else the reason, phrased to follow
    // "Environment variable 'NAME' ".
    static QString nameProblem(const QString &name);

    // The size Lambda checks against MaxTotalBytes. Lambda measures the variables serialised as
    // one compact JSON object, {"NAME":"value",...} in UTF-8 (its error message quotes that
    // "String measured"), so quotes, colons, commas, braces and JSON escapes count too.
    static qsizetype totalBytes(const List &variables);

    // Sets name to value, replacing an existing entry in place or appending a new one.
    // Returns true when the name was new.
    static bool set(List &variables, const QString &name, const QString &value);
    static bool contains(const List &variables, const QString &name);
};

} // namespace fn
