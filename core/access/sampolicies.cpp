#include "access/sampolicies.h"

#include <QFile>
#include <QMap>
#include <QRegularExpression>

#include <map>
#include <string>

// Outside any namespace, as Q_INIT_RESOURCE must be.
static void registerPolicyResources()
{
    Q_INIT_RESOURCE(fncore_policies); // a static library's resources are not registered by themselves
}

namespace fn {

namespace {

using nlohmann::json;

struct Template
{
    std::vector<std::string> parameters;
    json statements;
};

struct Managed
{
    QString path; // "/" or "/service-role/": part of the ARN, which IAM matches exactly
    json document;
};

struct Catalogue
{
    QMap<QString, Template> templates;
    QMap<QString, Managed> managed;
};

json readBuiltIn(const char *name, const char *key)
{
    registerPolicyResources();
    QFile file(QStringLiteral(":/fnstudio/") + QLatin1String(name));
    json parsed;
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray bytes = file.readAll();
        parsed = json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    }
    if (!parsed.is_object() || !parsed.contains(key) || !parsed[key].is_object() || parsed[key].empty())
        qFatal("fnstudio's built-in %s cannot be read: an object with \"%s\" is expected", name, key);
    return parsed[key];
}

Catalogue load()
{
    Catalogue catalogue;
    const json templates = readBuiltIn("sam-policy-templates.json", "templates");
    for (const auto &[name, entry] : templates.items()) {
        const json parameters = entry.value("parameters", json());
        const json statements = entry.value("statements", json());
        if (!parameters.is_array() || !statements.is_array() || statements.empty())
            qFatal("fnstudio's built-in policy template %s has no parameters or statements", name.c_str());
        Template t;
        for (const json &parameter : parameters)
            t.parameters.push_back(parameter.get<std::string>());
        t.statements = statements;
        catalogue.templates.insert(QString::fromStdString(name), std::move(t));
    }
    const json policies = readBuiltIn("aws-managed-policies.json", "policies");
    for (const auto &[name, entry] : policies.items()) {
        const json path = entry.value("path", json());
        const json document = entry.value("document", json());
        if (!path.is_string() || !document.is_object() || !document.contains("Statement"))
            qFatal("fnstudio's built-in managed policy %s has no path or document", name.c_str());
        catalogue.managed.insert(QString::fromStdString(name),
                                 Managed{QString::fromStdString(path.get<std::string>()), document});
    }
    return catalogue;
}

const Catalogue &catalogue()
{
    static const Catalogue built = load();
    return built;
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString typeOf(const json &value)
{
    return QLatin1String(value.type_name());
}

// Replaces each ${Name} that has a value; anything else stays as written. A value is not scanned
// again, so a bucket called "${x}" stays "${x}".
std::string substitute(const std::string &text, const std::map<std::string, std::string> &values)
{
    std::string out;
    std::size_t at = 0;
    for (;;) {
        const std::size_t open = text.find("${", at);
        const std::size_t close = open == std::string::npos ? open : text.find('}', open + 2);
        if (close == std::string::npos)
            break;
        const auto value = values.find(text.substr(open + 2, close - open - 2));
        out.append(text, at, open - at);
        if (value != values.end())
            out += value->second;
        else
            out.append(text, open, close + 1 - open);
        at = close + 1;
    }
    out.append(text, at, std::string::npos);
    return out;
}

json substituted(const json &node, const std::map<std::string, std::string> &values)
{
    if (node.is_string())
        return substitute(node.get<std::string>(), values);
    if (node.is_structured()) {
        json copy = node;
        for (auto &item : copy.items())
            item.value() = substituted(item.value(), values);
        return copy;
    }
    return node;
}

// A template parameter as Fn::Sub would print it.
std::optional<std::string> plainText(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number() || value.is_boolean())
        return value.dump();
    return std::nullopt;
}

struct ManagedLookup
{
    const Managed *policy = nullptr;
    QString name;
    QString why; // when there is no policy
};

ManagedLookup lookUpManaged(const QString &nameOrArn)
{
    const Catalogue &known = catalogue();
    if (!nameOrArn.startsWith(QLatin1String("arn:"))) {
        const auto found = known.managed.constFind(nameOrArn);
        if (found == known.managed.constEnd())
            return {nullptr, nameOrArn, QStringLiteral("not an AWS managed policy fnstudio knows")};
        return {&*found, nameOrArn, {}};
    }
    static const QRegularExpression arn(QStringLiteral("^arn:([^:]+):iam::([^:]*):policy(/(?:[^/]+/)*)([^/]+)$"));
    const QRegularExpressionMatch parts = arn.match(nameOrArn);
    if (!parts.hasMatch())
        return {nullptr, nameOrArn, QStringLiteral("not an IAM policy ARN")};
    const QString name = parts.captured(4);
    if (parts.captured(2) != QLatin1String("aws"))
        return {nullptr, name,
                QStringLiteral("a customer managed policy of account %1, which fnstudio cannot read; "
                               "write its statements inline instead")
                    .arg(parts.captured(2))};
    const auto found = known.managed.constFind(name);
    if (found == known.managed.constEnd())
        return {nullptr, name, QStringLiteral("not an AWS managed policy fnstudio knows")};
    // IAM matches the whole ARN: AWSLambdaBasicExecutionRole without its /service-role/ does not exist.
    if (found->path != parts.captured(3))
        return {nullptr, name,
                QStringLiteral("no such policy; AWS's is arn:%1:iam::aws:policy%2%3")
                    .arg(parts.captured(1), found->path, name)};
    return {&*found, name, {}};
}

// The name a user probably meant when theirs is not a template: SAM's secrets template carries an
// "AWS" prefix the others do not, and YAML keys are easy to mistype in case.
QString suggestionFor(const QString &name)
{
    for (auto it = catalogue().templates.constBegin(); it != catalogue().templates.constEnd(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0
            || it.key().compare(QString(QLatin1String("AWS") + name), Qt::CaseInsensitive) == 0)
            return it.key();
    }
    return {};
}

std::optional<NamedPolicy> fromTemplate(const QString &name, const Template &known, const json &values,
                                        const QString &label, const PolicyScope &scope, QString *why)
{
    const QString where = label + QStringLiteral(" (") + name + QLatin1Char(')');
    if (!values.is_object()) {
        *why = where + QStringLiteral(": its parameters must be a map, {} when it has none, not ") + typeOf(values);
        return std::nullopt;
    }
    std::map<std::string, std::string> substitutions = {
        {"AWS::Partition", scope.partition().toStdString()},
        {"AWS::Region", scope.region.toStdString()},
        {"AWS::AccountId", scope.accountId.toStdString()},
    };
    // Only the template's own parameters are read, as SAM does, so a stray key cannot change an ARN.
    QStringList missing;
    for (const std::string &parameter : known.parameters) {
        const auto value = values.find(parameter);
        if (value == values.end()) {
            missing.append(QString::fromStdString(parameter));
            continue;
        }
        const std::optional<std::string> text = plainText(*value);
        if (!text) {
            *why = where
                   + QStringLiteral(": parameter %1 must be a name or an ARN, not %2")
                         .arg(QString::fromStdString(parameter), typeOf(*value));
            return std::nullopt;
        }
        substitutions[parameter] = *text;
    }
    if (!missing.isEmpty()) {
        *why =
            where
            + (missing.size() == 1 ? QStringLiteral(": missing parameter ") : QStringLiteral(": missing parameters "))
            + missing.join(QStringLiteral(", "));
        return std::nullopt;
    }
    return NamedPolicy{name,
                       json{{"Version", "2012-10-17"}, {"Statement", substituted(known.statements, substitutions)}}};
}

// Action, NotAction, Resource and NotResource: a string or a list of them, each passing isValid.
QString listProblem(const json &statement, const char *key, bool (*isValid)(const QString &), const char *expected)
{
    const json &value = statement[key];
    const json list = value.is_array() ? value : json::array({value});
    if (list.empty())
        return QStringLiteral("%1 is an empty list").arg(QLatin1String(key));
    for (const json &item : list) {
        if (!item.is_string())
            return QStringLiteral("%1 must hold strings, not %2").arg(QLatin1String(key), typeOf(item));
        const QString text = QString::fromStdString(item.get<std::string>());
        if (!isValid(text))
            return QStringLiteral("%1 %2 is not %3").arg(QLatin1String(key), quoted(text), QLatin1String(expected));
    }
    return {};
}

bool isAction(const QString &action)
{
    return action == QLatin1String("*") || action.indexOf(QLatin1Char(':')) > 0;
}

bool isResource(const QString &resource)
{
    return resource == QLatin1String("*") || resource.startsWith(QLatin1String("arn:"));
}

// What IAM would reject in a statement of an identity-based policy, or nothing.
QString statementProblem(const json &statement)
{
    if (!statement.is_object())
        return QStringLiteral("is %1, not a statement object").arg(typeOf(statement));
    for (const auto &item : statement.items()) {
        const std::string &key = item.key();
        if (key == "Principal" || key == "NotPrincipal")
            return QStringLiteral("names a %1, which only a resource-based policy may; an execution role's "
                                  "policy applies to the function itself")
                .arg(QString::fromStdString(key));
        if (key != "Sid" && key != "Effect" && key != "Action" && key != "NotAction" && key != "Resource"
            && key != "NotResource" && key != "Condition")
            return QStringLiteral("has an unknown element %1").arg(quoted(QString::fromStdString(key)));
    }
    const json effect = statement.value("Effect", json());
    if (effect != "Allow" && effect != "Deny")
        return effect.is_null() ? QStringLiteral("has no Effect")
                                : QStringLiteral("has Effect %1; Allow or Deny is expected")
                                      .arg(QString::fromStdString(effect.dump()));
    const bool action = statement.contains("Action");
    if (action == statement.contains("NotAction"))
        return action ? QStringLiteral("has both Action and NotAction") : QStringLiteral("has no Action");
    const bool resource = statement.contains("Resource");
    if (resource == statement.contains("NotResource"))
        return resource ? QStringLiteral("has both Resource and NotResource") : QStringLiteral("has no Resource");
    QString problem = listProblem(statement, action ? "Action" : "NotAction", isAction, "service:action or *");
    if (problem.isEmpty())
        problem = listProblem(statement, resource ? "Resource" : "NotResource", isResource, "an ARN or *");
    if (!problem.isEmpty())
        return problem;
    if (statement.contains("Condition")) {
        const json &condition = statement["Condition"];
        bool wellFormed = condition.is_object();
        for (const auto &item : condition.items())
            wellFormed = wellFormed && item.value().is_object();
        if (!wellFormed)
            return QStringLiteral("has a Condition that does not map operators to keys and values");
    }
    if (statement.contains("Sid") && !statement["Sid"].is_string())
        return QStringLiteral("has a Sid that is not a string");
    return {};
}

std::optional<NamedPolicy> fromDocument(const json &entry, const QString &label, QString *why)
{
    json document = entry;
    for (const auto &item : entry.items()) {
        if (item.key() != "Version" && item.key() != "Statement" && item.key() != "Id") {
            *why = label + QStringLiteral(": a policy document has no element ")
                   + quoted(QString::fromStdString(item.key()));
            return std::nullopt;
        }
    }
    if (!document.contains("Version")) {
        document["Version"] = "2008-10-17"; // what IAM assumes
    } else if (document["Version"] != "2012-10-17" && document["Version"] != "2008-10-17") {
        *why = label
               + QStringLiteral(": Version %1 is neither 2012-10-17 nor 2008-10-17")
                     .arg(QString::fromStdString(document["Version"].dump()));
        return std::nullopt;
    }
    json &statements = document["Statement"];
    const bool single = statements.is_object();
    if (single)
        statements = json::array({statements});
    if (!statements.is_array() || statements.empty()) {
        *why = label + QStringLiteral(": Statement must be a statement or a list of them, not ")
               + (statements.is_array() ? QStringLiteral("an empty list") : typeOf(statements));
        return std::nullopt;
    }
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const QString problem = statementProblem(statements[i]);
        if (!problem.isEmpty()) {
            *why = label + (single ? QStringLiteral(": its statement ") : QStringLiteral(": Statement[%1] ").arg(i))
                   + problem;
            return std::nullopt;
        }
    }
    return NamedPolicy{label, document};
}

