#include "session/studiosession.h"

#include "environments/environmentmodel.h"
#include "invocations/invocationmodel.h"
#include "logs/logmodel.h"
#include "memory/memorymodel.h"
#include "metrics/metricsmodel.h"
#include "project/project.h"
#include "session/invocationselection.h"
#include "timeline/timelinemodel.h"

#include "engine/asyncqueue.h"
#include "engine/engine.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QPointer>

namespace fn {

StudioSession::StudioSession(QObject *parent)
    : QObject(parent)
    , m_workspace(new Workspace(this))
    , m_invocations(new InvocationModel(this))
    , m_environments(new EnvironmentModel(this))
    , m_logs(new LogModel(this))
    , m_memory(new MemoryModel(this))
    , m_timeline(new TimelineModel(this))
    , m_metrics(new MetricsModel(this))
    , m_selection(new InvocationSelection(*m_invocations, this))
{
    m_flushTimer.setInterval(50);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &StudioSession::flush);
    connect(m_workspace, &Workspace::message, this,
            [this](Workspace::Severity severity, const QString &text) { showMessage(Severity(int(severity)), text); });
    connect(m_workspace, &Workspace::eventsRecovered, this, [this](int count) {
        Q_EMIT eventsRecovered(count);
        showMessage(Severity::Info,
                    count == 1 ? tr("Recovered 1 accepted event") : tr("Recovered %1 accepted events").arg(count));
    });
    connect(m_workspace, &Workspace::queuesChanged, this, &StudioSession::queuesChanged);
    connect(m_workspace, &Workspace::projectChanged, this, &StudioSession::projectChanged);
    connect(m_workspace, &Workspace::problemsChanged, this, &StudioSession::problemsChanged);
    // Whoever broke the file (this studio's editor, another editor, git), the window says so: the
    // project stays as it was last read clean, and the problems are marked where they are.
    connect(m_workspace, &Workspace::problemsChanged, this, [this](const QList<Diagnostic> &problems) {
        if (!m_workspace->keepsLastGoodProject())
            return;
        for (const Diagnostic &d : problems)
            showMessage(Severity::Error, tr("%1 (the last good version stays loaded)").arg(d.toString()));
    });
    connect(m_workspace, &Workspace::eventFinished, this,
            [this](const QString &requestId) { m_acceptedRequests.remove(requestId); });
    connect(m_workspace, &Workspace::burstRecord, this, &StudioSession::adoptBurstRecord);
    connect(m_workspace, &Workspace::burstFinished, this, &StudioSession::finishBurst);
    connect(m_workspace, &Workspace::burstProgress, this, [this](int finished, int total) {
        if (isBusy())
            Q_EMIT burstProgress(finished, total);
    });
}

StudioSession::~StudioSession()
{
    // The engine's threads may still emit while the workspace shuts it down; nothing must reach the
    // models then.
    if (Engine *engine = m_workspace->engine())
        disconnect(engine, nullptr, this, nullptr);
    if (m_profiling) { // ending the environments ends the profiled start
        if (Engine *engine = m_workspace->engine())
            engine->stopAll();
    }
    m_profiler.waitForDone();
    delete m_workspace;
}

void StudioSession::startEngine()
{
    if (m_workspace->engine())
        return;
    m_workspace->startEngine();
    connectEngine();
}

void StudioSession::connectEngine()
{
    Engine *engine = m_workspace->engine();
    // Queued: the engine emits from its own threads.
    connect(engine, &Engine::invocationFinished, this, &StudioSession::adoptInvocation, Qt::QueuedConnection);
    connect(engine, &Engine::environmentChanged, this, &StudioSession::adoptEnvironment, Qt::QueuedConnection);
    connect(engine, &Engine::logLines, this, &StudioSession::adoptLogs, Qt::QueuedConnection);
    connect(engine, &Engine::memorySampled, this, &StudioSession::adoptMemory, Qt::QueuedConnection);
    connect(
        engine, &Engine::invocationStarted, this,
        [this](const QString &requestId, const QString &functionName, const QString &environmentId, bool coldStart) {
            // The signal carries no time; the moment it reaches the GUI is close enough to draw
            // "running" until the record's measured times replace it.
            m_timeline->markRunning(requestId, functionName, environmentId, coldStart,
                                    QDateTime::currentMSecsSinceEpoch());
        },
        Qt::QueuedConnection);
    // The studio-wide guard holds cold starts the machine cannot take now: say so, with the reason.
    connect(
        engine, &Engine::invocationQueued, this,
        [this](const QString &, const QString &functionName, const QString &reason) {
            showMessage(Severity::Info, tr("%1: waiting for capacity (%2)").arg(functionName, reason));
        },
        Qt::QueuedConnection);
}

bool StudioSession::hasEngine() const
{
    return m_workspace->engine() != nullptr;
}

Engine *StudioSession::engine() const
{
    return m_workspace->engine();
}

