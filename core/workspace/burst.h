#pragma once
// One burst runner for the studio and the CLI: `count` synchronous invocations of a function from
// `concurrency` threads at once, the first one forced cold when asked; progress and every record
// come out as signals from the burst's threads, and wait() blocks a command-line caller.

#include "project/functionconfig.h"
#include "snapshots/invocationrecord.h"

#include <QByteArray>
#include <QObject>

#include <atomic>
#include <thread>
#include <vector>

namespace fn {

class Engine;

struct BurstRequest
{
    FunctionConfig function;
    QByteArray payload;
    int count = 1;
    int concurrency = 1;
    bool forceColdFirst = false; // only the first is forced cold: forcing all would start `count` environments
};

struct BurstSummary
{
    int total = 0;
    int launched = 0;
    int completed = 0; // succeeded
    int throttled = 0;
    int failed = 0; // every other outcome
    bool cancelled = false;
    int finished() const { return completed + throttled + failed; }
};

class Burst final : public QObject
{
    Q_OBJECT
public:
    // The engine must outlive the burst; destroying a running burst cancels and joins it.
    Burst(Engine &engine, BurstRequest request, QObject *parent = nullptr);
    ~Burst() override;

    void start();
    // Invocations already running finish (Lambda cannot recall them either); no new ones start.
    void cancel();
    // Blocks until every invocation launched has finished.
    BurstSummary wait();
    bool isFinished() const { return m_done.load(); }
    BurstSummary summary() const;

Q_SIGNALS:
    // From the burst's threads (connect queued to show them in a window).
    void recordFinished(const fn::InvocationRecord &record);
    void progress(int finished, int total);
    void finished(const fn::BurstSummary &summary);

private:
    void work();

    Engine &m_engine;
    const BurstRequest m_request;
    std::vector<std::thread> m_workers;
    std::atomic<int> m_next{0};
    std::atomic<int> m_completed{0};
    std::atomic<int> m_throttled{0};
    std::atomic<int> m_failed{0};
    std::atomic<int> m_running{0};
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_done{false};
};

} // namespace fn

Q_DECLARE_METATYPE(fn::BurstSummary)
