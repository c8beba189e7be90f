#include "services/apigatewayroutes.h"

#include <QCryptographicHash>

#include <algorithm>
#include <vector>

namespace fn {

namespace {

const QString ImplicitRestApi = QStringLiteral("ServerlessRestApi");
const QString ImplicitHttpApi = QStringLiteral("ServerlessHttpApi");

bool isParameter(QStringView segment)
{
    return segment.size() > 2 && segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}

bool isGreedy(QStringView segment)
{
    return isParameter(segment) && segment.at(segment.size() - 2) == QLatin1Char('+');
}

QString parameterName(QStringView segment)
{
    return segment.mid(1, segment.size() - (isGreedy(segment) ? 3 : 2)).toString();
}

QStringList segmentsOf(const QString &path)
{
    QStringList segments = path.split(QLatin1Char('/'));
    if (!segments.isEmpty() && segments.constFirst().isEmpty())
        segments.removeFirst();
    // "/items/" is "/items", and "/" has no segments, as API Gateway resolves them.
    if (!segments.isEmpty() && segments.constLast().isEmpty())
        segments.removeLast();
    return segments;
}

// Per template segment: 0 literal, 1 {param}, 2 {proxy+}; the smaller sequence is more specific.
std::vector<int> specificity(const ApiGatewayRoute &route)
{
    std::vector<int> rank;
    if (route.isDefault())
        return {3};
    for (const QString &segment : segmentsOf(route.path))
        rank.push_back(isGreedy(segment) ? 2 : isParameter(segment) ? 1 : 0);
    return rank;
}

// Path parameters when the template path matches the request's segments.
std::optional<QList<QPair<QString, QString>>> matchPath(const QString &templatePath, const QStringList &request)
{
    const QStringList pattern = segmentsOf(templatePath);
    QList<QPair<QString, QString>> parameters;
    qsizetype i = 0;
    for (; i < pattern.size(); ++i) {
        const QString &segment = pattern.at(i);
        if (isGreedy(segment)) {
            // {proxy+} takes one segment at least, and everything after it.
            if (i >= request.size())
                return std::nullopt;
            parameters.append({parameterName(segment), request.mid(i).join(QLatin1Char('/'))});
            return parameters;
        }
        if (i >= request.size() || request.at(i).isEmpty())
            return std::nullopt;
        if (isParameter(segment))
            parameters.append({parameterName(segment), request.at(i)});
        else if (segment != request.at(i))
            return std::nullopt;
    }
    if (i != request.size())
        return std::nullopt;
    return parameters;
}

// A Ref's target or a plain string; empty for anything else.
QString referenceName(const nlohmann::json &value)
{
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    if (value.is_object() && value.contains("Ref") && value["Ref"].is_string())
        return QString::fromStdString(value["Ref"].get<std::string>());
    return {};
}

QString stringProperty(const nlohmann::json &properties, const char *key, bool *present)
{
    *present = properties.is_object() && properties.contains(key);
    if (!*present || !properties[key].is_string())
        return {};
    return QString::fromStdString(properties[key].get<std::string>());
}

} // namespace

QString ApiGatewayRoute::routeKey() const
{
    return isDefault() ? QStringLiteral("$default") : method + QLatin1Char(' ') + path;
}

bool ApiGatewayRoutes::isValidPath(const QString &path, QString *why)
{
    const auto fail = [why](const QString &reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (!path.startsWith(QLatin1Char('/')))
        return fail(QStringLiteral("a path must start with '/'"));
    const QStringList segments = segmentsOf(path);
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        if (segment.isEmpty())
            return fail(QStringLiteral("a path has no empty segments ('//')"));
        if (isGreedy(segment) && i + 1 != segments.size())
            return fail(QStringLiteral("a greedy parameter such as {proxy+} must be the last segment"));
        if ((segment.contains(QLatin1Char('{')) || segment.contains(QLatin1Char('}'))) && !isParameter(segment))
            return fail(QStringLiteral("a parameter must be a whole segment, like /items/{id}"));
    }
    return true;
}

QString ApiGatewayRoutes::apiIdFor(const QString &logicalId)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    const QByteArray digest = QCryptographicHash::hash(logicalId.toUtf8(), QCryptographicHash::Sha1);
    QString id;
    for (int i = 0; i < 10; ++i)
        id.append(QLatin1Char(alphabet[quint8(digest.at(i)) % 36]));
    return id;
}