const Project &StudioSession::project() const
{
    return m_workspace->project();
}

bool StudioSession::openProject(const QString &folder)
{
    const bool clean = m_workspace->open(folder);
    if (m_workspace->keepsLastGoodProject())
        return false; // said when the workspace published the problems (see the constructor)
    // A broken template is adopted too when nothing better was read: the tree then still offers
    // template.yaml to fix and reload.
    for (const Diagnostic &d : project().errors())
        showMessage(Severity::Error, d.toString());
    for (const Diagnostic &d : project().warnings())
        showMessage(Severity::Warning, d.toString());
    if (clean && project().functions().isEmpty())
        showMessage(Severity::Warning,
                    tr("%1 declares no functions.").arg(project().displayPath(project().templatePath())));
    return clean;
}

bool StudioSession::hasProject() const
{
    return m_workspace->hasProject();
}

void StudioSession::fileSaved(const QString &path)
{
    m_workspace->fileSaved(path);
}

QList<FunctionConfig> StudioSession::functions() const
{
    return m_workspace->functions();
}

QStringList StudioSession::eventFiles(const QString &functionName) const
{
    return project().eventFiles(functionName);
}

void StudioSession::prepareAhead(const QString &functionName, const QString &qualifier)
{
    if (!hasEngine() || functionName.isEmpty())
        return;
    if (const std::optional<FunctionConfig> function = m_workspace->function(functionName, qualifier))
        engine()->prepareAhead(*function);
}

void StudioSession::invoke(const InvokeRequest &request)
{
    if (isBusy()) {
        showMessage(Severity::Warning, tr("Invocations are still running; cancel them first."));
        return;
    }
    QString notFound;
    const std::optional<FunctionConfig> function =
        m_workspace->function(request.functionName, request.qualifier, &notFound);
    if (!function) {
        showMessage(Severity::Error, request.functionName.isEmpty() ? tr("Open a project with a function to invoke.")
                                     : !project().function(request.functionName)
                                         ? tr("No function named %1 in the project.").arg(request.functionName)
                                         : notFound);
        return;
    }
    if (request.asynchronous && !function->isLatest()) {
        showMessage(Severity::Error, tr("%1:%2: Event invocations run $LATEST here; a qualified Event invocation "
                                        "is not modelled yet.")
                                         .arg(request.functionName, request.qualifier));
        return;
    }
    if (!hasEngine()) {
        showMessage(Severity::Error,
                    tr("The engine is not available in this build; %1 was not invoked.").arg(request.functionName));
        return;
    }
    if (request.asynchronous) {
        acceptEvents(request, *function);
        return;
    }
    BurstRequest burst;
    burst.function = *function;
    burst.payload = request.payload;
    burst.count = qMax(1, request.count);
    burst.concurrency = qBound(1, request.concurrency, burst.count);
    burst.forceColdFirst = request.forceCold;
    if (!m_workspace->startBurst(burst))
        return;
    m_burstTotal = burst.count;
    Q_EMIT busyChanged(true);
    Q_EMIT burstProgress(0, m_burstTotal);
}

void StudioSession::profileImports(const InvokeRequest &request)
{
    if (m_profiling || isBusy()) {
        showMessage(Severity::Warning, tr("Invocations are still running; profile when they are done."));
        return;
    }
    QString notFound;
    const std::optional<FunctionConfig> function =
        m_workspace->function(request.functionName, request.qualifier, &notFound);
    if (!function) {
        showMessage(Severity::Error,
                    request.functionName.isEmpty() ? tr("Open a project with a function to profile.") : notFound);
        return;
    }
    if (!hasEngine()) {
        showMessage(Severity::Error,
                    tr("The engine is not available in this build; %1 was not profiled.").arg(request.functionName));
        return;
    }
    m_profiling = true;
    Q_EMIT importProfileStarted(function->name);
    // The engine blocks for the whole cold start: a pool thread waits for it, the GUI thread gets
    // the result (unless the session is gone by then).
    QPointer<StudioSession> self(this);
    Engine *engine = this->engine();
    m_profiler.start([self, engine, f = *function, payload = request.payload] {
        const ImportProfileRun run = engine->profileImports(f, payload);
        const QList<PackageSize> sizes = PackageSize::of(f);
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self, run, sizes] {
            if (!self)
                return;
            self->m_profiling = false;
            Q_EMIT self->importProfileArrived(run, sizes);
        });
    });
}

