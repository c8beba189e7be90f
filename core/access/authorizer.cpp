#include "access/authorizer.h"

#include <QDateTime>

namespace fn {

namespace {

// The name Lambda knows a principal's function by, and the role session it runs as
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION; SAM's <Function>Role when none is known).
QString lambdaName(const Principal &principal, const Authorizer::Role *role)
{
    return role && !role->functionName.isEmpty() ? role->functionName : principal.function;
}

QString sessionArn(const AwsAccount &place, const Principal &principal, const Authorizer::Role *role)
{
    return place.assumedRoleArn(role && !role->name.isEmpty() ? role->name
                                                              : principal.function + QStringLiteral("Role"),
                                lambdaName(principal, role));
}

} // namespace

QString Authorizer::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Off:
        return QStringLiteral("off");
    case Mode::Warn:
        return QStringLiteral("warn");
    case Mode::Enforce:
        break;
    }
    return QStringLiteral("enforce");
}

std::optional<Authorizer::Mode> Authorizer::modeFromName(const QString &name)
{
    if (name == QLatin1String("off"))
        return Mode::Off;
    if (name == QLatin1String("warn"))
        return Mode::Warn;
    if (name == QLatin1String("enforce"))
        return Mode::Enforce;
    return std::nullopt;
}

QString Authorizer::Call::describe() const
{
    const QString who = principal.describe();
    const QString what = QStringLiteral("%1 on %2").arg(request.action, request.resource);
    if (!evaluated)
        return QStringLiteral("%1: %2 not checked (its role is not in the template)").arg(who, what);
    if (decision.allowed())
        return QStringLiteral("%1: %2 %3").arg(who, what, decision.explain(request));
    const QString why = decision.explain(request);
    switch (mode) {
    case Mode::Enforce:
        return QStringLiteral("%1: AccessDenied for %2 (%3)").arg(who, what, why);
    case Mode::Warn:
        return QStringLiteral("%1: %2 would be denied on AWS (%3); permissions are \"warn\", so it went on")
            .arg(who, what, why);
    case Mode::Off:
        break;
    }
    return QStringLiteral("%1: %2 would be denied on AWS (%3)").arg(who, what, why);
}

Authorizer::Authorizer()
    : m_roles(std::make_shared<const QHash<QString, Role>>())
    , m_resourcePolicies(std::make_shared<const QHash<QString, Policy>>())
{
}

void Authorizer::setMode(Mode mode)
{
    std::lock_guard lock(m_mutex);
    m_mode = mode;
}

Authorizer::Mode Authorizer::mode() const
{
    std::lock_guard lock(m_mutex);
    return m_mode;
}

void Authorizer::setRoles(const QHash<QString, Role> &roles)
{
    auto next = std::make_shared<const QHash<QString, Role>>(roles);
    std::lock_guard lock(m_mutex);
    m_roles = std::move(next);
}

std::optional<Authorizer::Role> Authorizer::role(const QString &function) const
{
    std::lock_guard lock(m_mutex);
    if (const auto it = m_roles->constFind(function); it != m_roles->cend())
        return *it;
    return std::nullopt;
}

void Authorizer::setObserver(Observer observer)
{
    std::lock_guard lock(m_mutex);
    m_observer = std::move(observer);
}

Authorizer::Call Authorizer::authorize(const Principal &principal, const QString &service, AccessRequest request)
{
    Call call;
    call.timeMs = QDateTime::currentMSecsSinceEpoch();
    call.service = service;
    call.principal = principal;
    call.decision.effect = AccessDecision::Effect::Allow;
    std::shared_ptr<const QHash<QString, Role>> roles;
    std::shared_ptr<const QHash<QString, Policy>> resourcePolicies;
    AwsAccount place;
    {
        std::lock_guard lock(m_mutex);
        call.mode = m_mode;
        roles = m_roles;
        resourcePolicies = m_resourcePolicies;
        place = m_account;
    }
    if (!principal.isFunction()) {
        call.request = std::move(request);
        return call; // the developer: the account's administrator
    }
    const auto it = roles->constFind(principal.function);
    const bool named = it != roles->cend();
    const Role *role = named ? &*it : nullptr;
    // Condition keys every request carries.
    request.context.insert(QStringLiteral("aws:CurrentTime"),
                           {QDateTime::fromMSecsSinceEpoch(call.timeMs, Qt::UTC).toString(Qt::ISODate)});
    request.context.insert(QStringLiteral("aws:EpochTime"), {QString::number(call.timeMs / 1000)});
    request.context.insert(QStringLiteral("aws:SecureTransport"), {QStringLiteral("false")});
    request.context.insert(QStringLiteral("aws:PrincipalAccount"), {place.accountId});
    request.context.insert(QStringLiteral("aws:PrincipalArn"), {sessionArn(place, principal, role)});
    request.context.insert(QStringLiteral("lambda:FunctionArn"), {place.functionArn(lambdaName(principal, role))});
    if (!named || !it->known)
        call.evaluated = false;
    else
        call.decision = decide(principal, *it, request, *resourcePolicies);
    call.request = std::move(request);
    Observer observer;
    {
        std::lock_guard lock(m_mutex);
        std::deque<Call> &kept = m_calls[principal.function];
        kept.push_back(call);
        while (kept.size() > size_t(KeptCallsPerFunction))
            kept.pop_front();
        observer = m_observer;
    }
    if (observer)
        observer(call);
    return call;
}

