#include "project/functionreader.h"

#include "access/policy.h"
#include "project/environmentvariables.h"
#include "project/eventpermissions.h"
#include "project/foldercontainment.h"
#include "project/intrinsicresolver.h"
#include "project/projectsettings.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace fn {

namespace {

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

// The entry of a mapping with that key, key node included (its line is the property's line).
std::pair<YAML::Node, YAML::Node> findEntry(const YAML::Node &map, const char *name)
{
    if (map.IsMap()) {
        for (const auto &entry : map) {
            if (entry.first.IsScalar() && entry.first.Scalar() == name)
                return {entry.first, entry.second};
        }
    }
    return {YAML::Node(YAML::NodeType::Undefined), YAML::Node(YAML::NodeType::Undefined)};
}

bool isSet(const YAML::Node &value)
{
    return value.IsDefined() && !IntrinsicResolver::isNoValue(value);
}

// Short reasons for properties people commonly expect to work.
QString unsupportedReason(const QString &property)
{
    if (property == QLatin1String("FileSystemConfigs"))
        return QStringLiteral("; there is no EFS mount locally");
    if (property == QLatin1String("SnapStart"))
        return QStringLiteral("; every cold start runs the full init");
    return {};
}

} // namespace

FunctionReader::FunctionReader(const IntrinsicResolver &resolver, const FolderContainment &containment,
                               const YAML::Node &resources, const QString &file, const QString &displayName)
    : m_resolver(resolver)
    , m_containment(containment)
    , m_resources(resources)
    , m_file(file)
    , m_displayName(displayName)
    , m_baseDir(QFileInfo(file).absolutePath())
{
}

bool FunctionReader::isUnderstood(const QString &property)
{
    static const QStringList names = {
        QStringLiteral("Runtime"),
        QStringLiteral("Handler"),
        QStringLiteral("CodeUri"),
        QStringLiteral("InlineCode"),
        QStringLiteral("PackageType"),
        QStringLiteral("MemorySize"),
        QStringLiteral("Timeout"),
        QStringLiteral("EphemeralStorage"),
        QStringLiteral("Environment"),
        QStringLiteral("Layers"),
        QStringLiteral("Architectures"),
        QStringLiteral("ReservedConcurrentExecutions"),
        QStringLiteral("ProvisionedConcurrencyConfig"),
        QStringLiteral("AutoPublishAlias"),
        QStringLiteral("LoggingConfig"),
        QStringLiteral("Events"),
        QStringLiteral("DeadLetterQueue"),
        QStringLiteral("EventInvokeConfig"),
        QStringLiteral("VpcConfig"),
        QStringLiteral("Code"),
        QStringLiteral("DeadLetterConfig"), // AWS::Lambda::Function
        QStringLiteral("Role"),
        QStringLiteral("Policies"),
        QStringLiteral("FunctionName"),
    };
    return names.contains(property);
}

bool FunctionReader::isDeployOnly(const QString &property)
{
    // Identity, permissions and deployment mechanics: no effect on how the code runs locally.
    static const QStringList names = {
        QStringLiteral("Description"),
        QStringLiteral("RolePath"),
        QStringLiteral("PermissionsBoundary"),
        QStringLiteral("AssumeRolePolicyDocument"),
        QStringLiteral("Tags"),
        QStringLiteral("PropagateTags"),
        QStringLiteral("AutoPublishAliasAllProperties"),
        QStringLiteral("AutoPublishCodeSha256"),
        QStringLiteral("VersionDescription"),
        QStringLiteral("VersionDeletionPolicy"),
        QStringLiteral("DeploymentPreference"),
        QStringLiteral("KmsKeyArn"),
        QStringLiteral("CodeSigningConfigArn"),
        QStringLiteral("Tracing"),
        QStringLiteral("TracingConfig"),
    };
    return names.contains(property);
}

