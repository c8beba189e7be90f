#pragma once
// A local API Gateway front on one port: the template's Api (REST) and HttpApi routes, each
// request turned into its proxy event, the function invoked synchronously, its result mapped back.

#include "project/functionconfig.h"
#include "services/apigatewayroutes.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace fn {

class Engine;

class ApiGatewayServer final
{
public:
    static constexpr int DefaultPort = 3000; // sam local start-api's
    // API Gateway's own request limit; Lambda's 6 MB applies to the event the engine receives.
    static constexpr size_t MaxRequestBytes = 10 * 1024 * 1024;

    // One line per request served ("GET /items/1 200 Items <request id>"), called on server threads.
    using RequestLogger = std::function<void(const QString &line)>;

    // The engine must outlive the server.
    explicit ApiGatewayServer(Engine &engine);
    ~ApiGatewayServer(); // stop()s
    ApiGatewayServer(const ApiGatewayServer &) = delete;
    ApiGatewayServer &operator=(const ApiGatewayServer &) = delete;

    // Builds the routes from the functions' Api and HttpApi events. Thread-safe; may change while serving.
    void setFunctions(const QList<FunctionConfig> &functions);
    ApiGatewayRoutes routes() const;
    // Events that were not turned into routes, one sentence each (from the last setFunctions()).
    QStringList warnings() const;

    void setRequestLogger(RequestLogger logger); // set before start()

    // Listens on host:port (port 0: an ephemeral one) and serves on its own threads. On failure
    // returns false with a message naming host:port ("127.0.0.1:3000 is already in use").
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
