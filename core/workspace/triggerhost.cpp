#include "workspace/triggerhost.h"

#include "access/authorizer.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "services/apigatewayserver.h"
#include "services/invokeapiserver.h"
#include "services/s3endpoint.h"
#include "store/s3objectstore.h"
#include "store/sqsqueuestore.h"
#include "triggers/scheduler.h"

#include <QDir>

#include <mutex>

namespace fn {

namespace {

// The functions' execution roles as the authorizer evaluates them.
QHash<QString, Authorizer::Role> rolesOf(const QList<FunctionConfig> &functions)
{
    QHash<QString, Authorizer::Role> roles;
    for (const FunctionConfig &f : functions) {
        Authorizer::Role role;
        role.name = f.roleName;
        role.functionName = f.functionName;
        role.known = f.roleKnown;
        role.problems = f.policyProblems;
        for (const NamedPolicy &named : f.policies) {
            QString error;
            if (auto policy = Policy::parse(named.name, named.document, &error))
                role.policies.push_back(std::move(*policy));
            else
                role.problems << error;
        }
        roles.insert(f.name, std::move(role));
    }
    return roles;
}

// Who may invoke each function, as the authorizer evaluates it.
QHash<QString, Policy> resourcePoliciesOf(const QList<FunctionConfig> &functions)
{
    QHash<QString, Policy> policies;
    for (const FunctionConfig &f : functions) {
        QString error; // the reader made the document: it parses
        if (!f.resourcePolicy.is_null())
            if (auto policy = Policy::parse(QStringLiteral("the resource-based policy of %1").arg(f.name),
                                            f.resourcePolicy, &error))
                policies.insert(f.lambdaName(), std::move(*policy));
    }
    return policies;
}

} // namespace

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
        sqsQueues.followClockRewinds(); // the one long-lived owner of the project's queues
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
    Authorizer authorizer; // before the servers that hold it
    InvokeApiServer invokeApi;
    ApiGatewayServer apiGateway;
    QHash<QString, QString> bucketFolders;
    // Serving: the endpoint and the store it serves (the watcher keeps its own view of the folders).
    std::unique_ptr<S3ObjectStore> objects;
    std::unique_ptr<S3Endpoint> s3;
    int s3Port = S3Endpoint::DefaultPort;
    std::mutex bucketsMutex; // `buckets` as the endpoint's threads see it
    bool triggersRunning = false;

    void createTemplateBuckets(QStringList *warnings)
    {
        if (functions.isEmpty())
            return;
        QString error;
        S3ObjectStore store(projectDir, bucketFolders);
        for (const QString &name : S3ObjectStore::bucketsFromTemplate(functions.constFirst().templateFile, &error)) {
            QString problem;
            if (!store.bucketExists(name) && !store.createBucket(name, &problem))
                *warnings << QStringLiteral("S3 bucket %1: %2").arg(name, problem);
        }
        if (!error.isEmpty())
            *warnings << error;
    }
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
    d->invokeApi.setAuthorizer(&d->authorizer);
    d->authorizer.setObserver([this](const Authorizer::Call &call) {
        if (call.evaluated && !call.decision.allowed() && call.mode != Authorizer::Mode::Off)
            Q_EMIT accessDenied(call.principal.function, call.describe());
        Q_EMIT accessChecked(call.principal.function);
    });
    d->apiGateway.setRequestLogger([this](const QString &line) { Q_EMIT apiGatewayRequest(line); });
}

TriggerHost::~TriggerHost()
{
    stop();
}

