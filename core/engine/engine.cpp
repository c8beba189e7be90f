#include "engine/engine.h"

#include "clock/clock.h"
#include "engine/admission.h"
#include "engine/environmentpool.h"
#include "engine/executionenvironment.h"
#include "engine/housekeeper.h"
#include "engine/invocationresult.h"
#include "engine/platformlog.h"
#include "engine/sparesandboxes.h"
#include "metrics/importprofile.h"
#include "project/environmentvariables.h"
#include "runtime/runtimeregistry.h"
#include "sandbox/resourcegroup.h"
#include "sandbox/scratchdisk.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QThread>
#include <QThreadPool>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <malloc.h>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

namespace fn {

namespace {

using EnvPtr = std::shared_ptr<ExecutionEnvironment>;
using SteadyClock = std::chrono::steady_clock;

constexpr qint64 MaxSyncPayload = 6291456;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

double msSince(SteadyClock::time_point since)
{
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - since).count();
}

QByteArray traceId()
{
    auto *rng = QRandomGenerator::global();
    return QByteArrayLiteral("Root=1-") + QByteArray::number(quint32(nowMs() / 1000), 16) + '-'
           + QByteArray::number(rng->generate64(), 16).rightJustified(16, '0')
           + QByteArray::number(rng->generate(), 16).rightJustified(8, '0') + QByteArrayLiteral(";Parent=")
           + QByteArray::number(rng->generate64(), 16).rightJustified(16, '0') + QByteArrayLiteral(";Sampled=0");
}

QString runtimeVersionArn(const RuntimeDescriptor &rt, const AwsAccount &account)
{
    const QByteArray digest =
        QCryptographicHash::hash((rt.id + rt.interpreterVersion).toUtf8(), QCryptographicHash::Sha256).toHex();
    return QStringLiteral("arn:%1:lambda:%2::runtime:").arg(account.partition(), account.region)
           + QString::fromLatin1(digest);
}

const QString ProvisionedType = QStringLiteral("provisioned-concurrency");
const QString OnDemandType = QStringLiteral("on-demand");

// The engine's pool holds only the ExecutionEnvironments the engine started.
EnvPtr executionEnvironment(EnvironmentPool::EnvPtr env)
{
    return std::static_pointer_cast<ExecutionEnvironment>(std::move(env));
}

// Lambda's checks of the environment variables, for configurations that did not come through the
// project reader; empty when they pass.
QString environmentProblem(const FunctionConfig &f)
{
    for (const auto &[name, value] : f.environment) {
        const QString problem = EnvironmentVariables::nameProblem(name);
        if (!problem.isEmpty())
            return QStringLiteral("Environment variable '%1' %2").arg(name, problem);
    }
    if (const qsizetype size = EnvironmentVariables::totalBytes(f.environment);
        size > EnvironmentVariables::MaxTotalBytes)
        return QStringLiteral("Lambda was unable to configure your environment variables because the environment "
                              "variables you have provided exceeded the 4KB limit (%1 bytes measured).")
            .arg(size);
    return {};
}

} // namespace

struct Engine::Private
{
    explicit Private(Engine *engine);

    Engine *q;
    std::unique_ptr<RuntimeRegistry> ownRegistry;
    std::unique_ptr<SandboxBackend> ownBackend;
    const RuntimeRegistry *registry = nullptr;
    SandboxBackend *backend = nullptr;
    NetworkPool networks; // outlives the environments: a starting one may be taking a spare
    std::atomic<quint64> sequence{0};
    std::atomic<int> initTimeoutMs{10000};

    Admission admission;
    EnvironmentPool environments;
    Housekeeper housekeeper; // stopped before the pool it looks after goes

    mutable std::mutex serviceMutex; // the variables and their generation change together
    QList<QPair<QString, QString>> serviceEnvironment;
    CredentialSource credentialSource;
    // Idle environments started with an older generation are not reused; read without the lock
    // on the warm path.
    std::atomic<quint64> serviceGeneration{0};

