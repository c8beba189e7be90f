#include "project/intrinsicresolver.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace fn {

namespace {

// Deeper than any honest template nests; stops a condition that refers to itself.
constexpr int MaxDepth = 64;

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

bool hasShortTag(const YAML::Node &node)
{
    const std::string &tag = node.Tag();
    // "?" is a plain node, "!" a quoted scalar, "tag:yaml.org,2002:..." a standard tag.
    return tag.size() > 1 && tag[0] == '!' && tag[1] != '!';
}

QString shortTagName(const std::string &tag)
{
    static const QStringList known = {
        QStringLiteral("Sub"),       QStringLiteral("GetAtt"), QStringLiteral("Join"),
        QStringLiteral("If"),        QStringLiteral("Select"), QStringLiteral("Split"),
        QStringLiteral("FindInMap"), QStringLiteral("GetAZs"), QStringLiteral("ImportValue"),
        QStringLiteral("Base64"),    QStringLiteral("Equals"), QStringLiteral("Not"),
        QStringLiteral("And"),       QStringLiteral("Or"),     QStringLiteral("Cidr"),
        QStringLiteral("Transform"), QStringLiteral("Length"), QStringLiteral("ToJsonString"),
    };
    const QString name = QString::fromStdString(tag.substr(1));
    if (name == QLatin1String("Ref") || name == QLatin1String("Condition"))
        return name;
    if (known.contains(name))
        return QStringLiteral("Fn::") + name;
    return QString::fromStdString(tag);
}

// The long form: a mapping with exactly one key, Ref or Fn::Something.
QString longFormName(const YAML::Node &node)
{
    if (!node.IsMap() || node.size() != 1)
        return {};
    const QString key = text(node.begin()->first);
    if (key == QLatin1String("Ref") || key.startsWith(QLatin1String("Fn::")))
        return key;
    return {};
}

// The short tag's name in messages, as the user wrote it.
QString display(const QString &name)
{
    if (name.startsWith(QLatin1String("Fn::")))
        return QLatin1Char('!') + name.mid(4);
    if (name.startsWith(QLatin1Char('!')))
        return name;
    return QLatin1Char('!') + name;
}

nlohmann::json plainScalarToJson(const std::string &s)
{
    static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression floating(QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
        return nullptr;
    if (s == "true" || s == "True" || s == "TRUE")
        return true;
    if (s == "false" || s == "False" || s == "FALSE")
        return false;
    const QString q = QString::fromStdString(s);
    if (integer.match(q).hasMatch()) {
        bool ok = false;
        const qlonglong v = q.toLongLong(&ok);
        if (ok)
            return v;
    }
    if (floating.match(q).hasMatch()) {
        bool ok = false;
        const double v = q.toDouble(&ok);
        if (ok)
            return v;
    }
    return s;
}

nlohmann::json untaggedToJson(const YAML::Node &node, bool plain)
{
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        return plain ? plainScalarToJson(node.Scalar()) : nlohmann::json(node.Scalar());
    case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto &item : node)
            array.push_back(IntrinsicResolver::toJson(item));
        return array;
    }
    case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto &entry : node)
            object[entry.first.Scalar()] = IntrinsicResolver::toJson(entry.second);
        return object;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return nullptr;
}

// The property that names a resource of a type fnstudio runs or models, nullptr for the others.
const char *nameProperty(const QString &type)
{
    if (type == QLatin1String("AWS::S3::Bucket"))
        return "BucketName";
    if (type == QLatin1String("AWS::SQS::Queue"))
        return "QueueName";
    if (type == QLatin1String("AWS::SNS::Topic"))
        return "TopicName";
    if (type == QLatin1String("AWS::Serverless::Function") || type == QLatin1String("AWS::Lambda::Function"))
        return "FunctionName";
    if (type == QLatin1String("AWS::IAM::Role"))
        return "RoleName";
    if (type == QLatin1String("AWS::SecretsManager::Secret") || type == QLatin1String("AWS::Events::Rule"))
        return "Name";
    return nullptr;
}

