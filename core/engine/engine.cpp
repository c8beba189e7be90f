#include "engine/engine.h"

#include "clock/clock.h"
#include "engine/executionenvironment.h"
#include "engine/platformlog.h"
#include "project/environmentvariables.h"
#include "runtime/runtimeregistry.h"
#include "sandbox/resourcegroup.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QThread>
#include <QThreadPool>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include <unistd.h>
#include <vector>

namespace fn {

namespace {

using EnvPtr = std::shared_ptr<ExecutionEnvironment>;
using SteadyClock = std::chrono::steady_clock;

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

const QString ProvisionedType = QStringLiteral("provisioned-concurrency");

bool isProvisioned(const EnvPtr &env)
{
    return env->setup().initializationType == ProvisionedType;
}

// An idle environment and when it was parked, in clock time (keep-warm expiry reads the Clock).
struct Parked
{
    EnvPtr env;
    qint64 sinceClockMs = 0;
};

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

    std::mutex mutex; // environments, idle lists, concurrency counters, service environment
    std::vector<EnvPtr> all;
    QList<QPair<QString, QString>> serviceEnvironment;
    quint64 serviceGeneration = 0;
    QHash<QString, std::vector<Parked>> idle; // by function name; most recently used last
    int busy = 0;

    // Concurrency accounting: counters under `mutex`, checked before anything else runs.
    int accountLimit = 1000;
    int accountInFlight = 0;
    int unreservedInFlight = 0;
    QHash<QString, int> inFlight;     // by function
    QHash<QString, int> reservations; // ReservedConcurrentExecutions of every function seen
    int reservedSum = 0;

    // The studio-wide guard on live environments.
    int maxLive = Engine::defaultMaxLiveEnvironments();
    int pendingStarts = 0; // cold starts admitted by the guard, environment not yet in `all`
    int waitingForCapacity = 0;
    std::condition_variable capacity;

    std::shared_ptr<Clock> clock = std::make_shared<Clock>();
    int clockToken = 0;
    quint64 clockSteps = 0; // under `mutex`: wakes the housekeeper when the clock jumps
    qint64 idleTimeoutMs = 5 * 60 * 1000;

    // Housekeeping: memory sampling of busy environments and freezing of idle ones.
    std::thread housekeeper;
    std::condition_variable wake;
    bool stopping = false;
    std::atomic<int> samplingMs{50};
    // How long an idle environment runs on before it is frozen: an invocation right behind the
    // last one finds it still running.
    static constexpr int freezeDelayMs = 50;
    std::atomic<int> initTimeoutMs{10000};

    EnvPtr takeIdle(const FunctionConfig &f, std::vector<EnvPtr> *stale);
    void release(const EnvPtr &env);
    void forget(const EnvPtr &env);
    void housekeep();
    void subscribeClock();
    // Empty when admitted (then leave() must follow), else the throttle Reason.
    QString admit(const FunctionConfig &f, bool *unreserved);
    void leave(const QString &function, bool unreserved);
    // Waits until the guard allows one more environment (see invocationQueued) and returns null;
    // or returns an idle environment with `fingerprint` that came free meanwhile, taken busy.
    EnvPtr reserveSlot(const QString &requestId, const QString &function, const QString &fingerprint);
    EnvPtr makeEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime, const QString &initType);
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
    d->subscribeClock();
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
    d->clock->unsubscribe(d->clockToken);
    stopAll();
}

void Engine::Private::subscribeClock()
{
    clockToken = clock->subscribe([this] {
        {
            std::lock_guard lock(mutex);
            ++clockSteps;
        }
        wake.notify_all();
    });
}

void Engine::setClock(std::shared_ptr<Clock> clock)
{
    if (!clock)
        return;
    d->clock->unsubscribe(d->clockToken);
    {
        std::lock_guard lock(d->mutex);
        d->clock = std::move(clock);
        // Parked environments keep their idle time measured on the new clock from now on.
        const qint64 now = d->clock->nowMs();
        for (auto &list : d->idle)
            for (Parked &p : list)
                p.sinceClockMs = now;
    }
    d->subscribeClock();
    d->wake.notify_all();
}

std::shared_ptr<Clock> Engine::clock() const
{
    std::lock_guard lock(d->mutex);
    return d->clock;
}

void Engine::setAccountConcurrencyLimit(int limit)
{
    std::lock_guard lock(d->mutex);
    d->accountLimit = std::max(0, limit);
}

int Engine::accountConcurrencyLimit() const
{
    std::lock_guard lock(d->mutex);
    return d->accountLimit;
}

void Engine::setIdleTimeoutMs(qint64 ms)
{
    {
        std::lock_guard lock(d->mutex);
        d->idleTimeoutMs = std::max<qint64>(0, ms);
    }
    d->wake.notify_all();
}

