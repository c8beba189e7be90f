#include "access/policy.h"

#include <QDateTime>
#include <QHostAddress>

#include <cmath>

namespace fn {

namespace {

using json = nlohmann::json;

// Operators by family; the value says whether it is negated (true when none of the values match).
const QHash<QString, bool> &stringOperators()
{
    static const QHash<QString, bool> ops{
        {QStringLiteral("StringEquals"), false},
        {QStringLiteral("StringNotEquals"), true},
        {QStringLiteral("StringEqualsIgnoreCase"), false},
        {QStringLiteral("StringNotEqualsIgnoreCase"), true},
        {QStringLiteral("StringLike"), false},
        {QStringLiteral("StringNotLike"), true},
        {QStringLiteral("ArnEquals"), false},
        {QStringLiteral("ArnNotEquals"), true},
        {QStringLiteral("ArnLike"), false},
        {QStringLiteral("ArnNotLike"), true},
        {QStringLiteral("NumericEquals"), false},
        {QStringLiteral("NumericNotEquals"), true},
        {QStringLiteral("NumericLessThan"), false},
        {QStringLiteral("NumericLessThanEquals"), false},
        {QStringLiteral("NumericGreaterThan"), false},
        {QStringLiteral("NumericGreaterThanEquals"), false},
        {QStringLiteral("DateEquals"), false},
        {QStringLiteral("DateNotEquals"), true},
        {QStringLiteral("DateLessThan"), false},
        {QStringLiteral("DateLessThanEquals"), false},
        {QStringLiteral("DateGreaterThan"), false},
        {QStringLiteral("DateGreaterThanEquals"), false},
        {QStringLiteral("Bool"), false},
        {QStringLiteral("BinaryEquals"), false},
        {QStringLiteral("IpAddress"), false},
        {QStringLiteral("NotIpAddress"), true},
        {QStringLiteral("Null"), false},
    };
    return ops;
}

QString scalarText(const json &v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_boolean())
        return v.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.is_number_integer())
        return QString::number(v.get<long long>());
    if (v.is_number())
        return QString::number(v.get<double>(), 'g', 17);
    return QString();
}

// A string or a list of strings (IAM accepts both wherever a list is meant).
std::optional<QStringList> stringList(const json &v)
{
    QStringList out;
    if (v.is_string() || v.is_number() || v.is_boolean()) {
        out << scalarText(v);
        return out;
    }
    if (!v.is_array())
        return std::nullopt;
    for (const json &item : v) {
        if (!(item.is_string() || item.is_number() || item.is_boolean()))
            return std::nullopt;
        out << scalarText(item);
    }
    return out;
}