// One entry of Policies, classified as SAM's ResourcePolicies does: a string is a managed policy, a map
// with Statement a document, a map with one key naming a template that template.
std::optional<NamedPolicy> fromEntry(const json &entry, const QString &label, const PolicyScope &scope, QString *why)
{
    if (entry.is_string()) {
        const QString nameOrArn = QString::fromStdString(entry.get<std::string>());
        const ManagedLookup found = lookUpManaged(nameOrArn);
        if (!found.policy) {
            *why = label + QStringLiteral(": ") + quoted(nameOrArn) + QStringLiteral(" is ") + found.why;
            return std::nullopt;
        }
        return NamedPolicy{found.name, found.policy->document};
    }
    if (!entry.is_object() || entry.empty()) {
        *why = label
               + QStringLiteral(": expected a managed policy name or ARN, a policy template or a policy document, "
                                "not ")
               + (entry.is_object() ? QStringLiteral("an empty map") : typeOf(entry));
        return std::nullopt;
    }
    if (entry.contains("Statement"))
        return fromDocument(entry, label, why);
    const QString key = QString::fromStdString(entry.begin().key());
    if (entry.size() == 1) {
        const auto known = catalogue().templates.constFind(key);
        if (known != catalogue().templates.constEnd())
            return fromTemplate(key, *known, entry.begin().value(), label, scope, why);
        if (key == QLatin1String("Ref") || key.startsWith(QLatin1String("Fn::"))) {
            *why = label + QStringLiteral(": %1 is still to be resolved").arg(key);
            return std::nullopt;
        }
        *why = label + QStringLiteral(": ") + quoted(key) + QStringLiteral(" is not a SAM policy template");
        const QString meant = suggestionFor(key);
        if (!meant.isEmpty())
            *why += QStringLiteral(" (did you mean %1?)").arg(meant);
        else if (catalogue().managed.contains(key))
            *why += QStringLiteral(" (a managed policy is written as a plain string)");
        return std::nullopt;
    }
    *why = label
           + QStringLiteral(": a map that is neither a policy document (it has no Statement) nor a policy template "
                            "(one key, the template's name)");
    return std::nullopt;
}