    QThreadPool workers; // invokeAsync
    // Last, so ended first: its thread makes environments with the members above.
    SpareSandboxes spares;

    EnvironmentPool::WarmKey warmKey(const FunctionConfig &f) const;
    EnvPtr newEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime, const QString &initType,
                          bool profileImports = false);
    EnvPtr makeEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime, const QString &initType,
                           bool profileImports = false);
    void makeSpare(const FunctionConfig &f, const EnvironmentPool::WarmKey &key, const RuntimeDescriptor &runtime);
    void fatal(const EnvPtr &env, const QString &reason);
    void logInitStart(ExecutionEnvironment &env, const RuntimeDescriptor &runtime);

    // The steps of an invocation, in order.
    InvocationRecord run(const FunctionConfig &f, const QByteArray &payload, const InvokeOptions &options, quint64 seq,
                         QByteArrayList *profileLines = nullptr);
    // profileLines: profile the imports of a cold start's init (see Engine::profileImports).
    InvocationRecord execute(const FunctionConfig &f, const QByteArray &payload, const InvokeOptions &options,
                             quint64 seq, SteadyClock::time_point arrived, QByteArrayList *profileLines = nullptr);
    InvocationRecord newRecord(const FunctionConfig &f, const InvokeOptions &options, quint64 seq) const;
    void startedWarm(const EnvPtr &env, InvocationRecord &rec);
    // A new environment, initialized; null when the invocation was rejected or init failed (`rec` says).
    EnvPtr startCold(const FunctionConfig &f, const EnvironmentPool::WarmKey &key, InvocationRecord &rec,
                     SteadyClock::time_point arrived, QByteArrayList *profileLines = nullptr);
    bool initialize(ExecutionEnvironment &env, const RuntimeDescriptor &runtime, InvocationRecord &rec);
    // Runs the handler; returns why the environment must go (timeout, crash), empty when it may stay.
    QString invokeOn(ExecutionEnvironment &env, const FunctionConfig &f, const QByteArray &payload,
                     const InvokeOptions &options, InvocationRecord &rec);
    void finish(const EnvPtr &env, const FunctionConfig &f, InvocationRecord &rec, const QString &fatalReason);
};

Engine::Private::Private(Engine *engine)
    : q(engine)
    , environments(std::make_shared<Clock>(),
                   {[this](const QString &requestId, const QString &function, const QString &reason) {
                        Q_EMIT q->invocationQueued(requestId, function, reason);
                    },
                    [this](const QString &requestId) { Q_EMIT q->capacityAvailable(requestId); },
                    [this] { housekeeper.nudge(); }})
    , housekeeper(environments, [this](const MemorySample &sample) { Q_EMIT q->memorySampled(sample); })
{
    environments.setMaxLive(Engine::defaultMaxLiveEnvironments());
    housekeeper.watch(environments.clock());
}

Engine::Engine(const RuntimeRegistry *registry, SandboxBackend *backend, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    // Payload-sized buffers (events and responses up to 6 MB) pass through the engine all the time.
    // glibc raises its mmap threshold after the first such buffer is freed, so the later ones come
    // from its arenas and stay there: the soak's resident memory grew ~13 MB per 10,000 invocations
    // (and held 107 MB after 600 oversized responses). A fixed threshold gives them back when freed.
    static std::once_flag allocatorTuned;
    std::call_once(allocatorTuned, [] { ::mallopt(M_MMAP_THRESHOLD, 1024 * 1024); });
    qRegisterMetaType<fn::InvocationRecord>();
    qRegisterMetaType<fn::EnvironmentState>();
    qRegisterMetaType<fn::LogBatch>();
    qRegisterMetaType<fn::MemorySample>();
    if (!registry) {
        d->ownRegistry = std::make_unique<RuntimeRegistry>();
        d->ownRegistry->load(RuntimeRegistry::defaultPluginRoot());
        registry = d->ownRegistry.get();
    }
    if (!backend) {
        d->ownBackend = SandboxBackend::detect();
        backend = d->ownBackend.get();
    }
    d->registry = registry;
    d->backend = backend;
    d->workers.setMaxThreadCount(64);
    d->workers.setExpiryTimeout(30000);
    // The first cold start is the one people look at: its network is made now, in the background.
    d->networks.prepare();
    // The /tmp folders a studio that crashed left behind (see ScratchDisk).
    d->workers.start([] { ScratchDisk::sweepOrphans(); });
}

