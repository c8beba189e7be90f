#pragma once
// API Gateway's Lambda proxy integration as plain functions: an HTTP request becomes a REST
// (payload 1.0) or HTTP API (payload 2.0) event, and a function's result becomes the response.

#include "services/apigatewayroutes.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fn::apigateway {

inline constexpr const char *RestStage = "Prod";     // sam local start-api's stage for REST APIs
inline constexpr const char *HttpStage = "$default"; // an HTTP API's auto-deployed stage

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct Request
{
    QString method;            // upper case
    QString path;              // percent-decoded, without the query
    QByteArray rawPath;        // as the client sent it
    QByteArray rawQueryString; // after '?', as sent, without the '?'
    HeaderList headers;        // names as sent, in arrival order
    QByteArray body;
    QString sourceIp;
    QString protocol = QStringLiteral("HTTP/1.1");
    QString requestId;
    qint64 epochMs = 0;
};

struct Response
{
    int status = 200;
    HeaderList headers; // may repeat a name (set-cookie)
    QByteArray body;
};

// The query string's pairs, decoded, in order ("a=1&a=2&b" → (a,1) (a,2) (b,"")).
QList<QPair<QString, QString>> parseQuery(const QByteArray &rawQuery);
// Whether a body reaches the function base64-encoded: not UTF-8 text, or a binary content type.
bool isBinary(const QByteArray &body, const QByteArray &contentType);
// "09/Apr/2015:12:34:56 +0000", the time format of requestTime and of 2.0's time.
QString requestTime(qint64 epochMs);

// The REST API event (also an HTTP API's payload 1.0, which adds "version": "1.0").
nlohmann::json restEvent(const ApiGatewayMatch &match, const Request &request);
// The HTTP API payload 2.0 event.
nlohmann::json httpEvent(const ApiGatewayMatch &match, const Request &request);
// The event the route's payload format version asks for.
nlohmann::json event(const ApiGatewayMatch &match, const Request &request);

// A function's result as API Gateway turns it into a response; nullopt when it is malformed,
// with the reason in *why (API Gateway then answers 502).
std::optional<Response> restResponse(const QByteArray &payload, QString *why = nullptr);
std::optional<Response> httpResponse(const QByteArray &payload, QString *why = nullptr);
std::optional<Response> response(const ApiGatewayRoute &route, const QByteArray &payload, QString *why = nullptr);

// 502 {"message": "Internal server error"}: a function error, timeout or malformed result.
Response internalServerError();
// An HTTP API's answer when no route matches: 404 {"message":"Not Found"}.
Response notFound();
// A REST API's answer when no resource matches: 403 {"message":"Missing Authentication Token"}.
Response missingAuthenticationToken();
// A body over API Gateway's 10 MB payload limit: 413 {"message":"Request Too Long"}.
Response requestTooLong();
// A body that ended before its length (the connection dropped): 400 {"message":"Bad Request"}.
Response badRequest();

} // namespace fn::apigateway
