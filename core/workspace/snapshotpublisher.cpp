#include "workspace/snapshotpublisher.h"

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "project/projectsettings.h"
#include "store/s3objectstore.h"
#include "store/sqsqueuestore.h"
#include "store/store.h"
#include "workspace/triggerhost.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QMetaObject>
#include <QSet>

#include <algorithm>
#include <optional>

namespace fn {

// What one read takes to the worker: pointers to the thread-safe sources and a copy of the
// trigger host's configuration (the host itself lives on the publisher's thread).
struct SnapshotPublisher::Read
{
    quint64 generation = 0;
    Parts parts;
    Store *store = nullptr;
    AsyncQueue *queue = nullptr;
    std::shared_ptr<Clock> clock;
    bool triggers = false;
    QString projectDir;
    QString templateFile;
    QHash<QString, QStringList> consumers;       // SQS queue → mapped functions
    QHash<QString, QStringList> bucketFunctions; // bucket → "Function (events)"
    QString endpointUrl;
    QueueDetail queueDetail; // id 0: not asked
    QueueDetail sqsDetail;
};

struct SnapshotPublisher::Result
{
    quint64 generation = 0;
    Parts parts;
    AsyncQueuesSnapshot async;
    SqsQueuesSnapshot sqs;
    BucketsSnapshot buckets;
    std::optional<QueueMessagesSnapshot> queueMessages;
    std::optional<SqsMessagesSnapshot> sqsMessages;
};

namespace {

QList<BucketObject> listObjects(const QString &folder, int *count)
{
    QList<BucketObject> objects;
    const QDir root(folder);
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        if (S3ObjectStore::isStagingName(info.fileName()))
            continue;
        objects.append({root.relativeFilePath(info.filePath()), info.size(), info.lastModified().toUTC()});
    }
    *count = int(objects.size());
    // S3 lists keys in the order of their UTF-8 bytes.
    std::sort(objects.begin(), objects.end(),
              [](const BucketObject &a, const BucketObject &b) { return a.key.toUtf8() < b.key.toUtf8(); });
    if (objects.size() > BucketSnapshot::MaxListedObjects)
        objects.resize(BucketSnapshot::MaxListedObjects);
    return objects;
}

} // namespace

SnapshotPublisher::SnapshotPublisher(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<AsyncQueuesSnapshot>();
    qRegisterMetaType<QueueMessagesSnapshot>();
    qRegisterMetaType<SqsQueuesSnapshot>();
    qRegisterMetaType<SqsMessagesSnapshot>();
    qRegisterMetaType<BucketsSnapshot>();
    m_pool.setMaxThreadCount(1);
    m_coalesce.setSingleShot(true);
    connect(&m_coalesce, &QTimer::timeout, this, &SnapshotPublisher::startRead);
    m_tick.setInterval(ClockTickMs);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        Parts timed;
        if (m_async.changesWithTime())
            timed |= AsyncQueues;
        if (m_sqs.changesWithTime())
            timed |= SqsQueues;
        changed(timed);
    });
}

SnapshotPublisher::~SnapshotPublisher()
{
    m_pool.waitForDone();
}

void SnapshotPublisher::setSources(const Sources &sources)
{
    if (m_queue)
        disconnect(m_queue, nullptr, this, nullptr);
    if (m_triggers)
        disconnect(m_triggers, nullptr, this, nullptr);
    // After this nothing touches the old sources: their owner may destroy them.
    m_pool.waitForDone();
    m_sources = sources;
    m_queue = sources.queue;
    m_triggers = sources.triggers;
    ++m_generation;
    m_reading = false;
    connectSources();
    refresh(AllParts);
}

void SnapshotPublisher::connectSources()
{
    // Emitted on the queue's delivery threads and the poller's and servers' threads; the
    // connections queue them to this one.
    if (AsyncQueue *queue = m_queue) {
        auto queues = [this] { changed(AsyncQueues); };
        connect(queue, &AsyncQueue::queueChanged, this, queues);
        connect(queue, &AsyncQueue::eventAccepted, this, queues);
        connect(queue, &AsyncQueue::eventScheduled, this, queues);
        connect(queue, &AsyncQueue::eventFinished, this, queues);
    }
    if (TriggerHost *host = m_triggers) {
        connect(
            host, &TriggerHost::sqsBatchProcessed, this, [this] { changed(SqsQueues); }, Qt::QueuedConnection);
        connect(host, &TriggerHost::s3ObjectEvent, this, [this] { changed(Buckets); });
        connect(
            host, &TriggerHost::s3Request, this,
            [this](const QString &line) {
                // Only writes change what the panel shows.
                if (!line.startsWith(QLatin1String("GET ")) && !line.startsWith(QLatin1String("HEAD ")))
                    changed(Buckets);
            },
            Qt::QueuedConnection);
        connect(host, &TriggerHost::servingChanged, this, [this] { changed(Buckets); });
        connect(host, &TriggerHost::triggersRunningChanged, this, [this] { changed(AllParts); });
    }
}

