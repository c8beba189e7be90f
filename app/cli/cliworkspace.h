#pragma once
// The Workspace as a CLI command uses it: the engine's logs and capacity waits on stderr, the
// workspace's messages as "fnstudio-cli: ..." lines, and one mutex for everything printed from
// several threads.

#include "workspace/workspace.h"

#include <QString>

#include <mutex>

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

    // Opens the project with a real engine; false after printing why not (a refused database
    // names its file). The project's own diagnostics are the command's to print.
    bool open(const QString &projectDir);

    Workspace &workspace() { return m_workspace; }
    Engine &engine();
    AsyncQueue &queue(); // with Options::durable only
    Store &store();      // with Options::durable only
    std::mutex &printing() { return m_printing; }

private:
    std::mutex m_printing;
    Workspace m_workspace;
};

} // namespace fn::cli
