#include "asyncsession.h"
#include "clicommand.h"

#include "workspace/projectsettingsapply.h"
#include "project/project.h"

#include <QFileInfo>

#include <cstdio>

namespace fn::cli {

bool AsyncSession::open(const QString &projectDir)
{
    const QString dir = QFileInfo(projectDir).absoluteFilePath();
    Project project;
    project.open(dir);
    m_functions = project.functions();
    m_store = std::make_unique<Store>();
    QString problem;
    if (!m_store->open(Store::defaultPath(dir), &problem)) {
        error(problem);
        return false;
    }
    m_engine = std::make_unique<Engine>();
    QObject::connect(m_engine.get(), &Engine::logLines, m_engine.get(), [this](const LogBatch &batch) {
        QByteArray text;
        for (const LogLine &line : batch)
            text += line.text.toUtf8() + '\n';
        std::lock_guard lock(m_printing);
        std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
        std::fflush(stderr);
    }, Qt::DirectConnection);
    QObject::connect(m_engine.get(), &Engine::invocationQueued, m_engine.get(),
                     [this](const QString &, const QString &functionName, const QString &reason) {
                         std::lock_guard lock(m_printing);
                         std::fprintf(stderr, "fnstudio-cli: %s waits for capacity: %s\n",
                                      functionName.toUtf8().constData(), reason.toUtf8().constData());
                     }, Qt::DirectConnection);
    m_history = std::make_unique<HistoryRecorder>(*m_engine, *m_store);
    m_queue = std::make_unique<AsyncQueue>(*m_engine, *m_store);
    m_queue->setFunctions(m_functions);
    applyProjectSettings(project.settings(), *m_engine, m_queue.get());
    for (const Diagnostic &e : project.errors()) {
        if (e.file == ProjectSettings::fileName())
            error(e.toString());
    }
    return true;
}

int AsyncSession::startDelivery()
{
    const int recovered = m_queue->start();
    if (recovered > 0) {
        std::lock_guard lock(m_printing);
        std::fprintf(stderr, "fnstudio-cli: recovered %d accepted events\n", recovered);
        std::fflush(stderr);
    }
    return recovered;
}

} // namespace fn::cli