std::optional<FunctionConfig> FunctionReader::read(const YAML::Node &id, const YAML::Node &resource,
                                                   const YAML::Node &globals, bool serverless)
{
    m_id.reset(id);
    m_properties.reset(IntrinsicResolver::child(resource, "Properties"));
    m_globals.reset(serverless ? globals : YAML::Node(YAML::NodeType::Undefined));
    m_serverless = serverless;

    FunctionConfig config;
    config.name = text(id);
    config.account = m_resolver.account();
    config.resourceNames = m_resourceNames;
    config.templateFile = m_file;
    config.line = id.Mark().line + 1;
    bool ok = true;

    if (m_properties.IsDefined() && !m_properties.IsMap()) {
        error(id, QStringLiteral("Properties of %1 must be a mapping").arg(config.name));
        return std::nullopt;
    }
    for (const auto &entry : m_properties) {
        const QString name = text(entry.first);
        if (!isUnderstood(name) && !isDeployOnly(name))
            warning(entry.first, QStringLiteral("%1: property %2 is not supported by fnstudio and is ignored%3")
                                     .arg(config.name, name, unsupportedReason(name)));
    }
    if (const Property given = property("FunctionName"); isSet(given.value)) {
        IntrinsicResolver::Problem problem;
        const std::optional<QString> name = m_resolver.physicalName(config.name, &problem);
        // Lambda's rule for a function's name; CloudFormation refuses the stack otherwise.
        static const QRegularExpression valid(QStringLiteral("^[a-zA-Z0-9_-]{1,64}$"));
        if (!name)
            warning(given.value,
                    QStringLiteral("%1: %2; the function is called %1 locally").arg(config.name, problem.message));
        else if (!valid.match(*name).hasMatch())
            error(given.value, QStringLiteral("%1: FunctionName '%2' is not a function name Lambda accepts (1 to 64 "
                                              "letters, digits, hyphens and underscores)")
                                   .arg(config.name, *name));
        else if (*name != config.name)
            config.functionName = *name;
    }
    // Subnets and security groups are not modelled: a function in a VPC reaches the project's endpoints.
    config.inVpc = isSet(property("VpcConfig").value);
    const YAML::Node buildMethod =
        IntrinsicResolver::child(IntrinsicResolver::child(resource, "Metadata"), "BuildMethod");
    if (buildMethod.IsScalar())
        warning(buildMethod,
                QStringLiteral("%1: Metadata BuildMethod %2 is not run; fnstudio runs the code in CodeUri as it is")
                    .arg(config.name, text(buildMethod)));

    const Property packageType = property("PackageType");
    if (packageType.exists() && packageType.value.IsScalar() && packageType.value.Scalar() == "Image") {
        warning(packageType.key, QStringLiteral("%1: PackageType Image (container images) is not supported; "
                                                "the function is left out")
                                     .arg(config.name));
        return std::nullopt;
    }

    const Property runtime = property("Runtime");
    if (!isSet(runtime.value)) {
        error(id, QStringLiteral("%1 has no Runtime").arg(config.name));
        ok = false;
    } else if (const auto v = scalar(runtime, QStringLiteral("Runtime"), &ok)) {
        config.runtime = *v;
        config.runtimeLine = runtime.value.Mark().line + 1;
        // A slip ("pyhton3.12", "nodejs20") is said where it is, when the project is read; a Lambda
        // runtime fnstudio has no plugin for (java21) is said when it is invoked.
        static const QRegularExpression lambdaRuntime(QStringLiteral(
            "^(nodejs(\\d+\\.(x|\\d+))?|python\\d\\.\\d+|java\\d+(\\.al2)?|dotnet(core)?\\d+(\\.\\d+)?|go1\\.x|"
            "ruby\\d\\.\\d+|provided(\\.al2|\\.al2023)?)$"));
        if (!lambdaRuntime.match(*v).hasMatch()) {
            error(runtime.value,
                  QStringLiteral("%1: Runtime '%2' is not a Lambda runtime (such as python3.12, nodejs20.x or "
                                 "provided.al2023)")
                      .arg(config.name, *v));
            ok = false;
        }
    }

    const Property handler = property("Handler");
    if (isSet(handler.value)) {
        if (const auto v = scalar(handler, QStringLiteral("Handler"), &ok))
            config.handler = *v;
    } else if (!config.runtime.isEmpty() && !config.runtime.startsWith(QLatin1String("provided"))) {
        error(id, QStringLiteral("%1 has no Handler (only provided runtimes may leave it out)").arg(config.name));
        ok = false;
    }

    readCode(config, &ok);

    if (const auto v =
            integer(property("MemorySize"), QStringLiteral("MemorySize"), 128, 10240, QStringLiteral("MB"), &ok))
        config.memoryMb = *v;
    if (const auto v = integer(property("Timeout"), QStringLiteral("Timeout"), 1, 900, QStringLiteral("s"), &ok))
        config.timeoutSec = *v;
    if (const auto v = integer(subProperty("EphemeralStorage", "Size"), QStringLiteral("EphemeralStorage Size"), 512,
                               10240, QStringLiteral("MB"), &ok))
        config.ephemeralStorageMb = *v;

    const Property architectures = property("Architectures");
    if (isSet(architectures.value)) {
        IntrinsicResolver::Problem problem;
        const auto list = m_resolver.list(architectures.value, &problem);
        if (!list) {
            error(problem.mark.is_null() ? architectures.key : architectures.value,
                  QStringLiteral("Architectures: ") + problem.message);
            ok = false;
        } else if (list->size() != 1) {
            error(architectures, QStringLiteral("Architectures must list exactly one of x86_64 or arm64"));
            ok = false;
        } else if (list->front() != QLatin1String("x86_64") && list->front() != QLatin1String("arm64")) {
            error(architectures, QStringLiteral("Architectures value '%1' is not x86_64 or arm64").arg(list->front()));
            ok = false;
        } else {
            config.architecture = list->front();
        }
    }

    if (const auto v = integer(property("ReservedConcurrentExecutions"), QStringLiteral("ReservedConcurrentExecutions"),
                               0, 1000000, {}, &ok))
        config.reservedConcurrency = *v;
    const Property alias = property("AutoPublishAlias");
    if (isSet(alias.value)) {
        if (const auto v = scalar(alias, QStringLiteral("AutoPublishAlias"), &ok)) {
            // Lambda's alias names: letters, digits, - and _, 1-128, not all digits (a version's).
            static const QRegularExpression aliasName(QStringLiteral("^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$"));
            if (!aliasName.match(*v).hasMatch()) {
                error(alias, QStringLiteral("AutoPublishAlias '%1' is not an alias name: 1 to 128 letters, digits, "
                                            "- or _, and not all digits")
                                 .arg(*v));
                ok = false;
            } else {
                config.autoPublishAlias = *v;
            }
        }
    }
    const Property provisioned = subProperty("ProvisionedConcurrencyConfig", "ProvisionedConcurrentExecutions");
    if (const auto v = integer(provisioned, QStringLiteral("ProvisionedConcurrentExecutions"), 1, 1000000, {}, &ok)) {
        config.provisionedConcurrency = *v;
        // SAM's own rule: provisioned concurrency is configured on the alias it publishes.
        if (!isSet(alias.value)) {
            error(provisioned, QStringLiteral("%1: 'ProvisionedConcurrencyConfig' requires 'AutoPublishAlias' property "
                                              "to be specified (provisioned concurrency is set on an alias, never on "
                                              "$LATEST)")
                                   .arg(config.name));
            ok = false;
        }
        if (config.reservedConcurrency && *v > *config.reservedConcurrency) {
            error(provisioned,
                  QStringLiteral("ProvisionedConcurrentExecutions %1 is more than ReservedConcurrentExecutions %2")
                      .arg(*v)
                      .arg(*config.reservedConcurrency));
            ok = false;
        }
    }

    readEnvironment(config, &ok);
    readLayers(config, &ok);
    readLogging(config, &ok);
    readAsync(config, &ok);
    readRole(config);

    if (serverless) {
        const Property events = property("Events");
        if (events.exists() && events.value.IsMap()) {
            for (const auto &entry : events.value) {
                nlohmann::json event = nlohmann::json::object();
                event["Type"] = IntrinsicResolver::toJson(IntrinsicResolver::child(entry.second, "Type"));
                event["Properties"] = IntrinsicResolver::toJson(IntrinsicResolver::child(entry.second, "Properties"));
                config.events[entry.first.Scalar()] = std::move(event);
            }
        } else if (events.exists()) {
            error(events, QStringLiteral("Events must be a mapping of event names to {Type, Properties}"));
            ok = false;
        }
        const Property dlq = property("DeadLetterQueue");
        if (isSet(dlq.value))
            config.deadLetterQueue = IntrinsicResolver::toJson(dlq.value);
    } else {
        const Property dlq = property("DeadLetterConfig");
        if (isSet(dlq.value) && dlq.value.IsMap()) {
            const nlohmann::json arn = IntrinsicResolver::toJson(IntrinsicResolver::child(dlq.value, "TargetArn"));
            const bool sns = arn.is_string() && arn.get<std::string>().find(":sns:") != std::string::npos;
            config.deadLetterQueue = {{"Type", sns ? "SNS" : "SQS"}, {"TargetArn", arn}};
        }
    }

    readPermissions(config, &ok);
    readBucketNotifications(config, &ok);
    readEventRules(config);

    if (!ok)
        return std::nullopt;
    return config;
}