bool Authorizer::allows(const Principal &principal, const AccessRequest &request) const
{
    if (!principal.isFunction())
        return true;
    std::shared_ptr<const QHash<QString, Role>> roles;
    std::shared_ptr<const QHash<QString, Policy>> resourcePolicies;
    {
        std::lock_guard lock(m_mutex);
        roles = m_roles;
        resourcePolicies = m_resourcePolicies;
    }
    const auto it = roles->constFind(principal.function);
    return it == roles->cend() || !it->known || decide(principal, *it, request, *resourcePolicies).allowed();
}

AccessDecision Authorizer::decide(const Principal &principal, const Role &role, const AccessRequest &request,
                                  const QHash<QString, Policy> &resourcePolicies) const
{
    const AccessDecision byRole = evaluate(role.policies, request);
    if (byRole.effect == AccessDecision::Effect::ExplicitDeny || !request.action.startsWith(QLatin1String("lambda:")))
        return byRole;
    // A call on a function of this account: its resource-based policy may allow what the role does
    // not (or deny it), when it names the caller's role or session.
    const AwsAccount place = account();
    const QString prefix = place.functionArn(QString());
    if (!request.resource.startsWith(prefix))
        return byRole;
    const QString target = request.resource.mid(prefix.size()).section(QLatin1Char(':'), 0, 0);
    const auto policy = resourcePolicies.constFind(target);
    if (policy == resourcePolicies.cend())
        return byRole;
    const QStringList caller{QStringLiteral("AWS:") + place.roleArn(role.name),
                             QStringLiteral("AWS:") + sessionArn(place, principal, &role)};
    const AccessDecision byResource = evaluateResourcePolicy(*policy, request, caller);
    if (byResource.effect == AccessDecision::Effect::ExplicitDeny || (byResource.allowed() && !byRole.allowed()))
        return byResource;
    return byRole;
}

void Authorizer::setResourcePolicies(const QHash<QString, Policy> &policies)
{
    auto next = std::make_shared<const QHash<QString, Policy>>(policies);
    std::lock_guard lock(m_mutex);
    m_resourcePolicies = std::move(next);
}

std::vector<Authorizer::Call> Authorizer::calls(const QString &function) const
{
    std::lock_guard lock(m_mutex);
    const std::deque<Call> kept = m_calls.value(function);
    return {kept.begin(), kept.end()};
}

void Authorizer::clearCalls(const QString &function)
{
    std::lock_guard lock(m_mutex);
    if (function.isEmpty())
        m_calls.clear();
    else
        m_calls.remove(function);
}

QString Authorizer::principalArn(const Principal &principal) const
{
    const AwsAccount place = account();
    if (!principal.isFunction())
        return place.rootArn();
    const std::optional<Role> r = role(principal.function);
    return sessionArn(place, principal, r ? &*r : nullptr);
}

QString Authorizer::functionName(const Principal &principal) const
{
    const std::optional<Role> r = role(principal.function);
    return lambdaName(principal, r ? &*r : nullptr);
}

void Authorizer::setRequireSigning(bool require)
{
    std::lock_guard lock(m_mutex);
    m_requireSigning = require;
}

bool Authorizer::requiresSigning() const
{
    std::lock_guard lock(m_mutex);
    return m_requireSigning;
}

void Authorizer::setAccount(const AwsAccount &account)
{
    std::lock_guard lock(m_mutex);
    m_account = account;
}

AwsAccount Authorizer::account() const
{
    std::lock_guard lock(m_mutex);
    return m_account;
}

} // namespace fn
