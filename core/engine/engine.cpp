#include "engine/engine.h"

#include "engine/executionenvironment.h"
#include "metrics/platformlog.h"
#include "project/environmentvariables.h"
#include "runtime/runtimeregistry.h"
#include "sandbox/resourcegroup.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QThreadPool>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace fn {

namespace {

using EnvPtr = std::shared_ptr<ExecutionEnvironment>;
using Clock = std::chrono::steady_clock;

constexpr qint64 MaxSyncPayload = 6291456;
constexpr const char *AccountId = "123456789012";

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray errorJson(const QString &type, const QString &message)
{
    nlohmann::json body{{"errorType", type.toStdString()}, {"errorMessage", message.toStdString()}};
    return QByteArray::fromStdString(body.dump());
}

QString jsonString(const QByteArray &json, const char *key)
{
    const auto parsed = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (parsed.is_object() && parsed.contains(key) && parsed[key].is_string())
        return QString::fromStdString(parsed[key].get<std::string>());
    return {};
}

QByteArray traceId()
{
    auto *rng = QRandomGenerator::global();
    return QByteArrayLiteral("Root=1-") + QByteArray::number(quint32(nowMs() / 1000), 16) + '-'
           + QByteArray::number(rng->generate64(), 16).rightJustified(16, '0')
           + QByteArray::number(rng->generate(), 16).rightJustified(8, '0') + QByteArrayLiteral(";Parent=")
           + QByteArray::number(rng->generate64(), 16).rightJustified(16, '0') + QByteArrayLiteral(";Sampled=0");
}

QString runtimeVersionArn(const RuntimeDescriptor &rt)
{
    const QByteArray digest =
        QCryptographicHash::hash((rt.id + rt.interpreterVersion).toUtf8(), QCryptographicHash::Sha256).toHex();
    return QStringLiteral("arn:aws:lambda:us-east-1::runtime:") + QString::fromLatin1(digest);
}

} // namespace

struct Engine::Private
{
    Engine *q = nullptr;
    std::unique_ptr<RuntimeRegistry> ownRegistry;
    std::unique_ptr<SandboxBackend> ownBackend;
    const RuntimeRegistry *registry = nullptr;
    SandboxBackend *backend = nullptr;
    std::atomic<quint64> sequence{0};
    QThreadPool pool;

    std::mutex mutex; // environments and idle lists
    std::vector<EnvPtr> all;
    QHash<QString, std::vector<EnvPtr>> idle; // by function name; most recently used last
    int busy = 0;

    // Housekeeping: memory sampling of busy environments and freezing of idle ones.
    std::thread housekeeper;
    std::condition_variable wake;
    bool stopping = false;
    std::atomic<int> samplingMs{50};
    std::atomic<int> freezeDelayMs{50};
    std::atomic<int> initTimeoutMs{10000};

    EnvPtr takeIdle(const FunctionConfig &f, std::vector<EnvPtr> *stale);
    void release(const EnvPtr &env);
    void forget(const EnvPtr &env);
    void housekeep();
    InvocationRecord run(const FunctionConfig &f, const QByteArray &payload, const InvokeOptions &options, quint64 seq);
};

Engine::Engine(const RuntimeRegistry *registry, SandboxBackend *backend, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<fn::InvocationRecord>();
    qRegisterMetaType<fn::EnvironmentState>();
    qRegisterMetaType<fn::LogBatch>();
    qRegisterMetaType<fn::MemorySample>();
    d->q = this;
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
    d->pool.setMaxThreadCount(64);
    d->pool.setExpiryTimeout(30000);
    d->housekeeper = std::thread([this] { d->housekeep(); });
}

