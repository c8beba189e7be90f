#include "services/apigatewayserver.h"
#include "services/httplistener.h"

#include "engine/engine.h"
#include "services/apigatewayevents.h"

#include <QDateTime>
#include <QHash>
#include <QUrl>
#include <QUuid>

#include <httplib.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

namespace fn {

namespace {

struct Table
{
    ApiGatewayRoutes routes;
    QHash<QString, FunctionConfig> functions;
    QStringList warnings;
};

void render(httplib::Response &res, const apigateway::Response &response)
{
    res.status = response.status;
    std::string contentType;
    for (const auto &[name, value] : response.headers) {
        const QByteArray lower = name.toLower();
        // httplib writes the framing headers itself from the body it sends.
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
            continue;
        if (lower == "content-type")
            contentType = value.toStdString();
        else
            res.set_header(name.toStdString(), value.toStdString());
    }
    res.set_content(response.body.constData(), size_t(response.body.size()),
                    contentType.empty() ? "application/json" : contentType.c_str());
}

} // namespace

struct ApiGatewayServer::Private
{
    explicit Private(Engine &e)
        : engine(e)
    {
    }

    std::shared_ptr<const Table> table() const
    {
        std::lock_guard lock(mutex);
        return current;
    }

    // body: none when it could not be read whole; the request is refused without invoking.
    void handle(const httplib::Request &req, httplib::Response &res, const RawBody &body);

    Engine &engine;
    mutable std::mutex mutex; // guards current
    std::shared_ptr<const Table> current = std::make_shared<Table>();
    RequestLogger logger;

    HttpListener listener;
};

void ApiGatewayServer::Private::handle(const httplib::Request &req, httplib::Response &res, const RawBody &body)
{
    const auto tableNow = table();
    apigateway::Request request;
    request.method = QString::fromStdString(req.method).toUpper();
    request.path = QString::fromStdString(req.path);
    const std::string target = req.target.empty() ? req.path : req.target;
    const size_t question = target.find('?');
    request.rawPath = QByteArray::fromStdString(target.substr(0, question));
    if (question != std::string::npos)
        request.rawQueryString = QByteArray::fromStdString(target.substr(question + 1));
    for (const auto &[name, value] : req.headers)
        request.headers.append({QByteArray::fromStdString(name), QByteArray::fromStdString(value)});
    if (body.bytes)
        request.body = QByteArray::fromStdString(*body.bytes);
    request.sourceIp = QString::fromStdString(req.remote_addr);
    request.protocol = QString::fromStdString(req.version.empty() ? std::string("HTTP/1.1") : req.version);
    request.requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    request.epochMs = QDateTime::currentMSecsSinceEpoch();

    const auto match = tableNow->routes.match(request.method, request.path);
    QString served = QStringLiteral("-");
    if (!body.bytes) {
        render(res, body.tooLong ? apigateway::requestTooLong() : apigateway::badRequest());
        served = body.tooLong ? QStringLiteral("(body over 10 MB)") : QStringLiteral("(body cut off)");
    } else if (!match) {
        // An HTTP API says Not Found; a REST API's unknown resource asks for a token, famously.
        render(res, tableNow->routes.hasHttpApi() || tableNow->routes.isEmpty()
                        ? apigateway::notFound()
                        : apigateway::missingAuthenticationToken());
    } else {
        const auto function = tableNow->functions.constFind(match->route.functionName);
        if (function == tableNow->functions.cend()) {
            render(res, apigateway::internalServerError());
        } else {
            // A header or path of invalid UTF-8 reaches the function replaced (U+FFFD), not as a 500.
            const QByteArray event = QByteArray::fromStdString(
                apigateway::event(*match, request).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            const InvocationRecord record = engine.invoke(*function, event);
            served = match->route.functionName + QLatin1Char(' ') + record.requestId;
            QString why;
            std::optional<apigateway::Response> response;
            if (record.outcome == InvocationOutcome::Throttled || record.outcome == InvocationOutcome::Rejected) {
                // Lambda refused the invoke itself: API Gateway answers 500, not 502.
                response = apigateway::internalServerError();
                response->status = 500;
                why = record.errorType;
            } else if (record.failed()) {
                response = apigateway::internalServerError();
                why = record.errorType.isEmpty() ? outcomeName(record.outcome) : record.errorType;
            } else {
                response = apigateway::response(match->route, record.payload, &why);
                if (!response) {
                    response = apigateway::internalServerError();
                    why = QStringLiteral("malformed Lambda proxy response: ") + why;
                }
            }
            if (!why.isEmpty())
                served += QStringLiteral(" (") + why + QLatin1Char(')');
            render(res, *response);
        }
    }
    const bool http = match && match->route.payloadVersion == QLatin1String("2.0");
    res.set_header(http ? "apigw-requestid" : "x-amzn-RequestId", request.requestId.toStdString());
    if (logger)
        logger(request.method + QLatin1Char(' ') + QString::fromUtf8(request.rawPath) + QLatin1Char(' ')
               + QString::number(res.status) + QLatin1Char(' ') + served);
}

ApiGatewayServer::ApiGatewayServer(Engine &engine)
    : d(std::make_unique<Private>(engine))
{
}

ApiGatewayServer::~ApiGatewayServer()
{
    stop();
}

void ApiGatewayServer::setFunctions(const QList<FunctionConfig> &functions)
{
    auto table = std::make_shared<Table>();
    table->routes = ApiGatewayRoutes::fromFunctions(functions, &table->warnings);
    for (const FunctionConfig &f : functions)
        table->functions.insert(f.name, f);
    std::lock_guard lock(d->mutex);
    d->current = std::move(table);
}

ApiGatewayRoutes ApiGatewayServer::routes() const
{
    return d->table()->routes;
}

QStringList ApiGatewayServer::warnings() const
{
    return d->table()->warnings;
}

void ApiGatewayServer::setRequestLogger(RequestLogger logger)
{
    d->logger = std::move(logger);
}

bool ApiGatewayServer::start(const QString &host, int port, QString *error)
{
    auto &svr = d->listener.reset(MaxRequestBytes);

    Private *p = d.get();
    // Every method and path comes here: the route table, not httplib, decides.
    const auto plain = [p](const httplib::Request &req, httplib::Response &res) {
        p->handle(req, res, RawBody{req.body, false});
    };
    const auto withBody = [p](const httplib::Request &req, httplib::Response &res,
                              const httplib::ContentReader &reader) {
        p->handle(req, res, readRawBody(req, reader, MaxRequestBytes));
    };
    svr.Get(".*", plain);
    svr.Options(".*", plain);
    svr.Post(".*", withBody);
    svr.Put(".*", withBody);
    svr.Patch(".*", withBody);
    svr.Delete(".*", withBody);
    svr.set_error_handler([](const httplib::Request &, httplib::Response &res) {
        if (!res.body.empty())
            return;
        if (res.status == 413)
            res.set_content(R"({"message":"Request Too Long"})", "application/json");
        else
            res.set_content(R"({"message":"Bad Request"})", "application/json");
    });

    return d->listener.listen(host, port, error);
}

void ApiGatewayServer::stop()
{
    d->listener.stop();
}

bool ApiGatewayServer::isRunning() const
{
    return d->listener.isRunning();
}

QString ApiGatewayServer::host() const
{
    return d->listener.host();
}

int ApiGatewayServer::port() const
{
    return d->listener.port();
}

QString ApiGatewayServer::url() const
{
    return d->listener.url();
}

} // namespace fn