// How messages call a resource of the type.
QString kindOf(const QString &type)
{
    if (type == QLatin1String("AWS::S3::Bucket"))
        return QStringLiteral("bucket");
    if (type == QLatin1String("AWS::SQS::Queue"))
        return QStringLiteral("queue");
    if (type == QLatin1String("AWS::SNS::Topic"))
        return QStringLiteral("topic");
    if (type == QLatin1String("AWS::IAM::Role"))
        return QStringLiteral("role");
    if (type == QLatin1String("AWS::SecretsManager::Secret"))
        return QStringLiteral("secret");
    if (type == QLatin1String("AWS::Events::Rule"))
        return QStringLiteral("rule");
    return QStringLiteral("function");
}

} // namespace

QString IntrinsicResolver::stackNameFor(const QString &templatePath)
{
    return QFileInfo(templatePath).absoluteDir().dirName();
}

QString IntrinsicResolver::intrinsicName(const YAML::Node &node)
{
    if (!node.IsDefined())
        return {};
    if (hasShortTag(node))
        return shortTagName(node.Tag());
    return longFormName(node);
}

YAML::Node IntrinsicResolver::child(const YAML::Node &map, const std::string &key)
{
    if (!map.IsDefined() || !map.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node value = map[key];
    return value ? value : YAML::Node(YAML::NodeType::Undefined);
}

bool IntrinsicResolver::isNoValue(const YAML::Node &node)
{
    if (intrinsicName(node) != QLatin1String("Ref"))
        return false;
    const YAML::Node arg = hasShortTag(node) ? node : node.begin()->second;
    return arg.IsScalar() && arg.Scalar() == "AWS::NoValue";
}

nlohmann::json IntrinsicResolver::toJson(const YAML::Node &node)
{
    if (!node.IsDefined())
        return nullptr;
    if (!hasShortTag(node))
        return untaggedToJson(node, node.Tag() != "!");
    const QString name = shortTagName(node.Tag());
    if (name.startsWith(QLatin1Char('!'))) // unknown tag: keep the value, typed as written
        return untaggedToJson(node, false);
    nlohmann::json arg;
    if (name == QLatin1String("Fn::GetAtt") && node.IsScalar()) {
        // !GetAtt Resource.Attribute.Path is ["Resource", "Attribute.Path"] in long form.
        const std::string &s = node.Scalar();
        const auto dot = s.find('.');
        arg = dot == std::string::npos ? nlohmann::json::array({s})
                                       : nlohmann::json::array({s.substr(0, dot), s.substr(dot + 1)});
    } else {
        // Arguments of intrinsics are strings unless they are lists or nested functions.
        arg = untaggedToJson(node, false);
    }
    return nlohmann::json{{name.toStdString(), arg}};
}

QList<IntrinsicResolver::Problem> IntrinsicResolver::load(const YAML::Node &root,
                                                          const QHash<QString, QString> &overrides)
{
    QList<Problem> problems;
    m_parameters.clear();
    m_listParameters.clear();
    m_parametersWithoutValue.clear();
    m_resourceIds.clear();
    m_naming.clear();

    const YAML::Node parameters = child(root, "Parameters");
    if (parameters.IsMap()) {
        for (const auto &entry : parameters) {
            const QString name = text(entry.first);
            const YAML::Node type = child(entry.second, "Type");
            if (type.IsScalar()) {
                const QString t = text(type);
                if (t == QLatin1String("CommaDelimitedList") || t.startsWith(QLatin1String("List<")))
                    m_listParameters.insert(name);
            }
            const YAML::Node def = child(entry.second, "Default");
            if (def.IsScalar()) {
                m_parameters.insert(name, text(def));
            } else if (def.IsSequence()) {
                QStringList items;
                for (const auto &item : def)
                    items.append(text(item));
                m_parameters.insert(name, items.join(QLatin1Char(',')));
            } else {
                m_parametersWithoutValue.insert(name);
            }
        }
    }
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it) {
        if (!m_parameters.contains(it.key()) && !m_parametersWithoutValue.contains(it.key())) {
            problems.append({QStringLiteral("parameter override %1 names no parameter of the template").arg(it.key()),
                             parameters.IsDefined() ? parameters.Mark() : YAML::Mark::null_mark()});
            continue;
        }
        m_parameters.insert(it.key(), it.value());
        m_parametersWithoutValue.remove(it.key());
    }

    const YAML::Node resources = child(root, "Resources");
    if (resources.IsMap()) {
        for (const auto &entry : resources)
            m_resourceIds.insert(text(entry.first));
    }
    m_resources.reset(resources);
    m_mappings.reset(child(root, "Mappings"));
    m_conditions.reset(child(root, "Conditions"));
    return problems;
}

