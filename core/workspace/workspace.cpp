#include "workspace/workspace.h"

#include "clock/clock.h"
#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "engine/executionenvironment.h"
#include "store/store.h"
#include "triggers/scheduler.h"
#include "workspace/historyrecorder.h"
#include "workspace/projectsettingsapply.h"
#include "workspace/projectwatcher.h"
#include "workspace/snapshotpublisher.h"
#include "workspace/triggerhost.h"

#include <QDir>
#include <QFileInfo>

namespace fn {

namespace {

bool isUnder(const QString &path, const QString &dir)
{
    return !dir.isEmpty() && (path == dir || path.startsWith(QDir(dir).absolutePath() + u'/'));
}

} // namespace

Workspace::Workspace(QObject *parent)
    : QObject(parent)
    , m_publisher(std::make_unique<SnapshotPublisher>())
    , m_watcher(std::make_unique<ProjectWatcher>())
{
    qRegisterMetaType<QList<fn::Diagnostic>>();
    m_provisioning.setMaxThreadCount(1);
    m_queuesChanged.setInterval(100);
    m_queuesChanged.setSingleShot(true);
    connect(&m_queuesChanged, &QTimer::timeout, this, &Workspace::queuesChanged);
    connect(this, &Workspace::triggersChanged, this, &Workspace::updatePublisher);
    connect(m_watcher.get(), &ProjectWatcher::codeChanged, this, [this](const QStringList &names) {
        publishVersions(names);
        retire(names, QStringLiteral("code changed"));
    });
    connect(m_watcher.get(), &ProjectWatcher::projectFilesChanged, this, [this] {
        if (hasProject())
            reload();
    });
}

Workspace::~Workspace()
{
    if (m_burst) {
        m_burst->cancel();
        m_burst->wait();
    }
    m_watcher->clear();
    closeDurable();
    m_provisioning.waitForDone();
    if (m_engine) {
        // Its threads may still emit while it shuts down; nothing must reach us then.
        disconnect(m_engine.get(), nullptr, this, nullptr);
        m_engine->stopAll();
    }
    m_engine.reset();
}

void Workspace::startEngine(const RuntimeRegistry *registry, SandboxBackend *backend)
{
    if (m_engine)
        return;
    m_engine = std::make_unique<Engine>(registry, backend);
    if (hasProject()) {
        openDurable();
        if (m_options.provision)
            provision(m_project.functions());
    }
}

std::shared_ptr<Clock> Workspace::clock() const
{
    return m_engine ? m_engine->clock() : nullptr;
}

bool Workspace::open(const QString &folder)
{
    const QString dir = QFileInfo(folder).absoluteFilePath();
    const bool sameFolder = hasProject() && dir == m_project.folder();
    if (!sameFolder)
        close();

    Project read;
    read.open(dir);
    if (!m_envVarsFile.isEmpty())
        read.applyEnvVarsFile(QFileInfo(m_envVarsFile).absoluteFilePath());
    const bool clean = read.errors().isEmpty();
    m_problems = read.errors();

    // A broken save must not take the project away: keep the last good read until it is mended.
    // (A project that has never read clean is adopted as it is, so its template can be fixed.)
    if (!clean && sameFolder && m_lastReadClean) {
        m_keptLastGood = true;
        Q_EMIT problemsChanged(m_problems);
        return false;
    }
    const QList<FunctionConfig> before = sameFolder ? m_project.functions() : QList<FunctionConfig>();
    m_project = std::move(read);
    m_keptLastGood = false;
    m_lastReadClean = clean;
    if (!sameFolder) {
        m_versions = FunctionVersions(dir + QStringLiteral("/.fnstudio"));
        if (QString why; !m_versions.load(&why))
            say(Severity::Warning, tr("Published versions are not read, numbering starts again: %1").arg(why));
    }
    const QStringList aliasMoved = clean ? publishVersions() : QStringList();

    if (sameFolder && m_engine) {
        // Lambda ends a function's environments when its configuration changes (or it is deleted).
        QStringList changed, removed;
        for (const FunctionConfig &old : before) {
            const std::optional<FunctionConfig> now = m_project.function(old.name);
            if (!now)
                removed << old.name;
            else if (ExecutionEnvironment::makeFingerprint(*now) != ExecutionEnvironment::makeFingerprint(old)
                     || aliasMoved.contains(old.name))
                changed << old.name;
        }
        retire(changed, QStringLiteral("configuration changed"));
        retire(removed, QStringLiteral("function removed"));
    }
    if (m_options.watch)
        m_watcher->watch(dir, m_project.functions());
    openDurable();
    if (m_engine && m_options.provision)
        provision(m_project.functions());
    Q_EMIT projectChanged();
    Q_EMIT problemsChanged(m_problems);
    return clean;
}

bool Workspace::reload()
{
    return hasProject() && open(m_project.folder());
}

void Workspace::close()
{
    if (!hasProject())
        return;
    if (m_burst) {
        m_burst->cancel();
        m_burst->wait();
    }
    m_watcher->clear();
    dropTriggers(tr("the project was closed"));
    closeDurable();
    m_provisioning.waitForDone();
    if (m_engine)
        m_engine->stopAll();
    m_project = Project();
    m_versions = FunctionVersions();
    m_settingsInForce.reset();
    m_problems.clear();
    m_keptLastGood = false;
    m_lastReadClean = false;
}

void Workspace::openDurable()
{
    if (!m_engine || !hasProject())
        return;
    if (!m_options.durable) {
        applySettings();
        return;
    }
    const QString path = Store::defaultPath(m_project.folder());
    if (m_queue && path == m_storePath) {
        m_queue->setFunctions(m_project.functions());
        applySettings();
        refreshTriggers(true);
        return;
    }
    closeDurable();
    auto store = std::make_unique<Store>();
    m_storeProblem.clear();
    if (!store->open(path, &m_storeProblem)) {
        say(Severity::Error, tr("Event invocations are unavailable: %1").arg(m_storeProblem));
        applySettings();
        return;
    }
    m_storePath = path;
    m_store = std::move(store);
    m_history = std::make_unique<HistoryRecorder>(*m_engine, *m_store);
    m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
    m_queue->setFunctions(m_project.functions());
    applySettings();
    // The queue emits from its delivery threads; these reach this thread queued.
    auto changed = [this] {
        if (!m_queuesChanged.isActive())
            m_queuesChanged.start();
    };
    connect(m_queue.get(), &AsyncQueue::queueChanged, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventAccepted, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventScheduled, this, changed);
    connect(m_queue.get(), &AsyncQueue::eventFinished, this,
            [this, changed](const QString &requestId, const QString &, const QString &condition, int) {
                changed();
                Q_EMIT eventFinished(requestId, condition);
            });
    m_delivering = false;
    if (m_options.deliver)
        startDelivery();
    Q_EMIT queuesChanged();
    updatePublisher();
    refreshTriggers(false);
}

int Workspace::startDelivery()
{
    if (!m_queue || m_delivering)
        return 0;
    m_delivering = true;
    const int recovered = m_queue->start();
    if (recovered > 0)
        Q_EMIT eventsRecovered(recovered);
    return recovered;
}

void Workspace::closeDurable()
{
    dropTriggers(tr("the project's store is closed"));
    m_publisher->setSources({}); // no read of the queue or the store from here on
    if (m_queue) {
        disconnect(m_queue.get(), nullptr, this, nullptr);
        m_queue->stop();
    }
    m_queue.reset();
    m_delivering = false;
    m_history.reset();
    m_store.reset();
    m_storePath.clear();
}

void Workspace::applySettings()
{
    if (!m_engine)
        return;
    applyProjectSettings(m_project.settings(), *m_engine, m_queue.get(),
                         m_settingsInForce ? &*m_settingsInForce : nullptr);
    m_settingsInForce = m_project.settings();
    if (m_forceLegacyLimit && m_queue)
        m_queue->setLegacyPayloadLimit(true);
    if (m_triggers) {
        m_triggers->setLegacyAsyncPayloadLimit(m_forceLegacyLimit || m_project.settings().legacyAsyncPayloadLimit);
        m_triggers->setPermissionsMode(m_project.settings().permissions);
        m_triggers->setAccessSettings(m_project.settings().requireSigning, m_project.settings().account);
    }
}

void Workspace::refreshTriggers(bool reload)
{
    if (!m_options.triggers || !m_queue || !m_store)
        return;
    QStringList warnings;
    if (reload && m_triggers) {
        warnings = m_triggers->setFunctions(m_project.functions()); // schedules keep their state
        m_triggers->setVersions(m_versions.all());
        m_triggers->setLegacyAsyncPayloadLimit(m_forceLegacyLimit || m_project.settings().legacyAsyncPayloadLimit);
    } else {
        dropTriggers(tr("the project's store was reopened"));
        m_triggers = std::make_unique<TriggerHost>(*m_engine, *m_queue, *m_store, m_project.folder());
        connect(m_triggers.get(), &TriggerHost::scheduleChanged, this, &Workspace::scheduleChanged);
        connect(m_triggers.get(), &TriggerHost::servingChanged, this, &Workspace::servingChanged);
        m_triggers->setLegacyAsyncPayloadLimit(m_forceLegacyLimit || m_project.settings().legacyAsyncPayloadLimit);
        m_triggers->setPermissionsMode(m_project.settings().permissions);
        m_triggers->setAccessSettings(m_project.settings().requireSigning, m_project.settings().account);
        connect(m_triggers.get(), &TriggerHost::accessDenied, this, &Workspace::accessDenied);
        // From the file, not the project: the Buckets panel may have remapped since it was read.
        m_triggers->setBucketFolders(ProjectSettings::load(m_project.folder(), nullptr).bucketFolders);
        // In this order (the operands of + are not sequenced): the triggers start on the functions.
        warnings = m_triggers->setFunctions(m_project.functions());
        m_triggers->setVersions(m_versions.all());
        warnings += m_triggers->startTriggers();
    }
    // Said once, not again at every reload.
    for (const QString &w : std::as_const(warnings))
        if (!m_shownWarnings.contains(w))
            say(Severity::Warning, w);
    m_shownWarnings = warnings;
    Q_EMIT triggersChanged();
}

void Workspace::dropTriggers(const QString &why)
{
    if (!m_triggers)
        return;
    const bool wasServing = m_triggers->isServing();
    m_triggers.reset();
    m_shownWarnings.clear();
    if (wasServing) {
        say(Severity::Info, tr("Stopped serving: %1.").arg(why));
        Q_EMIT servingChanged(false);
    }
    Q_EMIT triggersChanged();
}

void Workspace::updatePublisher()
{
    m_publisher->setSources({m_store.get(), m_queue.get(), m_triggers.get(), clock()});
}

bool Workspace::startServing(const QString &host, int invokePort, int apiPort, int s3Port, QString *problem)
{
    if (isServing())
        return true;
    QString why;
    if (!m_triggers || m_project.functions().isEmpty()) {
        why = m_engine ? tr("Nothing to serve: open a project with a function first.")
                       : tr("Nothing to serve: the engine is not available in this build.");
    } else {
        m_triggers->setS3EndpointPort(s3Port);
        m_servingHost = host;
        if (!m_triggers->startServing(host, invokePort, apiPort, &why))
            why = tr("Cannot serve: %1").arg(why);
    }
    if (!why.isEmpty()) {
        if (problem)
            *problem = why;
        Q_EMIT serveFailed(why);
        return false;
    }
    return true;
}

void Workspace::stopServing()
{
    if (m_triggers)
        m_triggers->stopServing();
}

bool Workspace::isServing() const
{
    return m_triggers && m_triggers->isServing();
}

void Workspace::reloadBucketFolders()
{
    if (!m_triggers)
        return;
    const bool serving = m_triggers->isServing();
    const int invokePort = m_triggers->invokeApiPort(), apiPort = m_triggers->apiGatewayPort(),
              s3Port = m_triggers->s3EndpointPort();
    m_triggers->stop();
    m_triggers->setBucketFolders(ProjectSettings::load(m_project.folder(), nullptr).bucketFolders);
    const QStringList warnings = m_triggers->startTriggers();
    if (serving) {
        QString problem;
        m_triggers->setS3EndpointPort(s3Port);
        if (!m_triggers->startServing(m_servingHost, invokePort, apiPort, &problem)) {
            problem =
                tr("Stopped serving: the S3 endpoint could not restart on the new bucket folders: %1").arg(problem);
            say(Severity::Error, problem);
            Q_EMIT serveFailed(problem);
        }
    }
    for (const QString &w : warnings)
        say(Severity::Warning, w);
    Q_EMIT triggersChanged();
}

QList<ScheduleState> Workspace::schedules() const
{
    return m_triggers ? m_triggers->schedules() : QList<ScheduleState>();
}

bool Workspace::setScheduleEnabled(const QString &id, bool enabled)
{
    return m_triggers && m_triggers->scheduler().setEnabled(id, enabled);
}

bool Workspace::fireNow(const QString &id)
{
    return m_triggers && m_triggers->scheduler().fireNow(id);
}

Burst *Workspace::startBurst(const BurstRequest &request)
{
    if (!m_engine) {
        say(Severity::Error,
            tr("The engine is not available in this build; %1 was not invoked.").arg(request.function.name));
        return nullptr;
    }
    if (isBursting()) {
        say(Severity::Warning, tr("Invocations are still running; cancel them first."));
        return nullptr;
    }
    m_burst = std::make_unique<Burst>(*m_engine, request);
    // From the burst's threads to this one, in order.
    connect(m_burst.get(), &Burst::recordFinished, this, &Workspace::burstRecord);
    connect(m_burst.get(), &Burst::progress, this, &Workspace::burstProgress);
    connect(m_burst.get(), &Burst::finished, this, &Workspace::burstFinished);
    m_burst->start();
    return m_burst.get();
}

void Workspace::cancelBurst()
{
    if (m_burst)
        m_burst->cancel();
}

void Workspace::fileSaved(const QString &path)
{
    if (!hasProject() || !m_options.watch)
        return;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    bool relevant = absolute == m_project.templatePath() || isUnder(absolute, m_project.folder());
    for (const FunctionConfig &f : m_project.functions()) {
        relevant = relevant || isUnder(absolute, f.codeDir);
        for (const QString &layer : f.layerDirs)
            relevant = relevant || isUnder(absolute, layer);
    }
    if (relevant)
        m_watcher->checkNow();
}

void Workspace::retire(const QStringList &functionNames, const QString &reason)
{
    if (!m_engine || functionNames.isEmpty())
        return;
    QList<FunctionConfig> again;
    for (const QString &name : functionNames) {
        m_engine->retireFunction(name, reason);
        Q_EMIT environmentsRetired(name, reason);
        if (const auto f = m_project.function(name); f && f->provisionedConcurrency.value_or(0) > 0)
            again << *f;
    }
    if (reason == QLatin1String("code changed"))
        say(Severity::Info, tr("%1: code changed; the next invocation starts a new environment on it.")
                                .arg(functionNames.join(QStringLiteral(", "))));
    if (m_options.provision)
        provision(again);
}

void Workspace::provision(const QList<FunctionConfig> &functions)
{
    if (!m_engine)
        return;
    for (const FunctionConfig &latest : functions) {
        if (latest.provisionedConcurrency.value_or(0) <= 0 || latest.autoPublishAlias.isEmpty())
            continue;
        // On the alias's version, as on AWS: $LATEST stays on-demand.
        QString why;
        const std::optional<FunctionConfig> f = function(latest.name, latest.autoPublishAlias, &why);
        if (!f) {
            say(Severity::Warning, tr("%1: no provisioned concurrency: %2").arg(latest.name, why));
            continue;
        }
        Engine *engine = m_engine.get();
        m_provisioning.start([engine, f = *f] { engine->provision(f); });
    }
}

std::optional<FunctionConfig> Workspace::function(const QString &name, const QString &qualifier, QString *why) const
{
    const std::optional<FunctionConfig> latest = m_project.function(name);
    if (!latest) {
        FunctionConfig asked;
        asked.name = name;
        asked.qualifier = qualifier;
        if (why)
            *why = QStringLiteral("Function not found: ") + asked.invokedArn();
        return std::nullopt;
    }
    return m_versions.of(name).resolve(*latest, qualifier, why);
}

QStringList Workspace::publishVersions(const QStringList &names)
{
    QStringList moved;
    for (const FunctionConfig &f : m_project.functions()) {
        if (f.autoPublishAlias.isEmpty() || (!names.isEmpty() && !names.contains(f.name)))
            continue;
        QString error;
        if (m_versions.publish(f, &error)) {
            moved << f.name;
            const VersionCatalogue c = m_versions.of(f.name);
            say(Severity::Info, tr("%1: published version %2; alias %3 points at it.")
                                    .arg(f.name, c.alias(f.autoPublishAlias)->version, f.autoPublishAlias));
        } else if (!error.isEmpty()) {
            say(Severity::Warning, tr("%1: version not published: %2").arg(f.name, error));
        }
    }
    if (!moved.isEmpty() && m_triggers)
        m_triggers->setVersions(m_versions.all());
    return moved;
}

void Workspace::waitForProvisioning()
{
    m_provisioning.waitForDone();
}

} // namespace fn
