#pragma once
// Local S3 buckets as folders (<project>/.fnstudio/buckets/<name>, or a folder the project's
// settings map the bucket to): files created, overwritten or deleted there raise
// ObjectCreated:Put / ObjectRemoved:Delete for the template's S3 events whose Events and Filter
// rules match, delivered as asynchronous invocations with S3's record shape. Changes made through
// the S3 endpoint are announced first (expect/settle) and keep their own names (ObjectCreated:Copy).

#include "engine/asyncqueue.h"
#include "project/functionconfig.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QFileSystemWatcher;

namespace fn {

class S3ObjectStore;

struct S3Notification
{
    QString functionName;
    QString eventId; // configurationId
    QString bucket;
    QStringList events; // s3:ObjectCreated:*, s3:ObjectRemoved:Delete, ...
    QString prefix;     // Filter S3Key rules
    QString suffix;
    FunctionConfig function;
};

class S3BucketWatcher final : public QObject
{
    Q_OBJECT
public:
    using Dispatch = std::function<AsyncQueue::Accepted(const FunctionConfig &, const QByteArray &)>;

    // `bucketFolders`: ProjectSettings::bucketFolders.
    S3BucketWatcher(QString projectDir, Dispatch dispatch, QObject *parent = nullptr,
                    const QHash<QString, QString> &bucketFolders = {});
    ~S3BucketWatcher() override;

    static QString bucketsDir(const QString &projectDir);
    QString bucketDir(const QString &bucket) const;
    // The buckets' objects, for the S3 endpoint (same folders, same ETag cache).
    S3ObjectStore &store();

    // Thread-safe: an object is about to change through the S3 endpoint with `eventName`
    // (ObjectCreated:Put, ObjectCreated:Copy, ObjectRemoved:Delete) ...
    void expect(const QString &bucket, const QString &key, const QString &eventName);
    // ... and did (or did not). A scan follows on the watcher's thread.
    void settle(const QString &bucket, const QString &key, bool happened);

    // Reads the functions' S3 events, creates their bucket folders and starts watching them (the
    // files already there are the starting state: they raise nothing).
    QStringList setFunctions(const QList<FunctionConfig> &functions);
    QList<S3Notification> notifications() const;

    // Compares every bucket with what it held before and delivers the changes; returns how many
    // invocations it started. The file-system watcher calls it; tests may call it directly.
    int scan();

    // {"Records": [one record]} as S3 sends it; `eventName` is ObjectCreated:Put or ObjectRemoved:Delete.
    static QByteArray event(const QString &eventName, const QString &configurationId, const QString &bucket,
                            const QString &key, qint64 size, const QString &eTag, const QString &sequencer,
                            const QDateTime &time, const QString &region);
    // The object key as S3 writes it into events: URL-encoded, a space as '+'.
    static QString encodedKey(const QString &key);
    static bool matches(const S3Notification &n, const QString &eventName, const QString &key);

Q_SIGNALS:
    // One per delivered event, with the request id the queue gave it.
    void objectEvent(const QString &bucket, const QString &key, const QString &eventName, const QString &functionName,
                     const QString &requestId);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
