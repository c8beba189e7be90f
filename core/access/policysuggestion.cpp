#include "access/policysuggestion.h"

#include <QMap>
#include <QSet>

#include <algorithm>

namespace fn {

nlohmann::json PolicySuggestion::policyFor(const std::vector<Authorizer::Call> &calls)
{
    // resource -> the actions used on it
    QMap<QString, QSet<QString>> byResource;
    for (const Authorizer::Call &call : calls)
        byResource[call.request.resource].insert(call.request.action);
    // the sorted actions -> the resources they were used on
    QMap<QStringList, QStringList> byActions;
    for (auto it = byResource.cbegin(); it != byResource.cend(); ++it) {
        QStringList actions(it.value().cbegin(), it.value().cend());
        actions.sort();
        byActions[actions] << it.key();
    }
    nlohmann::json statements = nlohmann::json::array();
    for (auto it = byActions.cbegin(); it != byActions.cend(); ++it) {
        nlohmann::json actions = nlohmann::json::array();
        for (const QString &a : it.key())
            actions.push_back(a.toStdString());
        nlohmann::json resources = nlohmann::json::array();
        QStringList sorted = it.value();
        sorted.sort();
        for (const QString &r : std::as_const(sorted))
            resources.push_back(r.toStdString());
        statements.push_back({{"Effect", "Allow"}, {"Action", actions}, {"Resource", resources}});
    }
    return {{"Statement", statements}};
}

QString PolicySuggestion::samPoliciesYaml(const nlohmann::json &policy, int indent)
{
    const QString pad(indent, QLatin1Char(' '));
    // Every value is quoted: ARNs hold ':' and '*', which YAML would otherwise read its own way.
    const auto quoted = [](const nlohmann::json &v) -> QString {
        return QLatin1Char('\'') + QString::fromStdString(v.get<std::string>()).replace(u'\'', QStringLiteral("''"))
               + QLatin1Char('\'');
    };
    QString out = pad + QStringLiteral("Policies:\n") + pad + QStringLiteral("  - Statement:\n");
    const auto statements = policy.find("Statement");
    if (statements == policy.end() || statements->empty())
        return pad + QStringLiteral("Policies: []\n");
    for (const nlohmann::json &s : *statements) {
        out += pad + QStringLiteral("      - Effect: Allow\n");
        out += pad + QStringLiteral("        Action:\n");
        for (const nlohmann::json &a : s["Action"])
            out += pad + QStringLiteral("          - ") + quoted(a) + QLatin1Char('\n');
        out += pad + QStringLiteral("        Resource:\n");
        for (const nlohmann::json &r : s["Resource"])
            out += pad + QStringLiteral("          - ") + quoted(r) + QLatin1Char('\n');
    }
    return out;
}

QStringList PolicySuggestion::broaderThanUsed(const std::vector<Policy> &role,
                                              const std::vector<Authorizer::Call> &calls)
{
    QStringList out;
    for (const Policy &policy : role) {
        // The basic execution role is what every function has (its logs): not a finding.
        if (policy.name() == QLatin1String("AWSLambdaBasicExecutionRole"))
            continue;
        for (const Policy::Statement &st : policy.statements()) {
            if (!st.allow)
                continue;
            const bool wideAction = st.notAction
                                    || std::any_of(st.actions.begin(), st.actions.end(),
                                                   [](const QString &a) { return a.contains(QLatin1Char('*')); });
            const bool wideResource = st.notResource || st.resources.contains(QStringLiteral("*"));
            if (!wideAction && !wideResource)
                continue;
            QStringList used;
            for (const Authorizer::Call &call : calls)
                if (Policy::statementMatches(st, call.request))
                    used << call.request.action + QStringLiteral(" on ") + call.request.resource;
            used.removeDuplicates();
            QString what;
            if (wideAction)
                what = (st.notAction ? QStringLiteral("every action but ") : QString()) + st.actions.join(u',');
            if (wideResource)
                what += (what.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("on ")
                        + (st.notResource ? QStringLiteral("every resource but ") : QString())
                        + st.resources.join(u',');
            out << QStringLiteral("%1 (%2) allows %3; %4")
                       .arg(policy.name(), st.label, what,
                            used.isEmpty()
                                ? QStringLiteral("the calls made used none of it")
                                : QStringLiteral("the calls made used only ") + used.join(QStringLiteral(", ")));
        }
    }
    return out;
}

} // namespace fn
