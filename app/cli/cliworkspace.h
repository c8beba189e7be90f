#pragma once
// The Workspace as a CLI command uses it: the engine's logs and capacity waits on stderr, the
// workspace's messages as "fnstudio-cli: ..." lines, and one mutex for everything printed from
// several threads; and, for a command whose main thread blocks, SIGTERM, SIGINT and SIGHUP ending
// every environment so that the blocking call returns.

#include "workspace/workspace.h"

#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace fn {
class AsyncQueue;
class Engine;
class Store;
} // namespace fn

namespace fn::cli {

class CliWorkspace final
{
public:
    explicit CliWorkspace(Workspace::Options options);
    ~CliWorkspace();

    // Opens the project with a real engine; false after printing why not (a refused database
    // names its file). The project's own diagnostics are the command's to print.
    bool open(const QString &projectDir);

    Workspace &workspace() { return m_workspace; }
    Engine &engine();
    AsyncQueue &queue(); // with Options::durable only
    Store &store();      // with Options::durable only
    std::mutex &printing() { return m_printing; }
    // The functions' log lines go to stderr unless turned off (before open()).
    void setPrintsLogs(bool prints) { m_printsLogs = prints; }

    // For a command whose main thread blocks in the engine (invoke, queue run); call it before
    // open(). A termination signal is read on a thread of its own, which ends every environment
    // (and runs what whenInterrupted() added), so the blocking call returns; the command then sees
    // interrupted() and returns TerminationSignals::interruptedExitCode(). Until this object is
    // gone, later signals are ignored, so its own orderly end is not cut short.
    void endEnvironmentsOnSignals();
    // Something else a signal must stop (a burst); run at once if the signal was handled already.
    void whenInterrupted(std::function<void()> stop);
    // The termination signal the process received, 0 while none came.
    static int interrupted();

private:
    void interrupt(int signal);

    bool m_printsLogs = true;

    struct ThreadStop
    {
        void operator()(QThread *thread) const;
    };
    // Declared first, so it goes last: the handlers stay in place while the workspace shuts down.
    std::unique_ptr<QThread, ThreadStop> m_signalThread;
    std::mutex m_interruptLock; // the signal thread against open() and the destructor
    Engine *m_engine = nullptr;
    bool m_interrupted = false;
    bool m_closing = false;
    std::vector<std::function<void()>> m_stops;
    std::mutex m_printing;
    Workspace m_workspace;
};

} // namespace fn::cli
