#include "services/requestauthentication.h"

#include <QDateTime>

#include <httplib.h>

namespace fn {

RequestAuthentication RequestAuthentication::of(const httplib::Request &req, SigV4::Service service,
                                                const AccessKeys &keys, const std::string &bodyHashHex)
{
    SignedRequest signedRequest;
    signedRequest.method = req.method;
    signedRequest.target = req.target;
    signedRequest.headers.reserve(req.headers.size());
    for (const auto &[name, value] : req.headers)
        signedRequest.headers.emplace_back(name, value);
    signedRequest.payloadHash = bodyHashHex;
    RequestAuthentication auth;
    auth.signature = SigV4::verify(signedRequest, service, QDateTime::currentSecsSinceEpoch(),
                                   [&keys](std::string_view id) { return keys.lookup(id); });
    if (auth.signature.outcome == SigV4::Result::Outcome::Verified)
        auth.principal = keys.principal(QString::fromStdString(auth.signature.accessKeyId));
    else
        auth.principal.accessKeyId = QString::fromStdString(auth.signature.accessKeyId);
    return auth;
}

QString accessDeniedMessage(const Authorizer &authorizer, const Authorizer::Call &call, bool quoteResource)
{
    const QString resource =
        quoteResource ? QLatin1Char('"') + call.request.resource + QLatin1Char('"') : call.request.resource;
    const QString because =
        call.decision.effect == AccessDecision::Effect::ExplicitDeny
            ? (call.decision.policy.startsWith(QLatin1String("the resource-based policy"))
                   ? QStringLiteral("with an explicit deny in a resource-based policy")
                   : QStringLiteral("with an explicit deny in an identity-based policy"))
            : QStringLiteral("because no identity-based policy allows the %1 action").arg(call.request.action);
    return QStringLiteral("User: %1 is not authorized to perform: %2 on resource: %3 %4")
        .arg(authorizer.principalArn(call.principal), call.request.action, resource, because);
}

} // namespace fn