Engine::~Engine()
{
    d->workers.waitForDone();
    d->housekeeper.stop();
    stopAll();
}

void Engine::setClock(std::shared_ptr<Clock> clock)
{
    if (!clock)
        return;
    d->environments.setClock(clock);
    d->housekeeper.watch(clock);
}

std::shared_ptr<Clock> Engine::clock() const
{
    return d->environments.clock();
}

void Engine::setAccountConcurrencyLimit(int limit)
{
    d->admission.setAccountLimit(limit);
}

int Engine::accountConcurrencyLimit() const
{
    return d->admission.accountLimit();
}

void Engine::setIdleTimeoutMs(qint64 ms)
{
    d->environments.setIdleTimeoutMs(ms);
}

qint64 Engine::idleTimeoutMs() const
{
    return d->environments.idleTimeoutMs();
}

void Engine::setMaxLiveEnvironments(int count)
{
    d->environments.setMaxLive(count);
}

int Engine::defaultMaxLiveEnvironments()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    const qint64 ramMb = pages > 0 && pageSize > 0 ? qint64(pages) * pageSize / (1024 * 1024) : 4096;
    const int byMemory = int(ramMb / 256);
    const int byCpu = 32 * std::max(1, QThread::idealThreadCount());
    return std::max(4, std::min(byMemory, byCpu));
}

void Engine::setSpareSandboxes(int count)
{
    d->spares.setCapacity(count);
}

QList<QStringList> Engine::spareSandboxes() const
{
    QList<QStringList> out;
    for (const auto &s : d->spares.spares())
        out.append({s.function, s.version, s.environmentId});
    return out;
}

ConcurrencyState Engine::concurrency(const QString &functionName) const
{
    ConcurrencyState s = d->admission.state(functionName);
    s.liveEnvironments = d->environments.liveCount();
    s.maxLiveEnvironments = d->environments.maxLive();
    s.waitingForCapacity = d->environments.waitingForCapacity();
    if (!functionName.isEmpty())
        s.provisioned = d->environments.provisioned(functionName);
    return s;
}

EnvironmentPool::WarmKey Engine::Private::warmKey(const FunctionConfig &f) const
{
    return {f.name, ExecutionEnvironment::makeFingerprint(f), serviceGeneration.load(), f.version};
}

EnvPtr Engine::Private::newEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime,
                                       const QString &initType, bool profileImports)
{
    ExecutionEnvironment::Setup setup{f, runtime};
    setup.profileImports = profileImports;
    setup.initTimeoutMs = initTimeoutMs;
    setup.initializationType = initType;
    setup.networks = &networks;
    {
        std::lock_guard lock(serviceMutex);
        setup.serviceEnvironment = serviceEnvironment;
        setup.serviceGeneration = serviceGeneration;
        if (credentialSource && !serviceEnvironment.isEmpty())
            for (const auto &credential : credentialSource(f)) {
                // Not a structured binding: clang 14 cannot capture one.
                const QString &name = credential.first;
                const QString &value = credential.second;
                const auto same = [&name](const auto &entry) { return entry.first == name; };
                setup.serviceEnvironment.erase(
                    std::remove_if(setup.serviceEnvironment.begin(), setup.serviceEnvironment.end(), same),
                    setup.serviceEnvironment.end());
                setup.serviceEnvironment.append({name, value});
            }
    }
    auto env = std::make_shared<ExecutionEnvironment>(
        setup, *backend, [this](LogBatch &&batch) { Q_EMIT q->logLines(batch); },
        [this](const EnvironmentState &state) { Q_EMIT q->environmentChanged(state); });
    return env;
}

