#pragma once
// A project's studio settings, kept in .fnstudio/settings.json beside the studio's other state:
// the account's concurrency limit, how long idle environments stay warm, the clock's speed (a
// class watches a day of schedules in a minute), and the older 256 KB limit for async payloads.

#include "access/awsaccount.h"
#include "project/diagnostic.h"

#include <QHash>
#include <QList>
#include <QString>

namespace fn {

struct ProjectSettings
{
    int accountConcurrency = 1000;        // Lambda's default regional quota
    double idleTimeoutSeconds = 300;      // keep-warm: idle environments are shut down after this
    double clockSpeed = 1;                // 1: real time; up to 3600 (an hour a second)
    bool legacyAsyncPayloadLimit = false; // 262,144 bytes instead of 1,048,576 for Event payloads
    // What happens when a function calls a local service its execution role does not allow: "off"
    // (nothing), "warn" (the call goes on and the studio and logs say what is missing; the
    // default) or "enforce" (the service answers AccessDenied as AWS would).
    QString permissions = QStringLiteral("warn");
    // Whether the local services refuse a request without a signature (S3's and Lambda's
    // AccessDenied / MissingAuthenticationToken, as AWS answers one) instead of taking it as the
    // developer's: on for a project that wants every client to sign, as on AWS. Off by default, so
    // a plain curl works.
    bool requireSigning = false;
    // The account and region the project lives in ("accountId", "region"): its ARNs, queue URLs,
    // events, AWS_REGION and ${AWS::Region}.
    AwsAccount account;
    // Local S3 buckets kept in a folder of the user's choice instead of .fnstudio/buckets/<name>:
    // bucket name → folder (absolute, "~/..." or relative to the project). A folder written inside
    // the project that a symbolic link takes outside it is refused (an error) and left out, unless
    // allowed below; one written outside is the user's own explicit choice.
    QHash<QString, QString> bucketFolders;
    // Folders outside the project that its template may name (CodeUri, layers' ContentUri) and its
    // buckets may reach through links, as written (absolute, "~/..." or relative to the project).
    // Without them nothing outside the project folder is mounted into a sandbox: a project someone
    // shares cannot show its functions the opener's files.
    QStringList allowedOutsideFolders;

    static QString fileName() { return QStringLiteral(".fnstudio/settings.json"); }
    static QString allowOutsideKey() { return QStringLiteral("allowOutsideFolders"); }

    // Reads <projectDir>/.fnstudio/settings.json; a missing file gives the defaults. Problems (bad
    // JSON with its line and column, a wrong type, a value out of range) go to *errors and leave
    // that setting at its default.
    static ProjectSettings load(const QString &projectDir, QList<Diagnostic> *errors);
};

} // namespace fn