bool isEmptyValue(const json &policies)
{
    if (policies.is_string())
        return policies.get_ref<const std::string &>().empty();
    return policies.is_null() || (policies.is_structured() && policies.empty());
}

} // namespace

std::vector<NamedPolicy> SamPolicies::expand(const json &policies, const PolicyScope &scope, QStringList *problems)
{
    std::vector<NamedPolicy> expanded;
    if (isEmptyValue(policies)) // SAM reads an absent or empty Policies as none
        return expanded;
    const bool single = !policies.is_array();
    const json entries = single ? json::array({policies}) : policies;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const QString label = single ? QStringLiteral("Policies") : QStringLiteral("Policies[%1]").arg(i);
        QString why;
        std::optional<NamedPolicy> policy = fromEntry(entries[i], label, scope, &why);
        if (policy)
            expanded.push_back(std::move(*policy));
        else if (problems)
            problems->append(why);
    }
    return expanded;
}

std::optional<nlohmann::json> SamPolicies::managed(const QString &nameOrArn)
{
    const ManagedLookup found = lookUpManaged(nameOrArn);
    if (!found.policy)
        return std::nullopt;
    return found.policy->document;
}

QStringList SamPolicies::templateNames()
{
    return catalogue().templates.keys();
}

QStringList SamPolicies::templateParameters(const QString &templateName)
{
    QStringList names;
    const auto found = catalogue().templates.constFind(templateName);
    if (found != catalogue().templates.constEnd()) {
        for (const std::string &parameter : found->parameters)
            names.append(QString::fromStdString(parameter));
    }
    return names;
}

QStringList SamPolicies::managedNames()
{
    return catalogue().managed.keys();
}

} // namespace fn