void StudioSession::acceptEvents(const InvokeRequest &request, const FunctionConfig &function)
{
    AsyncQueue *queue = m_workspace->queue();
    if (!queue) {
        showMessage(Severity::Error,
                    tr("%1 was not invoked: Event invocations need the project's store, which is not open.")
                        .arg(function.name));
        return;
    }
    // Accepting is a durable write and returns at once (202); the queue delivers at its own pace, so
    // a burst is simply that many events and the concurrency is the queue's business.
    const int count = qMax(1, request.count);
    int accepted = 0;
    for (int i = 0; i < count; ++i) {
        const AsyncQueue::Accepted a = queue->accept(function, request.payload);
        if (!a.ok()) {
            showMessage(Severity::Error, tr("%1: %2: %3").arg(function.name, a.errorType, a.errorMessage));
            break;
        }
        ++accepted;
        m_acceptedRequests.insert(a.requestId);
        Q_EMIT asyncAccepted(function.name, a.requestId);
    }
    if (accepted > 1)
        showMessage(Severity::Info, tr("%1 Event invocations of %2 accepted.").arg(accepted).arg(function.name));
}

void StudioSession::adoptBurstRecord(const InvocationRecord &record)
{
    if (!isBusy())
        return;
    // A single invocation is shown at once; a burst's records wait for the flush timer (and the
    // burst's end), so a thousand results cost a few model updates, not a thousand.
    if (m_burstTotal == 1)
        flush();
    if (record.outcome == InvocationOutcome::Rejected || record.outcome == InvocationOutcome::InitError) {
        // A missing runtime or a handler that cannot load is a setup problem, not a result.
        showMessage(Severity::Error, tr("%1: %2: %3").arg(record.functionName, record.errorType, record.errorMessage));
    }
    Q_EMIT resultArrived(record);
}

void StudioSession::finishBurst(const BurstSummary &summary)
{
    if (!isBusy())
        return;
    Q_EMIT burstProgress(summary.finished(), m_burstTotal);
    if (summary.cancelled)
        showMessage(Severity::Info,
                    tr("Cancelled after %1 of %2 invocations.").arg(summary.finished()).arg(m_burstTotal));
    m_burstTotal = 0;
    flush();
    Q_EMIT busyChanged(false);
}

void StudioSession::cancelBurst()
{
    if (!isBusy())
        return;
    // Invocations already running finish (Lambda cannot recall them either); no new ones start.
    m_workspace->cancelBurst();
}

void StudioSession::stopEnvironment(const QString &environmentId)
{
    if (Engine *engine = m_workspace->engine())
        engine->stopEnvironment(environmentId);
}

QStringList StudioSession::liveEnvironmentIds() const
{
    QStringList ids;
    for (int row = 0; row < m_environments->rowCount(); ++row) {
        if (m_environments->state(row).phase != EnvironmentPhase::Stopped)
            ids.append(m_environments->state(row).environmentId);
    }
    return ids;
}

void StudioSession::showMessage(Severity severity, const QString &text)
{
    Q_EMIT message(severity, text);
}

void StudioSession::adoptInvocation(const InvocationRecord &record)
{
    m_pendingRecords.append(record);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
    if (record.asynchronous && m_acceptedRequests.contains(record.requestId)) {
        flush();
        Q_EMIT resultArrived(record);
    }
}

void StudioSession::adoptEnvironment(const EnvironmentState &state)
{
    m_pendingEnvironments.append(state);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void StudioSession::adoptLogs(const LogBatch &batch)
{
    m_pendingLogs.append(batch);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void StudioSession::adoptMemory(const MemorySample &sample)
{
    m_pendingMemory.append(sample);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void StudioSession::flush()
{
    m_flushTimer.stop();
    if (!m_pendingEnvironments.isEmpty()) {
        const QList<EnvironmentState> states = std::exchange(m_pendingEnvironments, {});
        m_environments->append(states);
        m_timeline->applyEnvironments(states);
        m_metrics->updateEnvironments(states);
        m_memory->applyEnvironments(states);
    }
    if (!m_pendingRecords.isEmpty()) {
        const QList<InvocationRecord> records = std::exchange(m_pendingRecords, {});
        m_invocations->append(records);
        m_timeline->append(records);
        m_metrics->append(records);
        // The engine samples busy environments every 50 ms, so a 2 ms invocation may leave no sample
        // at all; its measured peak (Max Memory Used) at its end keeps every invocation on the chart.
        for (const InvocationRecord &r : records) {
            if (r.environmentId.isEmpty() || r.maxMemoryUsedMb <= 0)
                continue;
            MemorySample peak;
            peak.environmentId = r.environmentId;
            peak.timestampMs = r.startedAtMs + qint64(r.initDurationMs + r.durationMs + 0.5);
            peak.bytes = qint64(r.maxMemoryUsedMb) << 20;
            peak.limitBytes = qint64(r.memorySizeMb) << 20;
            peak.outOfMemory = r.outcome == InvocationOutcome::OutOfMemory;
            m_pendingMemory.append(peak);
        }
    }
    if (!m_pendingLogs.isEmpty())
        m_logs->append(std::exchange(m_pendingLogs, {}));
    if (!m_pendingMemory.isEmpty()) {
        const QList<MemorySample> samples = std::exchange(m_pendingMemory, {});
        m_memory->append(samples);
        m_environments->applyMemory(samples);
    }
    Q_EMIT flushed();
}

} // namespace fn
