#pragma once
// Every event source of a project around one engine and its async queue: the Scheduler and the SQS
// and S3 triggers (startTriggers(), no ports), and the Invoke API and API Gateway servers
// (startServing()); fnstudio-cli serve and the studio both run their triggers through it.

#include "project/functionconfig.h"
#include "project/functionversions.h"
#include "services/apigatewayroutes.h"
#include "snapshots/schedulestate.h"
#include "triggers/s3bucketwatcher.h"
#include "triggers/sqsqueuepoller.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace fn {

class ApiGatewayServer;
class Authorizer;
class AsyncQueue;
class Engine;
class InvokeApiServer;
class Scheduler;
class SqsQueueStore;
class Store;

class TriggerHost final : public QObject
{
    Q_OBJECT
public:
    // The engine, the queue (Event invocations: schedules, S3, the Invoke API's Event type) and the
    // open store (SQS queues) must outlive the host. Lives on the thread that creates it.
    TriggerHost(Engine &engine, AsyncQueue &queue, Store &store, QString projectDir, QObject *parent = nullptr);
    ~TriggerHost() override; // stop()s

    QString projectDir() const;

    // Reads the functions' Schedule, ScheduleV2, SQS, S3, Api and HttpApi events and the template's
    // AWS::SQS::Queue resources; may be called again while running (state of schedules that stay is
    // kept). Returns the events that cannot run, one sentence each (also warnings()).
    QStringList setFunctions(const QList<FunctionConfig> &functions);
    // The functions' published versions and aliases, which the Invoke API serves and invokes.
    void setVersions(const QHash<QString, VersionCatalogue> &versions);
    QList<FunctionConfig> functions() const;
    // Everything from the last setFunctions() and startTriggers() that could not run.
    QStringList warnings() const;

    // Event payloads limited to 262,144 bytes as Lambda had it before 1 MB.
    void setLegacyAsyncPayloadLimit(bool legacy);
    // Buckets kept in folders of the user's choice (ProjectSettings::bucketFolders); before starting.
    void setBucketFolders(const QHash<QString, QString> &folders);
    // The S3 endpoint's port while serving (default 3002; 0: a free one; -1: no endpoint).
    void setS3EndpointPort(int port);

    // Schedules on the engine's Clock, SQS polling, S3 bucket folders watched; no ports. Bucket
    // folders are created here; their problems are added to warnings() and returned.
    QStringList startTriggers();
    void stopTriggers();
    bool triggersRunning() const;

    // The Invoke API on host:invokePort, the S3 endpoint over the local buckets (see
    // setS3EndpointPort; the engine's environments then get AWS_ENDPOINT_URL_S3) and, when the
    // template declares Api or HttpApi routes, the API Gateway front on host:apiPort (0: a free port). On failure
    // nothing is left listening and *problem names the server and host:port ("Invoke API: 127.0.0.1:3001 is already in
    // use").
    bool startServing(const QString &host, int invokePort, int apiPort, QString *problem);
    void stopServing();
    bool isServing() const;

    // Both of the above; false (with nothing left running) when serving cannot start.
    bool start(const QString &host, int invokePort, int apiPort, QString *problem);
    void stop();

    // While serving; empty and 0 otherwise (the API Gateway also when the template has no routes).
    QString invokeApiUrl() const;
    int invokeApiPort() const;
    QString apiGatewayUrl() const;
    int apiGatewayPort() const;
    bool servesApiGateway() const;
    QString s3EndpointUrl() const;
    int s3EndpointPort() const;
    // The local buckets (folders that exist, mapped ones and the template's AWS::S3::Bucket resources).
    QStringList buckets() const;

    QList<ScheduleState> schedules() const;
    QList<SqsEventSourceMapping> mappings() const;
    // The S3 notifications; known once the triggers started.
    QList<S3Notification> notifications() const;
    QString bucketDir(const QString &bucket) const;
    ApiGatewayRoutes routes() const;

    // Who may call what: the functions' credentials and roles, the project's permissions mode
    // (see ProjectSettings::permissions) and the calls decided.
    Authorizer &authorizer();
    void setPermissionsMode(const QString &mode); // "off", "warn" or "enforce"
    // The rest of the project's access settings: unsigned requests refused, the account and region.
    void setAccessSettings(bool requireSigning, const AwsAccount &account);

    // The parts, for what the host does not forward (enable, fire now, send a message, …).
    Scheduler &scheduler();
    SqsQueueStore &sqsQueues();
    SqsQueuePoller &sqsPoller();

Q_SIGNALS:
    // From the Scheduler, on this object's thread: a schedule's state changed (enabled, next fires,
    // its last fire finished with lastResult), and a fire was handed to the queue.
    void scheduleChanged(const fn::ScheduleState &state);
    void scheduleFired(const fn::ScheduleState &state);
    // From the SQS poller's thread.
    void sqsBatchProcessed(const fn::SqsBatchResult &result);
    void s3ObjectEvent(const QString &bucket, const QString &key, const QString &eventName, const QString &functionName,
                       const QString &requestId);
    // A function's call to a local service that its role does not allow (warned or refused), one
    // line saying who, what, why and what happened; emitted on the servers' threads.
    void accessDenied(const QString &function, const QString &line);
    // Any call of a function to a local service was checked and recorded (Authorizer::calls);
    // emitted on the servers' threads.
    void accessChecked(const QString &function);
    // One line per request served, emitted on the servers' threads ("POST /2015-03-31/… 200 <id>").
    void invokeApiRequest(const QString &line);
    void apiGatewayRequest(const QString &line);
    void s3Request(const QString &line);
    void triggersRunningChanged(bool running);
    void servingChanged(bool serving);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