std::optional<double> number(const QString &text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

std::optional<qint64> dateMs(const QString &text)
{
    bool ok = false;
    const qint64 epoch = text.toLongLong(&ok);
    if (ok)
        return epoch * 1000;
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

bool ipInRange(const QString &ip, const QString &range)
{
    const QHostAddress address(ip);
    if (address.isNull())
        return false;
    const auto subnet = QHostAddress::parseSubnet(
        range.contains(QLatin1Char('/'))
            ? range
            : range + (range.contains(QLatin1Char(':')) ? QStringLiteral("/128") : QStringLiteral("/32")));
    return !subnet.first.isNull() && address.isInSubnet(subnet);
}

// Replaces ${aws:SourceIp}-style policy variables with the request's value (one value only),
// and ${*}, ${?}, ${$} with the literal characters; an unknown variable matches nothing.
std::optional<QString> substituteVariables(const QString &pattern, const AccessRequest &request)
{
    if (!pattern.contains(QLatin1String("${")))
        return pattern;
    QString out;
    qsizetype i = 0;
    while (i < pattern.size()) {
        if (pattern.mid(i, 2) == QLatin1String("${")) {
            const qsizetype end = pattern.indexOf(QLatin1Char('}'), i);
            if (end < 0)
                return std::nullopt;
            const QString name = pattern.mid(i + 2, end - i - 2);
            if (name == QLatin1String("*") || name == QLatin1String("?") || name == QLatin1String("$")) {
                // A literal character in a pattern: escape it by matching it exactly below.
                out += QChar(0xE000 + name.at(0).unicode()); // private use: restored by the matcher
            } else {
                const QStringList values = request.context.value(name);
                if (values.size() != 1)
                    return std::nullopt;
                out += values.constFirst();
            }
            i = end + 1;
            continue;
        }
        out += pattern.at(i++);
    }
    return out;
}

QStringList contextValues(const AccessRequest &request, const QString &key, bool *present)
{
    // Condition keys are case-insensitive.
    for (auto it = request.context.cbegin(); it != request.context.cend(); ++it)
        if (it.key().compare(key, Qt::CaseInsensitive) == 0) {
            *present = true;
            return it.value();
        }
    *present = false;
    return {};
}

bool arnLike(const QString &pattern, const QString &arn, bool exact)
{
    // Arn operators compare the six colon-separated parts one by one; the last part keeps
    // its colons (a qualified function ARN).
    const QStringList p = pattern.split(QLatin1Char(':'));
    const QStringList a = arn.split(QLatin1Char(':'));
    if (p.size() < 6 || a.size() < 6)
        return false;
    for (int i = 0; i < 5; ++i) {
        const bool ok = exact ? p[i] == a[i] : wildcardMatch(p[i], a[i], Qt::CaseSensitive);
        if (!ok)
            return false;
    }
    const QString restP = p.mid(5).join(QLatin1Char(':'));
    const QString restA = a.mid(5).join(QLatin1Char(':'));
    return exact ? restP == restA : wildcardMatch(restP, restA, Qt::CaseSensitive);
}

// One request value against one policy value under an operator (without its negation).
bool valueMatches(const QString &op, const QString &policyValue, const QString &value, const AccessRequest &request)
{
    if (op.startsWith(QLatin1String("String"))) {
        const bool ignoreCase = op.endsWith(QLatin1String("IgnoreCase"));
        if (op.contains(QLatin1String("Like"))) {
            const auto pattern = substituteVariables(policyValue, request);
            return pattern && wildcardMatch(*pattern, value, Qt::CaseSensitive);
        }
        const auto expected = substituteVariables(policyValue, request);
        return expected && expected->compare(value, ignoreCase ? Qt::CaseInsensitive : Qt::CaseSensitive) == 0;
    }
    if (op.startsWith(QLatin1String("Arn"))) {
        const auto pattern = substituteVariables(policyValue, request);
        return pattern && arnLike(*pattern, value, false);
    }
    if (op.startsWith(QLatin1String("Numeric"))) {
        const auto a = number(value), b = number(policyValue);
        if (!a || !b)
            return false;
        if (op.contains(QLatin1String("Equals")) && !op.contains(QLatin1String("Than")))
            return *a == *b;
        if (op == QLatin1String("NumericLessThan"))
            return *a < *b;
        if (op == QLatin1String("NumericLessThanEquals"))
            return *a <= *b;
        if (op == QLatin1String("NumericGreaterThan"))
            return *a > *b;
        return *a >= *b;
    }
    if (op.startsWith(QLatin1String("Date"))) {
        const auto a = dateMs(value), b = dateMs(policyValue);
        if (!a || !b)
            return false;
        if (op.contains(QLatin1String("Equals")) && !op.contains(QLatin1String("Than")))
            return *a == *b;
        if (op == QLatin1String("DateLessThan"))
            return *a < *b;
        if (op == QLatin1String("DateLessThanEquals"))
            return *a <= *b;
        if (op == QLatin1String("DateGreaterThan"))
            return *a > *b;
        return *a >= *b;
    }
    if (op == QLatin1String("Bool"))
        return policyValue.compare(value, Qt::CaseInsensitive) == 0;
    if (op == QLatin1String("BinaryEquals"))
        return policyValue == value;
    if (op.endsWith(QLatin1String("IpAddress")))
        return ipInRange(value, policyValue);
    return false;
}

bool conditionHolds(const Policy::Condition &c, const AccessRequest &request)
{
    bool present = false;
    const QStringList values = contextValues(request, c.key, &present);
    if (c.op == QLatin1String("Null")) {
        // "Null": "true" holds when the key is absent.
        const bool wantAbsent =
            !c.values.isEmpty() && c.values.constFirst().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        return wantAbsent != present;
    }
    const bool negated = stringOperators().value(c.op);
    const QString base = negated ? [&] {
        QString b = c.op;
        b.replace(QLatin1String("NotEquals"), QLatin1String("Equals"))
            .replace(QLatin1String("NotLike"), QLatin1String("Like"));
        if (b == QLatin1String("NotIpAddress"))
            b = QStringLiteral("IpAddress");
        return b;
    }()
                                 : c.op;
    if (!present || values.isEmpty()) {
        if (c.ifExists)
            return true;
        if (c.set == Policy::Condition::Set::ForAllValues)
            return true; // vacuously: every one of no values matches
        return negated;
    }
    const auto anyPolicyValue = [&](const QString &value) {
        for (const QString &pv : c.values)
            if (valueMatches(base, pv, value, request))
                return true;
        return false;
    };
    bool result;
    if (c.set == Policy::Condition::Set::ForAllValues) {
        result = true;
        for (const QString &v : values)
            result = result && anyPolicyValue(v);
    } else {
        result = false;
        for (const QString &v : values)
            result = result || anyPolicyValue(v);
    }
    return negated ? !result : result;
}

bool resourceMatches(const QString &pattern, const QString &resource, const AccessRequest &request)
{
    if (pattern == QLatin1String("*"))
        return true;
    const auto p = substituteVariables(pattern, request);
    return p && wildcardMatch(*p, resource, Qt::CaseSensitive);
}

} // namespace

bool wildcardMatch(QStringView pattern, QStringView text, Qt::CaseSensitivity cs)
{
    // Iterative glob with backtracking to the last star: linear in practice, no recursion.
    qsizetype p = 0, t = 0, star = -1, mark = 0;
    const auto same = [cs](QChar a, QChar b) {
        if (a.unicode() >= 0xE000 + '$' && a.unicode() <= 0xE000 + '?') // an escaped ${*} ${?} ${$}
            a = QChar(a.unicode() - 0xE000);
        return cs == Qt::CaseSensitive ? a == b : a.toCaseFolded() == b.toCaseFolded();
    };
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == QLatin1Char('*')) {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && (pattern[p] == QLatin1Char('?') || same(pattern[p], text[t]))) {
            ++p;
            ++t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

std::optional<Policy> Policy::parse(const QString &name, const json &document, QString *error)
{
    Policy policy;
    policy.m_name = name;
    if (!document.is_object()) {
        *error = QStringLiteral("%1: a policy document must be a mapping with a Statement").arg(name);
        return std::nullopt;
    }
    const auto statementsIt = document.find("Statement");
    if (statementsIt == document.end()) {
        *error = QStringLiteral("%1: the policy has no Statement").arg(name);
        return std::nullopt;
    }
    const json statements = statementsIt->is_array() ? *statementsIt : json::array({*statementsIt});
    int index = 0;
    for (const json &s : statements) {
        Statement st;
        st.label = QStringLiteral("Statement[%1]").arg(index);
        const auto fail = [&](const QString &why) {
            *error = QStringLiteral("%1, %2: %3").arg(name, st.label, why);
            return std::nullopt;
        };
        if (!s.is_object())
            return fail(QStringLiteral("a statement must be a mapping"));
        if (const auto sid = s.find("Sid"); sid != s.end() && sid->is_string() && !sid->get<std::string>().empty())
            st.label = QString::fromStdString(sid->get<std::string>());
        const auto effect = s.find("Effect");
        if (effect == s.end() || !effect->is_string()
            || (effect->get<std::string>() != "Allow" && effect->get<std::string>() != "Deny"))
            return fail(QStringLiteral("Effect must be Allow or Deny"));
        st.allow = effect->get<std::string>() == "Allow";
        const auto readPair = [&](const char *positive, const char *negative, bool *negated, QStringList *out,
                                  const QString &what) -> bool {
            const auto a = s.find(positive), n = s.find(negative);
            if ((a == s.end()) == (n == s.end())) {
                *error = QStringLiteral("%1, %2: a statement needs exactly one of %3 and %4")
                             .arg(name, st.label, QLatin1String(positive), QLatin1String(negative));
                return false;
            }
            *negated = a == s.end();
            const auto list = stringList(*negated ? *n : *a);
            if (!list || list->isEmpty()) {
                *error = QStringLiteral("%1, %2: %3 must be a string or a list of strings").arg(name, st.label, what);
                return false;
            }
            *out = *list;
            return true;
        };
        if (!readPair("Action", "NotAction", &st.notAction, &st.actions, QStringLiteral("Action")))
            return std::nullopt;
        if (!readPair("Resource", "NotResource", &st.notResource, &st.resources, QStringLiteral("Resource")))
            return std::nullopt;
        if (const auto principal = s.find("Principal"); principal != s.end()) {
            if (principal->is_string() && principal->get<std::string>() == "*") {
                st.principals << QStringLiteral("*");
            } else if (principal->is_object() && !principal->empty()) {
                for (const auto &[kind, names] : principal->items()) {
                    const auto list = stringList(names);
                    if (!list)
                        return fail(QStringLiteral("Principal %1 must be a string or a list of strings")
                                        .arg(QString::fromStdString(kind)));
                    for (const QString &n : *list)
                        st.principals << (n == QLatin1String("*") ? n : QString::fromStdString(kind) + u':' + n);
                }
            } else {
                return fail(QStringLiteral("Principal must be \"*\" or a mapping such as {\"Service\": "
                                           "\"s3.amazonaws.com\"}"));
            }
        } else if (s.contains("NotPrincipal")) {
            return fail(QStringLiteral("NotPrincipal is not evaluated by fnstudio; name the principals in Principal"));
        }
        if (const auto cond = s.find("Condition"); cond != s.end()) {
            if (!cond->is_object())
                return fail(QStringLiteral("Condition must be a mapping of operators"));
            for (const auto &[opText, keys] : cond->items()) {
                Condition c;
                QString op = QString::fromStdString(opText);
                if (op.startsWith(QLatin1String("ForAnyValue:"))) {
                    c.set = Condition::Set::ForAnyValue;
                    op = op.mid(12);
                } else if (op.startsWith(QLatin1String("ForAllValues:"))) {
                    c.set = Condition::Set::ForAllValues;
                    op = op.mid(13);
                }
                if (op.endsWith(QLatin1String("IfExists")) && op != QLatin1String("Null")) {
                    c.ifExists = true;
                    op.chop(8);
                }
                if (!stringOperators().contains(op))
                    return fail(QStringLiteral("unknown condition operator %1").arg(QString::fromStdString(opText)));
                if (!keys.is_object())
                    return fail(QStringLiteral("the %1 condition must map condition keys to values")
                                    .arg(QString::fromStdString(opText)));
                c.op = op;
                for (const auto &[key, values] : keys.items()) {
                    const auto list = stringList(values);
                    if (!list)
                        return fail(
                            QStringLiteral("the values of %1 must be strings").arg(QString::fromStdString(key)));
                    Condition one = c;
                    one.key = QString::fromStdString(key);
                    one.values = *list;
                    st.conditions.push_back(std::move(one));
                }
            }
        }
        policy.m_statements.push_back(std::move(st));
        ++index;
    }
    return policy;
}

bool Policy::statementMatches(const Statement &st, const AccessRequest &request)
{
    bool action = false;
    for (const QString &a : st.actions)
        if (wildcardMatch(a, request.action, Qt::CaseInsensitive)) {
            action = true;
            break;
        }
    if (action == st.notAction)
        return false;
    bool resource = false;
    for (const QString &r : st.resources)
        if (resourceMatches(r, request.resource, request)) {
            resource = true;
            break;
        }
    if (resource == st.notResource)
        return false;
    for (const Condition &c : st.conditions)
        if (!conditionHolds(c, request))
            return false;
    return true;
}

QString AccessDecision::explain(const AccessRequest &request) const
{
    switch (effect) {
    case Effect::Allow:
        return QStringLiteral("allowed by %1 (%2)").arg(policy, statement);
    case Effect::ExplicitDeny:
        return QStringLiteral("denied by %1 (%2)").arg(policy, statement);
    case Effect::ImplicitDeny:
        break;
    }
    return QStringLiteral("no statement allows %1 on %2").arg(request.action, request.resource);
}

namespace {

// Folds the policy's statements that take part (`takesPart`) and match the request into
// `decision`: an explicit Deny ends it (true), otherwise the first Allow is kept.
template <typename TakesPart>
bool fold(AccessDecision &decision, const Policy &policy, const AccessRequest &request, TakesPart takesPart)
{
    for (const Policy::Statement &st : policy.statements()) {
        if (!takesPart(st) || !Policy::statementMatches(st, request))
            continue;
        if (!st.allow) {
            decision = {AccessDecision::Effect::ExplicitDeny, policy.name(), st.label};
            return true;
        }
        if (decision.effect == AccessDecision::Effect::ImplicitDeny)
            decision = {AccessDecision::Effect::Allow, policy.name(), st.label};
    }
    return false;
}

} // namespace

AccessDecision evaluateResourcePolicy(const Policy &policy, const AccessRequest &request, const QStringList &caller)
{
    AccessDecision decision;
    fold(decision, policy, request, [&caller](const Policy::Statement &st) {
        for (const QString &p : st.principals) {
            if (p == QLatin1String("*") || caller.contains(p))
                return true;
        }
        return false;
    });
    return decision;
}

AccessDecision evaluate(const std::vector<Policy> &policies, const AccessRequest &request)
{
    AccessDecision decision;
    for (const Policy &policy : policies) {
        if (fold(decision, policy, request, [](const Policy::Statement &) { return true; }))
            break;
    }
    return decision;
}

} // namespace fn
