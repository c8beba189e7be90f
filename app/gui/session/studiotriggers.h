#pragma once
// The open project's triggers in the studio: a TriggerHost whose schedules, SQS mappings and S3
// buckets run while the project is open, and the Serve toggle for the Invoke API and API Gateway.

#include "snapshots/schedulestate.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace fn {

class AsyncQueue;
class Clock;
class StudioSession;
class TriggerHost;

class StudioTriggers final : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultInvokePort = 3001;
    static constexpr int DefaultApiPort = 3000;
    static constexpr int DefaultS3Port = 3002;

    // The session's one instance, created as its child on first use, so panels and the window share it.
    static StudioTriggers &of(StudioSession &session);

    explicit StudioTriggers(StudioSession &session);
    ~StudioTriggers() override;

    // nullptr while no project with an open store (and an engine) is there.
    TriggerHost *host() const { return m_host.get(); }
    QList<ScheduleState> schedules() const;
    bool setScheduleEnabled(const QString &id, bool enabled);
    bool fireNow(const QString &id);
    // The engine's shared clock (nullptr without an engine): schedules, retries and keep-warm read it.
    std::shared_ptr<Clock> clock() const;

    // Serves the Invoke API, the API Gateway and the S3 endpoint on 127.0.0.1 (port 0: a free one).
    // A failure (a port in use, no project) is said in the window and returned false; nothing is
    // left listening then.
    bool startServing(int invokePort = DefaultInvokePort, int apiPort = DefaultApiPort, int s3Port = DefaultS3Port,
                      const QString &host = QStringLiteral("127.0.0.1"));
    void stopServing();
    bool isServing() const;
    QString invokeApiUrl() const;
    QString apiGatewayUrl() const; // empty when the template has no Api or HttpApi events
    QString s3EndpointUrl() const;

    // Re-reads the project into the host (after the session opened or reloaded one).
    void refresh();
    // The bucket folders in .fnstudio/settings.json changed: the triggers (and the S3 endpoint when
    // serving, on the same ports) restart on the folders now mapped; problems are said in the window.
    void reloadBucketFolders();

Q_SIGNALS:
    // The host was made, re-read or dropped: re-read the schedules.
    void hostChanged();
    void scheduleChanged(const fn::ScheduleState &state);
    void servingChanged(bool serving);
    void serveFailed(const QString &problem);

private:
    void dropHost(const QString &why);

    StudioSession &m_session;
    std::unique_ptr<TriggerHost> m_host;
    AsyncQueue *m_queue = nullptr; // the queue m_host was made on
    QStringList m_shownWarnings;
    QString m_servingHost = QStringLiteral("127.0.0.1"); // of the last startServing()
};

} // namespace fn