EnvPtr Engine::Private::makeEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime,
                                        const QString &initType, bool profileImports)
{
    EnvPtr env = newEnvironment(f, runtime, initType, profileImports);
    environments.add(env);
    return env;
}

void Engine::Private::makeSpare(const FunctionConfig &f, const EnvironmentPool::WarmKey &key,
                                const RuntimeDescriptor &runtime)
{
    spares.replenish(key, [this, f, runtime] { return newEnvironment(f, runtime, OnDemandType); });
}

void Engine::prepareAhead(const FunctionConfig &function)
{
    const auto runtime = d->registry->resolve(function.runtime, nullptr);
    if (runtime && environmentProblem(function).isEmpty())
        d->makeSpare(function, d->warmKey(function), *runtime);
}

void Engine::Private::fatal(const EnvPtr &env, const QString &reason)
{
    env->shutdown(reason);
    environments.forget(env);
}

void Engine::Private::logInitStart(ExecutionEnvironment &env, const RuntimeDescriptor &runtime)
{
    env.logPlatform(PlatformLog::initStart(runtime.id + QLatin1Char(':') + runtime.interpreterVersion,
                                           runtimeVersionArn(runtime, env.setup().function.account)),
                    {});
}

int Engine::provision(const FunctionConfig &function)
{
    const int wanted = std::max(0, function.provisionedConcurrency.value_or(0));
    QString error;
    const auto runtime = d->registry->resolve(function.runtime, &error);
    if (!runtime || wanted == 0)
        return 0;
    const int have = d->environments.provisioned(function.name, ExecutionEnvironment::makeFingerprint(function));
    // Initialize them side by side, as Lambda allocates provisioned concurrency.
    std::vector<std::thread> starters;
    std::atomic<int> ready{have};
    for (int i = have; i < wanted; ++i) {
        starters.emplace_back([this, &function, &runtime, &ready] {
            d->environments.reserveSlot({}, {function.name});
            const EnvPtr env = d->makeEnvironment(function, *runtime, ProvisionedType);
            d->logInitStart(*env, *runtime);
            const auto init = env->start({});
            if (!init.ok) {
                env->drainOutput();
                d->fatal(env, QStringLiteral("init failed"));
                return;
            }
            if (d->environments.release(env))
                ++ready;
        });
    }
    for (auto &t : starters)
        t.join();
    return ready;
}

const RuntimeRegistry &Engine::registry() const
{
    return *d->registry;
}

SandboxBackend &Engine::backend() const
{
    return *d->backend;
}

void Engine::setInitTimeoutMs(int ms)
{
    d->initTimeoutMs = ms;
}

void Engine::setSamplingIntervalMs(int ms)
{
    d->housekeeper.setSamplingIntervalMs(ms);
}

QList<EnvironmentState> Engine::environments() const
{
    QList<EnvironmentState> states;
    for (const auto &env : d->environments.environments())
        states.append(env->state());
    return states;
}

void Engine::stopEnvironment(const QString &environmentId)
{
    if (const auto env = d->environments.find(environmentId)) {
        env->shutdown(QStringLiteral("stopped by user"));
        d->environments.forget(env);
    }
}

void Engine::retireFunction(const QString &functionName, const QString &reason)
{
    d->spares.retire(functionName);
    d->environments.retire(functionName, reason);
}

void Engine::setServiceEnvironment(const QList<QPair<QString, QString>> &variables)
{
    quint64 generation = 0;
    {
        std::lock_guard lock(d->serviceMutex);
        if (variables == d->serviceEnvironment)
            return;
        d->serviceEnvironment = variables;
        generation = ++d->serviceGeneration;
    }
    d->spares.renew(generation); // made again with the services' endpoints
}