void SnapshotPublisher::changed(Parts parts)
{
    if (!parts)
        return;
    m_dirty |= parts;
    schedule(CoalesceMs);
}

void SnapshotPublisher::refresh(Parts parts)
{
    m_dirty |= parts;
    schedule(0);
}

void SnapshotPublisher::schedule(int delayMs)
{
    if (m_coalesce.isActive() && m_coalesce.remainingTime() <= delayMs)
        return;
    m_coalesce.start(delayMs);
}

quint64 SnapshotPublisher::requestQueueMessages(const QString &kind, const QString &name)
{
    m_queueDetail = {++m_lastRequestId, kind, name, !name.isEmpty()};
    // With the list, so the panel never shows messages its counts do not have yet.
    if (m_queueDetail.dirty)
        refresh(AsyncQueues);
    return m_queueDetail.id;
}

quint64 SnapshotPublisher::requestSqsMessages(const QString &queue)
{
    m_sqsDetail = {++m_lastRequestId, {}, queue, !queue.isEmpty()};
    if (m_sqsDetail.dirty)
        refresh(SqsQueues);
    return m_sqsDetail.id;
}

void SnapshotPublisher::startRead()
{
    // One read at a time; what changes meanwhile is read when it is done.
    if (m_reading || !m_dirty)
        return;
    Read request;
    request.generation = m_generation;
    request.parts = m_dirty;
    m_dirty = {};
    request.store = m_sources.store;
    request.queue = m_sources.queue;
    request.clock = m_sources.clock;
    if (TriggerHost *host = m_triggers) {
        request.triggers = true;
        request.projectDir = host->projectDir();
        const QList<FunctionConfig> functions = host->functions();
        if (!functions.isEmpty())
            request.templateFile = functions.constFirst().templateFile;
        for (const SqsEventSourceMapping &m : host->mappings())
            request.consumers[m.queue] << m.functionName;
        for (const S3Notification &n : host->notifications())
            request.bucketFunctions[n.bucket]
                << QStringLiteral("%1 (%2)").arg(n.functionName, n.events.join(QStringLiteral(", ")));
        request.endpointUrl = host->s3EndpointUrl();
    }
    if (request.parts & AsyncQueues && !m_queueDetail.name.isEmpty()) {
        request.queueDetail = m_queueDetail;
        m_queueDetail.dirty = false;
    }
    if (request.parts & SqsQueues && !m_sqsDetail.name.isEmpty()) {
        request.sqsDetail = m_sqsDetail;
        m_sqsDetail.dirty = false;
    }
    m_reading = true;
    m_pool.start([this, request] {
        Result result = read(request);
        QMetaObject::invokeMethod(
            this, [this, result = std::move(result)] { adopt(result); }, Qt::QueuedConnection);
    });
}

