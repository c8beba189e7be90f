#include "cliworkspace.h"
#include "clicommand.h"

#include "engine/engine.h"
#include "workspace/terminationsignals.h"

#include <QFileInfo>
#include <QThread>

#include <cstdio>

namespace fn::cli {

CliWorkspace::CliWorkspace(Workspace::Options options)
{
    m_workspace.setOptions(options);
    QObject::connect(&m_workspace, &Workspace::message, &m_workspace,
                     [this](Workspace::Severity severity, const QString &text) {
                         const QByteArray line = QByteArrayLiteral("fnstudio-cli: ")
                                                 + (severity == Workspace::Severity::Warning ? "warning: " : "")
                                                 + text.toUtf8() + '\n';
                         std::lock_guard lock(m_printing);
                         std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
                         std::fflush(stderr);
                     });
    // A template broken while serving: said on stderr; the last good project goes on serving.
    QObject::connect(&m_workspace, &Workspace::problemsChanged, &m_workspace,
                     [this](const QList<Diagnostic> &problems) {
                         if (!m_workspace.keepsLastGoodProject())
                             return;
                         std::lock_guard lock(m_printing);
                         for (const Diagnostic &d : problems)
                             std::fprintf(stderr, "fnstudio-cli: %s (the last good version stays loaded)\n",
                                          d.toString().toUtf8().constData());
                         std::fflush(stderr);
                     });
    QObject::connect(&m_workspace, &Workspace::eventsRecovered, &m_workspace, [this](int count) {
        std::lock_guard lock(m_printing);
        std::fprintf(stderr, "fnstudio-cli: recovered %d accepted events\n", count);
        std::fflush(stderr);
    });
}

CliWorkspace::~CliWorkspace()
{
    // An interruption under way finishes first; none starts while the workspace shuts down.
    std::lock_guard lock(m_interruptLock);
    m_closing = true;
}

void CliWorkspace::ThreadStop::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

void CliWorkspace::endEnvironmentsOnSignals()
{
    if (m_signalThread)
        return;
    m_signalThread.reset(new QThread);
    m_signalThread->setObjectName(QStringLiteral("termination signals"));
    auto *termination = new TerminationSignals;
    if (!termination->isInstalled())
        error(QStringLiteral("warning: cannot handle SIGTERM, SIGINT and SIGHUP: they end this command at once, "
                             "and the environments left are ended by the next start"));
    termination->moveToThread(m_signalThread.get());
    QObject::connect(m_signalThread.get(), &QThread::finished, termination, &QObject::deleteLater);
    QObject::connect(
        termination, &TerminationSignals::requested, termination, [this](int signal) { interrupt(signal); },
        Qt::DirectConnection);
    m_signalThread->start();
}

void CliWorkspace::whenInterrupted(std::function<void()> stop)
{
    std::lock_guard lock(m_interruptLock);
    if (m_interrupted)
        stop();
    else
        m_stops.push_back(std::move(stop));
}

int CliWorkspace::interrupted()
{
    return TerminationSignals::received();
}

void CliWorkspace::interrupt(int signal)
{
    std::lock_guard lock(m_interruptLock);
    if (m_closing)
        return;
    m_interrupted = true;
    {
        std::lock_guard printing(m_printing);
        std::fprintf(stderr, "fnstudio-cli: %s: ending every environment\n", TerminationSignals::name(signal));
        std::fflush(stderr);
    }
    for (const auto &stop : m_stops)
        stop();
    if (m_engine)
        m_engine->stopAll();
}

bool CliWorkspace::open(const QString &projectDir)
{
    m_workspace.startEngine();
    Engine &engine = *m_workspace.engine();
    {
        std::lock_guard lock(m_interruptLock);
        m_engine = &engine;
    }
    // Direct: printed on the engine thread that produced them, in order.
    if (m_printsLogs)
        QObject::connect(
            &engine, &Engine::logLines, &engine,
            [this](const LogBatch &batch) {
                QByteArray text;
                for (const LogLine &line : batch)
                    text += line.text.toUtf8() + '\n';
                std::lock_guard lock(m_printing);
                std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
                std::fflush(stderr);
            },
            Qt::DirectConnection);
    QObject::connect(
        &engine, &Engine::invocationQueued, &engine,
        [this](const QString &, const QString &functionName, const QString &reason) {
            std::lock_guard lock(m_printing);
            std::fprintf(stderr, "fnstudio-cli: %s waits for capacity: %s\n", functionName.toUtf8().constData(),
                         reason.toUtf8().constData());
        },
        Qt::DirectConnection);
    m_workspace.open(QFileInfo(projectDir).absoluteFilePath());
    if (m_workspace.options().durable && !m_workspace.store())
        return false; // the workspace said why (naming the database)
    for (const Diagnostic &e : m_workspace.project().errors()) {
        if (e.file == ProjectSettings::fileName())
            error(e.toString());
    }
    return true;
}

Engine &CliWorkspace::engine()
{
    return *m_workspace.engine();
}

AsyncQueue &CliWorkspace::queue()
{
    return *m_workspace.queue();
}

Store &CliWorkspace::store()
{
    return *m_workspace.store();
}

} // namespace fn::cli
