#pragma once
// The credentials each function is given, as the role session Lambda creates for its execution
// role: an access key id, a secret and a session token that identify the function and alias to
// the local services. Key ids start with "ASIAFNSTUDIO", so a key that looks issued here but is
// not (an old one, a typo) is told apart from the developer's own keys, which are any others and
// act as the account's administrator. Thread-safe: services look keys up from their workers.

#include "access/sigv4.h"

#include <QHash>
#include <QString>

#include <mutex>

namespace fn {

// Who made a request to a local service.
struct Principal
{
    enum class Kind { Developer, Function };
    Kind kind = Kind::Developer;
    QString function; // for Function: its name
    QString alias;    // the qualifier the environment runs under ("" for $LATEST)
    QString accessKeyId;

    bool isFunction() const { return kind == Kind::Function; }
    QString describe() const; // "function Thumbnails", "function Thumbnails:live", "the developer"
};

class AccessKeys final
{
public:
    static constexpr const char *Prefix = "ASIAFNSTUDIO";

    struct Credentials
    {
        QString accessKeyId;
        QString secretAccessKey;
        QString sessionToken;
    };

    // The credentials of `function` under `alias`, made the first time they are asked for and
    // the same afterwards (environments of one function and alias share its role session).
    Credentials issue(const QString &function, const QString &alias = QString());

    // For SigV4::verify: a key issued here (its secret and token), one that looks issued here but
    // is not, or a foreign one.
    SigV4::Key lookup(std::string_view accessKeyId) const;

    // The principal behind a key id: a function for a key issued here, else the developer.
    Principal principal(const QString &accessKeyId) const;

    // Forgets every key (a project closed): requests signed with them get InvalidAccessKeyId.
    void revokeAll();

private:
    struct Issued
    {
        Credentials credentials;
        QString function;
        QString alias;
    };
    mutable std::mutex m_mutex;
    QHash<QString, Issued> m_byKey;       // access key id -> issued
    QHash<QString, QString> m_byFunction; // "function\nalias" -> access key id
};

} // namespace fn
