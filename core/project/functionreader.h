#pragma once
// Turns one function resource of a SAM template (with the template's Globals) into a
// FunctionConfig, checking each value against Lambda's limits. Internal to fncore (yaml-cpp types).

#include "access/policy.h"
#include "project/diagnostic.h"
#include "project/functionconfig.h"

#include <QHash>
#include <QList>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace fn {

class FolderContainment;
class IntrinsicResolver;

class FunctionReader final
{
public:
    // resources: the template's Resources (layers are looked up there); file: where the template
    // is, for paths and messages (shown as displayName); containment: where code and layer folders
    // may lead (a folder outside it is an error, and the function cannot run).
    FunctionReader(const IntrinsicResolver &resolver, const FolderContainment &containment, const YAML::Node &resources,
                   const QString &file, const QString &displayName);

    // Reads an AWS::Serverless::Function (globals = Globals: Function:, may be undefined) or,
    // with serverless false, an AWS::Lambda::Function. nullopt when the function cannot run;
    // errors() and warnings() say why and what was left out.
    std::optional<FunctionConfig> read(const YAML::Node &id, const YAML::Node &resource, const YAML::Node &globals,
                                       bool serverless);

    // The template's buckets, queues and topics by logical id → local name (SamTemplate::localNames),
    // given to every function read (FunctionConfig::resourceNames). Set before read().
    void setResourceNames(const QHash<QString, QString> &names) { m_resourceNames = names; }

    const QList<Diagnostic> &errors() const { return m_errors; }
    const QList<Diagnostic> &warnings() const { return m_warnings; }

    // Properties fnstudio uses, and those that only matter when deploying (accepted silently).
    static bool isUnderstood(const QString &property);
    static bool isDeployOnly(const QString &property);

private:
    // A property found on the function or, failing that, in Globals.
    struct Property
    {
        YAML::Node key;
        YAML::Node value;
        bool exists() const { return value.IsDefined(); }
    };

    Property property(const char *name) const;
    Property subProperty(const char *name, const char *sub) const;

    void readCode(FunctionConfig &config, bool *ok);
    void readEnvironment(FunctionConfig &config, bool *ok);
    void readLayers(FunctionConfig &config, bool *ok);
    void readLogging(FunctionConfig &config, bool *ok);
    void readAsync(FunctionConfig &config, bool *ok);
    void readRole(FunctionConfig &config);
    void readIamRole(const QString &roleId, FunctionConfig &config);
    void readPermissions(FunctionConfig &config, bool *ok);
    // The template's AWS::S3::Bucket NotificationConfiguration entries naming this function: S3
    // events of it, when its resource-based policy lets S3 invoke it (else CloudFormation's error).
    void readBucketNotifications(FunctionConfig &config, bool *ok);
    // The template's AWS::Events::Rule resources with a ScheduleExpression and a target naming this
    // function: Schedule events of it, when its resource-based policy lets EventBridge invoke it
    // from that rule (else a warning: on AWS every firing fails, and locally none is made).
    void readEventRules(FunctionConfig &config);
    std::optional<Policy> resourcePolicy(const FunctionConfig &config) const;
    // One policy document of the template (resolved, checked as IAM would), added under `name`.
    void addDocument(const YAML::Node &document, const QString &name, const QString &where, FunctionConfig &config);
    std::optional<QString> layerDir(const YAML::Node &item, bool *ok);

    std::optional<QString> scalar(const Property &p, const QString &what, bool *ok);
    std::optional<int> integer(const Property &p, const QString &what, int min, int max, const QString &unit, bool *ok);
    std::optional<QString> existingDir(const Property &p, const QString &uri, const QString &what, bool *ok);

    void error(const YAML::Node &at, const QString &message);
    void error(const Property &at, const QString &message);
    void warning(const YAML::Node &at, const QString &message);
    Diagnostic diagnostic(const YAML::Node &at, const QString &message) const;

    const IntrinsicResolver &m_resolver;
    const FolderContainment &m_containment;
    YAML::Node m_resources;
    QString m_file;
    QString m_displayName;
    QString m_baseDir;
    YAML::Node m_id;
    YAML::Node m_properties;
    YAML::Node m_globals;
    bool m_serverless = true;
    QHash<QString, QString> m_resourceNames;
    QList<Diagnostic> m_errors;
    QList<Diagnostic> m_warnings;
};

} // namespace fn
