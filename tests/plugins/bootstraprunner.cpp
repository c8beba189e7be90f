#include "bootstraprunner.h"

#include "runtime/runtimeregistry.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcessEnvironment>

#include <chrono>

#include <unistd.h>

namespace fn {

namespace {

const QString RuntimeDir = QStringLiteral("/var/runtime");

RuntimeApiServer::Clock::time_point in(int ms)
{
    return RuntimeApiServer::Clock::now() + std::chrono::milliseconds(ms);
}

} // namespace

BootstrapRunner::BootstrapRunner(const QString &samRuntime)
{
    RuntimeRegistry registry;
    registry.load(RuntimeRegistry::defaultPluginRoot());
    QString error;
    const auto d = registry.resolve(samRuntime, &error);
    if (!d) {
        m_unavailable = error;
        return;
    }
    m_descriptor = *d;
}

BootstrapRunner::~BootstrapRunner()
{
    if (m_server)
        m_server->abort();
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    if (m_server)
        m_server->stop();
}

void BootstrapRunner::writeTaskFile(const QString &relativePath, const QByteArray &content)
{
    const QString path = m_task.path() + QLatin1Char('/') + relativePath;
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(content);
}

RuntimeApiServer::Outcome BootstrapRunner::start(const QString &handler, const QStringList &extraEnvironment)
{
    m_server = std::make_unique<RuntimeApiServer>();
    QString error;
    if (!m_server->start(&error))
        qFatal("Runtime API server: %s", qPrintable(error));

    // Outside a sandbox the plugin is not at /var/runtime: map it, as the sandbox's bind would.
    auto mapped = [this](QString s) {
        return s.replace(RuntimeDir, m_descriptor.pluginDir).replace(QStringLiteral("/var/task"), m_task.path());
    };

    QProcessEnvironment env; // built from scratch, as the engine does
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/local/bin:/usr/bin:/bin"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("TZ"), QStringLiteral(":UTC"));
    for (const auto &kv : std::as_const(m_descriptor.environment))
        env.insert(kv.first, mapped(kv.second));
    env.insert(QStringLiteral("AWS_LAMBDA_RUNTIME_API"), m_server->address());
    env.insert(QStringLiteral("_HANDLER"), handler);
    env.insert(QStringLiteral("LAMBDA_TASK_ROOT"), m_task.path());
    env.insert(QStringLiteral("LAMBDA_RUNTIME_DIR"), m_descriptor.pluginDir);
    if (!m_descriptor.executionEnv.isEmpty())
        env.insert(QStringLiteral("AWS_EXECUTION_ENV"), m_descriptor.executionEnv);
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"), QStringLiteral("HelloFunction"));
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), QStringLiteral("128"));
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"), QStringLiteral("$LATEST"));
    env.insert(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME"), QStringLiteral("/aws/lambda/HelloFunction"));
    env.insert(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME"),
               QStringLiteral("2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef"));
    env.insert(QStringLiteral("AWS_REGION"), QStringLiteral("us-east-1"));
    for (const QString &kv : extraEnvironment) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        env.insert(kv.left(eq), kv.mid(eq + 1));
    }

    QStringList argv;
    for (const QString &a : std::as_const(m_descriptor.command))
        argv.append(mapped(a));
    m_process.setProcessEnvironment(env);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setWorkingDirectory(m_task.path());
    // A runtime that takes a channel to the Runtime API is handed one, as by the engine.
    int apiFd = -1;
    if (m_descriptor.runtimeApiFd >= 0 && m_handChannel) {
        apiFd = m_server->openChannel(&error);
        if (apiFd < 0)
            qFatal("%s", qPrintable(error));
        const int as = m_descriptor.runtimeApiFd;
        m_process.setChildProcessModifier([apiFd, as] { ::dup2(apiFd, as); });
    }
    m_process.start(argv.takeFirst(), argv);
    if (apiFd >= 0)
        ::close(apiFd);
    if (!m_process.waitForStarted(5000))
        qFatal("cannot start %s", qPrintable(m_process.program()));
    return m_server->waitUntilReady(in(15000));
}

RuntimeApiServer::Outcome BootstrapRunner::invoke(const QByteArray &payload, const QByteArray &requestId,
                                                  const QByteArray &clientContext, const QByteArray &cognitoIdentity)
{
    RuntimeApiServer::Invocation inv;
    inv.requestId = requestId;
    inv.payload = payload;
    inv.deadlineMs = QDateTime::currentMSecsSinceEpoch() + 30000;
    inv.functionArn = QByteArrayLiteral("arn:aws:lambda:us-east-1:123456789012:function:HelloFunction");
    inv.traceId = QByteArrayLiteral("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    inv.clientContext = clientContext;
    inv.cognitoIdentity = cognitoIdentity;
    return m_server->invoke(inv, in(15000));
}

QByteArray BootstrapRunner::output()
{
    // The bootstraps flush before they post, so what belongs to an invocation is in the pipe.
    while (m_process.state() == QProcess::Running && m_process.waitForReadyRead(30))
        m_output += m_process.readAll();
    m_output += m_process.readAll();
    return m_output;
}

int BootstrapRunner::waitForExit(int timeoutMs)
{
    if (!m_process.waitForFinished(timeoutMs) && m_process.state() != QProcess::NotRunning)
        return -1;
    m_output += m_process.readAll();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QJsonObject BootstrapRunner::json(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace fn
