#pragma once
// Each execution environment's own network: a namespace of its own (bubblewrap --unshare-net) in
// which fnstudio-sandbox-init binds the Runtime API at 127.0.0.1:9001 and hands the listener back,
// and pasta (passt) attached to that namespace for the reach the function is allowed: the host's
// loopback services and the internet without VpcConfig; only the project's endpoints with it (plus
// the internet when the template routes through a NAT gateway).

#include "childprocess.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>

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

class SandboxNetwork final
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr quint16 RuntimeApiPort = 9001; // Lambda's, inside the environment

    SandboxNetwork() = default;
    ~SandboxNetwork();
    SandboxNetwork(const SandboxNetwork &) = delete;
    SandboxNetwork &operator=(const SandboxNetwork &) = delete;

    static QString initProgram();     // fnstudio-sandbox-init on this machine, empty if missing
    static QString pastaExecutable(); // pasta, empty if not installed
    static constexpr const char *InitPathInSandbox = "/var/rapid/init";

    // The sandbox's command: init, the number of the handshake descriptor it inherits, then `command`.
    static QStringList wrapCommand(int handshakeFd, const QStringList &command);
    // pasta's arguments for a namespace it finds at /proc/self/fd/<netnsFd> (and, for a studio that is
    // not root, the user namespace owning it at <usernsFd>), writing its pid to <readyFd> when ready.
    static QStringList pastaArguments(const NetworkPolicy &policy, int netnsFd, int usernsFd, int readyFd);

    // Before the sandbox starts: the handshake socket pair; returns the sandbox's end (close-on-exec,
    // the caller passes it and closes its copy once started) or -1 with a message.
    int openHandshake(QString *error);
    // After: waits for init's listener and namespace (until the deadline or the sandbox's exit, seen
    // as the handshake's end of file). The listener is the caller's to keep from then on.
    int receiveListener(Clock::time_point deadline, QString *error);

    // Starts pasta for the policy (through ChildProcess); nothing is started when the policy needs no
    // reach at all (a VPC function in a project without endpoints).
    bool startOutbound(const NetworkPolicy &policy, QString *error);
    // Waits until pasta has set the namespace up (its pid written), or the deadline.
    bool waitOutboundReady(Clock::time_point deadline, QString *error);
    void shutdown();

private:
    int m_handshake = -1; // the studio's end
    int m_netns = -1;
    int m_ready = -1; // read end of pasta's pid pipe
    bool m_outboundReady = false;
    ChildProcess m_pasta;
};

} // namespace fn