void Engine::setCredentialSource(CredentialSource source)
{
    std::lock_guard lock(d->serviceMutex);
    d->credentialSource = std::move(source);
}

QList<QPair<QString, QString>> Engine::serviceEnvironment() const
{
    std::lock_guard lock(d->serviceMutex);
    return d->serviceEnvironment;
}

void Engine::stopAll()
{
    d->spares.clear();
    for (const auto &env : d->environments.environments()) {
        env->shutdown(QStringLiteral("shutdown"));
        d->environments.forget(env);
    }
}

quint64 Engine::invokeAsync(const FunctionConfig &function, const QByteArray &payload, const InvokeOptions &options)
{
    const quint64 seq = ++d->sequence;
    d->workers.start([this, function, payload, options, seq] {
        const InvocationRecord record = d->run(function, payload, options, seq);
        Q_EMIT invocationFinished(record);
    });
    return seq;
}

InvocationRecord Engine::invoke(const FunctionConfig &function, const QByteArray &payload, const InvokeOptions &options)
{
    const InvocationRecord record = d->run(function, payload, options, ++d->sequence);
    Q_EMIT invocationFinished(record);
    return record;
}

ImportProfileRun Engine::profileImports(const FunctionConfig &function, const QByteArray &payload)
{
    ImportProfileRun run;
    if (const auto runtime = d->registry->resolve(function.runtime, nullptr);
        runtime && runtime->importProfileEnvironment.isEmpty()) {
        run.error = QStringLiteral("%1 runs the function's own bootstrap: fnstudio cannot see what its init loads, so "
                                   "it cannot profile its imports (Python and Node.js functions can be profiled)")
                        .arg(function.runtime);
        return run;
    }
    InvokeOptions options;
    options.forceCold = true;
    QByteArrayList lines;
    run.record = d->run(function, payload, options, ++d->sequence, &lines);
    Q_EMIT invocationFinished(run.record);
    run.profile = ImportProfile::parse(lines);
    if (!run.record.coldStart)
        run.error = QStringLiteral("%1: %2").arg(run.record.errorType, run.record.errorMessage);
    else if (run.record.outcome == InvocationOutcome::InitError)
        run.error = QStringLiteral("the init failed (%1: %2); the profile shows what it imported before")
                        .arg(run.record.errorType, run.record.errorMessage);
    else if (run.profile.isEmpty())
        run.error = QStringLiteral("the runtime wrote no import profile (is its bootstrap fnstudio's own?)");
    return run;
}

InvocationRecord Engine::Private::run(const FunctionConfig &f, const QByteArray &payload, const InvokeOptions &options,
                                      quint64 seq, QByteArrayList *profileLines)
{
    const auto arrived = SteadyClock::now();
    InvocationRecord rec = execute(f, payload, options, seq, arrived, profileLines);
    rec.observedMs = msSince(arrived); // what the caller waited, however it ended: the anatomy's total
    return rec;
}

