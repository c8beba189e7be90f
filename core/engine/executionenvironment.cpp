#include "engine/executionenvironment.h"

#include "metrics/importprofile.h"
#include "sandbox/bubblewrap.h"

#include <QCryptographicHash>
#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QScopeGuard>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace fn {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

double msBetween(ExecutionEnvironment::Clock::time_point a, ExecutionEnvironment::Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return QString::fromLatin1(raw.toHex());
}

QByteArray errorBody(const QString &type, const QString &message)
{
    nlohmann::json body{{"errorType", type.toStdString()}, {"errorMessage", message.toStdString()}};
    return QByteArray::fromStdString(body.dump());
}

// bubblewrap reports a child killed by signal N as exit status 128 + N; Lambda quotes the signal.
ExitStatus unwrapBubblewrap(ExitStatus status)
{
    if (status.kind == ExitStatus::Kind::Exited && status.code > 128 && status.code < 128 + 65)
        return {ExitStatus::Kind::Signaled, 0, status.code - 128};
    return status;
}

// Where the runtime finds its Runtime API: Lambda's address, inside the environment's own network.
QString runtimeApiAddress()
{
    return QStringLiteral("127.0.0.1:%1").arg(NetworkSlot::RuntimeApiPort);
}

} // namespace

ExecutionEnvironment::ExecutionEnvironment(Setup setup, SandboxBackend &backend, LogSink logSink, StateSink stateSink)
    : m_setup(std::move(setup))
    , m_backend(backend)
    , m_logSink(std::move(logSink))
    , m_stateSink(std::move(stateSink))
    , m_id(randomHex(16))
    , m_fingerprint(makeFingerprint(m_setup.function))
    , m_provisioned(m_setup.initializationType == QLatin1String("provisioned-concurrency"))
    , m_createdAtMs(nowMs())
{
    m_logStream = QDate::currentDate().toString(QStringLiteral("yyyy/MM/dd")) + QStringLiteral("/[")
                  + m_setup.function.version + QLatin1Char(']') + m_id;
    m_state.environmentId = m_id;
    m_state.functionName = m_setup.function.name;
    m_state.version = m_setup.function.version;
    m_state.logStreamName = m_logStream;
    m_state.isolation = backend.isolation();
    m_state.initializationType = m_setup.initializationType;
    m_state.createdAtMs = m_createdAtMs;
    m_state.changedAtMs = m_createdAtMs;
    m_state.memoryLimitMb = m_setup.function.memoryMb;
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

ExecutionEnvironment::~ExecutionEnvironment()
{
    shutdown(QStringLiteral("shutdown"));
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

QString ExecutionEnvironment::makeFingerprint(const FunctionConfig &f)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    const auto add = [&hash](const QString &s) {
        hash.addData(s.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    };
    add(f.version); // a version's environments are its own, even on the same code as $LATEST
    add(f.runtime);
    add(f.handler);
    add(f.codeDir);
    add(QString::number(f.memoryMb));
    add(QString::number(f.timeoutSec));
    add(QString::number(f.ephemeralStorageMb));
    for (const auto &[k, v] : f.environment) {
        add(k);
        add(v);
    }
    for (const auto &l : f.layerDirs)
        add(l);
    // What the environment's variables are made of besides: its name and log group as Lambda
    // knows them, and the project's region.
    add(f.lambdaName());
    add(f.effectiveLogGroup());
    add(f.account.region);
    return QString::fromLatin1(hash.result().toHex());
}

NetworkPolicy ExecutionEnvironment::networkPolicy(const Setup &s)
{
    NetworkPolicy policy;
    const FunctionConfig &f = s.function;
    policy.reach = !f.inVpc             ? NetworkPolicy::Reach::Host
                   : f.vpcHasNatGateway ? NetworkPolicy::Reach::VpcWithNat
                                        : NetworkPolicy::Reach::Vpc;
    // The project's endpoints: the studio's services, and what the function's own variables name.
    policy.endpointPorts = NetworkPolicy::loopbackPorts(s.serviceEnvironment);
    for (const quint16 port : NetworkPolicy::loopbackPorts(f.environment)) {
        if (!policy.endpointPorts.contains(port))
            policy.endpointPorts << port;
    }
    return policy;
}

QStringList ExecutionEnvironment::buildEnvironment(const Setup &s, const QString &runtimeApi, const QString &logStream)
{
    const FunctionConfig &f = s.function;
    QStringList env;
    const auto set = [&env](const QString &k, const QString &v) { env << k + QLatin1Char('=') + v; };
    // Unreserved defaults first; the function's own variables may not override reserved ones
    // (the project reader rejects them) but may override these.
    QList<QPair<QString, QString>> defaults = {
        {QStringLiteral("PATH"), QStringLiteral("/usr/local/bin:/usr/bin/:/bin:/opt/bin")},
        {QStringLiteral("LANG"), QStringLiteral("en_US.UTF-8")},
        {QStringLiteral("LD_LIBRARY_PATH"),
         QStringLiteral("/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib")},
        {QStringLiteral("AWS_XRAY_CONTEXT_MISSING"), QStringLiteral("LOG_ERROR")},
    };
    defaults += s.runtime.environment;
    defaults += s.serviceEnvironment;
    if (s.profileImports)
        defaults += s.runtime.importProfileEnvironment;
    for (const auto &entry : std::as_const(defaults)) {
        const bool overridden = std::any_of(f.environment.begin(), f.environment.end(),
                                            [&entry](const auto &p) { return p.first == entry.first; });
        if (!overridden)
            set(entry.first, entry.second);
    }
    for (const auto &[k, v] : f.environment)
        set(k, v);
    set(QStringLiteral("_HANDLER"), f.handler);
    set(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"), f.lambdaName());
    set(QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), QString::number(f.memoryMb));
    set(QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"), f.version);
    set(QStringLiteral("AWS_LAMBDA_INITIALIZATION_TYPE"), s.initializationType);
    set(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME"), f.effectiveLogGroup());
    set(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME"), logStream);
    set(QStringLiteral("AWS_LAMBDA_RUNTIME_API"), runtimeApi);
    set(QStringLiteral("AWS_REGION"), f.account.region);
    set(QStringLiteral("AWS_DEFAULT_REGION"), f.account.region);
    if (!s.runtime.executionEnv.isEmpty())
        set(QStringLiteral("AWS_EXECUTION_ENV"), s.runtime.executionEnv);
    set(QStringLiteral("LAMBDA_TASK_ROOT"), QStringLiteral("/var/task"));
    set(QStringLiteral("LAMBDA_RUNTIME_DIR"), QStringLiteral("/var/runtime"));
    set(QStringLiteral("TZ"), QStringLiteral(":UTC"));
    return env;
}

void ExecutionEnvironment::setPhase(EnvironmentPhase phase, const QString &reason)
{
    EnvironmentState copy;
    {
        std::lock_guard lock(m_stateMutex);
        if (m_state.phase == phase || m_state.phase == EnvironmentPhase::Stopped)
            return;
        m_state.phase = phase;
        m_state.changedAtMs = nowMs();
        if (!reason.isEmpty())
            m_state.stopReason = reason;
        copy = m_state;
    }
    if (m_stateSink && m_announced)
        m_stateSink(copy);
}

EnvironmentPhase ExecutionEnvironment::phase() const
{
    std::lock_guard lock(m_stateMutex);
    return m_state.phase;
}

EnvironmentState ExecutionEnvironment::state() const
{
    std::lock_guard lock(m_stateMutex);
    EnvironmentState copy = m_state;
    return copy;
}

qint64 ExecutionEnvironment::memoryNow() const
{
    const auto g = group();
    return g && isAlive() ? std::min(g->memoryCurrent() + m_uncharged, memoryLimitBytes()) : 0;
}

std::shared_ptr<ResourceGroup> ExecutionEnvironment::group() const
{
    std::lock_guard lock(m_stateMutex);
    return m_group;
}

void ExecutionEnvironment::joinReader()
{
    std::lock_guard lock(m_readerJoinMutex);
    if (m_reader.joinable())
        m_reader.join();
}

bool ExecutionEnvironment::prepareAhead()
{
    m_announced = false;
    const auto t0 = Clock::now();
    QString error;
    m_prepared = makeSandbox(t0 + std::chrono::milliseconds(m_setup.initTimeoutMs), &error);
    m_preparedMs = msBetween(t0, Clock::now());
    return m_prepared;
}

void ExecutionEnvironment::note(const QString &text)
{
    if (m_announced)
        logPlatform(text, QString());
    else
        m_heldNotes << text;
}

bool ExecutionEnvironment::makeSandbox(Clock::time_point deadline, QString *error)
{
    const FunctionConfig &f = m_setup.function;
    ResourceLimits limits;
    limits.memoryBytes = qint64(f.memoryMb) << 20;
    // Init runs without the quota (Lambda boosts CPU during init); the memory-proportional share
    // applies from the first GET /next on, see start().
    limits.cpus = 0;
    limits.pidsMax = 1024;
    std::shared_ptr<ResourceGroup> group = m_backend.createGroup(m_id, limits, error);
    if (!group)
        return false;
    {
        std::lock_guard lock(m_stateMutex);
        m_group = group;
    }

    SandboxLayout layout;
    layout.codeDir = f.codeDir;
    layout.layerDirs = f.layerDirs;
    layout.runtimeDir = m_setup.runtime.pluginDir;
    layout.tmpSizeMb = f.ephemeralStorageMb;
    if (QString why; auto tmp = ScratchDisk::create(&why)) {
        layout.tmpDir = tmp->path();
        std::lock_guard lock(m_stateMutex);
        m_tmp = std::move(tmp);
    } else {
        note(QStringLiteral("fnstudio: /tmp is a tmpfs charged to the memory limit (%1)").arg(why));
    }
    if (!m_setup.runtime.interpreter.isEmpty() && !m_setup.runtime.interpreter.startsWith(QStringLiteral("/usr/")))
        layout.extraReadOnly << QFileInfo(m_setup.runtime.interpreter).absolutePath();

    ProcessSpec spec;
    // Descriptors bubblewrap inherits: the runtime's end of its Runtime API channel, for a runtime
    // that is handed one, the launcher and its channel, then the seccomp filter and the system
    // files bubblewrap copies in. All are closed here once the sandbox has started: the runtime
    // holds the only copy of its end.
    const auto closePassed = [&spec] {
        for (const ProcessSpec::PassedFd &p : spec.passFds)
            ::close(p.fd);
        spec.passFds.clear();
    };
    const auto closeOnReturn = qScopeGuard(closePassed);
    int nextFd = 3;
    if (m_setup.runtime.runtimeApiFd >= 0) {
        const int api = m_api.openChannel(error);
        if (api < 0)
            return false;
        spec.passFds.push_back({api, m_setup.runtime.runtimeApiFd});
        nextFd = m_setup.runtime.runtimeApiFd + 1;
    }
    // The environment's own network: its Runtime API listens at 127.0.0.1:9001 inside, where no
    // other environment can reach it, and pasta gives the function its reach (see NetworkSlot).
    const NetworkPolicy policy = networkPolicy(m_setup);
    m_network = m_setup.networks ? m_setup.networks->take(policy, deadline, error)
                                 : NetworkSlot::create(policy, deadline, error);
    if (!m_network)
        return false;
    // Its reach is there before the runtime starts, as on Lambda: an init that connects somewhere
    // must not race pasta (a spare's was ready long before). Without it the environment still runs.
    if (QString unreachable; !m_network->waitReady(deadline, &unreachable))
        note(QStringLiteral("fnstudio: this environment's network reaches nothing but its own Runtime API "
                            "(%1): the host's services, the studio's endpoints and the internet are "
                            "unreachable")
                 .arg(unreachable));
    if (!m_api.start(m_network->takeListener(), runtimeApiAddress(), error))
        return false;
    layout.networkJoined = true;
    m_network->applyTo(spec);
    QStringList launch;
    if (!m_launcher.prepare(spec, nextFd, &launch, error) || !Bubblewrap::prepare(spec, layout, nextFd, error))
        return false;
    spec.arguments = Bubblewrap::arguments(layout, launch);
    group->applyTo(spec); // the launcher waits in the group, and the runtime it becomes stays there

    if (!m_process.start(spec, error))
        return false;
    closePassed();
    group->setLeader(m_process.pid());
    m_reader = std::thread([this] { readerLoop(); });
    return true;
}

ExecutionEnvironment::InitResult ExecutionEnvironment::start(const QString &requestIdForErrors)
{
    InitResult result;
    const auto fail = [&](const QString &type, const QString &message) {
        result.errorType = type;
        result.errorBody = errorBody(type, message);
        return result;
    };
    const FunctionConfig &f = m_setup.function;
    if (!m_announced) {
        // Made ahead, unseen until now: it is created as it starts, its stream named today.
        {
            std::lock_guard lock(m_stateMutex);
            m_createdAtMs = nowMs();
            m_logStream = QDate::currentDate().toString(QStringLiteral("yyyy/MM/dd")) + QStringLiteral("/[") + f.version
                          + QLatin1Char(']') + m_id;
            m_state.createdAtMs = m_state.changedAtMs = m_createdAtMs;
            m_state.logStreamName = m_logStream;
        }
        m_announced = true;
        for (const QString &text : std::exchange(m_heldNotes, {}))
            logPlatform(text, QString());
        result.sandboxMadeAheadMs = m_preparedMs;
    }
    setPhase(EnvironmentPhase::Starting);
    const auto t0 = Clock::now(); // Init Duration counts from here: the sandbox's making is part of it
    const auto initDeadline = t0 + std::chrono::milliseconds(m_setup.initTimeoutMs);

    QStringList command = m_setup.runtime.command;
    if (command.isEmpty())
        return fail(QStringLiteral("Runtime.InvalidEntrypoint"),
                    QStringLiteral("The runtime plugin '%1' has no command").arg(m_setup.runtime.id));
    if (m_setup.runtime.interpreter.isEmpty()) { // provided: the function's own bootstrap
        QStringList candidates{f.codeDir + QStringLiteral("/bootstrap")};
        for (const QString &layer : f.layerDirs)
            candidates << layer + QStringLiteral("/bootstrap");
        const auto it = std::find_if(candidates.begin(), candidates.end(), [](const QString &p) {
            const QFileInfo fi(p);
            return fi.isFile() && fi.isExecutable();
        });
        if (it == candidates.end())
            return fail(QStringLiteral("Runtime.InvalidEntrypoint"),
                        QStringLiteral("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"));
        command = {it->startsWith(f.codeDir) ? QStringLiteral("/var/task/bootstrap")
                                             : QStringLiteral("/opt/bootstrap")};
    }

    QString error;
    if (!m_prepared && !(m_prepared = makeSandbox(initDeadline, &error)))
        return fail(QStringLiteral("Sandbox.Failure"), error);
    setPhase(EnvironmentPhase::Initializing);
    if (!m_launcher.launch(command, buildEnvironment(m_setup, runtimeApiAddress(), m_logStream), &error))
        return fail(QStringLiteral("Sandbox.Failure"), error);
    const auto t1 = Clock::now();
    result.sandboxMs = msBetween(t0, t1);
    const std::shared_ptr<ResourceGroup> group = this->group();

    const auto outcome = m_api.waitUntilReady(initDeadline);
    const auto t2 = Clock::now();
    result.initDurationMs = msBetween(t0, t2);
    if (const auto started = m_api.runtimeStartedAt()) {
        result.runtimeStartMs = msBetween(t1, *started);
        result.moduleInitMs = msBetween(*started, t2);
    }

    using S = RuntimeApiServer::Signal;
    switch (outcome.signal) {
    case S::Ready:
        result.ok = true;
        group->setCpuLimit(f.memoryMb / 1769.0);
        // The interpreter's binary and libraries are usually in the page cache already, charged to
        // whoever read them first; Lambda's fresh microVM counts them. Measure that share once here.
        m_uncharged = std::max<qint64>(0, group->residentBytes() - group->memoryCurrent());
        markIdle();
        return result;
    case S::InitError: {
        // A runtime that reported its init error exits by itself; let it, so its last words are logged.
        {
            std::unique_lock lock(m_stateMutex);
            m_exitCv.wait_for(lock, std::chrono::seconds(1), [this] { return m_exited.load(); });
        }
        drainOutput();
        result.errorType = QString::fromUtf8(outcome.errorType);
        result.errorBody = outcome.body;
        const auto parsed = nlohmann::json::parse(outcome.body.toStdString(), nullptr, false);
        if (parsed.is_object() && parsed.contains("errorType") && parsed["errorType"].is_string()
            && result.errorType.isEmpty())
            result.errorType = QString::fromStdString(parsed["errorType"].get<std::string>());
        if (result.errorType.isEmpty())
            result.errorType = QStringLiteral("Runtime.Unknown");
        if (!parsed.is_object())
            result.errorBody = errorBody(result.errorType, QString::fromUtf8(outcome.body));
        return result;
    }
    case S::TimedOut:
        result.timedOut = true;
        return fail(QStringLiteral("Sandbox.Timedout"),
                    QStringLiteral("RequestId: %1 Error: Init phase timed out after %2 seconds")
                        .arg(requestIdForErrors, QString::number(m_setup.initTimeoutMs / 1000.0, 'f', 2)));
    default: {
        // The runtime died before it asked for work.
        joinReader();
        QString exit;
        {
            std::lock_guard lock(m_stateMutex);
            exit = m_exitStatus ? m_exitStatus->describe() : QStringLiteral("unknown");
        }
        return fail(QStringLiteral("Runtime.ExitError"),
                    QStringLiteral("RequestId: %1 Error: Runtime exited with error: %2").arg(requestIdForErrors, exit));
    }
    }
}

ExecutionEnvironment::InvokeResult ExecutionEnvironment::invoke(const RuntimeApiServer::Invocation &invocation,
                                                                Clock::time_point deadline)
{
    InvokeResult result;
    const auto entered = Clock::now();
    thawIfFrozen();
    setPhase(EnvironmentPhase::Busy);
    {
        std::lock_guard lock(m_logMutex);
        m_currentRequestId = QString::fromLatin1(invocation.requestId);
    }
    {
        std::lock_guard lock(m_stateMutex);
        ++m_state.invocations;
    }
    const auto group = this->group();
    if (group)
        group->resetPeak();
    const auto t0 = Clock::now();
    // The timeout counts from the event's delivery, as on Lambda: the thaw before it (microseconds;
    // far more on a slow machine waiting for cgroup v2's freezer) is the studio's, not the function's.
    deadline += t0 - entered;
    const auto outcome = m_api.invoke(invocation, deadline);
    const auto t1 = Clock::now();
    result.durationMs = msBetween(t0, t1);
    result.signal = outcome.signal;
    result.body = outcome.body;
    result.errorType = QString::fromUtf8(outcome.errorType);
    result.attemptedSize = outcome.bodySize;
    if (group) {
        // The cgroup's peak reaches the limit before it kills, and the pages charged elsewhere come
        // on top: as on Lambda, what is used cannot exceed what is allowed.
        result.peakBytes = std::min(group->memoryPeak() + m_uncharged, memoryLimitBytes());
        // A process of the function's other than the runtime (a subprocess, a worker) killed for
        // memory while the runtime answered: Lambda reports the invocation as out of memory too, and
        // an environment the limit has hit is not reused.
        if (outcome.signal != RuntimeApiServer::Signal::Aborted && group->oomKilled()) {
            result.outOfMemory = true;
            result.exitDescription = QStringLiteral("signal: killed");
        }
        if (outcome.signal == RuntimeApiServer::Signal::Aborted) {
            joinReader(); // the runtime died: wait until its exit is recorded
            result.outOfMemory = group->oomKilled();
            std::lock_guard lock(m_stateMutex);
            result.exitDescription = m_exitStatus ? m_exitStatus->describe() : QStringLiteral("signal: killed");
        }
    }
    checkTmpSize(QString::fromLatin1(invocation.requestId));
    return result;
}

void ExecutionEnvironment::checkTmpSize(const QString &requestId)
{
    // At most once a second: a walk of /tmp costs what its files number, and most functions keep few.
    const qint64 now = nowMs();
    if (m_tmpWarned || now - m_tmpCheckedAtMs < 1000)
        return;
    m_tmpCheckedAtMs = now;
    std::shared_ptr<ScratchDisk> tmp;
    {
        std::lock_guard lock(m_stateMutex);
        tmp = m_tmp;
    }
    if (!tmp)
        return;
    const qint64 limitMb = m_setup.function.ephemeralStorageMb;
    const qint64 used = tmp->usedBytes();
    if (used <= limitMb << 20)
        return;
    m_tmpWarned = true;
    logPlatform(QStringLiteral("fnstudio: /tmp holds %1 MB, more than this function's EphemeralStorage of %2 MB. "
                               "On Lambda, writes past %2 MB fail with \"No space left on device\"; fnstudio "
                               "keeps /tmp on disk and does not stop them")
                    .arg(QString::number((used + (1 << 20) - 1) >> 20), QString::number(limitMb)),
                requestId);
}

void ExecutionEnvironment::markIdle()
{
    m_idleSinceMs = nowMs();
    {
        std::lock_guard lock(m_logMutex);
        m_currentRequestId.clear();
    }
    setPhase(EnvironmentPhase::Idle);
}

bool ExecutionEnvironment::freezeIfParked()
{
    if (!isAlive() || !m_api.runtimeWaiting())
        return false;
    {
        std::lock_guard lock(m_stateMutex);
        if (m_frozen)
            return true;
        if (!m_group || m_state.phase != EnvironmentPhase::Idle || !m_group->freeze())
            return false;
        m_frozen = true;
    }
    setPhase(EnvironmentPhase::Frozen);
    return true;
}

void ExecutionEnvironment::thawIfFrozen()
{
    std::lock_guard lock(m_stateMutex);
    if (m_frozen && m_group) {
        m_group->thaw();
        m_frozen = false;
    }
}

void ExecutionEnvironment::logPlatform(const QString &text, const QString &requestId)
{
    LogBatch batch;
    batch.append(LogLine{nowMs(), m_setup.function.effectiveLogGroup(), m_logStream, requestId, text, true});
    std::lock_guard lock(m_logMutex);
    if (m_logSink)
        m_logSink(std::move(batch));
}

void ExecutionEnvironment::drainOutput()
{
    std::lock_guard lock(m_logMutex);
    readAvailableLocked();
    if (!m_partial.isEmpty())
        emitLinesLocked("\n", 1, true);
}

void ExecutionEnvironment::readAvailableLocked()
{
    const int fd = m_process.outputFd();
    if (fd < 0)
        return;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            emitLinesLocked(buffer, n, false);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break; // EAGAIN or EOF
    }
}

void ExecutionEnvironment::emitLinesLocked(const char *data, qsizetype size, bool flushPartial)
{
    LogBatch batch;
    const qint64 now = nowMs();
    const QString group = m_setup.function.effectiveLogGroup();
    qsizetype begin = 0;
    for (qsizetype i = 0; i < size; ++i) {
        if (data[i] != '\n')
            continue;
        QByteArray line = m_partial + QByteArray(data + begin, i - begin);
        m_partial.clear();
        begin = i + 1;
        if (flushPartial && line.isEmpty())
            continue;
        // The profile, not the function's output.
        if (m_setup.profileImports && line.startsWith(ImportProfile::LinePrefix)) {
            m_importProfileLines.append(line);
            continue;
        }
        batch.append(LogLine{now, group, m_logStream, m_currentRequestId, QString::fromUtf8(line), false});
    }
    m_partial.append(data + begin, size - begin);
    if (!batch.isEmpty() && m_logSink)
        m_logSink(std::move(batch));
}

QByteArrayList ExecutionEnvironment::takeImportProfileLines()
{
    std::lock_guard lock(m_logMutex);
    return std::exchange(m_importProfileLines, {});
}

void ExecutionEnvironment::readerLoop()
{
    pollfd fds[3] = {{m_process.outputFd(), POLLIN, 0}, {m_process.pidFd(), POLLIN, 0}, {m_wakeFd, POLLIN, 0}};
    for (;;) {
        const int n = ::poll(fds, 3, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            std::lock_guard lock(m_logMutex);
            readAvailableLocked();
            if (fds[0].revents & POLLHUP && !(fds[0].revents & POLLIN))
                fds[0].fd = -1; // every writer is gone; keep waiting for the exit
        }
        if (fds[1].revents & POLLIN) {
            const auto status = m_process.waitForExit(0);
            {
                std::lock_guard lock(m_logMutex);
                readAvailableLocked();
            }
            {
                std::lock_guard lock(m_stateMutex);
                if (status)
                    m_exitStatus = unwrapBubblewrap(*status);
                m_exited = true;
            }
            m_exitCv.notify_all();
            m_api.abort();
            return;
        }
        if (fds[2].revents & POLLIN)
            return;
    }
}

void ExecutionEnvironment::shutdown(const QString &reason)
{
    {
        std::lock_guard lock(m_stateMutex);
        if (m_state.phase == EnvironmentPhase::Stopped || m_state.phase == EnvironmentPhase::ShuttingDown)
            return;
    }
    setPhase(EnvironmentPhase::ShuttingDown);
    thawIfFrozen();
    if (m_process.pid() > 0 && !m_exited)
        m_process.kill();
    const auto group = this->group();
    if (group)
        group->killAll();
    if (m_wakeFd >= 0) {
        const quint64 one = 1;
        [[maybe_unused]] auto n = ::write(m_wakeFd, &one, sizeof one);
    }
    joinReader();
    if (m_process.pid() > 0 && !m_exited) {
        const auto status = m_process.waitForExit(2000);
        std::lock_guard lock(m_stateMutex);
        if (status)
            m_exitStatus = unwrapBubblewrap(*status);
        m_exited = true;
    }
    drainOutput();
    m_api.stop();
    m_network.reset();
    std::shared_ptr<ScratchDisk> tmp;
    {
        std::lock_guard lock(m_stateMutex);
        m_group.reset(); // freed here, or by the last thread still using it
        tmp = std::move(m_tmp);
    }
    tmp.reset(); // its folder removed (here, or by the last thread using it), outside the state lock
    setPhase(EnvironmentPhase::Stopped, reason);
}

} // namespace fn
