#include "triggers/triggerhost.h"

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "triggers/apigatewayserver.h"
#include "triggers/invokeapiserver.h"
#include "triggers/scheduler.h"
#include "triggers/sqsqueuestore.h"

#include <QDir>

namespace fn {

struct TriggerHost::Private
{
    Private(Engine &e, AsyncQueue &q, Store &store, QString dir)
        : engine(e)
        , queue(q)
        , projectDir(std::move(dir))
        , scheduler(e.clock(), Scheduler::dispatchTo(q))
        , sqsQueues(store, e.clock())
        , sqsPoller(sqsQueues, e.clock(), SqsQueuePoller::invokeWith(e))
        , invokeApi(e)
        , apiGateway(e)
    {
    }

    Engine &engine;
    AsyncQueue &queue;
    QString projectDir;
    QList<FunctionConfig> functions;
    QStringList warnings;
    Scheduler scheduler;
    SqsQueueStore sqsQueues;
    SqsQueuePoller sqsPoller;
    // Created when the triggers start: watching creates the bucket folders.
    std::unique_ptr<S3BucketWatcher> buckets;
    InvokeApiServer invokeApi;
    ApiGatewayServer apiGateway;
    bool triggersRunning = false;
};

TriggerHost::TriggerHost(Engine &engine, AsyncQueue &queue, Store &store, QString projectDir, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(engine, queue, store, std::move(projectDir)))
{
    connect(&queue, &AsyncQueue::eventFinished, &d->scheduler, &Scheduler::noteEventFinished);
    connect(&d->scheduler, &Scheduler::scheduleChanged, this, &TriggerHost::scheduleChanged);
    connect(&d->scheduler, &Scheduler::fired, this, &TriggerHost::scheduleFired);
    // Direct: the poller's thread emits, and whoever listens decides where to handle it.
    connect(&d->sqsPoller, &SqsQueuePoller::batchProcessed, this, &TriggerHost::sqsBatchProcessed,
            Qt::DirectConnection);

    d->invokeApi.setEventHandler([&queue](const FunctionConfig &function, const QByteArray &payload) {
        return queue.accept(function, payload).requestId;
    });
    d->invokeApi.setRequestLogger([this](const QString &line) { Q_EMIT invokeApiRequest(line); });
    d->apiGateway.setRequestLogger([this](const QString &line) { Q_EMIT apiGatewayRequest(line); });
}

TriggerHost::~TriggerHost()
{
    stop();
}

QString TriggerHost::projectDir() const
{
    return d->projectDir;
}

QStringList TriggerHost::setFunctions(const QList<FunctionConfig> &functions)
{
    d->functions = functions;
    // The queues' settings live in the template, which every function of a project shares.
    if (!functions.isEmpty())
        for (const SqsQueueSettings &q : SqsQueueStore::settingsFromTemplate(functions.constFirst().templateFile))
            d->sqsQueues.setQueue(q);
    QStringList warnings = d->scheduler.setFunctions(functions) + d->sqsPoller.setFunctions(functions);
    if (d->buckets)
        warnings += d->buckets->setFunctions(functions);
    d->invokeApi.setFunctions(functions);
    d->apiGateway.setFunctions(functions);
    warnings += d->apiGateway.warnings();
    d->warnings = warnings;
    return warnings;
}

QList<FunctionConfig> TriggerHost::functions() const
{
    return d->functions;
}

QStringList TriggerHost::warnings() const
{
    return d->warnings;
}

void TriggerHost::setLegacyAsyncPayloadLimit(bool legacy)
{
    d->invokeApi.setLegacyAsyncPayloadLimit(legacy);
}

QStringList TriggerHost::startTriggers()
{
    if (d->triggersRunning)
        return {};
    d->scheduler.start();
    d->sqsPoller.start();
    d->buckets = std::make_unique<S3BucketWatcher>(d->projectDir, Scheduler::dispatchTo(d->queue));
    connect(d->buckets.get(), &S3BucketWatcher::objectEvent, this, &TriggerHost::s3ObjectEvent);
    const QStringList warnings = d->buckets->setFunctions(d->functions);
    d->warnings += warnings;
    d->triggersRunning = true;
    Q_EMIT triggersRunningChanged(true);
    return warnings;
}

void TriggerHost::stopTriggers()
{
    if (!d->triggersRunning)
        return;
    d->scheduler.stop();
    d->sqsPoller.stop();
    d->buckets.reset();
    d->triggersRunning = false;
    Q_EMIT triggersRunningChanged(false);
}

bool TriggerHost::triggersRunning() const
{
    return d->triggersRunning;
}

bool TriggerHost::startServing(const QString &host, int invokePort, int apiPort, QString *problem)
{
    if (isServing())
        return true;
    QString why;
    if (!d->invokeApi.start(host, invokePort, &why)) {
        if (problem)
            *problem = QStringLiteral("Invoke API: ") + why;
        return false;
    }
    // The API Gateway front only takes its port when the template declares routes for it.
    if (!d->apiGateway.routes().isEmpty() && !d->apiGateway.start(host, apiPort, &why)) {
        d->invokeApi.stop();
        if (problem)
            *problem = QStringLiteral("API Gateway: ") + why;
        return false;
    }
    Q_EMIT servingChanged(true);
    return true;
}

void TriggerHost::stopServing()
{
    if (!isServing())
        return;
    // Each waits for the requests in progress.
    d->apiGateway.stop();
    d->invokeApi.stop();
    Q_EMIT servingChanged(false);
}

bool TriggerHost::isServing() const
{
    return d->invokeApi.isRunning();
}

bool TriggerHost::start(const QString &host, int invokePort, int apiPort, QString *problem)
{
    startTriggers();
    if (startServing(host, invokePort, apiPort, problem))
        return true;
    stopTriggers();
    return false;
}

void TriggerHost::stop()
{
    stopTriggers();
    stopServing();
}

QString TriggerHost::invokeApiUrl() const
{
    return d->invokeApi.isRunning() ? d->invokeApi.url() : QString();
}

int TriggerHost::invokeApiPort() const
{
    return d->invokeApi.isRunning() ? d->invokeApi.port() : 0;
}

QString TriggerHost::apiGatewayUrl() const
{
    return d->apiGateway.isRunning() ? d->apiGateway.url() : QString();
}

int TriggerHost::apiGatewayPort() const
{
    return d->apiGateway.isRunning() ? d->apiGateway.port() : 0;
}

bool TriggerHost::servesApiGateway() const
{
    return d->apiGateway.isRunning();
}

QList<ScheduleState> TriggerHost::schedules() const
{
    return d->scheduler.schedules();
}

QList<SqsEventSourceMapping> TriggerHost::mappings() const
{
    return d->sqsPoller.mappings();
}

QList<S3Notification> TriggerHost::notifications() const
{
    return d->buckets ? d->buckets->notifications() : QList<S3Notification>();
}

QString TriggerHost::bucketDir(const QString &bucket) const
{
    return d->buckets ? d->buckets->bucketDir(bucket) : QDir(S3BucketWatcher::bucketsDir(d->projectDir)).filePath(bucket);
}

ApiGatewayRoutes TriggerHost::routes() const
{
    return d->apiGateway.routes();
}

Scheduler &TriggerHost::scheduler()
{
    return d->scheduler;
}

SqsQueueStore &TriggerHost::sqsQueues()
{
    return d->sqsQueues;
}

SqsQueuePoller &TriggerHost::sqsPoller()
{
    return d->sqsPoller;
}

} // namespace fn
