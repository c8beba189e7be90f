#include "services/apigatewayevents.h"

#include <QDateTime>
#include <QLocale>
#include <QUrl>
#include <QUtf8StringView>

#include <map>

namespace fn::apigateway {

namespace {

using json = nlohmann::json;

std::string str(const QString &s)
{
    return s.toStdString();
}

std::string str(const QByteArray &s)
{
    return s.toStdString();
}

// Headers httplib adds to a request for the server's own use; a client never sent them.
bool isInternalHeader(const QByteArray &name)
{
    return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

QByteArray headerValue(const HeaderList &headers, const char *name)
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

json bodyOf(const Request &request, bool *base64)
{
    *base64 = !request.body.isEmpty() && isBinary(request.body, headerValue(request.headers, "content-type"));
    if (request.body.isEmpty())
        return nullptr;
    return *base64 ? str(request.body.toBase64()) : str(request.body);
}

json pathParametersOf(const ApiGatewayMatch &match)
{
    if (match.pathParameters.isEmpty())
        return nullptr;
    json parameters = json::object();
    for (const auto &[name, value] : match.pathParameters)
        parameters[str(name)] = str(value);
    return parameters;
}

QString domainName(const Request &request)
{
    const QByteArray host = headerValue(request.headers, "host");
    return host.isEmpty() ? QStringLiteral("localhost") : QString::fromUtf8(host);
}

QString domainPrefix(const QString &domain)
{
    return domain.section(QLatin1Char('.'), 0, 0).section(QLatin1Char(':'), 0, 0);
}

// A resource's id in API Gateway's style, stable for the route.
QString resourceIdFor(const ApiGatewayRoute &route)
{
    return ApiGatewayRoutes::apiIdFor(route.apiLogicalId + QLatin1Char(' ') + route.path).left(6);
}

std::optional<int> statusCodeOf(const json &value)
{
    int status = 0;
    if (value.is_number_integer())
        status = value.get<int>();
    else if (value.is_string()) // API Gateway also takes "200"
        status = QString::fromStdString(value.get<std::string>()).toInt();
    else
        return std::nullopt;
    if (status < 100 || status > 599)
        return std::nullopt;
    return status;
}

// A header value as API Gateway accepts it: strings, and numbers or booleans written out.
std::optional<QByteArray> headerText(const json &value)
{
    if (value.is_string())
        return QByteArray::fromStdString(value.get<std::string>());
    if (value.is_number() || value.is_boolean())
        return QByteArray::fromStdString(value.dump());
    return std::nullopt;
}

bool fail(QString *why, const QString &reason)
{
    if (why)
        *why = reason;
    return false;
}

// The body of a structured response: a string, base64-decoded when the function says so.
bool readBody(const json &result, Response *response, QString *why)
{
    bool base64 = false;
    if (result.contains("isBase64Encoded")) {
        const json &flag = result["isBase64Encoded"];
        if (flag.is_boolean())
            base64 = flag.get<bool>();
        else if (flag.is_string())
            base64 = flag.get<std::string>() == "true";
        else if (!flag.is_null())
            return fail(why, QStringLiteral("isBase64Encoded must be a boolean"));
    }
    if (!result.contains("body") || result["body"].is_null())
        return true;
    if (!result["body"].is_string())
        return fail(why, QStringLiteral("body must be a string (JSON.stringify / json.dumps it)"));
    const QByteArray text = QByteArray::fromStdString(result["body"].get<std::string>());
    if (!base64) {
        response->body = text;
        return true;
    }
    auto decoded = QByteArray::fromBase64Encoding(text);
    if (!decoded)
        return fail(why, QStringLiteral("body is not valid base64 although isBase64Encoded is true"));
    response->body = std::move(*decoded);
    return true;
}

bool readHeaders(const json &result, Response *response, QString *why)
{
    if (!result.contains("headers") || result["headers"].is_null())
        return true;
    if (!result["headers"].is_object())
        return fail(why, QStringLiteral("headers must be an object of strings"));
    for (auto it = result["headers"].begin(); it != result["headers"].end(); ++it) {
        const auto value = headerText(it.value());
        if (!value)
            return fail(why, QStringLiteral("header %1 must be a string").arg(QString::fromStdString(it.key())));
        response->headers.append({QByteArray::fromStdString(it.key()), *value});
    }
    return true;
}

void defaultContentType(Response *response)
{
    if (headerValue(response->headers, "content-type").isNull())
        response->headers.append(qMakePair(QByteArray("content-type"), QByteArray("application/json")));
}

Response messageResponse(int status, const char *body, const char *errorType)
{
    Response response;
    response.status = status;
    response.headers.append(qMakePair(QByteArray("content-type"), QByteArray("application/json")));
    if (errorType)
        response.headers.append(qMakePair(QByteArray("x-amzn-ErrorType"), QByteArray(errorType)));
    response.body = body;
    return response;
}

} // namespace

QList<QPair<QString, QString>> parseQuery(const QByteArray &rawQuery)
{
    QList<QPair<QString, QString>> pairs;
    for (const QByteArray &part : rawQuery.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        QByteArray name = eq < 0 ? part : part.left(eq);
        QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        // Forms send spaces as '+', and API Gateway hands them to the function as spaces.
        name.replace('+', ' ');
        value.replace('+', ' ');
        pairs.append({QUrl::fromPercentEncoding(name), QUrl::fromPercentEncoding(value)});
    }
    return pairs;
}

bool isBinary(const QByteArray &body, const QByteArray &contentType)
{
    if (!QUtf8StringView(body.constData(), body.size()).isValidUtf8() || body.contains('\0'))
        return true;
    const QByteArray type = contentType.toLower().trimmed();
    return type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")
           || type.startsWith("application/octet-stream") || type.startsWith("application/pdf")
           || type.startsWith("application/zip") || type.startsWith("application/gzip");
}

QString requestTime(qint64 epochMs)
{
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC),
                                 QStringLiteral("dd/MMM/yyyy:HH:mm:ss"))
           + QStringLiteral(" +0000");
}