InvocationRecord Engine::Private::execute(const FunctionConfig &f, const QByteArray &payload,
                                          const InvokeOptions &options, quint64 seq, SteadyClock::time_point arrived,
                                          QByteArrayList *profileLines)
{
    InvocationRecord rec = newRecord(f, options, seq);
    if (payload.size() > MaxSyncPayload) {
        InvocationResult::reject(
            rec, QStringLiteral("RequestEntityTooLargeException"),
            QStringLiteral("%1 byte payload is too large for the RequestResponse invocation type (limit %2 bytes)")
                .arg(payload.size())
                .arg(MaxSyncPayload));
        return rec;
    }
    // Throttling comes before anything else runs; the ticket holds the place until we return.
    const Admission::Ticket ticket = admission.admit(f.name, f.reservedConcurrency);
    if (!ticket) {
        InvocationResult::throttle(rec, ticket.throttleReason());
        rec.admissionMs = msSince(arrived);
        return rec;
    }

    const EnvironmentPool::WarmKey key = warmKey(f);
    EnvPtr env;
    if (!options.forceCold)
        env = executionEnvironment(environments.takeWarm(key));
    if (env) {
        rec.admissionMs = msSince(arrived);
        startedWarm(env, rec);
    } else {
        env = startCold(f, options.forceCold ? EnvironmentPool::WarmKey{f.name} : key, rec, arrived, profileLines);
    }
    if (!env)
        return rec; // rejected, or its init failed: the record says which
    QString fatalReason = invokeOn(*env, f, payload, options, rec);
    if (profileLines) {
        *profileLines = env->takeImportProfileLines();
        if (fatalReason.isEmpty())
            fatalReason = QStringLiteral("import profile taken"); // its imports stay profiled: not for reuse
    }
    finish(env, f, rec, fatalReason);
    return rec;
}

InvocationRecord Engine::Private::newRecord(const FunctionConfig &f, const InvokeOptions &options, quint64 seq) const
{
    InvocationRecord rec;
    rec.sequence = seq;
    rec.requestId =
        options.requestId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.requestId;
    rec.asynchronous = options.asynchronous;
    rec.attempt = options.attempt;
    rec.functionName = f.name;
    rec.executedVersion = f.version;
    rec.memorySizeMb = f.memoryMb;
    rec.startedAtMs = nowMs();
    rec.initializationType = OnDemandType;
    return rec;
}

void Engine::Private::startedWarm(const EnvPtr &env, InvocationRecord &rec)
{
    rec.environmentId = env->id();
    rec.initializationType = env->setup().initializationType;
    Q_EMIT q->invocationStarted(rec.requestId, rec.functionName, env->id(), false);
}

EnvPtr Engine::Private::startCold(const FunctionConfig &f, const EnvironmentPool::WarmKey &key, InvocationRecord &rec,
                                  SteadyClock::time_point arrived, QByteArrayList *profileLines)
{
    // Only a cold start needs the runtime plugin: a warm environment was started with it, and the
    // warm path stays free of the descriptor copy.
    QString error;
    const auto runtime = registry->resolve(f.runtime, &error);
    if (!runtime) {
        InvocationResult::reject(rec, QStringLiteral("InvalidRuntimeException"), error);
        return {};
    }
    if (const QString problem = environmentProblem(f); !problem.isEmpty()) {
        InvocationResult::reject(rec, QStringLiteral("InvalidParameterValueException"), problem);
        return {};
    }
    // While it waits for the guard, an environment of this function may come free: take it warm.
    const EnvPtr warm = executionEnvironment(environments.reserveSlot(rec.requestId, key));
    rec.admissionMs = msSince(arrived);
    if (warm) {
        startedWarm(warm, rec);
        return warm;
    }
    // The sandbox made ahead for this configuration if there is one (see SpareSandboxes); the next
    // one is made in the background once this one has started.
    const EnvironmentPool::WarmKey exact = warmKey(f);
    EnvPtr env = profileLines ? EnvPtr{} : spares.take(exact); // a spare's runtime does not profile
    if (env)
        environments.add(env);
    else
        env = makeEnvironment(f, *runtime, OnDemandType, profileLines != nullptr);
    rec.coldStart = true;
    rec.environmentId = env->id();
    Q_EMIT q->invocationStarted(rec.requestId, f.name, env->id(), true);
    if (!initialize(*env, *runtime, rec)) {
        if (profileLines)
            *profileLines = env->takeImportProfileLines(); // what it imported before it failed
        fatal(env, QStringLiteral("init failed"));
        return {};
    }
    makeSpare(f, exact, *runtime);
    return env;
}

