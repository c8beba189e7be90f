#include "session/studiotriggers.h"

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "project/project.h"
#include "project/projectsettings.h"
#include "session/asyncdelivery.h"
#include "session/studiosession.h"
#include "triggers/scheduler.h"
#include "workspace/triggerhost.h"

namespace fn {

StudioTriggers &StudioTriggers::of(StudioSession &session)
{
    if (auto *existing = session.findChild<StudioTriggers *>(QString(), Qt::FindDirectChildrenOnly))
        return *existing;
    return *new StudioTriggers(session);
}

StudioTriggers::StudioTriggers(StudioSession &session)
    : QObject(&session)
    , m_session(session)
{
    // Before the session closes the old project's queue (it does right after projectChanged), the
    // host made on that queue goes; the new one is made once the new queue is open.
    connect(&session, &StudioSession::projectChanged, this, [this] {
        if (m_host && m_host->projectDir() != m_session.project().folder())
            dropHost(tr("another project was opened"));
    });
    connect(&session, &StudioSession::projectChanged, this, &StudioTriggers::refresh, Qt::QueuedConnection);
    // The queue also opens when the engine starts after the project was opened.
    connect(&session, &StudioSession::queuesChanged, this, [this] {
        const AsyncDelivery *delivery = m_session.asyncDelivery();
        if ((delivery ? delivery->queue() : nullptr) != m_queue)
            refresh();
    });
    refresh();
}

StudioTriggers::~StudioTriggers()
{
    m_host.reset();
}

void StudioTriggers::refresh()
{
    AsyncDelivery *delivery = m_session.asyncDelivery();
    AsyncQueue *queue = delivery ? delivery->queue() : nullptr;
    if (!queue || !delivery->store() || !m_session.engine() || !m_session.hasProject()) {
        if (m_host)
            dropHost(tr("the project's store is closed"));
        m_queue = nullptr;
        return;
    }
    const QString folder = m_session.project().folder();
    QStringList warnings;
    if (m_host && queue == m_queue && m_host->projectDir() == folder) {
        warnings = m_host->setFunctions(m_session.functions()); // a reload: schedules keep their state
    } else {
        if (m_host)
            dropHost(tr("the project's store was reopened"));
        m_host = std::make_unique<TriggerHost>(*m_session.engine(), *queue, *delivery->store(), folder);
        m_queue = queue;
        connect(m_host.get(), &TriggerHost::scheduleChanged, this, &StudioTriggers::scheduleChanged);
        connect(m_host.get(), &TriggerHost::servingChanged, this, &StudioTriggers::servingChanged);
        m_host->setLegacyAsyncPayloadLimit(m_session.project().settings().legacyAsyncPayloadLimit);
        // From the file, not the project: the Buckets panel may have remapped since it was opened.
        m_host->setBucketFolders(ProjectSettings::load(folder, nullptr).bucketFolders);
        // In this order (the operands of + are not sequenced): the triggers start on the functions.
        warnings = m_host->setFunctions(m_session.functions());
        warnings += m_host->startTriggers();
    }
    // Said once, not again at every reload.
    for (const QString &w : std::as_const(warnings)) {
        if (!m_shownWarnings.contains(w))
            m_session.showMessage(StudioSession::Severity::Warning, w);
    }
    m_shownWarnings = warnings;
    Q_EMIT hostChanged();
}

void StudioTriggers::reloadBucketFolders()
{
    if (!m_host)
        return;
    const bool serving = m_host->isServing();
    const int invokePort = m_host->invokeApiPort(), apiPort = m_host->apiGatewayPort(), s3Port = m_host->s3EndpointPort();
    m_host->stop();
    m_host->setBucketFolders(ProjectSettings::load(m_host->projectDir(), nullptr).bucketFolders);
    QStringList warnings = m_host->startTriggers();
    QString problem;
    if (serving) {
        m_host->setS3EndpointPort(s3Port);
        if (!m_host->startServing(m_servingHost, invokePort, apiPort, &problem)) {
            problem = tr("Stopped serving: the S3 endpoint could not restart on the new bucket folders: %1").arg(problem);
            m_session.showMessage(StudioSession::Severity::Error, problem);
            Q_EMIT serveFailed(problem);
        }
    }
    for (const QString &w : std::as_const(warnings))
        m_session.showMessage(StudioSession::Severity::Warning, w);
    Q_EMIT hostChanged();
}

void StudioTriggers::dropHost(const QString &why)
{
    const bool wasServing = isServing();
    m_host.reset();
    m_queue = nullptr;
    m_shownWarnings.clear();
    if (wasServing) {
        m_session.showMessage(StudioSession::Severity::Info, tr("Stopped serving: %1.").arg(why));
        Q_EMIT servingChanged(false);
    }
    Q_EMIT hostChanged();
}

QList<ScheduleState> StudioTriggers::schedules() const
{
    return m_host ? m_host->schedules() : QList<ScheduleState>();
}

bool StudioTriggers::setScheduleEnabled(const QString &id, bool enabled)
{
    return m_host && m_host->scheduler().setEnabled(id, enabled);
}

bool StudioTriggers::fireNow(const QString &id)
{
    return m_host && m_host->scheduler().fireNow(id);
}

std::shared_ptr<Clock> StudioTriggers::clock() const
{
    return m_session.engine() ? m_session.engine()->clock() : nullptr;
}

bool StudioTriggers::startServing(int invokePort, int apiPort, int s3Port, const QString &host)
{
    if (isServing())
        return true;
    QString problem;
    if (!m_host || m_session.functions().isEmpty()) {
        problem = m_session.engine() ? tr("Nothing to serve: open a project with a function first.")
                                     : tr("Nothing to serve: the engine is not available in this build.");
    } else {
        m_host->setS3EndpointPort(s3Port);
        m_servingHost = host;
        if (!m_host->startServing(host, invokePort, apiPort, &problem))
            problem = tr("Cannot serve: %1").arg(problem);
    }
    if (!problem.isEmpty()) {
        m_session.showMessage(StudioSession::Severity::Error, problem);
        Q_EMIT serveFailed(problem);
        return false;
    }
    QString text = tr("Serving the Lambda Invoke API at %1").arg(m_host->invokeApiUrl());
    text += m_host->servesApiGateway() ? tr(", the API Gateway at %1").arg(m_host->apiGatewayUrl())
                                       : tr(" (the template has no Api or HttpApi events)");
    if (!m_host->s3EndpointUrl().isEmpty())
        text += tr(", the S3 endpoint at %1").arg(m_host->s3EndpointUrl());
    m_session.showMessage(StudioSession::Severity::Info, text);
    return true;
}

void StudioTriggers::stopServing()
{
    if (m_host)
        m_host->stopServing();
}

bool StudioTriggers::isServing() const
{
    return m_host && m_host->isServing();
}

QString StudioTriggers::invokeApiUrl() const
{
    return m_host ? m_host->invokeApiUrl() : QString();
}

QString StudioTriggers::apiGatewayUrl() const
{
    return m_host ? m_host->apiGatewayUrl() : QString();
}

QString StudioTriggers::s3EndpointUrl() const
{
    return m_host ? m_host->s3EndpointUrl() : QString();
}

} // namespace fn
