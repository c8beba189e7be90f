#pragma once
// Runs one of fnstudio's bootstraps as a plain child process (no sandbox) against a real
// fn::RuntimeApiServer, with the descriptor's command and /var/runtime mapped to the plugin folder.

#include "runtime/runtimeapiserver.h"
#include "runtime/runtimedescriptor.h"

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace fn {

class BootstrapRunner final
{
public:
    explicit BootstrapRunner(const QString &samRuntime);
    ~BootstrapRunner();

    // Empty when the runtime cannot run here (then the test skips), else the descriptor.
    QString unavailable() const { return m_unavailable; }
    const RuntimeDescriptor &descriptor() const { return m_descriptor; }

    // The function's code folder (LAMBDA_TASK_ROOT); write files before start().
    QString taskRoot() const { return m_task.path(); }
    void writeTaskFile(const QString &relativePath, const QByteArray &content);

    // Whether a runtime that takes a channel (runtime.json "runtimeApiFd") is handed one, as the
    // engine does; default true. Without it the runtime must find the Runtime API by its address.
    void setHandChannel(bool hand) { m_handChannel = hand; }

    // Starts the server and the bootstrap and waits until it is in /next or reported an init error.
    RuntimeApiServer::Outcome start(const QString &handler, const QStringList &extraEnvironment = {});
    RuntimeApiServer::Outcome invoke(const QByteArray &payload, const QByteArray &requestId,
                                     const QByteArray &clientContext = {}, const QByteArray &cognitoIdentity = {});

    RuntimeApiServer &server() { return *m_server; }
    QProcess &process() { return m_process; }
    // Everything the runtime wrote so far (stdout and stderr merged).
    QByteArray output();
    // Waits for the runtime to exit; returns its exit code, or -1 if it did not.
    int waitForExit(int timeoutMs = 5000);

    static QJsonObject json(const QByteArray &body);

private:
    RuntimeDescriptor m_descriptor;
    QString m_unavailable;
    QTemporaryDir m_task;
    std::unique_ptr<RuntimeApiServer> m_server;
    QProcess m_process;
    QByteArray m_output;
    bool m_handChannel = true;
};

} // namespace fn
