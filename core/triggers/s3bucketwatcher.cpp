#include "triggers/s3bucketwatcher.h"

#include "store/s3objectstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSet>
#include <QUrl>
#include <QUuid>

#include <map>
#include <mutex>

namespace fn {

namespace {

struct ObjectState
{
    qint64 size = 0;
    qint64 modifiedMs = 0;
    QString eTag;
};

QString jsonString(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

} // namespace

struct S3BucketWatcher::Private
{
    QString projectDir;
    std::unique_ptr<S3ObjectStore> store;
    Dispatch dispatch;
    std::mutex expectedMutex;
    struct Expected
    {
        QString eventName;    // announced by the endpoint
        bool settled = false; // the endpoint finished writing
    };
    QHash<QString, Expected> expected; // by bucket + '\n' + key
    QList<S3Notification> notifications;
    std::map<QString, std::map<QString, ObjectState>> objects; // bucket → key → state
    QFileSystemWatcher *watcher = nullptr;
    quint64 sequence = 0;

    std::map<QString, ObjectState> read(const QString &dir)
    {
        std::map<QString, ObjectState> out;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo info(path);
            if (S3ObjectStore::isStagingName(info.fileName()))
                continue; // an upload still being written
            out[QDir(dir).relativeFilePath(path)] = {info.size(), info.lastModified().toMSecsSinceEpoch(), QString()};
        }
        return out;
    }

    void watch(const QString &dir)
    {
        // QFileSystemWatcher is not recursive: every folder of the bucket is watched.
        QStringList dirs{dir};
        QDirIterator it(dir, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            dirs << it.next();
        const QStringList watched = watcher->directories();
        for (const QString &d : dirs)
            if (!watched.contains(d))
                watcher->addPath(d);
    }

    QString nextSequencer()
    {
        // Hex, growing with every event as S3's sequencers do for one key.
        return QStringLiteral("%1")
            .arg(QDateTime::currentMSecsSinceEpoch() * 1000 + qint64(++sequence % 1000), 16, 16, QLatin1Char('0'))
            .toUpper();
    }
};

S3BucketWatcher::S3BucketWatcher(QString projectDir, Dispatch dispatch, QObject *parent,
                                 const QHash<QString, QString> &bucketFolders)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->projectDir = std::move(projectDir);
    d->store = std::make_unique<S3ObjectStore>(d->projectDir, bucketFolders);
    d->dispatch = std::move(dispatch);
    d->watcher = new QFileSystemWatcher(this);
    connect(d->watcher, &QFileSystemWatcher::directoryChanged, this, [this] { scan(); });
}

S3BucketWatcher::~S3BucketWatcher() = default;

QString S3BucketWatcher::bucketsDir(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".fnstudio/buckets"));
}

QString S3BucketWatcher::bucketDir(const QString &bucket) const
{
    return d->store->bucketDir(bucket);
}

S3ObjectStore &S3BucketWatcher::store()
{
    return *d->store;
}

void S3BucketWatcher::expect(const QString &bucket, const QString &key, const QString &eventName)
{
    std::lock_guard lock(d->expectedMutex);
    d->expected.insert(bucket + u'\n' + key, {eventName, false});
}

void S3BucketWatcher::settle(const QString &bucket, const QString &key, bool happened)
{
    {
        std::lock_guard lock(d->expectedMutex);
        const QString id = bucket + u'\n' + key;
        if (!happened)
            d->expected.remove(id);
        else if (d->expected.contains(id))
            d->expected[id].settled = true;
    }
    QMetaObject::invokeMethod(
        this, [this] { scan(); }, Qt::QueuedConnection);
}

QStringList S3BucketWatcher::setFunctions(const QList<FunctionConfig> &functions)
{
    QStringList problems;
    d->notifications.clear();
    for (const FunctionConfig &function : functions) {
        if (!function.events.is_object())
            continue;
        for (const auto &[key, event] : function.events.items()) {
            if (event.value("Type", std::string()) != "S3")
                continue;
            const nlohmann::json properties = event.value("Properties", nlohmann::json::object());
            S3Notification n;
            n.function = function;
            n.functionName = function.name;
            n.eventId = QString::fromStdString(key);
            n.bucket =
                AsyncQueue::targetName(properties.value("Bucket", nlohmann::json()), QString(), function.resourceNames);
            if (n.bucket.isEmpty()) {
                problems << function.name + QLatin1Char('/') + n.eventId + QStringLiteral(": Bucket is missing");
                continue;
            }
            const nlohmann::json events = properties.value("Events", nlohmann::json());
            if (events.is_string())
                n.events << QString::fromStdString(events.get<std::string>());
            else if (events.is_array())
                for (const auto &e : events)
                    if (e.is_string())
                        n.events << QString::fromStdString(e.get<std::string>());
            const nlohmann::json rules = properties.value("Filter", nlohmann::json::object())
                                             .value("S3Key", nlohmann::json::object())
                                             .value("Rules", nlohmann::json::array());
            for (const auto &rule : rules) {
                const QString name = jsonString(rule, "Name").toLower();
                if (name == QLatin1String("prefix"))
                    n.prefix = jsonString(rule, "Value");
                else if (name == QLatin1String("suffix"))
                    n.suffix = jsonString(rule, "Value");
            }
            d->notifications << n;
            const QString dir = bucketDir(n.bucket);
            QDir().mkpath(dir);
            if (!d->objects.count(n.bucket))
                d->objects[n.bucket] = d->read(dir);
            d->watch(dir);
        }
    }
    return problems;
}