FunctionReader::Property FunctionReader::property(const char *name) const
{
    auto [key, value] = findEntry(m_properties, name);
    if (value.IsDefined())
        return {key, value};
    auto [globalKey, globalValue] = findEntry(m_globals, name);
    return {globalKey, globalValue};
}

FunctionReader::Property FunctionReader::subProperty(const char *name, const char *sub) const
{
    // SAM merges mappings from Globals key by key: the function's entry wins, Globals fill in.
    auto [key, value] = findEntry(findEntry(m_properties, name).second, sub);
    if (value.IsDefined())
        return {key, value};
    auto [globalKey, globalValue] = findEntry(findEntry(m_globals, name).second, sub);
    return {globalKey, globalValue};
}

void FunctionReader::readCode(FunctionConfig &config, bool *ok)
{
    const char *codeKey = m_serverless ? "CodeUri" : "Code";
    const Property code = property(codeKey);
    const QString codeName = QString::fromLatin1(codeKey);
    if (!isSet(code.value)) {
        const Property inlineCode = property("InlineCode");
        if (inlineCode.exists()) {
            warning(inlineCode.key,
                    QStringLiteral("%1: InlineCode is not supported; put the code in a folder and name it in CodeUri")
                        .arg(config.name));
            *ok = false;
            return;
        }
        // sam local runs a function without CodeUri from the template's folder; so do we.
        config.codeDir = QDir::cleanPath(m_baseDir);
        return;
    }
    if (code.value.IsMap() && IntrinsicResolver::intrinsicName(code.value).isEmpty()) {
        if (!m_serverless && IntrinsicResolver::child(code.value, "ZipFile").IsDefined())
            warning(
                code.key,
                QStringLiteral("%1: inline Code ZipFile is not supported; the function is left out").arg(config.name));
        else
            warning(code.key, QStringLiteral("%1: %2 in S3 is not supported; point it at a local folder. "
                                             "The function is left out")
                                  .arg(config.name, codeName));
        *ok = false;
        return;
    }
    const auto uri = scalar(code, codeName, ok);
    if (!uri)
        return;
    if (uri->startsWith(QLatin1String("s3://"))) {
        warning(code.value, QStringLiteral("%1: %2 in S3 (%3) is not supported; point it at a local folder. "
                                           "The function is left out")
                                .arg(config.name, codeName, *uri));
        *ok = false;
        return;
    }
    if (const auto dir = existingDir(code, *uri, codeName, ok))
        config.codeDir = *dir;
}

std::optional<QString> FunctionReader::existingDir(const Property &p, const QString &uri, const QString &what, bool *ok)
{
    const QString absolute = QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(uri));
    const QFileInfo info(absolute);
    if (!info.exists()) {
        error(p, QStringLiteral("%1 '%2' does not exist (looked for %3)").arg(what, uri, absolute));
        *ok = false;
        return std::nullopt;
    }
    if (!info.isDir()) {
        error(p, QStringLiteral("%1 '%2' is a file; fnstudio runs code from a folder, not an archive").arg(what, uri));
        *ok = false;
        return std::nullopt;
    }
    // The folder is mounted into the sandbox: a template (perhaps someone else's) must not reach
    // the opener's home through "..", an absolute path or a link.
    if (const QString why = m_containment.problem(absolute); !why.isEmpty()) {
        error(p, QStringLiteral("%1 '%2' %3; a template may only name folders inside its project. To use this one, "
                                "add it to \"%4\" in %5")
                     .arg(what, uri, why, ProjectSettings::allowOutsideKey(), ProjectSettings::fileName()));
        *ok = false;
        return std::nullopt;
    }
    return absolute;
}

