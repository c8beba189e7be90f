#include "project/intrinsicresolver.h"

#include <QByteArray>
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

} // namespace

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

std::optional<QString> IntrinsicResolver::resolveRef(const QString &name, bool *isList, QString *why) const
{
    *isList = false;
    if (name == QLatin1String("AWS::Region"))
        return region();
    if (name == QLatin1String("AWS::AccountId"))
        return accountId();
    if (name == QLatin1String("AWS::Partition"))
        return partition();
    if (name == QLatin1String("AWS::StackName"))
        return m_stackName;
    if (name == QLatin1String("AWS::URLSuffix"))
        return QStringLiteral("amazonaws.com");
    if (name == QLatin1String("AWS::StackId"))
        return QStringLiteral("arn:aws:cloudformation:%1:%2:stack/%3/00000000-0000-0000-0000-000000000000")
            .arg(region(), accountId(), m_stackName);
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
    // sam local resolves a resource's Ref to its logical id; there is no deployed name locally.
    if (m_resourceIds.contains(name))
        return name;
    *why = QStringLiteral("!Ref %1 names no parameter or resource of the template").arg(name);
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
        const auto value = resolveRef(text(arg), &isList, &why);
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
            zones.append(region() + QLatin1Char(c));
        return Value{zones, true};
    }
    if (name.startsWith(QLatin1Char('!')))
        return fail(QStringLiteral("unknown tag %1 (not a CloudFormation intrinsic function)").arg(name), node);
    // GetAtt, ImportValue, Cidr, Transform, ...: they need a deployed stack.
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
            *problem = {QStringLiteral("!Sub cannot resolve ${%1} locally: attributes need a deployed stack").arg(ref),
                        node.Mark()};
            return std::nullopt;
        }
        bool isList = false;
        QString why;
        const auto value = resolveRef(ref, &isList, &why);
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
