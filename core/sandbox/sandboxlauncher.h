#pragma once
// A runtime's start, apart from its sandbox's making: bubblewrap runs fnstudio-launch as the
// sandbox's first program, which waits until the runtime's command line and environment are
// written to it here, then becomes the runtime. A sandbox can so be made ahead of the invocation
// that needs it (see SpareSandboxes), and its runtime started later in a fraction of a millisecond.

#include "childprocess.h"

#include <QString>
#include <QStringList>

namespace fn {

class SandboxLauncher final
{
public:
    SandboxLauncher() = default;
    ~SandboxLauncher(); // a launcher still waiting reads the end of its channel and exits quietly
    SandboxLauncher(const SandboxLauncher &) = delete;
    SandboxLauncher &operator=(const SandboxLauncher &) = delete;

    static QString program(); // fnstudio-launch on this machine, empty if missing

    // Passes the launcher program and its channel to the sandbox as descriptors (numbered from
    // `nextFd` on, which is advanced) and returns the command bubblewrap runs; the caller closes
    // spec.passFds once started, as for Bubblewrap::prepare(). False with the reason otherwise.
    bool prepare(ProcessSpec &spec, int &nextFd, QStringList *command, QString *error);
    // The launcher becomes `command` with exactly `environment` (NAME=value). Once only.
    bool launch(const QStringList &command, const QStringList &environment, QString *error);

private:
    void cancel();   // closes our end: a launcher still waiting exits
    int m_pipe = -1; // our end of the channel (a Unix socket)
};

} // namespace fn