void FunctionReader::readEnvironment(FunctionConfig &config, bool *ok)
{
    // Globals' variables first, the function's override them by name (SAM merges the mappings).
    const YAML::Node globalVars = findEntry(findEntry(m_globals, "Environment").second, "Variables").second;
    const auto [envKey, envValue] = findEntry(m_properties, "Environment");
    const YAML::Node ownVars = findEntry(envValue, "Variables").second;
    const YAML::Node sizeAnchor = envKey.IsDefined() ? envKey : findEntry(m_globals, "Environment").first;

    const auto readVars = [&](const YAML::Node &vars) {
        if (!vars.IsDefined() || vars.IsNull())
            return;
        if (!vars.IsMap()) {
            error(vars, QStringLiteral("Environment Variables must be a mapping of names to values"));
            *ok = false;
            return;
        }
        for (const auto &entry : vars) {
            const QString name = text(entry.first);
            const QString problem = EnvironmentVariables::nameProblem(name);
            if (!problem.isEmpty()) {
                error(entry.first, QStringLiteral("Environment variable '%1' %2").arg(name, problem));
                *ok = false;
                continue;
            }
            QString value;
            if (entry.second.IsDefined() && !entry.second.IsNull()) {
                IntrinsicResolver::Problem why;
                if (const auto v = m_resolver.scalar(entry.second, &why)) {
                    value = *v;
                } else {
                    // As sam local does: the variable exists but is empty; the env-vars file
                    // is where a local value for a deployed resource's attribute comes from.
                    warning(entry.second, QStringLiteral("Environment variable '%1' of %2 is left empty: %3. "
                                                         "Give it a value in the env-vars file")
                                              .arg(name, config.name, why.message));
                }
            }
            EnvironmentVariables::set(config.environment, name, value);
        }
    };
    readVars(globalVars);
    readVars(ownVars);

    const qsizetype size = EnvironmentVariables::totalBytes(config.environment);
    if (size > EnvironmentVariables::MaxTotalBytes) {
        error(sizeAnchor, QStringLiteral("Environment variables of %1 take %2 bytes, over Lambda's 4 KB limit "
                                         "(%3 bytes, counted as Lambda does: names and values as one JSON object)")
                              .arg(config.name)
                              .arg(size)
                              .arg(EnvironmentVariables::MaxTotalBytes));
        *ok = false;
    }
}

void FunctionReader::readLayers(FunctionConfig &config, bool *ok)
{
    // SAM appends a function's Layers to those of Globals.
    QList<YAML::Node> items;
    YAML::Node anchor;
    for (const YAML::Node &source : {m_globals, m_properties}) {
        const auto [key, value] = findEntry(source, "Layers");
        if (!isSet(value))
            continue;
        anchor.reset(key);
        if (!value.IsSequence()) {
            error(key, QStringLiteral("Layers must be a list"));
            *ok = false;
            continue;
        }
        for (const auto &item : value)
            items.append(item);
    }
    if (items.size() > 5) {
        error(anchor, QStringLiteral("Layers lists %1 layers; Lambda allows at most 5").arg(items.size()));
        *ok = false;
    }
    for (const YAML::Node &item : items) {
        if (const auto dir = layerDir(item, ok))
            config.layerDirs.append(*dir);
    }
}

std::optional<QString> FunctionReader::layerDir(const YAML::Node &item, bool *ok)
{
    const QString name = IntrinsicResolver::intrinsicName(item);
    QString target;
    if (name == QLatin1String("Ref")) {
        const YAML::Node arg = item.IsScalar() ? item : item.begin()->second;
        target = text(arg);
    }
    const YAML::Node layer = IntrinsicResolver::child(m_resources, target.toStdString());
    if (!layer.IsMap()) {
        // An ARN (written, from a parameter, or a layer in another stack): nothing to mount locally.
        IntrinsicResolver::Problem problem;
        const auto arn = m_resolver.scalar(item, &problem);
        warning(item, QStringLiteral("layer %1 is not a layer of this template and is not available locally; "
                                     "the function runs without it")
                          .arg(arn ? *arn : QString::fromStdString(IntrinsicResolver::toJson(item).dump())));
        return std::nullopt;
    }
    const QString type = text(IntrinsicResolver::child(layer, "Type"));
    const bool serverlessLayer = type == QLatin1String("AWS::Serverless::LayerVersion");
    if (!serverlessLayer && type != QLatin1String("AWS::Lambda::LayerVersion")) {
        error(item, QStringLiteral("layer %1 is a %2, not a LayerVersion").arg(target, type));
        *ok = false;
        return std::nullopt;
    }
    const auto [contentKey, content] =
        findEntry(IntrinsicResolver::child(layer, "Properties"), serverlessLayer ? "ContentUri" : "Content");
    if (!content.IsDefined()) {
        error(item, QStringLiteral("layer %1 has no %2")
                        .arg(target, serverlessLayer ? QStringLiteral("ContentUri") : QStringLiteral("Content")));
        *ok = false;
        return std::nullopt;
    }
    if (content.IsMap() && IntrinsicResolver::intrinsicName(content).isEmpty()) {
        warning(contentKey,
                QStringLiteral("layer %1 is in S3, which is not supported; the function runs without it").arg(target));
        return std::nullopt;
    }
    const Property p{contentKey, content};
    const auto uri = scalar(p, QStringLiteral("ContentUri"), ok);
    if (!uri)
        return std::nullopt;
    return existingDir(p, *uri, QStringLiteral("ContentUri of layer %1").arg(target), ok);
}