bool Engine::Private::initialize(ExecutionEnvironment &env, const RuntimeDescriptor &runtime, InvocationRecord &rec)
{
    logInitStart(env, runtime);
    const auto init = env.start(rec.requestId);
    rec.initDurationMs = init.initDurationMs;
    rec.phases.sandboxMs = init.sandboxMs;
    rec.phases.runtimeStartMs = init.runtimeStartMs;
    rec.phases.initMs = init.moduleInitMs;
    rec.phases.sandboxMadeAheadMs = init.sandboxMadeAheadMs;
    if (init.ok)
        return true;
    InvocationResult::initFailed(rec, init);
    env.drainOutput();
    env.logPlatform(PlatformLog::initReport(init.initDurationMs,
                                            init.timedOut ? QStringLiteral("timeout") : QStringLiteral("error"),
                                            init.errorType),
                    {});
    if (init.errorType == QLatin1String("Runtime.ExitError"))
        env.logPlatform(rec.errorMessage + QStringLiteral("\nRuntime.ExitError"), rec.requestId);
    env.logPlatform(PlatformLog::start(rec.requestId, env.setup().function.version), rec.requestId);
    env.logPlatform(PlatformLog::end(rec.requestId), rec.requestId);
    rec.billedDurationMs = PlatformLog::billedMs(0, rec.initDurationMs);
    rec.reportLine = PlatformLog::report(rec);
    env.logPlatform(rec.reportLine, rec.requestId);
    return false;
}

QString Engine::Private::invokeOn(ExecutionEnvironment &env, const FunctionConfig &f, const QByteArray &payload,
                                  const InvokeOptions &options, InvocationRecord &rec)
{
    env.logPlatform(PlatformLog::start(rec.requestId, f.version), rec.requestId);
    RuntimeApiServer::Invocation inv;
    inv.requestId = rec.requestId.toLatin1();
    inv.payload = payload.isEmpty() ? QByteArrayLiteral("{}") : payload;
    inv.deadlineMs = nowMs() + qint64(f.timeoutSec) * 1000;
    inv.functionArn = f.invokedArn().toUtf8();
    inv.traceId = traceId();
    inv.clientContext = options.clientContext;
    const auto result = env.invoke(inv, SteadyClock::now() + std::chrono::seconds(f.timeoutSec));

    const QString fatalReason = InvocationResult::complete(rec, result, f);
    env.drainOutput(); // the function's output comes before the platform's lines
    if (rec.outcome == InvocationOutcome::Timeout) {
        env.logPlatform(PlatformLog::taskTimedOut(nowMs(), rec.requestId, f.timeoutSec), rec.requestId);
    } else if (!fatalReason.isEmpty()) {
        env.logPlatform(rec.errorMessage, rec.requestId);
        env.logPlatform(rec.errorType, rec.requestId);
    }
    return fatalReason;
}

void Engine::Private::finish(const EnvPtr &env, const FunctionConfig &f, InvocationRecord &rec,
                             const QString &fatalReason)
{
    env->logPlatform(PlatformLog::end(rec.requestId), rec.requestId);
    rec.billedDurationMs = PlatformLog::billedMs(rec.durationMs, rec.initDurationMs);
    rec.reportLine = PlatformLog::report(rec);
    env->logPlatform(rec.reportLine, rec.requestId);
    // One reading at the end of every invocation, so even a 1 ms one shows on the memory chart
    // (the sampler only sees environments that stay busy for a period).
    if (fatalReason.isEmpty()) {
        Q_EMIT q->memorySampled(MemorySample{env->id(), nowMs(), env->memoryNow(), env->memoryLimitBytes(), false});
        environments.release(env);
    } else {
        if (rec.outcome == InvocationOutcome::OutOfMemory)
            Q_EMIT q->memorySampled(
                MemorySample{env->id(), nowMs(), qint64(rec.maxMemoryUsedMb) << 20, qint64(f.memoryMb) << 20, true});
        fatal(env, fatalReason);
    }
}

} // namespace fn
