#pragma once
// The soak's plan: its functions (Python, Node.js, provided: plain, with a slow init, and with room
// for the heavy faults), which invocation gets which fault, the event that asks for it, and the
// exact outcome each must end with.

#include "project/functionconfig.h"
#include "snapshots/invocationrecord.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace fn::soak {

enum class Mode { Ok, Crash, Hang, OutOfMemory, Garbage, Oversized, SlowInit };
constexpr int ModeCount = 7;
const char *modeName(Mode mode);

enum Runtime { Python, Node, Provided, RuntimeCount };
const char *runtimeName(Runtime runtime);

constexpr int InitSleepMs = 300;                      // the slow functions' sleep at module level
constexpr int OversizedChars = 6 * 1024 * 1024 + 100; // a response string past Lambda's 6 MB

// A function filling its memory, or building a 6 MB answer, does so at its CPU share: 0.072 of a
// vCPU at 128 MB, as on Lambda, which is seconds of work (a 128 MB Python hog is killed at its
// limit after about 6 s here, as in a bare cgroup with the same quota: the time is the function's
// own, not the kernel's). Those faults get a function whose timeout leaves room for that.
constexpr int HeavyTimeoutSec = 60;

// Three functions per runtime: [runtime][0] plain, [runtime][1] with a slow module init,
// [runtime][2] plain with HeavyTimeoutSec.
struct Functions
{
    FunctionConfig config[RuntimeCount][3];

    const FunctionConfig &forMode(Runtime runtime, Mode mode) const
    {
        if (mode == Mode::OutOfMemory || mode == Mode::Oversized)
            return config[runtime][2];
        return config[runtime][mode == Mode::SlowInit ? 1 : 0];
    }
};

// Writes the functions' code under projectDir; `bootstrap` is the provided runtime's program.
bool writeFunctions(const QString &projectDir, const QString &bootstrap, int timeoutSec, Functions *out);

struct Planned
{
    Runtime runtime;
    Mode mode;
};

// `count` invocations over `runtimes`, a share `faultRate` of them with a fault (only those named in
// `only`, if any), the same for the same seed.
std::vector<Planned> plan(int count, double faultRate, quint64 seed, const QStringList &only,
                          const std::vector<Runtime> &runtimes);

QByteArray eventFor(int index, Mode mode);

// Empty if `r` is exactly what invocation `index` in `mode` must give; else what differs.
QString mismatch(const InvocationRecord &r, int index, Mode mode, int timeoutSec);

} // namespace fn::soak