ApiGatewayRoutes ApiGatewayRoutes::fromFunctions(const QList<FunctionConfig> &functions, QStringList *warnings)
{
    ApiGatewayRoutes table;
    const auto warn = [warnings](const QString &text) {
        if (warnings)
            warnings->append(text);
    };
    for (const FunctionConfig &function : functions) {
        if (!function.events.is_object())
            continue;
        for (auto it = function.events.begin(); it != function.events.end(); ++it) {
            const nlohmann::json &event = it.value();
            if (!event.is_object() || !event.contains("Type") || !event["Type"].is_string())
                continue;
            const std::string type = event["Type"].get<std::string>();
            if (type != "Api" && type != "HttpApi")
                continue;
            const nlohmann::json properties = event.value("Properties", nlohmann::json::object());
            const QString where = function.name + QLatin1Char('.') + QString::fromStdString(it.key());

            ApiGatewayRoute route;
            route.functionName = function.name;
            route.accountId = function.account.accountId;
            route.eventId = QString::fromStdString(it.key());
            route.kind = type == "Api" ? ApiGatewayRoute::Kind::Rest : ApiGatewayRoute::Kind::Http;
            bool hasPath = false;
            bool hasMethod = false;
            route.path = stringProperty(properties, "Path", &hasPath);
            route.method = stringProperty(properties, "Method", &hasMethod).toUpper();
            if (route.method == QLatin1String("X-AMAZON-APIGATEWAY-ANY-METHOD") || route.method == QLatin1String("*"))
                route.method = QStringLiteral("ANY");

            if (route.kind == ApiGatewayRoute::Kind::Rest) {
                route.payloadVersion = QStringLiteral("1.0");
                route.apiLogicalId = referenceName(properties.value("RestApiId", nlohmann::json()));
                if (route.apiLogicalId.isEmpty())
                    route.apiLogicalId = ImplicitRestApi;
                if (route.path.isEmpty() || route.method.isEmpty()) {
                    warn(QStringLiteral("%1: an Api event needs a Path and a Method; not served").arg(where));
                    continue;
                }
            } else {
                bool hasVersion = false;
                const QString version = stringProperty(properties, "PayloadFormatVersion", &hasVersion);
                route.payloadVersion = version == QLatin1String("1.0") ? version : QStringLiteral("2.0");
                if (hasVersion && version != QLatin1String("1.0") && version != QLatin1String("2.0"))
                    warn(QStringLiteral("%1: PayloadFormatVersion must be \"1.0\" or \"2.0\"; using 2.0").arg(where));
                route.apiLogicalId = referenceName(properties.value("ApiId", nlohmann::json()));
                if (route.apiLogicalId.isEmpty())
                    route.apiLogicalId = ImplicitHttpApi;
                // An HttpApi event without Path and Method is the API's $default route.
                if (!hasPath && !hasMethod) {
                    route.method = QStringLiteral("ANY");
                } else if (route.path.isEmpty() || route.method.isEmpty()) {
                    warn(QStringLiteral("%1: an HttpApi event needs both Path and Method, or neither for $default; "
                                        "not served")
                             .arg(where));
                    continue;
                }
            }
            QString why;
            if (!route.path.isEmpty() && !isValidPath(route.path, &why)) {
                warn(QStringLiteral("%1: Path %2 is not served: %3").arg(where, route.path, why));
                continue;
            }
            route.apiId = apiIdFor(route.apiLogicalId);
            const auto same = std::find_if(table.m_routes.cbegin(), table.m_routes.cend(),
                                           [&](const ApiGatewayRoute &r) { return r.routeKey() == route.routeKey(); });
            if (same != table.m_routes.cend()) {
                // All APIs share one local port, so the same route in two of them cannot both be served.
                warn(QStringLiteral("%1: %2 is already served by %3.%4; not served twice")
                         .arg(where, route.routeKey(), same->functionName, same->eventId));
                continue;
            }
            table.add(route);
        }
    }
    return table;
}

void ApiGatewayRoutes::add(const ApiGatewayRoute &route)
{
    m_routes.append(route);
}

bool ApiGatewayRoutes::hasHttpApi() const
{
    return std::any_of(m_routes.cbegin(), m_routes.cend(),
                       [](const ApiGatewayRoute &r) { return r.kind == ApiGatewayRoute::Kind::Http; });
}

std::optional<ApiGatewayMatch> ApiGatewayRoutes::match(const QString &method, const QString &path) const
{
    const QStringList request = segmentsOf(path);
    const QString verb = method.toUpper();
    std::optional<ApiGatewayMatch> best;
    std::vector<int> bestRank;
    for (const ApiGatewayRoute &route : m_routes) {
        const bool any = route.method == QLatin1String("ANY");
        if (!any && route.method != verb)
            continue;
        std::optional<QList<QPair<QString, QString>>> parameters;
        if (route.isDefault())
            parameters.emplace();
        else
            parameters = matchPath(route.path, request);
        if (!parameters)
            continue;
        const std::vector<int> rank = specificity(route);
        bool better = !best || rank < bestRank;
        if (best && rank == bestRank)
            better = best->route.method == QLatin1String("ANY") && !any;
        if (better) {
            best = ApiGatewayMatch{route, std::move(*parameters)};
            bestRank = rank;
        }
    }
    return best;
}

} // namespace fn
