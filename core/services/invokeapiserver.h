#pragma once
// The Lambda Invoke API (2015-03-31) on a local port, so that the AWS CLI and SDKs reach the
// project's functions with --endpoint-url: Invoke (RequestResponse, Event, DryRun, Tail logs),
// ListFunctions, GetFunction and GetFunctionConfiguration, with Lambda's status codes and errors.

#include "project/functionconfig.h"
#include "project/functionversions.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace fn {

class Authorizer;
class Engine;

class InvokeApiServer final
{
public:
    static constexpr int DefaultPort = 3001;
    static constexpr qint64 MaxSyncPayloadBytes = 6291456;
    static constexpr qint64 MaxAsyncPayloadBytes = 1048576;      // Lambda's current Event limit
    static constexpr qint64 LegacyMaxAsyncPayloadBytes = 262144; // its limit before 1 MB

    // Accepts one Event invocation for running later; returns the request id the reply should
    // carry, or an empty string to let the server make one up.
    using EventHandler = std::function<QString(const FunctionConfig &function, const QByteArray &payload)>;
    // One line per request served ("POST /2015-03-31/... 200 RequestId"), called on server threads.
    using RequestLogger = std::function<void(const QString &line)>;

    // The engine must outlive the server.
    explicit InvokeApiServer(Engine &engine);
    ~InvokeApiServer(); // stop()s
    InvokeApiServer(const InvokeApiServer &) = delete;
    InvokeApiServer &operator=(const InvokeApiServer &) = delete;

    // The functions served, by FunctionConfig::name. Thread-safe; may change while serving.
    void setFunctions(const QList<FunctionConfig> &functions);
    // Published versions and aliases by function: FunctionName:qualifier and Qualifier resolve to
    // them, and the version and alias operations list them.
    void setVersions(const QHash<QString, VersionCatalogue> &versions);
    QList<FunctionConfig> functions() const;

    // Replaces how Event invocations run (default: Engine::invokeAsync, no retries). Set before start().
    void setEventHandler(EventHandler handler);
    // 262,144 bytes for Event payloads instead of 1,048,576, as Lambda had it until 2025.
    void setLegacyAsyncPayloadLimit(bool legacy);
    void setRequestLogger(RequestLogger logger); // set before start()
    // Signatures and permissions: a function's own credentials are verified and its calls checked
    // against its role (lambda:InvokeFunction, ...); other requests are the developer's. Null: no
    // checks. Set before start(); the authorizer must outlive the server.
    void setAuthorizer(Authorizer *authorizer);

    // Listens on host:port (port 0: an ephemeral one) and serves on its own threads. On failure
    // returns false with a message naming host:port ("127.0.0.1:3001 is already in use").
    bool start(const QString &host, int port, QString *error);
    // Stops listening; waits for requests in progress (a running invocation finishes first).
    void stop();
    bool isRunning() const;

    QString host() const;
    int port() const;    // the bound port, once started
    QString url() const; // http://host:port

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace fn
