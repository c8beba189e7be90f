#include "project/functionversions.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

namespace fn {

namespace {

const QString Latest = QStringLiteral("$LATEST");

// The files under dir, relative, sorted: the order a hash of them must not depend on. A project's
// .fnstudio folder (its store, these copies) is never code, even with CodeUri: the project itself.
QStringList filesUnder(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString relative = QDir(dir).relativeFilePath(it.next());
        if (!relative.startsWith(QLatin1String(".fnstudio/")) && !relative.contains(QLatin1String("/.fnstudio/")))
            out << relative;
    }
    out.sort();
    return out;
}

bool copyTree(const QString &from, const QString &to, QString *error)
{
    for (const QString &relative : filesUnder(from)) {
        const QString target = to + QLatin1Char('/') + relative;
        if (!QDir().mkpath(QFileInfo(target).absolutePath())
            || !QFile::copy(from + QLatin1Char('/') + relative, target)) {
            if (error)
                *error = QStringLiteral("cannot copy %1 to %2").arg(from + QLatin1Char('/') + relative, target);
            return false;
        }
        // The copy runs as published: keep the executable bits (a provided runtime's bootstrap).
        QFile::setPermissions(target, QFile::permissions(from + QLatin1Char('/') + relative));
    }
    if (QDir().mkpath(to))
        return true;
    if (error)
        *error = QStringLiteral("cannot make %1").arg(to);
    return false;
}

QJsonObject toJson(const PublishedVersion &v, const QByteArray &configurationSha)
{
    QJsonArray environment;
    for (const auto &[k, value] : v.config.environment)
        environment.append(QJsonArray{k, value});
    QJsonArray layers;
    for (const QString &l : v.config.layerDirs)
        layers.append(l);
    return {{QStringLiteral("version"), v.number},
            {QStringLiteral("codeSha256"), v.codeSha256},
            {QStringLiteral("configurationSha"), QString::fromLatin1(configurationSha)},
            {QStringLiteral("publishedMs"), v.publishedMs},
            {QStringLiteral("codeKept"), v.codeKept},
            {QStringLiteral("runtime"), v.config.runtime},
            {QStringLiteral("handler"), v.config.handler},
            {QStringLiteral("codeDir"), v.config.codeDir},
            {QStringLiteral("layerDirs"), layers},
            {QStringLiteral("memoryMb"), v.config.memoryMb},
            {QStringLiteral("timeoutSec"), v.config.timeoutSec},
            {QStringLiteral("ephemeralStorageMb"), v.config.ephemeralStorageMb},
            {QStringLiteral("architecture"), v.config.architecture},
            {QStringLiteral("environment"), environment}};
}

PublishedVersion fromJson(const QJsonObject &o)
{
    PublishedVersion v;
    v.number = o.value(QStringLiteral("version")).toString();
    v.codeSha256 = o.value(QStringLiteral("codeSha256")).toString();
    v.publishedMs = qint64(o.value(QStringLiteral("publishedMs")).toDouble());
    v.codeKept = o.value(QStringLiteral("codeKept")).toBool();
    FunctionConfig &c = v.config;
    c.runtime = o.value(QStringLiteral("runtime")).toString();
    c.handler = o.value(QStringLiteral("handler")).toString();
    c.codeDir = o.value(QStringLiteral("codeDir")).toString();
    for (const QJsonValue &l : o.value(QStringLiteral("layerDirs")).toArray())
        c.layerDirs << l.toString();
    c.memoryMb = o.value(QStringLiteral("memoryMb")).toInt(128);
    c.timeoutSec = o.value(QStringLiteral("timeoutSec")).toInt(3);
    c.ephemeralStorageMb = o.value(QStringLiteral("ephemeralStorageMb")).toInt(512);
    c.architecture = o.value(QStringLiteral("architecture")).toString(QStringLiteral("x86_64"));
    for (const QJsonValue &pair : o.value(QStringLiteral("environment")).toArray())
        c.environment << qMakePair(pair.toArray().at(0).toString(), pair.toArray().at(1).toString());
    c.version = v.number;
    return v;
}

} // namespace

const PublishedVersion *VersionCatalogue::version(const QString &number) const
{
    const auto it =
        std::find_if(versions.cbegin(), versions.cend(), [&](const PublishedVersion &v) { return v.number == number; });
    return it == versions.cend() ? nullptr : &*it;
}