json restEvent(const ApiGatewayMatch &match, const Request &request)
{
    const ApiGatewayRoute &route = match.route;
    const bool httpApi = route.kind == ApiGatewayRoute::Kind::Http;
    const QString stage = QString::fromLatin1(httpApi ? HttpStage : RestStage);
    const QString resource = route.isDefault() ? QStringLiteral("$default") : route.path;

    // headers keeps the last value of a repeated header; multiValueHeaders keeps them all.
    json headers = json::object();
    json multiHeaders = json::object();
    for (const auto &[name, value] : request.headers) {
        if (isInternalHeader(name))
            continue;
        headers[str(name)] = str(value);
        multiHeaders[str(name)].push_back(str(value));
    }
    json query = json::object();
    json multiQuery = json::object();
    for (const auto &[name, value] : parseQuery(request.rawQueryString)) {
        query[str(name)] = str(value);
        multiQuery[str(name)].push_back(str(value));
    }
    const QByteArray userAgent = headerValue(request.headers, "user-agent");
    const json identity{{"accessKey", nullptr},
                        {"accountId", nullptr},
                        {"apiKey", nullptr},
                        {"apiKeyId", nullptr},
                        {"caller", nullptr},
                        {"cognitoAuthenticationProvider", nullptr},
                        {"cognitoAuthenticationType", nullptr},
                        {"cognitoIdentityId", nullptr},
                        {"cognitoIdentityPoolId", nullptr},
                        {"principalOrgId", nullptr},
                        {"sourceIp", str(request.sourceIp)},
                        {"user", nullptr},
                        {"userAgent", userAgent.isNull() ? json(nullptr) : json(str(userAgent))},
                        {"userArn", nullptr}};
    const QString domain = domainName(request);
    json context{{"accountId", str(route.accountId)},
                 {"apiId", str(route.apiId)},
                 {"domainName", str(domain)},
                 {"domainPrefix", str(domainPrefix(domain))},
                 {"extendedRequestId", str(request.requestId)},
                 {"httpMethod", str(request.method)},
                 {"identity", identity},
                 // A deployed REST API's path carries its stage: https://id.execute-api…/Prod/items.
                 {"path", httpApi ? str(request.path) : "/" + str(stage) + str(request.path)},
                 {"protocol", str(request.protocol)},
                 {"requestId", str(request.requestId)},
                 {"requestTime", str(requestTime(request.epochMs))},
                 {"requestTimeEpoch", request.epochMs},
                 {"resourceId", str(resourceIdFor(route))},
                 {"resourcePath", str(resource)},
                 {"stage", str(stage)}};
    if (httpApi)
        context["routeKey"] = str(route.routeKey());

    bool base64 = false;
    json event;
    if (httpApi)
        event["version"] = "1.0";
    event["resource"] = str(resource);
    event["path"] = str(request.path);
    event["httpMethod"] = str(request.method);
    event["headers"] = headers.empty() ? json(nullptr) : headers;
    event["multiValueHeaders"] = multiHeaders.empty() ? json(nullptr) : multiHeaders;
    event["queryStringParameters"] = query.empty() ? json(nullptr) : query;
    event["multiValueQueryStringParameters"] = multiQuery.empty() ? json(nullptr) : multiQuery;
    event["pathParameters"] = pathParametersOf(match);
    event["stageVariables"] = nullptr;
    event["requestContext"] = context;
    event["body"] = bodyOf(request, &base64);
    event["isBase64Encoded"] = base64;
    return event;
}

