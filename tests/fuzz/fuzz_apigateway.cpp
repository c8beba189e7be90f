// The API Gateway front's own parsing, both ways. A request (method and target on the first line,
// then header lines, an empty line, the body) is matched against a route table of REST and HTTP
// API routes and becomes the event a function receives, which must be JSON that can be sent; a
// function's result (the input after a first byte of 'R') becomes the response, or a refusal
// that says why (API Gateway's 502).

#include "fuzzinput.h"
#include "services/apigatewayevents.h"
#include "services/apigatewayroutes.h"

#include <QUrl>

namespace {

fn::ApiGatewayRoute route(fn::ApiGatewayRoute::Kind kind, const char *version, const char *method, const char *path)
{
    fn::ApiGatewayRoute r;
    r.functionName = QStringLiteral("Fn");
    r.eventId = QStringLiteral("Api");
    r.kind = kind;
    r.payloadVersion = QLatin1String(version);
    r.method = QLatin1String(method);
    r.path = QLatin1String(path);
    r.apiLogicalId = kind == fn::ApiGatewayRoute::Kind::Rest ? QStringLiteral("ServerlessRestApi")
                                                             : QStringLiteral("ServerlessHttpApi");
    r.apiId = fn::ApiGatewayRoutes::apiIdFor(r.apiLogicalId);
    return r;
}

const fn::ApiGatewayRoutes &table()
{
    static const fn::ApiGatewayRoutes routes = [] {
        using Kind = fn::ApiGatewayRoute::Kind;
        fn::ApiGatewayRoutes t;
        t.add(route(Kind::Rest, "1.0", "GET", "/items/{id}"));
        t.add(route(Kind::Rest, "1.0", "ANY", "/files/{proxy+}"));
        t.add(route(Kind::Http, "2.0", "POST", "/orders"));
        t.add(route(Kind::Http, "1.0", "PUT", "/orders/{order}/lines/{line}"));
        t.add(route(Kind::Http, "2.0", "ANY", ""));
        return t;
    }();
    return routes;
}

void request(std::string_view in)
{
    const size_t headEnd = in.find("\r\n\r\n");
    const std::string_view head = in.substr(0, headEnd);
    fn::apigateway::Request r;
    r.body = headEnd == std::string_view::npos
                 ? QByteArray()
                 : QByteArray(in.data() + headEnd + 4, qsizetype(in.size() - headEnd - 4));
    const QList<QByteArray> lines = QByteArray(head.data(), qsizetype(head.size())).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    r.method = QString::fromUtf8(first.value(0)).toUpper();
    const QByteArray target = first.value(1);
    const qsizetype question = target.indexOf('?');
    r.rawPath = question < 0 ? target : target.left(question);
    r.rawQueryString = question < 0 ? QByteArray() : target.mid(question + 1);
    r.path = QUrl::fromPercentEncoding(r.rawPath);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.append({lines[i].left(colon), lines[i].mid(colon + 1).trimmed()});
    }
    r.sourceIp = QStringLiteral("127.0.0.1");
    r.requestId = QStringLiteral("c6af9ac6-7b61-11e6-9a41-93e812345678");
    r.epochMs = 1'765'000'000'000;
    (void)fn::apigateway::parseQuery(r.rawQueryString);
    const std::optional<fn::ApiGatewayMatch> match = table().match(r.method, r.path);
    if (!match)
        return;
    const nlohmann::json event = fn::apigateway::event(*match, r);
    const std::string sent = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    fn::fuzz::expect(nlohmann::json::accept(sent), "the event is JSON");
}

void result(std::string_view in)
{
    const QByteArray payload(in.data(), qsizetype(in.size()));
    for (const fn::ApiGatewayRoute &r : table().routes()) {
        QString why;
        const std::optional<fn::apigateway::Response> response = fn::apigateway::response(r, payload, &why);
        if (!response)
            fn::fuzz::expect(!why.isEmpty(), "a malformed result says why");
        else
            fn::fuzz::expect(response->status >= 100 && response->status <= 599, "a status API Gateway can send");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = fn::fuzz::text(data, size);
    if (!in.empty() && in.front() == 'R')
        result(in.substr(1));
    else
        request(in);
    return 0;
}