void FunctionReader::readLogging(FunctionConfig &config, bool *ok)
{
    if (const auto v = scalar(subProperty("LoggingConfig", "LogFormat"), QStringLiteral("LogFormat"), ok)) {
        if (*v != QLatin1String("Text") && *v != QLatin1String("JSON")) {
            error(subProperty("LoggingConfig", "LogFormat"),
                  QStringLiteral("LoggingConfig LogFormat '%1' is not Text or JSON").arg(*v));
            *ok = false;
        } else {
            config.logFormat = *v;
        }
    }
    if (const auto v = scalar(subProperty("LoggingConfig", "LogGroup"), QStringLiteral("LogGroup"), ok))
        config.logGroup = *v;
    static const QStringList levels = {QStringLiteral("TRACE"), QStringLiteral("DEBUG"), QStringLiteral("INFO"),
                                       QStringLiteral("WARN"),  QStringLiteral("ERROR"), QStringLiteral("FATAL")};
    for (const char *key : {"ApplicationLogLevel", "SystemLogLevel"}) {
        const Property p = subProperty("LoggingConfig", key);
        const auto v = scalar(p, QString::fromLatin1(key), ok);
        if (!v)
            continue;
        const bool system = qstrcmp(key, "SystemLogLevel") == 0;
        const QStringList allowed =
            system ? QStringList{QStringLiteral("DEBUG"), QStringLiteral("INFO"), QStringLiteral("WARN")} : levels;
        if (!allowed.contains(*v)) {
            error(p, QStringLiteral("LoggingConfig %1 '%2' is not one of %3")
                         .arg(QString::fromLatin1(key), *v, allowed.join(QStringLiteral(", "))));
            *ok = false;
        } else {
            (system ? config.systemLogLevel : config.applicationLogLevel) = *v;
        }
    }
}

namespace {

// "Fn::GetAtt [X, Arn]" or "Ref X": the logical id a Role value points at, else empty.
QString referencedId(const nlohmann::json &value)
{
    if (!value.is_object() || value.size() != 1)
        return QString();
    if (const auto ref = value.find("Ref"); ref != value.end() && ref->is_string())
        return QString::fromStdString(ref->get<std::string>());
    if (const auto att = value.find("Fn::GetAtt"); att != value.end()) {
        if (att->is_array() && !att->empty() && (*att)[0].is_string())
            return QString::fromStdString((*att)[0].get<std::string>());
        if (att->is_string())
            return QString::fromStdString(att->get<std::string>()).section(QLatin1Char('.'), 0, 0);
    }
    return QString();
}

QString resourceType(const YAML::Node &resources, const QString &id)
{
    const YAML::Node type = IntrinsicResolver::child(IntrinsicResolver::child(resources, id.toStdString()), "Type");
    return type.IsScalar() ? QString::fromStdString(type.Scalar()) : QString();
}

} // namespace

void FunctionReader::addDocument(const YAML::Node &document, const QString &name, const QString &where,
                                 FunctionConfig &config)
{
    IntrinsicResolver::Problem problem;
    const auto resolved = m_resolver.resolvedJson(document, &problem);
    if (!resolved) {
        config.policyProblems << QStringLiteral("%1 (%2): %3").arg(where, name, problem.message);
        return;
    }
    QStringList problems;
    std::vector<NamedPolicy> expanded =
        SamPolicies::expand(nlohmann::json::array({*resolved}), m_resolver.account(), &problems);
    for (const QString &p : std::as_const(problems))
        config.policyProblems << QStringLiteral("%1 (%2): %3").arg(where, name, p.section(QStringLiteral(": "), 1));
    for (NamedPolicy &policy : expanded) {
        policy.name = name;
        config.policies.push_back(std::move(policy));
    }
}

void FunctionReader::readIamRole(const QString &roleId, FunctionConfig &config)
{
    const YAML::Node role = IntrinsicResolver::child(m_resources, roleId.toStdString());
    const YAML::Node props = IntrinsicResolver::child(role, "Properties");
    config.roleName = roleId;
    IntrinsicResolver::Problem problem;
    if (const YAML::Node roleName = IntrinsicResolver::child(props, "RoleName"); roleName.IsDefined()) {
        if (const auto v = m_resolver.scalar(roleName, &problem))
            config.roleName = *v;
    }
    const QString where = QStringLiteral("role %1").arg(roleId);
    if (const YAML::Node arns = IntrinsicResolver::child(props, "ManagedPolicyArns"); arns.IsDefined()) {
        const auto list = m_resolver.list(arns, &problem);
        if (!list)
            config.policyProblems << QStringLiteral("%1, ManagedPolicyArns: %2").arg(where, problem.message);
        for (const QString &arn : list.value_or(QStringList())) {
            // A customer managed policy of the same template (its Ref is its logical id locally).
            if (resourceType(m_resources, arn) == QLatin1String("AWS::IAM::ManagedPolicy")) {
                const YAML::Node doc = IntrinsicResolver::child(
                    IntrinsicResolver::child(IntrinsicResolver::child(m_resources, arn.toStdString()), "Properties"),
                    "PolicyDocument");
                addDocument(doc, arn, where + QStringLiteral(", ManagedPolicyArns"), config);
            } else if (const auto managed = SamPolicies::managed(arn)) {
                config.policies.push_back({arn.section(QLatin1Char('/'), -1), *managed});
            } else {
                config.policyProblems << QStringLiteral("%1, ManagedPolicyArns: %2 is not an AWS managed policy "
                                                        "fnstudio knows; its permissions are not counted")
                                             .arg(where, arn);
            }
        }
    }
    if (const YAML::Node policies = IntrinsicResolver::child(props, "Policies"); policies.IsSequence()) {
        int i = 0;
        for (const YAML::Node &entry : policies) {
            const YAML::Node name = IntrinsicResolver::child(entry, "PolicyName");
            const QString label = name.IsScalar() ? text(name) : QStringLiteral("Policies[%1]").arg(i);
            addDocument(IntrinsicResolver::child(entry, "PolicyDocument"), label, where, config);
            ++i;
        }
    }
    // AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that attach themselves to the role.
    for (const auto &entry : m_resources) {
        const QString type = QString::fromStdString(IntrinsicResolver::child(entry.second, "Type").Scalar());
        if (type != QLatin1String("AWS::IAM::Policy") && type != QLatin1String("AWS::IAM::ManagedPolicy"))
            continue;
        const YAML::Node p = IntrinsicResolver::child(entry.second, "Properties");
        bool attached = false;
        const nlohmann::json roles = IntrinsicResolver::toJson(IntrinsicResolver::child(p, "Roles"));
        if (roles.is_array())
            for (const nlohmann::json &r : roles)
                attached = attached || referencedId(r) == roleId
                           || (r.is_string() && QString::fromStdString(r.get<std::string>()) == config.roleName);
        if (!attached)
            continue;
        const QString id = QString::fromStdString(entry.first.Scalar());
        const YAML::Node name = IntrinsicResolver::child(
            p, type.endsWith(QLatin1String("ManagedPolicy")) ? "ManagedPolicyName" : "PolicyName");
        addDocument(IntrinsicResolver::child(p, "PolicyDocument"), name.IsScalar() ? text(name) : id, id, config);
    }
}

