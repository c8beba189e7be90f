#pragma once
// Sandboxes made ahead. Making an environment's sandbox (resource group, /tmp, network, bubblewrap's
// namespaces and mounts) costs about 10 ms on top of the runtime's own start. After a function's
// cold start, the sandbox for its next one is made here in the background, with the runtime not yet
// started in it (fnstudio-launch waits; see SandboxLauncher), so that the next cold start of the
// same configuration pays only the runtime's start and the function's init, as on Lambda, whose
// Init phase begins with the runtime. At most one per configuration, a few in all; a spare that
// waited too long, or whose function changed, is ended.

#include "engine/environmentpool.h"

#include <QString>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace fn {

class ExecutionEnvironment;

class SpareSandboxes final
{
public:
    using EnvPtr = std::shared_ptr<ExecutionEnvironment>;
    using Factory = std::function<EnvPtr()>; // a new environment of the configuration, not yet started

    explicit SpareSandboxes(int capacity = 4, std::chrono::seconds lifetime = std::chrono::minutes(10));
    ~SpareSandboxes(); // ends the spares
    SpareSandboxes(const SpareSandboxes &) = delete;
    SpareSandboxes &operator=(const SpareSandboxes &) = delete;

    // The spare made for exactly `key` (configuration, service generation, version), alive; null if none.
    EnvPtr take(const EnvironmentPool::WarmKey &key);
    // Has one made for `key` in the background, unless there is one; ends the function's spares
    // for other configurations of the same version.
    void replenish(const EnvironmentPool::WarmKey &key, Factory make);
    // The studio's services changed (their endpoints are in every environment): each spare is
    // made again with them, under `generation`.
    void renew(quint64 generation);
    void retire(const QString &function); // ends the function's spares, all versions (one being made: once made)
    void clear();                         // ends them all, waiting for one being made; later requests are served
    void setCapacity(int capacity);       // 0: none made (and the ones there are ended)

    struct Spare
    {
        QString function;
        QString version;
        QString environmentId;
    };
    std::vector<Spare> spares() const;

private:
    struct Entry
    {
        EnvironmentPool::WarmKey key;
        EnvPtr env;
        std::chrono::steady_clock::time_point madeAt;
        Factory make;
    };
    struct Request
    {
        EnvironmentPool::WarmKey key;
        Factory make;
    };
    void run();
    void endLocked(std::vector<EnvPtr> &ended, const std::function<bool(const Entry &)> &which);
    static void end(std::vector<EnvPtr> &envs);

    const std::chrono::seconds m_lifetime;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle; // the maker is not making one
    int m_capacity;
    bool m_stopping = false;
    bool m_making = false;
    quint64 m_epoch = 0; // a spare made across a clear() or retire() is ended, not kept
    std::deque<Request> m_requests;
    std::optional<Request> m_inFlight; // the one being made, for renew() to ask again
    std::vector<Entry> m_entries;      // oldest first
    std::thread m_maker;
};

} // namespace fn