const FunctionAlias *VersionCatalogue::alias(const QString &name) const
{
    const auto it =
        std::find_if(aliases.cbegin(), aliases.cend(), [&](const FunctionAlias &a) { return a.name == name; });
    return it == aliases.cend() ? nullptr : &*it;
}

std::optional<FunctionConfig> VersionCatalogue::resolve(const FunctionConfig &latest, const QString &qualifier,
                                                        QString *why) const
{
    if (qualifier.isEmpty() || qualifier == Latest) {
        FunctionConfig f = latest;
        f.version = Latest;
        f.qualifier = qualifier;
        return f;
    }
    const FunctionAlias *a = alias(qualifier);
    const PublishedVersion *v = version(a ? a->version : qualifier);
    FunctionConfig asked = latest;
    asked.qualifier = qualifier;
    if (!v) {
        if (why)
            *why = QStringLiteral("Function not found: ") + asked.invokedArn();
        return std::nullopt;
    }
    if (!v->codeKept) {
        if (why)
            *why = QStringLiteral("Function not found: %1 (fnstudio keeps the code of a function's newest %2 "
                                  "versions; version %3 is older)")
                       .arg(asked.invokedArn())
                       .arg(FunctionVersions::KeptCodeCopies)
                       .arg(v->number);
        return std::nullopt;
    }
    // What the version was published with; the rest (events, limits, logging) is the function's now.
    FunctionConfig f = latest;
    f.runtime = v->config.runtime;
    f.handler = v->config.handler;
    f.codeDir = v->config.codeDir;
    f.layerDirs = v->config.layerDirs;
    f.memoryMb = v->config.memoryMb;
    f.timeoutSec = v->config.timeoutSec;
    f.ephemeralStorageMb = v->config.ephemeralStorageMb;
    f.architecture = v->config.architecture;
    f.environment = v->config.environment;
    f.version = v->number;
    f.qualifier = qualifier;
    // Provisioned concurrency belongs to the alias; a version invoked by its number has none.
    if (!a || a->name != latest.autoPublishAlias)
        f.provisionedConcurrency.reset();
    return f;
}

FunctionVersions::FunctionVersions(const QString &stateDir)
    : m_dir(stateDir.isEmpty() ? QString() : stateDir + QStringLiteral("/versions"))
{
}

bool FunctionVersions::load(QString *error)
{
    m_catalogues.clear();
    m_configurationShas.clear();
    if (m_dir.isEmpty())
        return true;
    QFile file(m_dir + QStringLiteral("/versions.json"));
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("%1: not a JSON object (%2 at byte %3)")
                         .arg(file.fileName(), parseError.errorString())
                         .arg(parseError.offset);
        return false;
    }
    const QJsonObject functions = doc.object().value(QStringLiteral("functions")).toObject();
    for (auto it = functions.begin(); it != functions.end(); ++it) {
        VersionCatalogue c;
        const QJsonObject entry = it.value().toObject();
        for (const QJsonValue &v : entry.value(QStringLiteral("versions")).toArray()) {
            c.versions << fromJson(v.toObject());
            m_configurationShas.insert(it.key() + QLatin1Char('/') + c.versions.back().number,
                                       v.toObject().value(QStringLiteral("configurationSha")).toString().toLatin1());
        }
        const QJsonObject aliases = entry.value(QStringLiteral("aliases")).toObject();
        for (auto a = aliases.begin(); a != aliases.end(); ++a)
            c.aliases << FunctionAlias{a.key(), a.value().toString()};
        m_catalogues.insert(it.key(), c);
    }
    return true;
}

bool FunctionVersions::save(QString *error) const
{
    QJsonObject functions;
    for (auto it = m_catalogues.cbegin(); it != m_catalogues.cend(); ++it) {
        QJsonArray versions;
        for (const PublishedVersion &v : it->versions)
            versions.append(toJson(v, m_configurationShas.value(it.key() + QLatin1Char('/') + v.number)));
        QJsonObject aliases;
        for (const FunctionAlias &a : it->aliases)
            aliases.insert(a.name, a.version);
        functions.insert(it.key(),
                         QJsonObject{{QStringLiteral("versions"), versions}, {QStringLiteral("aliases"), aliases}});
    }
    QSaveFile file(m_dir + QStringLiteral("/versions.json"));
    if (!QDir().mkpath(m_dir) || !file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("functions"), functions}}).toJson());
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