QList<S3Notification> S3BucketWatcher::notifications() const
{
    return d->notifications;
}

bool S3BucketWatcher::matches(const S3Notification &n, const QString &eventName, const QString &key)
{
    if (!key.startsWith(n.prefix) || !key.endsWith(n.suffix))
        return false;
    const QString full = QStringLiteral("s3:") + eventName; // s3:ObjectCreated:Put
    for (const QString &e : n.events) {
        if (e == full)
            return true;
        if (e.endsWith(QLatin1Char('*')) && full.startsWith(e.left(e.size() - 1)))
            return true;
    }
    return false;
}

QString S3BucketWatcher::encodedKey(const QString &key)
{
    QByteArray encoded = QUrl::toPercentEncoding(key, "/");
    encoded.replace("%20", "+");
    return QString::fromLatin1(encoded);
}

QByteArray S3BucketWatcher::event(const QString &eventName, const QString &configurationId, const QString &bucket,
                                  const QString &key, qint64 size, const QString &eTag, const QString &sequencer,
                                  const QDateTime &time, const QString &region)
{
    nlohmann::ordered_json object{{"key", encodedKey(key).toStdString()}};
    if (eventName.startsWith(QLatin1String("ObjectCreated"))) {
        object["size"] = size;
        object["eTag"] = eTag.toStdString();
    }
    object["sequencer"] = sequencer.toStdString();
    const std::string requestId = QUuid::createUuid().toString(QUuid::Id128).left(16).toUpper().toStdString();
    nlohmann::ordered_json record{
        {"eventVersion", "2.1"},
        {"eventSource", "aws:s3"},
        {"awsRegion", region.toStdString()},
        {"eventTime", time.toUTC().toString(Qt::ISODateWithMs).toStdString()},
        {"eventName", eventName.toStdString()},
        {"userIdentity", {{"principalId", "EXAMPLE"}}},
        {"requestParameters", {{"sourceIPAddress", "127.0.0.1"}}},
        {"responseElements", {{"x-amz-request-id", requestId}, {"x-amz-id-2", "fnstudio/local"}}},
        {"s3",
         {{"s3SchemaVersion", "1.0"},
          {"configurationId", configurationId.toStdString()},
          {"bucket",
           {{"name", bucket.toStdString()},
            {"ownerIdentity", {{"principalId", "EXAMPLE"}}},
            {"arn", "arn:aws:s3:::" + bucket.toStdString()}}},
          {"object", object}}},
    };
    return QByteArray::fromStdString(nlohmann::ordered_json{{"Records", {record}}}.dump());
}

int S3BucketWatcher::scan()
{
    int invoked = 0;
    QSet<QString> buckets;
    for (const S3Notification &n : d->notifications)
        buckets.insert(n.bucket);
    for (const QString &bucket : buckets) {
        const QString dir = bucketDir(bucket);
        std::map<QString, ObjectState> now = d->read(dir);
        std::map<QString, ObjectState> &before = d->objects[bucket];
        QList<std::pair<QString, QString>> changes; // event name, key
        // What the endpoint announced: its name wins, and a write that left size and time as they
        // were (within the file system's precision) is still a write.
        // Taken when the file changed, or when the endpoint is done and the file shows no change.
        const auto announced = [this, &bucket](const QString &key, bool changed) {
            std::lock_guard lock(d->expectedMutex);
            const QString id = bucket + u'\n' + key;
            const auto it = d->expected.constFind(id);
            if (it == d->expected.cend() || (!changed && !it->settled))
                return QString();
            return d->expected.take(id).eventName;
        };
        for (auto &[key, state] : now) {
            const auto old = before.find(key);
            state.eTag = old != before.end() ? old->second.eTag : QString();
            const bool changed =
                old == before.end() || old->second.size != state.size || old->second.modifiedMs != state.modifiedMs;
            const QString name = announced(key, changed);
            if (changed || name.startsWith(QLatin1String("ObjectCreated"))) {
                state.eTag = S3ObjectStore::md5OfFile(QDir(dir).filePath(key));
                // An unchanged body rewritten in place is still a Put, as an S3 overwrite is.
                changes.append(
                    {name.startsWith(QLatin1String("ObjectCreated")) ? name : QStringLiteral("ObjectCreated:Put"),
                     key});
            }
        }
        for (const auto &[key, state] : before)
            if (!now.count(key)) {
                announced(key, true);
                changes.append({QStringLiteral("ObjectRemoved:Delete"), key});
            }
        before = now;
        d->watch(dir); // folders created since

        for (const auto &[eventName, key] : changes) {
            const ObjectState state = now.count(key) ? now[key] : ObjectState{};
            for (const S3Notification &n : d->notifications) {
                if (n.bucket != bucket || !matches(n, eventName, key))
                    continue;
                const QByteArray payload =
                    event(eventName, n.eventId, bucket, key, state.size, state.eTag, d->nextSequencer(),
                          QDateTime::currentDateTimeUtc(), n.function.account.region);
                const AsyncQueue::Accepted accepted = d->dispatch(n.function, payload);
                ++invoked;
                Q_EMIT objectEvent(bucket, key, eventName, n.functionName, accepted.requestId);
            }
        }
    }
    {
        // Writes the endpoint finished into buckets no event watches raise nothing.
        std::lock_guard lock(d->expectedMutex);
        for (auto it = d->expected.begin(); it != d->expected.end();)
            it =
                it->settled && !buckets.contains(it.key().section(u'\n', 0, 0)) ? d->expected.erase(it) : std::next(it);
    }
    return invoked;
}

} // namespace fn