std::optional<QString> IntrinsicResolver::scalar(const YAML::Node &node, Problem *problem) const
{
    const auto value = resolve(node, problem, 0);
    if (!value)
        return std::nullopt;
    if (value->isList) {
        *problem = {QStringLiteral("expected a single value, found a list"), node.Mark()};
        return std::nullopt;
    }
    return value->items.value(0);
}

std::optional<QStringList> IntrinsicResolver::list(const YAML::Node &node, Problem *problem) const
{
    const auto value = resolve(node, problem, 0);
    if (!value)
        return std::nullopt;
    return value->items;
}

std::optional<IntrinsicResolver::Value> IntrinsicResolver::resolve(const YAML::Node &node, Problem *problem,
                                                                   int depth) const
{
    if (depth > MaxDepth) {
        *problem = {QStringLiteral("intrinsic functions nest too deeply"), node.Mark()};
        return std::nullopt;
    }
    if (!node.IsDefined() || node.IsNull()) {
        *problem = {QStringLiteral("has no value"), node.IsDefined() ? node.Mark() : YAML::Mark::null_mark()};
        return std::nullopt;
    }
    const QString name = intrinsicName(node);
    if (!name.isEmpty()) {
        const YAML::Node arg = hasShortTag(node) ? node : node.begin()->second;
        return resolveIntrinsic(name, node, arg, problem, depth + 1);
    }
    if (node.IsScalar())
        return Value{{text(node)}, false};
    if (node.IsSequence()) {
        Value out{{}, true};
        for (const auto &item : node) {
            const auto v = resolve(item, problem, depth + 1);
            if (!v)
                return std::nullopt;
            out.items += v->items;
        }
        return out;
    }
    *problem = {QStringLiteral("expected a value, found a mapping"), node.Mark()};
    return std::nullopt;
}

std::optional<QString> IntrinsicResolver::resolveRef(const QString &name, bool *isList, QString *why, int depth) const
{
    *isList = false;
    if (name == QLatin1String("AWS::Region"))
        return m_account.region;
    if (name == QLatin1String("AWS::AccountId"))
        return m_account.accountId;
    if (name == QLatin1String("AWS::Partition"))
        return m_account.partition();
    if (name == QLatin1String("AWS::StackName"))
        return m_stackName;
    if (name == QLatin1String("AWS::URLSuffix"))
        return QStringLiteral("amazonaws.com");
    if (name == QLatin1String("AWS::StackId"))
        return m_account.arn(QStringLiteral("cloudformation"),
                             QStringLiteral("stack/%1/00000000-0000-0000-0000-000000000000").arg(m_stackName));
    if (name == QLatin1String("AWS::NotificationARNs")) {
        *isList = true;
        return QString();
    }
    if (const auto it = m_parameters.constFind(name); it != m_parameters.cend()) {
        *isList = m_listParameters.contains(name);
        return *it;
    }
    if (m_parametersWithoutValue.contains(name)) {
        *why = QStringLiteral("parameter %1 has no Default value (give it one or pass a parameter override)").arg(name);
        return std::nullopt;
    }
    if (m_resourceIds.contains(name)) {
        const QString type = resourceType(name);
        // Other types resolve to the logical id, as in sam local: there is no deployed name.
        if (!nameProperty(type))
            return name;
        // What CloudFormation's Ref returns: a queue's URL, a topic's or secret's ARN, else the name.
        if (type == QLatin1String("AWS::SQS::Queue"))
            return resolveGetAtt(name, QStringLiteral("QueueUrl"), why, depth + 1);
        if (type == QLatin1String("AWS::SNS::Topic"))
            return resolveGetAtt(name, QStringLiteral("TopicArn"), why, depth + 1);
        if (type == QLatin1String("AWS::SecretsManager::Secret"))
            return resolveGetAtt(name, QStringLiteral("Id"), why, depth + 1);
        Problem problem;
        const auto local = localName(name, &problem, depth + 1);
        if (!local)
            *why = problem.message;
        return local;
    }
    *why = QStringLiteral("!Ref %1 names no parameter or resource of the template").arg(name);
    return std::nullopt;
}