void FunctionReader::readRole(FunctionConfig &config)
{
    const Property role = property("Role");
    if (isSet(role.value)) {
        const nlohmann::json value = IntrinsicResolver::toJson(role.value);
        QString roleId = referencedId(value);
        if (roleId.isEmpty() && value.is_string()) {
            // An ARN: a role of the template named so, else one outside it.
            const QString name = QString::fromStdString(value.get<std::string>()).section(QLatin1Char('/'), -1);
            for (const auto &entry : m_resources) {
                const QString id = QString::fromStdString(entry.first.Scalar());
                const YAML::Node roleName =
                    IntrinsicResolver::child(IntrinsicResolver::child(entry.second, "Properties"), "RoleName");
                if (resourceType(m_resources, id) == QLatin1String("AWS::IAM::Role") && roleName.IsScalar()
                    && text(roleName) == name)
                    roleId = id;
            }
            if (roleId.isEmpty())
                config.roleName = name;
        }
        if (!roleId.isEmpty() && resourceType(m_resources, roleId) == QLatin1String("AWS::IAM::Role")) {
            readIamRole(roleId, config);
        } else {
            config.roleKnown = false;
            if (config.roleName.isEmpty())
                config.roleName = roleId.isEmpty() ? QStringLiteral("(unknown)") : roleId;
            warning(role.key, QStringLiteral("%1: its Role %2 is not an AWS::IAM::Role of this template, so what it "
                                             "may do cannot be known; its calls to local services are not checked")
                                  .arg(config.name, config.roleName));
        }
        if (m_serverless && property("Policies").exists())
            warning(property("Policies").key,
                    QStringLiteral("%1: Policies is ignored because Role is set (as SAM does)").arg(config.name));
    } else {
        // SAM's generated role: basic execution (logs) and the function's Policies.
        config.roleName = config.name + QStringLiteral("Role");
        config.policies.push_back({QStringLiteral("AWSLambdaBasicExecutionRole"),
                                   *SamPolicies::managed(QStringLiteral("AWSLambdaBasicExecutionRole"))});
        const Property policies = property("Policies");
        if (m_serverless && isSet(policies.value)) {
            IntrinsicResolver::Problem problem;
            const auto resolved = m_resolver.resolvedJson(policies.value, &problem);
            if (!resolved) {
                config.policyProblems << QStringLiteral("Policies: %1").arg(problem.message);
            } else {
                QStringList problems;
                for (NamedPolicy &p : SamPolicies::expand(*resolved, m_resolver.account(), &problems))
                    config.policies.push_back(std::move(p));
                config.policyProblems += problems;
            }
        }
    }
    const Property policies = property("Policies");
    const YAML::Node at = role.exists() ? role.key : policies.exists() ? policies.key : m_id;
    for (const QString &problem : std::as_const(config.policyProblems))
        warning(at, QStringLiteral("%1: %2").arg(config.name, problem));
}

void FunctionReader::readAsync(FunctionConfig &config, bool *ok)
{
    if (!m_serverless)
        return;
    if (const auto v = integer(subProperty("EventInvokeConfig", "MaximumRetryAttempts"),
                               QStringLiteral("MaximumRetryAttempts"), 0, 2, {}, ok))
        config.asyncInvoke.maximumRetryAttempts = *v;
    if (const auto v = integer(subProperty("EventInvokeConfig", "MaximumEventAgeInSeconds"),
                               QStringLiteral("MaximumEventAgeInSeconds"), 60, 21600, QStringLiteral("s"), ok))
        config.asyncInvoke.maximumEventAgeSeconds = *v;
    const Property destinations = subProperty("EventInvokeConfig", "DestinationConfig");
    if (isSet(destinations.value))
        config.asyncInvoke.destinations = IntrinsicResolver::toJson(destinations.value);
}

