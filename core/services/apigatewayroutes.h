#pragma once
// The route table of the local API Gateway front: the routes the template's Api (REST) and
// HttpApi events declare, and which one serves a request (most specific first, as API Gateway).

#include "project/functionconfig.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace fn {

struct ApiGatewayRoute
{
    enum class Kind { Rest, Http };

    QString functionName;
    QString eventId; // the event's key under the function's Events
    Kind kind = Kind::Rest;
    QString payloadVersion; // "1.0" or "2.0" (HttpApi's default)
    QString method;         // upper case, or ANY
    QString path;           // /items/{id}, /files/{proxy+}; empty for an HTTP API's $default route
    QString apiLogicalId;   // RestApiId / ApiId Ref, else SAM's implicit ServerlessRestApi / ServerlessHttpApi
    QString apiId;          // ten characters derived from apiLogicalId, stable across runs
    QString accountId;      // the project's, as requestContext.accountId

    bool isDefault() const { return path.isEmpty(); }
    // "GET /items/{id}", "ANY /{proxy+}" or "$default", as API Gateway names routes.
    QString routeKey() const;
};

struct ApiGatewayMatch
{
    ApiGatewayRoute route;
    QList<QPair<QString, QString>> pathParameters; // in path order, values as in the request path
};

class ApiGatewayRoutes final
{
public:
    // Reads the Api and HttpApi events of the functions; events it cannot serve (no Path, a
    // duplicate route) are left out with a sentence in *warnings.
    static ApiGatewayRoutes fromFunctions(const QList<FunctionConfig> &functions, QStringList *warnings = nullptr);

    void add(const ApiGatewayRoute &route);
    const QList<ApiGatewayRoute> &routes() const { return m_routes; }
    bool isEmpty() const { return m_routes.isEmpty(); }
    bool hasHttpApi() const;

    // The route serving METHOD PATH (PATH decoded, without the query), or nullopt. Literal
    // segments beat {param}, which beats {proxy+}; a named method beats ANY; $default is last.
    std::optional<ApiGatewayMatch> match(const QString &method, const QString &path) const;

    // A valid API Gateway resource path: starts with '/', segments non-empty, {proxy+} only last.
    static bool isValidPath(const QString &path, QString *why = nullptr);
    // API Gateway's style of id (10 lower-case letters and digits) for an API's logical id.
    static QString apiIdFor(const QString &logicalId);

private:
    QList<ApiGatewayRoute> m_routes;
};

} // namespace fn