QString IntrinsicResolver::resourceType(const QString &logicalId) const
{
    const YAML::Node type = child(child(m_resources, logicalId.toStdString()), "Type");
    return type.IsScalar() ? text(type) : QString();
}

std::optional<QString> IntrinsicResolver::localName(const QString &logicalId, Problem *problem, int depth) const
{
    const YAML::Node resource = child(m_resources, logicalId.toStdString());
    const QString type = resourceType(logicalId);
    const char *property = nameProperty(type);
    if (!property)
        return logicalId;
    const YAML::Node properties = child(resource, "Properties");
    const YAML::Node value = child(properties, property);
    if (value.IsDefined() && !isNoValue(value)) {
        const QString what = QStringLiteral("%1 of %2").arg(QLatin1String(property), logicalId);
        if (m_naming.contains(logicalId)) {
            *problem = {what + QStringLiteral(" refers to the %1's own name").arg(kindOf(type)), value.Mark()};
            return std::nullopt;
        }
        m_naming.insert(logicalId);
        const auto resolved = resolve(value, problem, depth + 1);
        m_naming.remove(logicalId);
        if (!resolved) {
            if (!problem->message.startsWith(what))
                problem->message = what + QStringLiteral(": ") + problem->message;
            return std::nullopt;
        }
        if (resolved->isList || resolved->items.value(0).isEmpty()) {
            *problem = {
                QStringLiteral("%1 of %2 must be a single, non-empty name").arg(QLatin1String(property), logicalId),
                value.Mark()};
            return std::nullopt;
        }
        return resolved->items.value(0);
    }
    // AWS's generated name for a FIFO queue or topic ends in .fifo, as a FIFO name must.
    const char *fifo = type == QLatin1String("AWS::SQS::Queue")   ? "FifoQueue"
                       : type == QLatin1String("AWS::SNS::Topic") ? "FifoTopic"
                                                                  : nullptr;
    if (!fifo)
        return logicalId;
    const YAML::Node fifoValue = child(properties, fifo);
    if (fifoValue.IsDefined() && !isNoValue(fifoValue)) {
        Problem ignored; // a FIFO flag that cannot be resolved counts as false
        const auto v = resolve(fifoValue, &ignored, depth + 1);
        if (v && !v->isList && v->items.value(0).compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            return logicalId + QStringLiteral(".fifo");
    }
    return logicalId;
}

std::optional<QString> IntrinsicResolver::resolveGetAtt(const QString &resource, const QString &attribute, QString *why,
                                                        int depth) const
{
    const QString type = resourceType(resource);
    if (!nameProperty(type)) {
        *why = QStringLiteral("!GetAtt cannot be resolved locally: it needs a deployed stack");
        return std::nullopt;
    }
    Problem problem;
    const auto local = localName(resource, &problem, depth + 1);
    if (!local) {
        *why = problem.message;
        return std::nullopt;
    }
    const QString &n = *local;
    const QString &region = m_account.region;
    QStringList known;
    if (type == QLatin1String("AWS::S3::Bucket")) {
        known = {QStringLiteral("Arn"), QStringLiteral("DomainName"), QStringLiteral("RegionalDomainName"),
                 QStringLiteral("DualStackDomainName")};
        if (attribute == known[0])
            return m_account.arn(QStringLiteral("s3"), n, true);
        if (attribute == known[1])
            return n + QStringLiteral(".s3.amazonaws.com");
        if (attribute == known[2])
            return QStringLiteral("%1.s3.%2.amazonaws.com").arg(n, region);
        if (attribute == known[3])
            return QStringLiteral("%1.s3.dualstack.%2.amazonaws.com").arg(n, region);
    } else if (type == QLatin1String("AWS::SQS::Queue")) {
        known = {QStringLiteral("Arn"), QStringLiteral("QueueName"), QStringLiteral("QueueUrl")};
        if (attribute == known[0])
            return m_account.queueArn(n);
        if (attribute == known[1])
            return n;
        // fnstudio serves no SQS API of its own yet: the URL is the one AWS would give.
        if (attribute == known[2])
            return m_account.queueUrl(n);
    } else if (type == QLatin1String("AWS::SNS::Topic")) {
        known = {QStringLiteral("TopicArn"), QStringLiteral("TopicName")};
        if (attribute == known[0])
            return m_account.topicArn(n);
        if (attribute == known[1])
            return n;
    } else if (type == QLatin1String("AWS::IAM::Role")) {
        known = {QStringLiteral("Arn")};
        if (attribute == known[0]) {
            // A role's Path ("/" unless given) is part of its ARN.
            QString path = QStringLiteral("/");
            const YAML::Node p = child(child(child(m_resources, resource.toStdString()), "Properties"), "Path");
            if (p.IsScalar() && !hasShortTag(p) && !p.Scalar().empty())
                path = text(p);
            return m_account.arn(QStringLiteral("iam"), QStringLiteral("role") + path + n, true);
        }
    } else if (type == QLatin1String("AWS::SecretsManager::Secret")) {
        known = {QStringLiteral("Id")};
        // Secrets Manager adds six random characters to a secret's ARN; a fixed six do locally.
        if (attribute == known[0])
            return m_account.arn(QStringLiteral("secretsmanager"), QStringLiteral("secret:%1-a1b2c3").arg(n));
    } else if (type == QLatin1String("AWS::Events::Rule")) {
        known = {QStringLiteral("Arn")};
        if (attribute == known[0])
            return m_account.arn(QStringLiteral("events"), QStringLiteral("rule/") + n);
    } else { // the two function types
        known = {QStringLiteral("Arn")};
        if (attribute == known[0])
            return m_account.functionArn(n);
    }
    *why = QStringLiteral("!GetAtt %1.%2: fnstudio knows no attribute %2 of %3 (it knows %4)")
               .arg(resource, attribute, type, known.join(QStringLiteral(", ")));
    return std::nullopt;
}

std::optional<IntrinsicResolver::Value> IntrinsicResolver::resolveIntrinsic(const QString &name, const YAML::Node &node,
                                                                            const YAML::Node &arg, Problem *problem,
                                                                            int depth) const
{
    const bool shortForm = hasShortTag(node);
    const auto fail = [&](const QString &message, const YAML::Node &at) -> std::optional<Value> {
        *problem = {message, at.IsDefined() ? at.Mark() : node.Mark()};
        return std::nullopt;
    };
    // A single-valued argument: with the short form the node itself carries the tag, so only
    // its untagged content counts (a scalar, or a long-form function in a mapping).
    const auto argument = [&](const YAML::Node &a) -> std::optional<Value> {
        if (shortForm && a.is(node) && a.IsScalar())
            return Value{{text(a)}, false};
        if (shortForm && a.is(node)) {
            const QString inner = longFormName(a);
            if (inner.isEmpty())
                return fail(QStringLiteral("%1 needs a value").arg(display(name)), a);
            return resolveIntrinsic(inner, a.begin()->second, a.begin()->second, problem, depth + 1);
        }
        return resolve(a, problem, depth + 1);
    };
    const auto single = [&](const YAML::Node &a) -> std::optional<QString> {
        const auto v = argument(a);
        if (!v)
            return std::nullopt;
        if (v->isList) {
            *problem = {QStringLiteral("%1 expected a single value, found a list").arg(display(name)), a.Mark()};
            return std::nullopt;
        }
        return v->items.value(0);
    };

    if (name == QLatin1String("Ref")) {
        if (!arg.IsScalar())
            return fail(QStringLiteral("!Ref needs the name of a parameter or resource"), arg);
        bool isList = false;
        QString why;
        const auto value = resolveRef(text(arg), &isList, &why, depth);
        if (!value)
            return fail(why, arg);
        if (isList)
            return Value{value->isEmpty() ? QStringList() : value->split(QLatin1Char(',')), true};
        return Value{{*value}, false};
    }
    if (name == QLatin1String("Fn::Sub")) {
        if (arg.IsSequence() && arg.size() == 2 && arg[0].IsScalar()) {
            const auto s = substitute(arg[0], text(arg[0]), arg[1], problem, depth);
            return s ? std::optional<Value>(Value{{*s}, false}) : std::nullopt;
        }
        if (!arg.IsScalar())
            return fail(QStringLiteral("!Sub needs a string, or a list of a string and a mapping of variables"), arg);
        const auto s = substitute(arg, text(arg), YAML::Node(), problem, depth);
        return s ? std::optional<Value>(Value{{*s}, false}) : std::nullopt;
    }
    if (name == QLatin1String("Fn::Join")) {
        if (!arg.IsSequence() || arg.size() != 2 || !arg[0].IsScalar())
            return fail(QStringLiteral("!Join needs a list of a delimiter and a list of values"), arg);
        const auto parts = resolve(arg[1], problem, depth + 1);
        if (!parts)
            return std::nullopt;
        return Value{{parts->items.join(text(arg[0]))}, false};
    }
    if (name == QLatin1String("Fn::Select")) {
        if (!arg.IsSequence() || arg.size() != 2)
            return fail(QStringLiteral("!Select needs a list of an index and a list of values"), arg);
        const auto index = resolve(arg[0], problem, depth + 1);
        if (!index)
            return std::nullopt;
        const auto items = resolve(arg[1], problem, depth + 1);
        if (!items)
            return std::nullopt;
        bool ok = false;
        const int i = index->items.value(0).toInt(&ok);
        if (!ok || i < 0 || i >= items->items.size())
            return fail(QStringLiteral("!Select index %1 is outside the list of %2 values")
                            .arg(index->items.value(0))
                            .arg(items->items.size()),
                        arg[0]);
        return Value{{items->items.at(i)}, false};
    }
    if (name == QLatin1String("Fn::Split")) {
        if (!arg.IsSequence() || arg.size() != 2 || !arg[0].IsScalar())
            return fail(QStringLiteral("!Split needs a list of a delimiter and a string"), arg);
        const auto source = resolve(arg[1], problem, depth + 1);
        if (!source)
            return std::nullopt;
        return Value{source->items.value(0).split(text(arg[0])), true};
    }
    if (name == QLatin1String("Fn::FindInMap")) {
        if (!arg.IsSequence() || arg.size() < 3)
            return fail(QStringLiteral("!FindInMap needs a map name, a top-level key and a second-level key"), arg);
        QStringList keys;
        for (std::size_t i = 0; i < 3; ++i) {
            const auto key = resolve(arg[i], problem, depth + 1);
            if (!key)
                return std::nullopt;
            keys.append(key->items.value(0));
        }
        // reset() rebinds the handle; operator= would overwrite the node inside Mappings.
        YAML::Node value = child(m_mappings, keys[0].toStdString());
        value.reset(child(value, keys[1].toStdString()));
        value.reset(child(value, keys[2].toStdString()));
        if (!value.IsDefined() || value.IsMap())
            return fail(
                QStringLiteral("!FindInMap finds no value at %1/%2/%3 in Mappings").arg(keys[0], keys[1], keys[2]),
                arg);
        return resolve(value, problem, depth + 1);
    }
    if (name == QLatin1String("Fn::If")) {
        if (!arg.IsSequence() || arg.size() != 3 || !arg[0].IsScalar())
            return fail(QStringLiteral("!If needs a list of a condition name and two values"), arg);
        const auto chosen = condition(text(arg[0]), arg[0], problem, depth + 1);
        if (!chosen)
            return std::nullopt;
        const YAML::Node branch = arg[*chosen ? 1 : 2];
        if (isNoValue(branch))
            return fail(QStringLiteral("!If chooses AWS::NoValue here, so the property has no value"), branch);
        return resolve(branch, problem, depth + 1);
    }
    if (name == QLatin1String("Fn::Base64")) {
        const auto s = single(arg);
        if (!s)
            return std::nullopt;
        return Value{{QString::fromLatin1(s->toUtf8().toBase64())}, false};
    }
    if (name == QLatin1String("Fn::GetAZs")) {
        QStringList zones;
        for (char c = 'a'; c <= 'f'; ++c)
            zones.append(m_account.region + QLatin1Char(c));
        return Value{zones, true};
    }
    if (name == QLatin1String("Fn::GetAtt")) {
        // !GetAtt Resource.Attribute, !GetAtt [Resource, Attribute] or Fn::GetAtt in either form.
        QString resource;
        QString attribute;
        if (arg.IsScalar()) {
            resource = text(arg).section(QLatin1Char('.'), 0, 0);
            attribute = text(arg).section(QLatin1Char('.'), 1);
        } else if (arg.IsSequence() && arg.size() == 2 && arg[0].IsScalar()) {
            resource = text(arg[0]);
            const auto a = resolve(arg[1], problem, depth + 1);
            if (!a)
                return std::nullopt;
            attribute = a->items.value(0);
        }
        if (resource.isEmpty() || attribute.isEmpty())
            return fail(QStringLiteral("!GetAtt needs a resource and an attribute (Resource.Attribute)"), arg);
        QString why;
        const auto value = resolveGetAtt(resource, attribute, &why, depth);
        if (!value)
            return fail(why, node);
        return Value{{*value}, false};
    }
    if (name.startsWith(QLatin1Char('!')))
        return fail(QStringLiteral("unknown tag %1 (not a CloudFormation intrinsic function)").arg(name), node);
    // ImportValue, Cidr, Transform, ...: they need a deployed stack.
    return fail(QStringLiteral("%1 cannot be resolved locally: it needs a deployed stack").arg(display(name)), node);
}

std::optional<QString> IntrinsicResolver::substitute(const YAML::Node &node, const QString &source,
                                                     const YAML::Node &variables, Problem *problem, int depth) const
{
    QString out;
    out.reserve(source.size());
    qsizetype i = 0;
    while (i < source.size()) {
        const qsizetype start = source.indexOf(QLatin1String("${"), i);
        if (start < 0) {
            out += source.mid(i);
            break;
        }
        out += source.mid(i, start - i);
        const qsizetype end = source.indexOf(QLatin1Char('}'), start + 2);
        if (end < 0) {
            *problem = {QStringLiteral("!Sub has an unclosed ${ in \"%1\"").arg(source), node.Mark()};
            return std::nullopt;
        }
        const QString ref = source.mid(start + 2, end - start - 2).trimmed();
        i = end + 1;
        if (ref.startsWith(QLatin1Char('!'))) { // ${!Literal} writes ${Literal}
            out += QStringLiteral("${") + ref.mid(1) + QLatin1Char('}');
            continue;
        }
        if (variables.IsMap()) {
            const YAML::Node variable = child(variables, ref.toStdString());
            if (variable.IsDefined()) {
                const auto v = resolve(variable, problem, depth + 1);
                if (!v)
                    return std::nullopt;
                out += v->items.join(QLatin1Char(','));
                continue;
            }
        }
        if (ref.contains(QLatin1Char('.')) && !ref.startsWith(QLatin1String("AWS::"))) {
            const QString resource = ref.section(QLatin1Char('.'), 0, 0);
            if (!nameProperty(resourceType(resource))) {
                *problem = {
                    QStringLiteral("!Sub cannot resolve ${%1} locally: attributes need a deployed stack").arg(ref),
                    node.Mark()};
                return std::nullopt;
            }
            QString why;
            const auto value = resolveGetAtt(resource, ref.section(QLatin1Char('.'), 1), &why, depth + 1);
            if (!value) {
                *problem = {QStringLiteral("!Sub cannot resolve ${%1}: %2").arg(ref, why), node.Mark()};
                return std::nullopt;
            }
            out += *value;
            continue;
        }
        bool isList = false;
        QString why;
        const auto value = resolveRef(ref, &isList, &why, depth + 1);
        if (!value) {
            *problem = {QStringLiteral("!Sub cannot resolve ${%1}: %2").arg(ref, why), node.Mark()};
            return std::nullopt;
        }
        out += *value;
    }
    return out;
}

std::optional<bool> IntrinsicResolver::condition(const QString &name, const YAML::Node &at, Problem *problem,
                                                 int depth) const
{
    const YAML::Node definition = child(m_conditions, name.toStdString());
    if (!definition.IsDefined()) {
        *problem = {QStringLiteral("condition %1 is not defined in Conditions").arg(name), at.Mark()};
        return std::nullopt;
    }
    return evaluate(definition, problem, depth + 1);
}

std::optional<bool> IntrinsicResolver::evaluate(const YAML::Node &node, Problem *problem, int depth) const
{
    if (depth > MaxDepth) {
        *problem = {QStringLiteral("conditions refer to each other in a loop"), node.Mark()};
        return std::nullopt;
    }
    QString name = intrinsicName(node);
    YAML::Node arg;
    if (!name.isEmpty()) {
        arg.reset(hasShortTag(node) ? node : node.begin()->second);
    } else if (node.IsMap() && node.size() == 1 && node.begin()->first.Scalar() == "Condition") {
        name = QStringLiteral("Condition"); // long form, only meaningful inside conditions
        arg.reset(node.begin()->second);
    }
    if (name == QLatin1String("Condition") && arg.IsScalar())
        return condition(text(arg), arg, problem, depth + 1);
    if (name == QLatin1String("Fn::Equals") && arg.IsSequence() && arg.size() == 2) {
        const auto a = resolve(arg[0], problem, depth + 1);
        if (!a)
            return std::nullopt;
        const auto b = resolve(arg[1], problem, depth + 1);
        if (!b)
            return std::nullopt;
        return a->items == b->items;
    }
    if (name == QLatin1String("Fn::Not") && arg.IsSequence() && arg.size() == 1) {
        const auto v = evaluate(arg[0], problem, depth + 1);
        return v ? std::optional<bool>(!*v) : std::nullopt;
    }
    if ((name == QLatin1String("Fn::And") || name == QLatin1String("Fn::Or")) && arg.IsSequence()) {
        const bool isAnd = name == QLatin1String("Fn::And");
        for (const auto &item : arg) {
            const auto v = evaluate(item, problem, depth + 1);
            if (!v)
                return std::nullopt;
            if (*v != isAnd)
                return !isAnd;
        }
        return isAnd;
    }
    *problem = {QStringLiteral("a condition must be !Equals, !Not, !And, !Or or !Condition"), node.Mark()};
    return std::nullopt;
}

std::optional<nlohmann::json> IntrinsicResolver::resolvedJson(const YAML::Node &node, Problem *problem) const
{
    if (!intrinsicName(node).isEmpty()) {
        const auto value = resolve(node, problem, 0);
        if (!value)
            return std::nullopt;
        if (!value->isList)
            return nlohmann::json(value->items.value(0).toStdString());
        nlohmann::json list = nlohmann::json::array();
        for (const QString &item : value->items)
            list.push_back(item.toStdString());
        return list;
    }
    if (node.IsMap()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto &entry : node) {
            if (isNoValue(entry.second))
                continue;
            auto v = resolvedJson(entry.second, problem);
            if (!v)
                return std::nullopt;
            out[entry.first.Scalar()] = std::move(*v);
        }
        return out;
    }
    if (node.IsSequence()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto &item : node) {
            if (isNoValue(item))
                continue;
            auto v = resolvedJson(item, problem);
            if (!v)
                return std::nullopt;
            out.push_back(std::move(*v));
        }
        return out;
    }
    return toJson(node);
}

} // namespace fn
