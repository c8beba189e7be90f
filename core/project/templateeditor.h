#pragma once
// Edits one function's properties in a SAM template.yaml as text, so that every byte outside the
// edited values (comments, order, quoting, line endings, what fnstudio does not understand) stays.

#include "project/templatetext.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace YAML {
class Node;
}

namespace fn {

namespace yamltext {
struct Entry;
}

class TemplateEditor final : public TemplateText
{
public:
    // The integer properties the studio edits, nested ones included.
    enum class Property {
        MemorySize,
        Timeout,
        EphemeralStorageSize, // EphemeralStorage: Size
        ReservedConcurrentExecutions,
        ProvisionedConcurrentExecutions, // ProvisionedConcurrencyConfig: ProvisionedConcurrentExecutions
    };

    // Each edit changes text() or, returning false, leaves it alone and says why in errorString().
    bool setProperty(const QString &function, Property property, int value);
    // Removing a property that is not there succeeds and changes nothing.
    bool removeProperty(const QString &function, Property property);
    bool setEnvironmentVariable(const QString &function, const QString &name, const QString &value);
    bool removeEnvironmentVariable(const QString &function, const QString &name);
    // Replaces the function's Policies (or adds them, after its last property) with one inline
    // policy, {"Statement": [...]} as PolicySuggestion makes it, written as SAM's Policies block.
    // Refused for a function with a Role (SAM ignores Policies then) and for AWS::Lambda::Function.
    bool setPolicies(const QString &function, const nlohmann::json &policy);

    // A new AWS::Serverless::Function resource, appended as text at the end of the Resources
    // mapping (before any section that follows it); every existing line is kept as it is.
    struct NewFunction
    {
        QString name;    // the logical id
        QString runtime; // python3.12, nodejs20.x, provided.al2023
        QString handler; // app.lambda_handler, index.handler, bootstrap
        QString codeUri; // relative to the template, e.g. "MyFunction/"
        int memoryMb = 128;
        int timeoutSec = 3;
    };
    bool addFunction(const NewFunction &function);
    // Empty when name can be a new resource's logical id in text(), else why not (CloudFormation:
    // alphanumeric, at most 255 characters, unique in the template).
    QString newResourceNameProblem(const QString &name) const;

    // The property's keys under the function's Properties, e.g. {"EphemeralStorage", "Size"}.
    static QStringList keys(Property property);
    // Empty when Lambda accepts value, else the reason with Lambda's range (as template checks say it).
    static QString rangeProblem(Property property, int value);

private:
    // Parses text() and finds the function's resource; false (errorString() says why) when the
    // template does not parse or has no such function.
    bool locateFunction(const QString &function, YAML::Node &root, yamltext::Entry &resource);
    bool hasAutoPublishAlias(const QString &function) const; // its own or Globals'
    // Sets (value given) or removes (nullopt) Properties/<keys...> of function.
    bool edit(const QString &function, const QStringList &keys, const std::optional<QByteArray> &value, bool isString);
    bool checkStillValid(const QByteArray &before);
    bool checkAdded(const QByteArray &before, const QString &function);

    void replaceValue(int keyLine, int keyColumn, const QByteArray &value, bool isString);
    void removeEntry(int keyLine, int keyColumn);
    void insertEntries(int at, int indent, int step, const QStringList &keys, const QByteArray &value);
};

} // namespace fn