qint64 Engine::idleTimeoutMs() const
{
    std::lock_guard lock(d->mutex);
    return d->idleTimeoutMs;
}

void Engine::setMaxLiveEnvironments(int count)
{
    {
        std::lock_guard lock(d->mutex);
        d->maxLive = std::max(1, count);
    }
    d->capacity.notify_all();
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

ConcurrencyState Engine::concurrency(const QString &functionName) const
{
    std::lock_guard lock(d->mutex);
    ConcurrencyState s;
    s.accountLimit = d->accountLimit;
    s.accountInFlight = d->accountInFlight;
    s.unreservedLimit = std::max(0, d->accountLimit - d->reservedSum);
    s.liveEnvironments = int(d->all.size());
    s.maxLiveEnvironments = d->maxLive;
    s.waitingForCapacity = d->waitingForCapacity;
    if (!functionName.isEmpty()) {
        s.functionName = functionName;
        s.functionInFlight = d->inFlight.value(functionName);
        s.reserved = d->reservations.value(functionName, -1);
        for (const auto &env : d->all)
            if (env->setup().function.name == functionName && isProvisioned(env) && env->isAlive())
                ++s.provisioned;
    }
    return s;
}

QString Engine::Private::admit(const FunctionConfig &f, bool *unreserved)
{
    const int reserved = f.reservedConcurrency ? std::max(0, *f.reservedConcurrency) : -1;
    std::lock_guard lock(mutex);
    // Reservations follow the configuration last seen, as after an update on Lambda.
    const auto known = reservations.constFind(f.name);
    const int before = known == reservations.constEnd() ? -1 : *known;
    if (before != reserved) {
        reservedSum += std::max(0, reserved) - std::max(0, before);
        if (reserved >= 0)
            reservations.insert(f.name, reserved);
        else
            reservations.remove(f.name);
    }
    int &mine = inFlight[f.name];
    if (reserved >= 0) {
        if (mine >= reserved)
            return QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded");
    } else if (unreservedInFlight >= accountLimit - reservedSum) {
        return QStringLiteral("ConcurrentInvocationLimitExceeded");
    }
    if (accountInFlight >= accountLimit)
        return QStringLiteral("ConcurrentInvocationLimitExceeded");
    ++mine;
    ++accountInFlight;
    *unreserved = reserved < 0;
    if (*unreserved)
        ++unreservedInFlight;
    return {};
}

void Engine::Private::leave(const QString &function, bool unreserved)
{
    std::lock_guard lock(mutex);
    --inFlight[function];
    --accountInFlight;
    if (unreserved)
        --unreservedInFlight;
}

EnvPtr Engine::Private::reserveSlot(const QString &requestId, const QString &function, const QString &fingerprint)
{
    bool announced = false;
    std::unique_lock lock(mutex);
    while (int(all.size()) + pendingStarts >= maxLive) {
        if (announced && !fingerprint.isEmpty()) {
            auto &own = idle[function];
            const auto it = std::find_if(own.begin(), own.end(), [&](const Parked &p) {
                return p.env->fingerprint() == fingerprint && p.env->setup().serviceGeneration == serviceGeneration
                    && p.env->isAlive();
            });
            if (it != own.end()) {
                EnvPtr env = it->env;
                own.erase(it);
                ++busy;
                --waitingForCapacity;
                lock.unlock();
                Q_EMIT q->capacityAvailable(requestId);
                return env;
            }
        }
        // Rather than wait, shut down the least recently used idle on-demand environment.
        EnvPtr victim;
        for (auto &list : idle) {
            for (auto it = list.begin(); it != list.end(); ++it) {
                if (!isProvisioned(it->env)) {
                    victim = it->env;
                    list.erase(it);
                    break;
                }
            }
            if (victim)
                break;
        }
        if (victim) {
            lock.unlock();
            victim->shutdown(QStringLiteral("evicted"));
            forget(victim);
            lock.lock();
            continue;
        }
        if (!announced) {
            announced = true;
            ++waitingForCapacity;
            const QString reason = QStringLiteral("%1 execution environments are alive, the studio's limit; the "
                                                  "invocation waits for one to finish")
                                       .arg(all.size());
            lock.unlock();
            Q_EMIT q->invocationQueued(requestId, function, reason);
            lock.lock();
            continue;
        }
        capacity.wait(lock);
    }
    ++pendingStarts;
    if (announced) {
        --waitingForCapacity;
        lock.unlock();
        Q_EMIT q->capacityAvailable(requestId);
    }
    return {};
}

EnvPtr Engine::Private::makeEnvironment(const FunctionConfig &f, const RuntimeDescriptor &runtime, const QString &initType)
{
    ExecutionEnvironment::Setup setup{f, runtime};
    setup.initTimeoutMs = initTimeoutMs;
    setup.initializationType = initType;
    {
        std::lock_guard lock(mutex);
        setup.serviceEnvironment = serviceEnvironment;
        setup.serviceGeneration = serviceGeneration;
    }
    auto env = std::make_shared<ExecutionEnvironment>(
        setup, *backend, [this](LogBatch &&batch) { Q_EMIT q->logLines(batch); },
        [this](const EnvironmentState &state) { Q_EMIT q->environmentChanged(state); });
    {
        std::lock_guard lock(mutex);
        all.push_back(env);
        --pendingStarts;
    }
    return env;
}

int Engine::provision(const FunctionConfig &function)
{
    const int wanted = std::max(0, function.provisionedConcurrency.value_or(0));
    QString error;
    const auto runtime = d->registry->resolve(function.runtime, &error);
    if (!runtime || wanted == 0)
        return 0;
    const QString fingerprint = ExecutionEnvironment::makeFingerprint(function);
    int have = 0;
    {
        std::lock_guard lock(d->mutex);
        for (const auto &env : d->all)
            if (env->setup().function.name == function.name && isProvisioned(env) && env->isAlive()
                && env->fingerprint() == fingerprint)
                ++have;
    }
    // Initialize them side by side, as Lambda allocates provisioned concurrency.
    std::vector<std::thread> starters;
    std::atomic<int> ready{have};
    for (int i = have; i < wanted; ++i) {
        starters.emplace_back([this, &function, &runtime, &ready] {
            d->reserveSlot({}, function.name, {});
            const EnvPtr env = d->makeEnvironment(function, *runtime, ProvisionedType);
            env->logPlatform(PlatformLog::initStart(runtime->id + QLatin1Char(':') + runtime->interpreterVersion,
                                                    runtimeVersionArn(*runtime)),
                             {});
            const auto init = env->start({});
            if (!init.ok) {
                env->drainOutput();
                env->shutdown(QStringLiteral("init failed"));
                d->forget(env);
                return;
            }
            {
                std::lock_guard lock(d->mutex);
                d->idle[function.name].push_back({env, d->clock->nowMs()});
            }
            ++ready;
            d->wake.notify_all();
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

void Engine::setServiceEnvironment(const QList<QPair<QString, QString>> &variables)
{
    std::lock_guard lock(d->mutex);
    if (variables == d->serviceEnvironment)
        return;
    d->serviceEnvironment = variables;
    ++d->serviceGeneration;
}

QList<QPair<QString, QString>> Engine::serviceEnvironment() const
{
    std::lock_guard lock(d->mutex);
    return d->serviceEnvironment;
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
        if (i->env->fingerprint() != fingerprint || i->env->setup().serviceGeneration != serviceGeneration
            || !i->env->isAlive()) {
            stale->push_back(i->env);
            i = list.erase(i);
        } else {
            ++i;
        }
    }
    if (list.empty())
        return found;
    // Provisioned environments serve first; on-demand ones take the spill-over.
    auto pick = std::prev(list.end());
    for (auto i = list.rbegin(); i != list.rend(); ++i) {
        if (isProvisioned(i->env)) {
            pick = std::prev(i.base());
            break;
        }
    }
    found = pick->env;
    list.erase(pick);
    ++busy;
    return found;
}

void Engine::Private::release(const EnvPtr &env)
{
    env->markIdle();
    {
        std::lock_guard lock(mutex);
        --busy;
        idle[env->setup().function.name].push_back({env, clock->nowMs()});
    }
    wake.notify_all();
    capacity.notify_all(); // a cold start held by the guard may take it or evict it
}

void Engine::Private::forget(const EnvPtr &env)
{
    {
        std::lock_guard lock(mutex);
        all.erase(std::remove(all.begin(), all.end(), env), all.end());
        for (auto &list : idle)
            list.erase(std::remove_if(list.begin(), list.end(), [&env](const Parked &p) { return p.env == env; }),
                       list.end());
    }
    capacity.notify_all();
}

void Engine::Private::housekeep()
{
    std::unique_lock lock(mutex);
    while (!stopping) {
        const int period = samplingMs.load();
        bool unfrozen = false;
        qint64 nextExpiry = std::numeric_limits<qint64>::max(); // clock time of the next keep-warm expiry
        for (const auto &list : std::as_const(idle)) {
            for (const Parked &p : list) {
                unfrozen = unfrozen || p.env->state().phase == EnvironmentPhase::Idle;
                if (!isProvisioned(p.env))
                    nextExpiry = std::min(nextExpiry, p.sinceClockMs + idleTimeoutMs);
            }
        }
        qint64 waitMs = -1; // -1: until notified
        if (busy > 0 || unfrozen)
            waitMs = std::max(1, period > 0 ? std::min(period, freezeDelayMs) : freezeDelayMs);
        if (nextExpiry != std::numeric_limits<qint64>::max()) {
            const qint64 untilExpiry = clock->realMsUntil(nextExpiry);
            if (untilExpiry >= 0)
                waitMs = waitMs < 0 ? std::max<qint64>(1, untilExpiry) : std::min(waitMs, std::max<qint64>(1, untilExpiry));
        }
        // Every change worth waking for (a clock step, a release, stopping) is made under `mutex`
        // and notified, so a plain wait cannot miss it; a spurious wake-up only re-computes.
        if (waitMs >= 0)
            wake.wait_for(lock, std::chrono::milliseconds(waitMs));
        else
            wake.wait(lock);
        if (stopping)
            break;
        const qint64 now = nowMs();
        const qint64 clockNow = clock->nowMs();
        std::vector<EnvPtr> sample;
        std::vector<EnvPtr> expired;
        for (const auto &env : all)
            if (env->state().phase == EnvironmentPhase::Busy)
                sample.push_back(env);
        for (auto &list : idle) {
            for (auto it = list.begin(); it != list.end();) {
                if (!isProvisioned(it->env) && clockNow - it->sinceClockMs >= idleTimeoutMs) {
                    expired.push_back(it->env); // out of the idle list first: nobody can take it now
                    it = list.erase(it);
                    continue;
                }
                if (it->env->state().phase == EnvironmentPhase::Idle && now - it->env->idleSinceMs() >= freezeDelayMs)
                    it->env->freezeIfParked(); // under the pool lock: no invocation can take it meanwhile
                ++it;
            }
        }
        if (!expired.empty()) {
            lock.unlock();
            for (const auto &env : expired) {
                env->shutdown(QStringLiteral("idle"));
                forget(env);
            }
            lock.lock();
        }
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
    rec.requestId = options.requestId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.requestId;
    rec.asynchronous = options.asynchronous;
    rec.attempt = options.attempt;
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
    // Throttling comes before anything else runs: a counter under the pool mutex.
    bool unreserved = false;
    const QString throttle = admit(f, &unreserved);
    if (!throttle.isEmpty()) {
        rec.outcome = InvocationOutcome::Throttled;
        rec.errorType = QStringLiteral("TooManyRequestsException");
        rec.errorMessage = QStringLiteral("Rate Exceeded.");
        rec.throttleReason = throttle;
        nlohmann::ordered_json body{{"Reason", throttle.toStdString()}, {"Type", "User"}, {"message", "Rate Exceeded."}};
        rec.payload = QByteArray::fromStdString(body.dump());
        return rec;
    }
    struct Admission
    {
        Private *d;
        const QString &function;
        bool unreserved;
        ~Admission() { d->leave(function, unreserved); }
    } admission{this, f.name, unreserved};

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

    // Only a cold start needs the runtime plugin: a warm environment was started with it, and the
    // warm path stays free of the descriptor copy.
    std::optional<RuntimeDescriptor> runtime;
    if (!env) {
        QString error;
        runtime = registry->resolve(f.runtime, &error);
        if (!runtime)
            return reject(QStringLiteral("InvalidRuntimeException"), error);
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
        // While it waits for the guard, an environment of this function may come free: take it warm.
        env = reserveSlot(rec.requestId, f.name, options.forceCold ? QString() : ExecutionEnvironment::makeFingerprint(f));
    }
    if (!env) {
        env = makeEnvironment(f, *runtime, QStringLiteral("on-demand"));
        {
            std::lock_guard lock(mutex);
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
        rec.initializationType = env->setup().initializationType;
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
    const auto result = env->invoke(inv, SteadyClock::now() + std::chrono::seconds(f.timeoutSec));

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
    // One reading at the end of every invocation, so even a 1 ms one shows on the memory chart
    // (the sampler only sees environments that stay busy for a period).
    if (fatalReason.isEmpty()) {
        MemorySample sample;
        sample.environmentId = env->id();
        sample.timestampMs = nowMs();
        sample.bytes = env->memoryNow();
        sample.limitBytes = qint64(f.memoryMb) << 20;
        Q_EMIT q->memorySampled(sample);
    } else if (rec.outcome == InvocationOutcome::OutOfMemory) {
        Q_EMIT q->memorySampled(MemorySample{env->id(), nowMs(), qint64(rec.maxMemoryUsedMb) << 20,
                                             qint64(f.memoryMb) << 20, true});
    }
    if (fatalReason.isEmpty())
        release(env);
    else
        fatal(env, fatalReason);
    return rec;
}

} // namespace fn
