#include "access/accesskeys.h"

#include <QRandomGenerator>

namespace fn {

namespace {

QString randomText(int length, QLatin1StringView alphabet)
{
    QString out;
    out.reserve(length);
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[random->bounded(int(alphabet.size()))]);
    return out;
}

} // namespace

QString Principal::describe() const
{
    if (kind == Kind::Developer)
        return QStringLiteral("the developer");
    return QStringLiteral("function ") + function + (alias.isEmpty() ? QString() : QLatin1Char(':') + alias);
}

AccessKeys::Credentials AccessKeys::issue(const QString &function, const QString &alias)
{
    const QString slot = function + QLatin1Char('\n') + alias;
    std::lock_guard lock(m_mutex);
    if (const auto it = m_byFunction.constFind(slot); it != m_byFunction.cend())
        return m_byKey.value(*it).credentials;
    // As AWS's temporary keys: 20 characters of upper-case base32 after "ASIA"; secrets of 40
    // characters; a session token long enough to look like one.
    Credentials c;
    do {
        c.accessKeyId = QLatin1String(Prefix) + randomText(8, QLatin1StringView("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    } while (m_byKey.contains(c.accessKeyId));
    const QLatin1StringView secretAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    c.secretAccessKey = randomText(40, secretAlphabet);
    c.sessionToken = QStringLiteral("IQoJb3JpZ2luX2VjEFNTUDIO") + randomText(200, secretAlphabet);
    m_byKey.insert(c.accessKeyId, {c, function, alias});
    m_byFunction.insert(slot, c.accessKeyId);
    return c;
}

SigV4::Key AccessKeys::lookup(std::string_view accessKeyId) const
{
    SigV4::Key key;
    const QString id = QString::fromUtf8(accessKeyId.data(), qsizetype(accessKeyId.size()));
    std::lock_guard lock(m_mutex);
    if (const auto it = m_byKey.constFind(id); it != m_byKey.cend()) {
        key.kind = SigV4::Key::Kind::Known;
        key.secretAccessKey = it->credentials.secretAccessKey.toStdString();
        key.sessionToken = it->credentials.sessionToken.toStdString();
    } else if (id.startsWith(QLatin1String(Prefix))) {
        key.kind = SigV4::Key::Kind::Unknown;
    }
    return key;
}

Principal AccessKeys::principal(const QString &accessKeyId) const
{
    Principal p;
    p.accessKeyId = accessKeyId;
    std::lock_guard lock(m_mutex);
    if (const auto it = m_byKey.constFind(accessKeyId); it != m_byKey.cend()) {
        p.kind = Principal::Kind::Function;
        p.function = it->function;
        p.alias = it->alias;
    }
    return p;
}

void AccessKeys::revokeAll()
{
    std::lock_guard lock(m_mutex);
    m_byKey.clear();
    m_byFunction.clear();
}

} // namespace fn