QString FunctionVersions::versionDir(const QString &function, const QString &number) const
{
    return m_dir + QLatin1Char('/') + function + QLatin1Char('/') + number;
}

QByteArray FunctionVersions::codeSha256(const FunctionConfig &f)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QStringList dirs{f.codeDir};
    dirs << f.layerDirs;
    for (const QString &dir : std::as_const(dirs)) {
        hash.addData(QByteArrayView("\1", 1)); // each folder apart: a file moved to a layer is a change
        for (const QString &relative : filesUnder(dir)) {
            hash.addData(relative.toUtf8());
            hash.addData(QByteArrayView("\0", 1));
            QFile file(dir + QLatin1Char('/') + relative);
            if (file.open(QIODevice::ReadOnly))
                hash.addData(&file);
            hash.addData(QByteArrayView("\0", 1));
        }
    }
    return hash.result().toBase64();
}

QByteArray FunctionVersions::configurationSha(const FunctionConfig &f)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto add = [&hash](const QString &s) {
        hash.addData(s.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    };
    add(f.runtime);
    add(f.handler);
    add(QString::number(f.memoryMb));
    add(QString::number(f.timeoutSec));
    add(QString::number(f.ephemeralStorageMb));
    add(f.architecture);
    for (const auto &[k, v] : f.environment) {
        add(k);
        add(v);
    }
    add(QString::number(f.layerDirs.size()));
    return hash.result().toHex();
}

bool FunctionVersions::publish(const FunctionConfig &latest, QString *error)
{
    if (latest.autoPublishAlias.isEmpty() || m_dir.isEmpty())
        return false;
    VersionCatalogue &c = m_catalogues[latest.name];
    const QByteArray code = codeSha256(latest);
    const QByteArray configuration = configurationSha(latest);
    const PublishedVersion *newest = c.versions.isEmpty() ? nullptr : &c.versions.back();
    const bool same = newest && newest->codeSha256 == QString::fromLatin1(code)
                      && m_configurationShas.value(latest.name + QLatin1Char('/') + newest->number) == configuration;
    QString target;
    if (same) {
        target = newest->number;
    } else {
        PublishedVersion v;
        v.number = QString::number(newest ? newest->number.toInt() + 1 : 1);
        v.codeSha256 = QString::fromLatin1(code);
        v.publishedMs = QDateTime::currentMSecsSinceEpoch();
        v.config = latest;
        v.config.version = v.number;
        const QString dir = versionDir(latest.name, v.number);
        QDir(dir).removeRecursively(); // a copy left by a session that died before saving
        v.config.codeDir = dir + QStringLiteral("/code");
        if (!copyTree(latest.codeDir, v.config.codeDir, error)) {
            QDir(dir).removeRecursively();
            return false;
        }
        v.config.layerDirs.clear();
        for (qsizetype i = 0; i < latest.layerDirs.size(); ++i) {
            v.config.layerDirs << dir + QStringLiteral("/layer%1").arg(i + 1);
            if (!copyTree(latest.layerDirs.at(i), v.config.layerDirs.back(), error)) {
                QDir(dir).removeRecursively();
                return false;
            }
        }
        v.codeKept = true;
        m_configurationShas.insert(latest.name + QLatin1Char('/') + v.number, configuration);
        c.versions << v;
        target = v.number;
    }
    bool moved = false;
    auto alias = std::find_if(c.aliases.begin(), c.aliases.end(),
                              [&](const FunctionAlias &a) { return a.name == latest.autoPublishAlias; });
    if (alias == c.aliases.end()) {
        c.aliases << FunctionAlias{latest.autoPublishAlias, target};
        moved = true;
    } else if (alias->version != target) {
        alias->version = target;
        moved = true;
    }
    // The newest copies stay, and whatever an alias points at; older versions keep their record.
    for (qsizetype i = 0; i + KeptCodeCopies < c.versions.size(); ++i) {
        PublishedVersion &old = c.versions[i];
        const bool aliased = std::any_of(c.aliases.cbegin(), c.aliases.cend(),
                                         [&](const FunctionAlias &a) { return a.version == old.number; });
        if (old.codeKept && !aliased) {
            QDir(versionDir(latest.name, old.number)).removeRecursively();
            old.codeKept = false;
        }
    }
    if ((moved || !same) && !save(error))
        return false;
    return moved;
}

} // namespace fn