void TriggerHost::setVersions(const QHash<QString, VersionCatalogue> &versions)
{
    d->invokeApi.setVersions(versions);
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
    QStringList warnings = d->scheduler.setFunctions(functions);
    warnings += d->sqsPoller.setFunctions(functions);
    if (d->buckets) {
        warnings += d->buckets->setFunctions(functions);
        d->createTemplateBuckets(&warnings); // a reload may bring new AWS::S3::Bucket resources
    }
    d->invokeApi.setFunctions(functions);
    d->apiGateway.setFunctions(functions);
    d->authorizer.setRoles(rolesOf(functions));
    d->authorizer.setResourcePolicies(resourcePoliciesOf(functions));
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
    {
        std::lock_guard lock(d->bucketsMutex);
        d->buckets = std::make_unique<S3BucketWatcher>(d->projectDir, Scheduler::dispatchTo(d->queue), nullptr,
                                                       d->bucketFolders);
    }
    connect(d->buckets.get(), &S3BucketWatcher::objectEvent, this, &TriggerHost::s3ObjectEvent);
    QStringList warnings = d->buckets->setFunctions(d->functions);
    d->createTemplateBuckets(&warnings);
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
    std::lock_guard lock(d->bucketsMutex);
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
    if (d->s3Port >= 0) {
        QStringList ignored;
        d->createTemplateBuckets(&ignored); // startTriggers() reports them
        d->objects = std::make_unique<S3ObjectStore>(d->projectDir, d->bucketFolders);
        d->s3 = std::make_unique<S3Endpoint>(*d->objects);
        // Writes through the endpoint name their own events (ObjectCreated:Copy) when triggers run.
        d->s3->setChangeObserver({[this](const QString &bucket, const QString &key, const QString &eventName) {
                                      std::lock_guard lock(d->bucketsMutex);
                                      if (d->buckets)
                                          d->buckets->expect(bucket, key, eventName);
                                  },
                                  [this](const QString &bucket, const QString &key, bool happened) {
                                      std::lock_guard lock(d->bucketsMutex);
                                      if (d->buckets)
                                          d->buckets->settle(bucket, key, happened);
                                  }});
        d->s3->setRequestLogger([this](const QString &line) { Q_EMIT s3Request(line); });
        d->s3->setAuthorizer(&d->authorizer);
        if (!d->s3->start(host, d->s3Port, &why)) {
            d->s3.reset();
            d->apiGateway.stop();
            d->invokeApi.stop();
            if (problem)
                *problem = QStringLiteral("S3 endpoint: ") + why;
            return false;
        }
        // Functions reach it on loopback whatever address it listens on; the SDKs sign with any keys.
        const bool anyAddress = host == QLatin1String("0.0.0.0") || host == QLatin1String("::");
        const QString url = QStringLiteral("http://%1:%2")
                                .arg(anyAddress                     ? QStringLiteral("127.0.0.1")
                                     : d->s3->host().contains(u':') ? u'[' + d->s3->host() + u']'
                                                                    : d->s3->host())
                                .arg(d->s3->port());
        // Each environment signs with its function's own credentials (the engine asks for them),
        // and reaches the Invoke API as it reaches S3, to call other functions.
        Authorizer &authorizer = d->authorizer;
        d->engine.setCredentialSource([&authorizer](const FunctionConfig &f) -> QList<QPair<QString, QString>> {
            const AccessKeys::Credentials c = authorizer.keys().issue(f.name, f.isLatest() ? QString() : f.version);
            return {{QStringLiteral("AWS_ACCESS_KEY_ID"), c.accessKeyId},
                    {QStringLiteral("AWS_SECRET_ACCESS_KEY"), c.secretAccessKey},
                    {QStringLiteral("AWS_SESSION_TOKEN"), c.sessionToken}};
        });
        const QString lambdaUrl = QStringLiteral("http://%1:%2")
                                      .arg(anyAddress                           ? QStringLiteral("127.0.0.1")
                                           : d->invokeApi.host().contains(u':') ? u'[' + d->invokeApi.host() + u']'
                                                                                : d->invokeApi.host())
                                      .arg(d->invokeApi.port());
        d->engine.setServiceEnvironment(
            {{QStringLiteral("AWS_ENDPOINT_URL_S3"), url},
             {QStringLiteral("AWS_ENDPOINT_URL_LAMBDA"), lambdaUrl},
             {QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("FNSTUDIOLOCAL")},
             {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("fnstudio-local-secret")},
             {QStringLiteral("AWS_SESSION_TOKEN"), QStringLiteral("fnstudio-local-session")}});
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
    if (d->s3) {
        d->s3->stop();
        d->s3.reset();
        d->objects.reset();
        d->engine.setServiceEnvironment({});
        d->engine.setCredentialSource({});
    }
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

QString TriggerHost::s3EndpointUrl() const
{
    return d->s3 ? d->s3->url() : QString();
}

int TriggerHost::s3EndpointPort() const
{
    return d->s3 ? d->s3->port() : 0;
}

void TriggerHost::setBucketFolders(const QHash<QString, QString> &folders)
{
    d->bucketFolders = folders;
}

Authorizer &TriggerHost::authorizer()
{
    return d->authorizer;
}

void TriggerHost::setPermissionsMode(const QString &mode)
{
    d->authorizer.setMode(Authorizer::modeFromName(mode).value_or(Authorizer::Mode::Warn));
}

void TriggerHost::setAccessSettings(bool requireSigning, const AwsAccount &account)
{
    d->authorizer.setRequireSigning(requireSigning);
    d->authorizer.setAccount(account);
}

void TriggerHost::setS3EndpointPort(int port)
{
    d->s3Port = port;
}

QStringList TriggerHost::buckets() const
{
    QStringList names = S3ObjectStore(d->projectDir, d->bucketFolders).buckets();
    if (!d->functions.isEmpty())
        for (const QString &b : S3ObjectStore::bucketsFromTemplate(d->functions.constFirst().templateFile))
            if (!names.contains(b))
                names << b;
    for (const S3Notification &n : notifications())
        if (!names.contains(n.bucket))
            names << n.bucket;
    std::sort(names.begin(), names.end());
    return names;
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
    return d->buckets ? d->buckets->bucketDir(bucket)
                      : S3ObjectStore(d->projectDir, d->bucketFolders).bucketDir(bucket);
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