Engine::~Engine()
{
    d->pool.waitForDone();
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    d->housekeeper.join();
    stopAll();
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

void Engine::setFreezeDelayMs(int ms)
{
    d->freezeDelayMs = ms;
    d->wake.notify_all();
}

void Engine::setSamplingIntervalMs(int ms)
{
    d->samplingMs = ms;
    d->wake.notify_all();
}

QList<EnvironmentState> Engine::environments() const
{
    std::lock_guard lock(d->mutex);
    QList<EnvironmentState> states;
    for (const auto &env : d->all)
        states.append(env->state());
    return states;
}

void Engine::stopEnvironment(const QString &environmentId)
{
    EnvPtr target;
    {
        std::lock_guard lock(d->mutex);
        for (const auto &env : d->all)
            if (env->id() == environmentId)
                target = env;
    }
    if (target) {
        target->shutdown(QStringLiteral("stopped by user"));
        d->forget(target);
    }
}

void Engine::stopAll()
{
    std::vector<EnvPtr> envs;
    {
        std::lock_guard lock(d->mutex);
        envs = d->all;
    }
    for (const auto &env : envs) {
        env->shutdown(QStringLiteral("shutdown"));
        d->forget(env);
    }
}

quint64 Engine::invokeAsync(const FunctionConfig &function, const QByteArray &payload, const InvokeOptions &options)
{
    const quint64 seq = ++d->sequence;
    d->pool.start([this, function, payload, options, seq] {
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

EnvPtr Engine::Private::takeIdle(const FunctionConfig &f, std::vector<EnvPtr> *stale)
{
    const QString fingerprint = ExecutionEnvironment::makeFingerprint(f);
    std::lock_guard lock(mutex);
    auto it = idle.find(f.name);
    if (it == idle.end())
        return {};
    auto &list = *it;
    EnvPtr found;
    // A changed configuration means new environments, as after a Lambda update.
    for (auto i = list.begin(); i != list.end();) {
        if ((*i)->fingerprint() != fingerprint || !(*i)->isAlive()) {
            stale->push_back(*i);
            i = list.erase(i);
        } else {
            ++i;
        }
    }
    if (!list.empty()) {
        found = list.back();
        list.pop_back();
        ++busy;
    }
    return found;
}

void Engine::Private::release(const EnvPtr &env)
{
    env->markIdle();
    {
        std::lock_guard lock(mutex);
        --busy;
        idle[env->setup().function.name].push_back(env);
    }
    wake.notify_all();
}

void Engine::Private::forget(const EnvPtr &env)
{
    std::lock_guard lock(mutex);
    all.erase(std::remove(all.begin(), all.end(), env), all.end());
    for (auto &list : idle)
        list.erase(std::remove(list.begin(), list.end(), env), list.end());
}

void Engine::Private::housekeep()
{
    std::unique_lock lock(mutex);
    while (!stopping) {
        const int period = samplingMs.load();
        bool unfrozen = false;
        for (const auto &list : std::as_const(idle))
            for (const auto &env : list)
                unfrozen = unfrozen || env->state().phase == EnvironmentPhase::Idle;
        if (busy > 0 || unfrozen)
            wake.wait_for(lock, std::chrono::milliseconds(std::max(1, period > 0 ? std::min(period, freezeDelayMs.load()) : freezeDelayMs.load())));
        else
            wake.wait(lock);
        if (stopping)
            break;
        const qint64 now = nowMs();
        std::vector<EnvPtr> sample;
        for (const auto &env : all)
            if (env->state().phase == EnvironmentPhase::Busy)
                sample.push_back(env);
        for (auto &list : idle)
            for (const auto &env : list)
                if (env->state().phase == EnvironmentPhase::Idle && now - env->idleSinceMs() >= freezeDelayMs)
                    env->freezeIfParked(); // under the pool lock: no invocation can take it meanwhile
        if (samplingMs.load() <= 0)
            continue;
        lock.unlock();
        for (const auto &env : sample) {
            MemorySample s;
            s.environmentId = env->id();
            s.timestampMs = now;
            s.bytes = env->memoryNow();
            s.limitBytes = qint64(env->setup().function.memoryMb) << 20;
            Q_EMIT q->memorySampled(s);
        }
        lock.lock();
    }
}

InvocationRecord Engine::Private::run(const FunctionConfig &f, const QByteArray &payload, const InvokeOptions &options,
                                      quint64 seq)
{
    InvocationRecord rec;
    rec.sequence = seq;
    rec.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    rec.functionName = f.name;
    rec.memorySizeMb = f.memoryMb;
    rec.startedAtMs = nowMs();
    rec.initializationType = QStringLiteral("on-demand");
    const auto reject = [&rec](const QString &type, const QString &message) {
        rec.outcome = InvocationOutcome::Rejected;
        rec.errorType = type;
        rec.errorMessage = message;
        rec.payload = errorJson(type, message);
        return rec;
    };

    if (payload.size() > MaxSyncPayload)
        return reject(QStringLiteral("RequestEntityTooLargeException"),
                      QStringLiteral("%1 byte payload is too large for the RequestResponse invocation type (limit %2 bytes)")
                          .arg(payload.size())
                          .arg(MaxSyncPayload));
    QString error;
    const auto runtime = registry->resolve(f.runtime, &error);
    if (!runtime)
        return reject(QStringLiteral("InvalidRuntimeException"), error);

    std::vector<EnvPtr> stale;
    EnvPtr env = options.forceCold ? EnvPtr() : takeIdle(f, &stale);
    for (const auto &old : stale) {
        old->shutdown(QStringLiteral("configuration changed"));
        forget(old);
    }

    const auto fatal = [&](const EnvPtr &e, const QString &reason) {
        e->shutdown(reason);
        forget(e);
        std::lock_guard lock(mutex);
        --busy;
    };

    if (!env) {
        // Configurations that did not come through the project reader get Lambda's checks here too.
        for (const auto &[name, value] : f.environment) {
            const QString problem = EnvironmentVariables::nameProblem(name);
            if (!problem.isEmpty())
                return reject(QStringLiteral("InvalidParameterValueException"),
                              QStringLiteral("Environment variable '%1' %2").arg(name, problem));
        }
        if (const qsizetype size = EnvironmentVariables::totalBytes(f.environment); size > EnvironmentVariables::MaxTotalBytes)
            return reject(QStringLiteral("InvalidParameterValueException"),
                          QStringLiteral("Lambda was unable to configure your environment variables because the environment "
                                         "variables you have provided exceeded the 4KB limit (%1 bytes measured).")
                              .arg(size));
        ExecutionEnvironment::Setup setup{f, *runtime};
        setup.initTimeoutMs = initTimeoutMs;
        env = std::make_shared<ExecutionEnvironment>(
            setup, *backend, [this](LogBatch &&batch) { Q_EMIT q->logLines(batch); },
            [this](const EnvironmentState &state) { Q_EMIT q->environmentChanged(state); });
        {
            std::lock_guard lock(mutex);
            all.push_back(env);
            ++busy;
        }
        wake.notify_all();
        rec.coldStart = true;
        rec.environmentId = env->id();
        Q_EMIT q->invocationStarted(rec.requestId, f.name, env->id(), true);
        env->logPlatform(PlatformLog::initStart(runtime->id + QLatin1Char(':') + runtime->interpreterVersion,
                                                runtimeVersionArn(*runtime)),
                         {});
        const auto init = env->start(rec.requestId);
        rec.initDurationMs = init.initDurationMs;
        rec.phases.sandboxMs = init.sandboxMs;
        rec.phases.runtimeStartMs = init.runtimeStartMs;
        rec.phases.initMs = init.runtimeStartMs > 0 ? init.initDurationMs - init.sandboxMs - init.runtimeStartMs : 0;
        if (!init.ok) {
            rec.outcome = InvocationOutcome::InitError;
            rec.errorType = init.errorType;
            rec.errorMessage = jsonString(init.errorBody, "errorMessage");
            rec.payload = init.errorBody;
            env->drainOutput();
            env->logPlatform(PlatformLog::initReport(init.initDurationMs, init.timedOut ? QStringLiteral("timeout")
                                                                                        : QStringLiteral("error"),
                                                     init.errorType),
                             {});
            if (init.errorType == QLatin1String("Runtime.ExitError"))
                env->logPlatform(rec.errorMessage + QStringLiteral("\nRuntime.ExitError"), rec.requestId);
            env->logPlatform(PlatformLog::start(rec.requestId), rec.requestId);
            env->logPlatform(PlatformLog::end(rec.requestId), rec.requestId);
            rec.billedDurationMs = PlatformLog::billedMs(0, rec.initDurationMs);
            rec.reportLine = PlatformLog::report(rec);
            env->logPlatform(rec.reportLine, rec.requestId);
            fatal(env, QStringLiteral("init failed"));
            return rec;
        }
    } else {
        rec.environmentId = env->id();
        Q_EMIT q->invocationStarted(rec.requestId, f.name, env->id(), false);
    }

    env->logPlatform(PlatformLog::start(rec.requestId), rec.requestId);
    RuntimeApiServer::Invocation inv;
    inv.requestId = rec.requestId.toLatin1();
    inv.payload = payload.isEmpty() ? QByteArrayLiteral("{}") : payload;
    inv.deadlineMs = nowMs() + qint64(f.timeoutSec) * 1000;
    inv.functionArn = QByteArrayLiteral("arn:aws:lambda:us-east-1:") + AccountId + QByteArrayLiteral(":function:")
                      + f.name.toUtf8();
    inv.traceId = traceId();
    inv.clientContext = options.clientContext;
    const auto result = env->invoke(inv, Clock::now() + std::chrono::seconds(f.timeoutSec));

    rec.durationMs = result.durationMs;
    rec.maxMemoryUsedMb = PlatformLog::megabytes(result.peakBytes);
    QString fatalReason;
    using S = RuntimeApiServer::Signal;
    switch (result.signal) {
    case S::Response:
        rec.payload = result.body;
        break;
    case S::Error:
        rec.outcome = InvocationOutcome::FunctionError;
        rec.payload = result.body;
        rec.errorType = jsonString(result.body, "errorType");
        if (rec.errorType.isEmpty())
            rec.errorType = result.errorType.isEmpty() ? QStringLiteral("Runtime.Unknown") : result.errorType;
        rec.errorMessage = jsonString(result.body, "errorMessage");
        break;
    case S::ResponseTooLarge:
        rec.outcome = InvocationOutcome::FunctionError;
        rec.errorType = QStringLiteral("Function.ResponseSizeTooLarge");
        rec.errorMessage = QStringLiteral("Response payload size (%1 bytes) exceeded maximum allowed payload size (%2 bytes).")
                               .arg(result.attemptedSize)
                               .arg(RuntimeApiServer::MaxResponseBytes);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        break;
    case S::TimedOut:
        rec.outcome = InvocationOutcome::Timeout;
        rec.errorType = QStringLiteral("Sandbox.Timedout");
        rec.errorMessage = QStringLiteral("RequestId: %1 Error: Task timed out after %2.00 seconds")
                               .arg(rec.requestId)
                               .arg(f.timeoutSec);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        env->drainOutput();
        env->logPlatform(PlatformLog::taskTimedOut(nowMs(), rec.requestId, f.timeoutSec), rec.requestId);
        fatalReason = QStringLiteral("timeout");
        break;
    default: {
        // The runtime died mid-invocation: out of memory, a crash, or an exit.
        rec.outcome = result.outOfMemory ? InvocationOutcome::OutOfMemory : InvocationOutcome::RuntimeExit;
        rec.errorType = QStringLiteral("Runtime.ExitError");
        rec.errorMessage = QStringLiteral("RequestId: %1 Error: Runtime exited with error: %2")
                               .arg(rec.requestId, result.outOfMemory ? QStringLiteral("signal: killed")
                                                                      : result.exitDescription);
        rec.payload = errorJson(rec.errorType, rec.errorMessage);
        if (result.outOfMemory)
            rec.maxMemoryUsedMb = std::max(rec.maxMemoryUsedMb, f.memoryMb);
        env->drainOutput();
        env->logPlatform(rec.errorMessage, rec.requestId);
        env->logPlatform(rec.errorType, rec.requestId);
        fatalReason = result.outOfMemory ? QStringLiteral("out of memory") : QStringLiteral("runtime exited");
        break;
    }
    }
    if (fatalReason.isEmpty())
        env->drainOutput();
    env->logPlatform(PlatformLog::end(rec.requestId), rec.requestId);
    rec.billedDurationMs = PlatformLog::billedMs(rec.durationMs, rec.initDurationMs);
    rec.reportLine = PlatformLog::report(rec);
    env->logPlatform(rec.reportLine, rec.requestId);
    if (fatalReason.isEmpty())
        release(env);
    else
        fatal(env, fatalReason);
    return rec;
}

} // namespace fn