json httpEvent(const ApiGatewayMatch &match, const Request &request)
{
    const ApiGatewayRoute &route = match.route;
    // Lower-cased names, repeated headers joined with commas, cookies moved to their own list.
    std::map<std::string, std::string> joined;
    json cookies = json::array();
    for (const auto &[name, value] : request.headers) {
        if (isInternalHeader(name))
            continue;
        const std::string key = str(name.toLower());
        if (key == "cookie") {
            for (const QByteArray &cookie : value.split(';'))
                if (!cookie.trimmed().isEmpty())
                    cookies.push_back(str(cookie.trimmed()));
            continue;
        }
        auto [it, inserted] = joined.try_emplace(key, str(value));
        if (!inserted)
            it->second += ',' + str(value);
    }
    std::map<std::string, std::string> query;
    for (const auto &[name, value] : parseQuery(request.rawQueryString)) {
        auto [it, inserted] = query.try_emplace(str(name), str(value));
        if (!inserted)
            it->second += ',' + str(value);
    }
    const QString domain = domainName(request);
    const QByteArray userAgent = headerValue(request.headers, "user-agent");
    const json http{{"method", str(request.method)},
                    {"path", str(request.path)},
                    {"protocol", str(request.protocol)},
                    {"sourceIp", str(request.sourceIp)},
                    {"userAgent", str(userAgent)}};
    const json context{{"accountId", str(route.accountId)},
                       {"apiId", str(route.apiId)},
                       {"domainName", str(domain)},
                       {"domainPrefix", str(domainPrefix(domain))},
                       {"http", http},
                       {"requestId", str(request.requestId)},
                       {"routeKey", str(route.routeKey())},
                       {"stage", HttpStage},
                       {"time", str(requestTime(request.epochMs))},
                       {"timeEpoch", request.epochMs}};

    // API Gateway leaves out the optional members that would be empty.
    json event{{"version", "2.0"},
               {"routeKey", str(route.routeKey())},
               {"rawPath", str(request.rawPath)},
               {"rawQueryString", str(request.rawQueryString)}};
    if (!cookies.empty())
        event["cookies"] = cookies;
    event["headers"] = joined;
    if (!query.empty())
        event["queryStringParameters"] = query;
    event["requestContext"] = context;
    bool base64 = false;
    if (json body = bodyOf(request, &base64); !body.is_null())
        event["body"] = std::move(body);
    if (json parameters = pathParametersOf(match); !parameters.is_null())
        event["pathParameters"] = std::move(parameters);
    event["isBase64Encoded"] = base64;
    return event;
}

json event(const ApiGatewayMatch &match, const Request &request)
{
    return match.route.payloadVersion == QLatin1String("2.0") ? httpEvent(match, request) : restEvent(match, request);
}

