#pragma once
// Shared set-up for tests that run real functions in real sandboxes through the engine:
// a temporary code folder, a FunctionConfig for it, and a log collector.

#include "engine/engine.h"

#include <QDir>
#include <QFile>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <mutex>

namespace fn::test {

// Function timeouts that are room to work, not the subject of the test, stretch on a machine
// known to be slow (FN_SLOW_MACHINE_FACTOR, set by the cgroup v2 guest run: software emulation).
inline int roomy(int timeoutSec)
{
    return timeoutSec * std::max(1, qEnvironmentVariableIntValue("FN_SLOW_MACHINE_FACTOR"));
}

// Collects every log line the engine writes, thread-safely.
class LogCollector
{
public:
    explicit LogCollector(Engine &engine)
    {
        QObject::connect(
            &engine, &Engine::logLines, &engine,
            [this](const LogBatch &batch) {
                std::lock_guard lock(m_mutex);
                for (const LogLine &line : batch)
                    m_lines << line;
            },
            Qt::DirectConnection);
    }
    QList<LogLine> lines() const
    {
        std::lock_guard lock(m_mutex);
        return m_lines;
    }
    // The text of every line written for one request id, in order.
    QStringList forRequest(const QString &requestId) const
    {
        QStringList out;
        for (const LogLine &line : lines())
            if (line.requestId == requestId)
                out << line.text;
        return out;
    }
    QString all() const
    {
        QStringList out;
        for (const LogLine &line : lines())
            out << line.text;
        return out.join(QLatin1Char('\n'));
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_lines.clear();
    }

private:
    mutable std::mutex m_mutex;
    QList<LogLine> m_lines;
};

// A function whose code lives in a fresh temporary folder.
struct TempFunction
{
    QTemporaryDir dir;
    FunctionConfig config;

    TempFunction(const QString &name, const QString &runtime, const QString &handler, int timeoutSec = 3,
                 int memoryMb = 128)
    {
        config.name = name;
        config.runtime = runtime;
        config.handler = handler;
        config.codeDir = dir.path();
        config.timeoutSec = timeoutSec;
        config.memoryMb = memoryMb;
    }
    void write(const QString &file, const QByteArray &content, bool executable = false) const
    {
        QFile f(QDir(dir.path()).filePath(file));
        QDir().mkpath(QFileInfo(f.fileName()).absolutePath());
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(content);
        f.close();
        if (executable)
            f.setPermissions(f.permissions() | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    }
    void installBootstrap(const QString &program) const
    {
        const QString target = QDir(dir.path()).filePath(QStringLiteral("bootstrap"));
        QFile::remove(target);
        QFile::copy(program, target);
        QFile(target).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                     | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    }
};

} // namespace fn::test