SnapshotPublisher::Result SnapshotPublisher::read(const Read &r)
{
    Result out;
    out.generation = r.generation;
    out.parts = r.parts;
    const qint64 now = r.clock ? r.clock->nowMs() : 0;

    if (r.parts & AsyncQueues) {
        out.async.nowMs = now;
        QList<StoredEvent> pending;
        if (r.queue) {
            out.async.available = true;
            pending = r.queue->pending();
            out.async.pendingEvents = int(pending.size());
            for (const StoredEvent &e : std::as_const(pending)) {
                const auto it = out.async.nextAttemptMs.constFind(e.functionName);
                if (it == out.async.nextAttemptMs.cend() || e.nextAttemptMs < *it)
                    out.async.nextAttemptMs.insert(e.functionName, e.nextAttemptMs);
            }
            out.async.queues = r.queue->queues();
        }
        if (r.queueDetail.id != 0) {
            QueueMessagesSnapshot detail{r.queueDetail.id, r.queueDetail.kind, r.queueDetail.name, {}, {}, now};
            if (r.queueDetail.kind == QLatin1String("async")) {
                for (const StoredEvent &e : std::as_const(pending))
                    if (e.functionName == r.queueDetail.name)
                        detail.pendingEvents.append(e);
            } else if (r.queue) {
                detail.messages = r.queue->messages(r.queueDetail.name);
            }
            out.queueMessages = detail;
        }
    }

    if (r.parts & SqsQueues) {
        out.sqs.nowMs = now;
        std::optional<SqsQueueStore> store;
        if (r.triggers && r.store) {
            out.sqs.available = true;
            store.emplace(*r.store, r.clock);
            QStringList names = store->queueNames();
            for (auto it = r.consumers.cbegin(); it != r.consumers.cend(); ++it)
                if (!names.contains(it.key()))
                    names << it.key();
            QHash<QString, SqsQueueSettings> settings;
            for (const QString &name : QStringList(names)) {
                SqsQueueSettings s = store->queue(name);
                s.name = name;
                settings.insert(name, s);
                if (!s.deadLetterQueue.isEmpty() && !names.contains(s.deadLetterQueue))
                    names << s.deadLetterQueue;
            }
            names.sort();
            for (const QString &name : std::as_const(names)) {
                SqsQueueSettings s = settings.contains(name) ? settings.value(name) : store->queue(name);
                s.name = name;
                SqsQueueSummary row = SqsQueueSummary::count(s, store->messages(name), now);
                row.functions = r.consumers.value(name);
                out.sqs.queues << row;
            }
        }
        if (r.sqsDetail.id != 0)
            out.sqsMessages =
                SqsMessagesSnapshot{r.sqsDetail.id, r.sqsDetail.name,
                                    store ? store->messages(r.sqsDetail.name) : QList<SqsQueueMessage>(), now};
    }

    if ((r.parts & Buckets) && r.triggers) {
        out.buckets.available = true;
        out.buckets.endpointUrl = r.endpointUrl;
        // From the file, as the Buckets panel writes it: the mapping shows as soon as it is saved.
        const QHash<QString, QString> mapped = ProjectSettings::load(r.projectDir, nullptr).bucketFolders;
        const S3ObjectStore objects(r.projectDir, mapped);
        QStringList names = objects.buckets();
        if (!r.templateFile.isEmpty())
            names += S3ObjectStore::bucketsFromTemplate(r.templateFile);
        names += r.bucketFunctions.keys();
        names += mapped.keys();
        names.removeDuplicates();
        names.sort();
        for (const QString &name : std::as_const(names)) {
            BucketSnapshot b;
            b.name = name;
            b.folder = objects.bucketDir(name);
            b.mapped = mapped.contains(name);
            b.exists = QFileInfo(b.folder).isDir();
            if (b.exists)
                b.objects = listObjects(b.folder, &b.objectCount);
            b.functions = r.bucketFunctions.value(name);
            out.buckets.buckets << b;
        }
    }
    return out;
}

void SnapshotPublisher::adopt(const Result &result)
{
    if (result.generation != m_generation)
        return; // read from sources that are gone; everything is being read again
    m_reading = false;
    if (result.parts & AsyncQueues) {
        m_async = result.async;
        Q_EMIT asyncQueuesPublished(m_async);
    }
    // A detail answer is published only while its request is the latest.
    if (result.queueMessages && result.queueMessages->requestId == m_queueDetail.id)
        Q_EMIT queueMessagesPublished(*result.queueMessages);
    if (result.parts & SqsQueues) {
        m_sqs = result.sqs;
        Q_EMIT sqsQueuesPublished(m_sqs);
    }
    if (result.sqsMessages && result.sqsMessages->requestId == m_sqsDetail.id)
        Q_EMIT sqsMessagesPublished(*result.sqsMessages);
    if (result.parts & Buckets) {
        m_buckets = result.buckets;
        Q_EMIT bucketsPublished(m_buckets);
    }

    if (m_async.changesWithTime() || m_sqs.changesWithTime()) {
        if (!m_tick.isActive())
            m_tick.start();
    } else {
        m_tick.stop();
    }
    // A detail asked for while this read ran has not been read yet.
    if (m_queueDetail.dirty)
        m_dirty |= AsyncQueues;
    if (m_sqsDetail.dirty)
        m_dirty |= SqsQueues;
    if (m_dirty && !m_coalesce.isActive())
        m_coalesce.start(0);
}

} // namespace fn