std::optional<QString> FunctionReader::scalar(const Property &p, const QString &what, bool *ok)
{
    if (!isSet(p.value))
        return std::nullopt;
    IntrinsicResolver::Problem problem;
    const auto v = m_resolver.scalar(p.value, &problem);
    if (!v) {
        error(problem.mark.is_null() ? p.key : p.value, what + QStringLiteral(": ") + problem.message);
        if (!problem.mark.is_null())
            m_errors.last().line = problem.mark.line + 1;
        *ok = false;
    }
    return v;
}

std::optional<int> FunctionReader::integer(const Property &p, const QString &what, int min, int max,
                                           const QString &unit, bool *ok)
{
    const auto v = scalar(p, what, ok);
    if (!v)
        return std::nullopt;
    bool isNumber = false;
    const int number = v->trimmed().toInt(&isNumber);
    if (!isNumber) {
        error(p, QStringLiteral("%1 must be a whole number, not '%2'").arg(what, *v));
        *ok = false;
        return std::nullopt;
    }
    if (number < min || number > max) {
        const QString range = QString::number(min) + QChar(0x2013) + QString::number(max);
        error(p, unit.isEmpty()
                     ? QStringLiteral("%1 %2 is outside Lambda's range %3").arg(what).arg(number).arg(range)
                     : QStringLiteral("%1 %2 is outside Lambda's range %3 %4").arg(what).arg(number).arg(range, unit));
        *ok = false;
        return std::nullopt;
    }
    return number;
}

Diagnostic FunctionReader::diagnostic(const YAML::Node &at, const QString &message) const
{
    Diagnostic d;
    d.file = m_displayName;
    d.path = m_file;
    const YAML::Mark mark = at.IsDefined() ? at.Mark() : m_id.Mark();
    d.line = mark.is_null() ? m_id.Mark().line + 1 : mark.line + 1;
    d.message = message;
    return d;
}

void FunctionReader::error(const YAML::Node &at, const QString &message)
{
    m_errors.append(diagnostic(at, message));
}

void FunctionReader::error(const Property &at, const QString &message)
{
    // A scalar's own line; a mapping's line is its first entry's, so name the key instead.
    const bool scalarValue = at.value.IsDefined() && (at.value.IsScalar() || at.value.IsSequence());
    m_errors.append(diagnostic(scalarValue ? at.value : at.key, message));
}

void FunctionReader::warning(const YAML::Node &at, const QString &message)
{
    m_warnings.append(diagnostic(at, message));
}

