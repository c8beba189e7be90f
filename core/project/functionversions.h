#pragma once
// Published versions and aliases of a project's functions, as SAM's AutoPublishAlias makes them:
// when a function's code or configuration differs from its newest version, a version is published
// (its code copied, so it runs what was published even after the folder changes) and the alias
// points at it. Kept in <project>/.fnstudio/versions, so numbers go on rising across sessions.

#include "project/functionconfig.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace fn {

struct PublishedVersion
{
    QString number;     // "1", "2", ...
    QString codeSha256; // base64, as Lambda's CodeSha256 (of the code and layers' files)
    qint64 publishedMs = 0;
    bool codeKept = false; // its copy of the code is still here (the newest few are kept)
    FunctionConfig config; // as published: codeDir and layerDirs are the copies
};

struct FunctionAlias
{
    QString name;
    QString version; // the version number it points at
};

// One function's versions and aliases, as a value: what the Invoke API and the panels read.
struct VersionCatalogue
{
    QList<PublishedVersion> versions; // oldest first
    QList<FunctionAlias> aliases;

    const PublishedVersion *version(const QString &number) const;
    const FunctionAlias *alias(const QString &name) const;
    // The configuration an invocation with `qualifier` runs: `latest` for "" and "$LATEST", a
    // version's own for its number or an alias's. Empty with Lambda's message when there is none.
    std::optional<FunctionConfig> resolve(const FunctionConfig &latest, const QString &qualifier,
                                          QString *why = nullptr) const;
};

class FunctionVersions final
{
public:
    static constexpr int KeptCodeCopies = 10; // per function, the newest; the alias's always

    // stateDir: the project's .fnstudio folder (versions/ is made inside it on the first publish).
    explicit FunctionVersions(const QString &stateDir = {});

    // Reads what earlier sessions published; false with the reason when the file is unreadable
    // (it is then left as it is and publishing starts over from it only once it reads).
    bool load(QString *error = nullptr);
    // Publishes a version of `latest` when it has an AutoPublishAlias and its code or configuration
    // differs from its newest version, and points the alias at it. True when the alias moved.
    bool publish(const FunctionConfig &latest, QString *error = nullptr);

    VersionCatalogue of(const QString &function) const { return m_catalogues.value(function); }
    const QHash<QString, VersionCatalogue> &all() const { return m_catalogues; }

    // What makes two publications of a function the same version: its files and the settings
    // that change how it runs.
    static QByteArray codeSha256(const FunctionConfig &f);
    static QByteArray configurationSha(const FunctionConfig &f);

private:
    bool save(QString *error) const;
    QString versionDir(const QString &function, const QString &number) const;

    QString m_dir; // <project>/.fnstudio/versions
    QHash<QString, VersionCatalogue> m_catalogues;
    QHash<QString, QByteArray> m_configurationShas; // function/number → configurationSha
};

} // namespace fn
