#pragma once
// The gate every local service asks before it acts for a function: who is calling (the
// credentials the function was given, or the developer), what the call is in IAM's terms, and
// whether the function's execution role allows it. How much it matters is the project's choice:
// "off" (no checks), "warn" (the call goes on, and the denial is reported with the permission
// that is missing) or "enforce" (the service answers AccessDenied as AWS does). The developer is
// the account's administrator: never checked. Every decision about a function is kept (the last
// few thousand per function) for the Permissions panel and `fnstudio-cli access`, and told to an
// observer (the logs). Thread-safe: services ask from their worker threads.

#include "access/accesskeys.h"
#include "access/awsaccount.h"
#include "access/policy.h"

#include <QHash>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace fn {

class Authorizer final
{
public:
    enum class Mode { Off, Warn, Enforce };
    static QString modeName(Mode mode);                           // "off", "warn", "enforce"
    static std::optional<Mode> modeFromName(const QString &name); // nullopt for anything else

    // A function's execution role as the template gives it.
    struct Role
    {
        QString name;                 // "ThumbnailsRole" (SAM's generated role) or the AWS::IAM::Role's
        QString functionName;         // the name Lambda knows the function by (its session name), if not its key
        bool known = true;            // false: an ARN of a role outside the template (not evaluated)
        std::vector<Policy> policies; // identity-based policies, in template order
        QStringList problems;         // entries that could not be read (each says where and why)
    };

    // One call to a local service by a function, and what was decided.
    struct Call
    {
        qint64 timeMs = 0; // wall clock
        QString service;   // "s3", "lambda"
        Principal principal;
        AccessRequest request;
        AccessDecision decision;
        Mode mode = Mode::Warn;
        bool evaluated = true; // false when the role is not known

        bool proceeds() const { return mode != Mode::Enforce || decision.allowed() || !evaluated; }
        // One line for the logs: "fnstudio: function Resize would be denied s3:PutObject on
        // arn:aws:s3:::out/a.png (no statement allows ...); add S3WritePolicy ... " and the like.
        QString describe() const;
    };
    using Observer = std::function<void(const Call &call)>;

    static constexpr int KeptCallsPerFunction = 2000;

    Authorizer();

    AccessKeys &keys() { return m_keys; }

    void setMode(Mode mode);
    Mode mode() const;
    // Whether a request without any signature is refused (settings.json "requireSigning") rather
    // than taken as the developer's.
    void setRequireSigning(bool require);
    bool requiresSigning() const;
    // The project's account and region: the ARNs of callers and functions.
    void setAccount(const AwsAccount &account);
    AwsAccount account() const;
    // The roles of the project's functions by function (the project's key for it, the principal's
    // function); replaces all (a project reload).
    void setRoles(const QHash<QString, Role> &roles);
    std::optional<Role> role(const QString &function) const;
    // Who may invoke each function (its resource-based policy: AWS::Lambda::Permission and SAM's
    // event permissions), by the name Lambda knows it by (as in its ARN); replaces all. A function calling another
    // through the Lambda API is allowed when its role or the callee's policy allows it, unless either denies.
    void setResourcePolicies(const QHash<QString, Policy> &policies);
    void setObserver(Observer observer); // set before serving

    // Decides a call of `principal` to `service`. The developer is always allowed (nothing is
    // recorded); a function's call is evaluated against its role, recorded and observed.
    Call authorize(const Principal &principal, const QString &service, AccessRequest request);

    // Whether the principal's role allows the request, without recording or telling anyone: for
    // what a service decides on the side (S3 answers a missing key with AccessDenied, not
    // NoSuchKey, to a caller that may not list the bucket). The developer, and a role not
    // known, are allowed.
    bool allows(const Principal &principal, const AccessRequest &request) const;

    // The calls recorded for a function, oldest first.
    std::vector<Call> calls(const QString &function) const;
    void clearCalls(const QString &function = {}); // one function's, or every function's

    // The principal's ARN as services name it in AccessDenied messages:
    // arn:aws:sts::123456789012:assumed-role/ROLE/FUNCTION.
    QString principalArn(const Principal &principal) const;
    // The name Lambda knows a principal's function by (FunctionName, else the key).
    QString functionName(const Principal &principal) const;

private:
    AccessDecision decide(const Principal &principal, const Role &role, const AccessRequest &request,
                          const QHash<QString, Policy> &resourcePolicies) const;

    AccessKeys m_keys;
    mutable std::mutex m_mutex;
    Mode m_mode = Mode::Warn;
    AwsAccount m_account;
    bool m_requireSigning = false;
    std::shared_ptr<const QHash<QString, Role>> m_roles;
    std::shared_ptr<const QHash<QString, Policy>> m_resourcePolicies;
    QHash<QString, std::deque<Call>> m_calls;
    Observer m_observer;
};

} // namespace fn