void FunctionReader::readPermissions(FunctionConfig &config, bool *ok)
{
    nlohmann::json statements = eventpermissions::statements(config);
    const QString arn = config.arn();
    for (const auto &entry : m_resources) {
        const QString id = QString::fromStdString(entry.first.Scalar());
        if (resourceType(m_resources, id) != QLatin1String("AWS::Lambda::Permission"))
            continue;
        const YAML::Node props = IntrinsicResolver::child(entry.second, "Properties");
        // Whether it names this function first: a permission for another one is not ours to judge.
        IntrinsicResolver::Problem problem;
        const auto target = m_resolver.resolvedJson(IntrinsicResolver::child(props, "FunctionName"), &problem);
        const QString name =
            target && target->is_string() ? QString::fromStdString(target->get<std::string>()) : QString();
        if (name != config.lambdaName() && name != arn && !name.startsWith(arn + u':'))
            continue;
        const auto resolved = m_resolver.resolvedJson(props, &problem);
        if (!resolved) {
            error(entry.first, QStringLiteral("%1: %2").arg(id, problem.message));
            *ok = false;
            continue;
        }
        const auto field = [&resolved](const char *key) {
            const auto it = resolved->find(key);
            return it != resolved->end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                            : QString();
        };
        const QString action = field("Action");
        const QString principal = field("Principal");
        if (action.isEmpty() || principal.isEmpty()) {
            // CloudFormation refuses to create it.
            error(entry.first,
                  QStringLiteral("%1: an AWS::Lambda::Permission needs Action, FunctionName and Principal").arg(id));
            *ok = false;
            continue;
        }
        // A qualified FunctionName (Fn:live) grants on that alias or version only, as on Lambda.
        const QString resource = name.startsWith(arn) ? name : arn;
        statements.push_back(
            eventpermissions::statement(id, principal, action, resource, field("SourceArn"), field("SourceAccount")));
    }
    if (!statements.empty())
        config.resourcePolicy = {{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", std::move(statements)}};
}

std::optional<Policy> FunctionReader::resourcePolicy(const FunctionConfig &config) const
{
    if (config.resourcePolicy.is_null())
        return std::nullopt;
    QString unused; // the reader made the document: it parses
    return Policy::parse(QStringLiteral("resource-based policy"), config.resourcePolicy, &unused);
}

void FunctionReader::readEventRules(FunctionConfig &config)
{
    const QString arn = config.arn();
    const std::optional<Policy> policy = resourcePolicy(config);
    for (const auto &entry : m_resources) {
        const QString ruleId = QString::fromStdString(entry.first.Scalar());
        if (resourceType(m_resources, ruleId) != QLatin1String("AWS::Events::Rule"))
            continue;
        IntrinsicResolver::Problem problem;
        const auto rule = m_resolver.resolvedJson(IntrinsicResolver::child(entry.second, "Properties"), &problem);
        if (!rule || !rule->is_object() || !rule->contains("Targets") || !(*rule)["Targets"].is_array())
            continue; // nothing of it names this function as far as can be known here
        const auto field = [](const nlohmann::json &object, const char *key) {
            const auto it = object.find(key);
            return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
        };
        for (const nlohmann::json &target : (*rule)["Targets"]) {
            if (!target.is_object())
                continue;
            const QString targetArn = field(target, "Arn");
            if (targetArn != arn && !targetArn.startsWith(arn + u':'))
                continue;
            const QString expression = field(*rule, "ScheduleExpression");
            if (expression.isEmpty()) {
                warning(entry.first, QStringLiteral("%1: a rule on an EventPattern does not run locally (only "
                                                    "ScheduleExpression rules do); %2 is not invoked by it")
                                         .arg(ruleId, config.name));
                continue;
            }
            const QString ruleName = field(*rule, "Name").isEmpty() ? ruleId : field(*rule, "Name");
            AccessRequest request{QStringLiteral("lambda:InvokeFunction"), targetArn, {}};
            request.context.insert(QStringLiteral("aws:SourceArn"),
                                   {config.account.arn(QStringLiteral("events"), QStringLiteral("rule/") + ruleName)});
            request.context.insert(QStringLiteral("aws:SourceAccount"), {config.account.accountId});
            if (!policy
                || !evaluateResourcePolicy(*policy, request, {QStringLiteral("Service:events.amazonaws.com")})
                        .allowed()) {
                warning(entry.first,
                        QStringLiteral("%1: EventBridge may not invoke %2 (no AWS::Lambda::Permission lets "
                                       "events.amazonaws.com invoke it from this rule), so on AWS every firing fails "
                                       "(the rule's FailedInvocations); it is not scheduled here. Add a permission "
                                       "with Principal events.amazonaws.com and SourceArn !GetAtt %1.Arn")
                            .arg(ruleId, config.name));
                continue;
            }
            nlohmann::json properties = {{"Schedule", expression.toStdString()}, {"Name", ruleName.toStdString()}};
            if (field(*rule, "State") == QLatin1String("DISABLED"))
                properties["Enabled"] = false;
            if (target.contains("Input"))
                properties["Input"] = target["Input"];
            config.events[QString(ruleId + QStringLiteral("Target") + field(target, "Id")).toStdString()] = {
                {"Type", "Schedule"}, {"Properties", std::move(properties)}};
        }
    }
}

void FunctionReader::readBucketNotifications(FunctionConfig &config, bool *ok)
{
    const QString arn = config.arn();
    const std::optional<Policy> policy = resourcePolicy(config);
    for (const auto &entry : m_resources) {
        const QString bucketId = QString::fromStdString(entry.first.Scalar());
        if (resourceType(m_resources, bucketId) != QLatin1String("AWS::S3::Bucket"))
            continue;
        const YAML::Node props = IntrinsicResolver::child(entry.second, "Properties");
        const YAML::Node lambdas = IntrinsicResolver::child(
            IntrinsicResolver::child(props, "NotificationConfiguration"), "LambdaConfigurations");
        if (!lambdas.IsSequence())
            continue;
        const QString bucket = config.resourceNames.value(bucketId, bucketId);
        int index = 0;
        for (const YAML::Node &item : lambdas) {
            const int at = index++;
            IntrinsicResolver::Problem problem;
            const auto resolved = m_resolver.resolvedJson(item, &problem);
            if (!resolved || !resolved->is_object())
                continue; // another function's, or not resolvable: not this function's to report
            const auto function = resolved->find("Function");
            const QString target = function != resolved->end() && function->is_string()
                                       ? QString::fromStdString(function->get<std::string>())
                                       : QString();
            if (target != arn && target != config.lambdaName())
                continue;
            // S3 checks, when CloudFormation puts the configuration, that it may invoke the function.
            AccessRequest request{QStringLiteral("lambda:InvokeFunction"), arn, {}};
            request.context.insert(QStringLiteral("aws:SourceArn"),
                                   {config.account.arn(QStringLiteral("s3"), bucket, true)});
            request.context.insert(QStringLiteral("aws:SourceAccount"), {config.account.accountId});
            if (!policy
                || !evaluateResourcePolicy(*policy, request, {QStringLiteral("Service:s3.amazonaws.com")}).allowed()) {
                error(item, QStringLiteral("%1: Unable to validate the following destination configurations: S3 may "
                                           "not invoke %2. Add an AWS::Lambda::Permission with Action "
                                           "lambda:InvokeFunction, FunctionName %2, Principal s3.amazonaws.com and "
                                           "SourceArn the bucket's ARN, and DependsOn it on %1 (on AWS the stack "
                                           "fails to create here)")
                                .arg(bucketId, config.name));
                *ok = false;
                continue;
            }
            // Created before the permission, the bucket's configuration would fail the same check.
            const YAML::Node dependsOn = IntrinsicResolver::child(entry.second, "DependsOn");
            QStringList depends;
            if (dependsOn.IsScalar())
                depends << text(dependsOn);
            for (const YAML::Node &d : dependsOn.IsSequence() ? dependsOn : YAML::Node())
                depends << text(d);
            bool permissionFirst = false;
            for (const QString &d : std::as_const(depends))
                permissionFirst =
                    permissionFirst || resourceType(m_resources, d) == QLatin1String("AWS::Lambda::Permission");
            if (!permissionFirst)
                warning(entry.first, QStringLiteral("%1: without DependsOn on the AWS::Lambda::Permission that lets S3 "
                                                    "invoke %2, CloudFormation may create the bucket first, and S3's "
                                                    "check of its notification configuration then fails")
                                         .arg(bucketId, config.name));
            nlohmann::json properties = {{"Bucket", {{"Ref", bucketId.toStdString()}}},
                                         {"Events", resolved->value("Event", nlohmann::json())}};
            if (resolved->contains("Filter"))
                properties["Filter"] = (*resolved)["Filter"];
            config.events[QStringLiteral("%1Notification%2").arg(bucketId).arg(at).toStdString()] = {
                {"Type", "S3"}, {"Properties", std::move(properties)}};
        }
    }
}

} // namespace fn
