#pragma once
// Each execution environment's own network: a namespace of its own in which the Runtime API listens
// at 127.0.0.1:9001 (made by fnstudio-netns, which hands the listener back), and pasta (passt)
// attached to it for the reach the function is allowed: the host's loopback services and the
// internet without VpcConfig; only the project's endpoints with it (plus the internet when the
// template routes through a NAT gateway). The sandbox is started inside that namespace.
//
// Making one costs a cold start ~20 ms (pasta's start-up, on two cores), so NetworkPool keeps a
// spare ready for the common case, a function without VpcConfig.

#include "childprocess.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace fn {

struct NetworkPolicy
{
    enum class Reach {
        Host,      // no VpcConfig: the host's loopback services (same ports on 127.0.0.1) and the internet
        Vpc,       // VpcConfig: the project's endpoints only
        VpcWithNat // VpcConfig and a NAT gateway route in the template: the endpoints and the internet
    };
    Reach reach = Reach::Host;
    QList<quint16> endpointPorts; // the project's endpoints on the host's loopback (the studio's services)

    // The host ports of the http://127.0.0.1:PORT / localhost URLs among these variables' values.
    static QList<quint16> loopbackPorts(const QList<QPair<QString, QString>> &variables);
};

// One environment's network. Closing it (the destructor) ends pasta; the namespace goes with the
// last process in it.
class NetworkSlot final
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr quint16 RuntimeApiPort = 9001; // Lambda's, inside the environment

    ~NetworkSlot();
    NetworkSlot(const NetworkSlot &) = delete;
    NetworkSlot &operator=(const NetworkSlot &) = delete;

    static QString helperProgram();   // fnstudio-netns on this machine, empty if missing
    static QString pastaExecutable(); // pasta, empty if not installed

    // Makes the namespace with its listener (waiting for it until the deadline) and starts pasta for
    // the policy without waiting for it; null with a message when something fails.
    static std::unique_ptr<NetworkSlot> create(const NetworkPolicy &policy, Clock::time_point deadline, QString *error);

    const NetworkPolicy &policy() const { return m_policy; }
    // The TCP ports listening on the host (every address) just before pasta started: what it forwards
    // at once. pasta looks for new ones only each second.
    const QSet<quint16> &hostListenersAtStart() const { return m_hostListeners; }
    static QSet<quint16> hostListeners(); // now, from /proc/net/tcp and tcp6
    // The Runtime API's listening socket, the caller's from then on; -1 once taken.
    int takeListener();
    // Starts the sandbox inside the namespace (entering its user namespace first for a studio that is
    // not root). The descriptors stay this slot's: keep it until the sandbox has started.
    void applyTo(ProcessSpec &spec) const;
    // Waits until pasta has set the namespace up (at once when it has, or has nothing to do). False
    // when it could not (not installed, no usable interface on an offline machine, too slow): the
    // namespace is still the environment's, isolated, with nothing to reach; `error` says why.
    bool waitReady(Clock::time_point deadline, QString *error);
    QString reachProblem() const { return m_reachProblem; } // once ready: empty, or why nothing is reachable

    // pasta's arguments for a namespace it finds at /proc/self/fd/<netnsFd> (and, for a studio that is
    // not root, the user namespace owning it at <usernsFd>), writing its pid to <readyFd> when ready.
    static QStringList pastaArguments(const NetworkPolicy &policy, int netnsFd, int usernsFd, int readyFd);

private:
    friend class NetworkPool; // gives a spare the policy of the environment taking it
    NetworkSlot() = default;
    bool receive(int channel, Clock::time_point deadline, ChildProcess &helper, QString *error);
    bool startPasta(QString *error);

    NetworkPolicy m_policy;
    QSet<quint16> m_hostListeners;
    int m_listener = -1;
    int m_netns = -1;
    int m_userns = -1; // -1 when the studio is root: the namespace is owned by the host's
    int m_ready = -1;  // read end of pasta's pid pipe, until it has written
    bool m_isReady = false;
    QString m_reachProblem;
    ChildProcess m_pasta;
};

// Networks made ahead. take() hands out a spare for a function without VpcConfig (whose network
// depends on nothing else) and starts making the next in the background; anything else, or an
// empty pool, is made on the spot.
class NetworkPool final
{
public:
    using Clock = NetworkSlot::Clock;
    explicit NetworkPool(int spares = 1);
    ~NetworkPool(); // stops making spares and ends them
    NetworkPool(const NetworkPool &) = delete;
    NetworkPool &operator=(const NetworkPool &) = delete;

    // Starts making spares now rather than at the first take() (a studio or serve, where the first
    // cold start is the one people look at).
    void prepare();
    std::unique_ptr<NetworkSlot> take(const NetworkPolicy &policy, Clock::time_point deadline, QString *error);
    int spares() const; // ready right now

private:
    void startLocked();
    void fillLoop();

    const int m_target;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<NetworkSlot>> m_spares;
    bool m_making = false; // the filler is making one now
    bool m_stopping = false;
    bool m_broken = false; // making one failed: stop trying, take() makes its own (and says why)
    static constexpr std::chrono::milliseconds RefillDelay{250};
    std::thread m_filler;
};

} // namespace fn