std::optional<Response> restResponse(const QByteArray &payload, QString *why)
{
    const json result = json::parse(payload.constData(), payload.constData() + payload.size(), nullptr, false);
    if (result.is_discarded() || !result.is_object()) {
        fail(why, QStringLiteral("the result must be an object with statusCode, headers and body"));
        return std::nullopt;
    }
    for (auto it = result.begin(); it != result.end(); ++it) {
        static const char *const known[] = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"};
        if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known)) {
            fail(why, QStringLiteral("unexpected member %1 (allowed: statusCode, headers, multiValueHeaders, body, "
                                     "isBase64Encoded)")
                          .arg(QString::fromStdString(it.key())));
            return std::nullopt;
        }
    }
    Response response;
    if (result.contains("statusCode")) {
        const auto status = statusCodeOf(result["statusCode"]);
        if (!status) {
            fail(why, QStringLiteral("statusCode must be an HTTP status between 100 and 599"));
            return std::nullopt;
        }
        response.status = *status;
    }
    Response single;
    if (!readHeaders(result, &single, why) || !readBody(result, &response, why))
        return std::nullopt;
    // Both maps merge; where multiValueHeaders names a header, its values replace headers' one.
    if (result.contains("multiValueHeaders") && !result["multiValueHeaders"].is_null()) {
        const json &multi = result["multiValueHeaders"];
        if (!multi.is_object()) {
            fail(why, QStringLiteral("multiValueHeaders must be an object of string arrays"));
            return std::nullopt;
        }
        for (auto it = multi.begin(); it != multi.end(); ++it) {
            const QByteArray name = QByteArray::fromStdString(it.key());
            const json values = it.value().is_array() ? it.value() : json::array({it.value()});
            for (const json &value : values) {
                const auto text = headerText(value);
                if (!text) {
                    fail(why, QStringLiteral("multiValueHeaders %1 must hold strings").arg(QString::fromUtf8(name)));
                    return std::nullopt;
                }
                response.headers.append({name, *text});
            }
        }
    }
    for (const auto &header : std::as_const(single.headers))
        if (headerValue(response.headers, header.first.constData()).isNull())
            response.headers.append(header);
    defaultContentType(&response);
    return response;
}

std::optional<Response> httpResponse(const QByteArray &payload, QString *why)
{
    const json result = json::parse(payload.constData(), payload.constData() + payload.size(), nullptr, false);
    if (result.is_discarded()) {
        fail(why, QStringLiteral("the result is not JSON"));
        return std::nullopt;
    }
    Response response;
    // Without statusCode, 2.0 infers the response: 200, JSON, the result as the body.
    if (!result.is_object() || !result.contains("statusCode")) {
        response.headers.append(qMakePair(QByteArray("content-type"), QByteArray("application/json")));
        response.body = result.is_string() ? QByteArray::fromStdString(result.get<std::string>()) : payload.trimmed();
        return response;
    }
    const auto status = statusCodeOf(result["statusCode"]);
    if (!status) {
        fail(why, QStringLiteral("statusCode must be an HTTP status between 100 and 599"));
        return std::nullopt;
    }
    response.status = *status;
    if (!readHeaders(result, &response, why) || !readBody(result, &response, why))
        return std::nullopt;
    if (result.contains("cookies") && !result["cookies"].is_null()) {
        if (!result["cookies"].is_array()) {
            fail(why, QStringLiteral("cookies must be an array of strings"));
            return std::nullopt;
        }
        for (const json &cookie : result["cookies"]) {
            if (!cookie.is_string()) {
                fail(why, QStringLiteral("cookies must be an array of strings"));
                return std::nullopt;
            }
            response.headers.append(
                qMakePair(QByteArray("set-cookie"), QByteArray::fromStdString(cookie.get<std::string>())));
        }
    }
    defaultContentType(&response);
    return response;
}

std::optional<Response> response(const ApiGatewayRoute &route, const QByteArray &payload, QString *why)
{
    return route.payloadVersion == QLatin1String("2.0") ? httpResponse(payload, why) : restResponse(payload, why);
}

Response internalServerError()
{
    return messageResponse(502, R"({"message": "Internal server error"})", nullptr);
}

Response notFound()
{
    return messageResponse(404, R"({"message":"Not Found"})", nullptr);
}

Response requestTooLong()
{
    return messageResponse(413, R"({"message":"Request Too Long"})", nullptr);
}

Response badRequest()
{
    return messageResponse(400, R"({"message":"Bad Request"})", nullptr);
}

Response missingAuthenticationToken()
{
    return messageResponse(403, R"({"message":"Missing Authentication Token"})", "MissingAuthenticationTokenException");
}

} // namespace fn::apigateway
