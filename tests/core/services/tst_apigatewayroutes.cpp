// The API Gateway route table without a server: which route the template's Api and HttpApi
// events give, and which one serves a request.
#include "services/apigatewayroutes.h"

#include <QtTest>

using namespace fn;

namespace {

nlohmann::json api(const char *type, nlohmann::json properties)
{
    return {{"Type", type}, {"Properties", std::move(properties)}};
}

FunctionConfig function(const char *name, nlohmann::json events)
{
    FunctionConfig f;
    f.name = QString::fromLatin1(name);
    f.runtime = QStringLiteral("python3.12");
    f.events = std::move(events);
    return f;
}

QString served(const ApiGatewayRoutes &routes, const char *method, const char *path)
{
    const auto match = routes.match(QString::fromLatin1(method), QString::fromLatin1(path));
    return match ? match->route.functionName + QLatin1Char(':') + match->route.routeKey() : QStringLiteral("none");
}

QString parameters(const ApiGatewayRoutes &routes, const char *method, const char *path)
{
    const auto match = routes.match(QString::fromLatin1(method), QString::fromLatin1(path));
    QStringList out;
    if (match)
        for (const auto &[name, value] : match->pathParameters)
            out << name + QLatin1Char('=') + value;
    return out.join(QLatin1Char(','));
}

} // namespace

class TestApiGatewayRoutes : public QObject
{
    Q_OBJECT

    ApiGatewayRoutes m_routes;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QStringList warnings;
        m_routes = ApiGatewayRoutes::fromFunctions(
            {function("Items", {{"List", api("Api", {{"Path", "/items"}, {"Method", "get"}})},
                                {"One", api("Api", {{"Path", "/items/{id}"}, {"Method", "GET"}})},
                                {"Any", api("Api", {{"Path", "/items/{id}"}, {"Method", "any"}})},
                                {"Mine", api("Api", {{"Path", "/items/mine"}, {"Method", "get"}})},
                                {"Nested", api("Api", {{"Path", "/items/{id}/parts/{part}"}, {"Method", "get"}})},
                                {"Sqs", {{"Type", "SQS"}, {"Properties", {{"Queue", "q"}}}}}}),
             function("Files", {{"Greedy", api("HttpApi", {{"Path", "/files/{proxy+}"}, {"Method", "ANY"}})},
                                {"Readme", api("HttpApi", {{"Path", "/files/README"}, {"Method", "GET"}})},
                                {"V1", api("HttpApi", {{"Path", "/legacy"},
                                                       {"Method", "POST"},
                                                       {"PayloadFormatVersion", "1.0"},
                                                       {"ApiId", {{"Ref", "LegacyApi"}}}})}}),
             function("Fallback", {{"Everything", api("HttpApi", nlohmann::json::object())},
                                   {"Root", api("Api", {{"Path", "/{proxy+}"}, {"Method", "ANY"}})}}),
             function("Broken", {{"NoMethod", api("Api", {{"Path", "/broken"}})},
                                 {"BadPath", api("Api", {{"Path", "/a/{p+}/b"}, {"Method", "GET"}})},
                                 {"Twice", api("Api", {{"Path", "/items"}, {"Method", "GET"}})}})},
            &warnings);
        QCOMPARE(m_routes.routes().size(), 10);
        QCOMPARE(warnings.size(), 3);
        QVERIFY(warnings.at(0).contains(QLatin1String("Broken.BadPath")));
        QVERIFY(warnings.at(1).contains(QLatin1String("needs a Path and a Method")));
        QVERIFY(warnings.at(2).contains(QLatin1String("already served by Items.List")));
    }

    void routeKinds()
    {
        QHash<QString, ApiGatewayRoute> byEvent;
        for (const ApiGatewayRoute &r : m_routes.routes())
            byEvent.insert(r.functionName + QLatin1Char('.') + r.eventId, r);
        const ApiGatewayRoute one = byEvent.value(QStringLiteral("Items.One"));
        QCOMPARE(one.kind, ApiGatewayRoute::Kind::Rest);
        QCOMPARE(one.payloadVersion, QStringLiteral("1.0"));
        QCOMPARE(one.routeKey(), QStringLiteral("GET /items/{id}"));
        QCOMPARE(one.apiLogicalId, QStringLiteral("ServerlessRestApi"));
        QCOMPARE(one.apiId.size(), 10);
        QCOMPARE(one.apiId, ApiGatewayRoutes::apiIdFor(QStringLiteral("ServerlessRestApi")));

        const ApiGatewayRoute greedy = byEvent.value(QStringLiteral("Files.Greedy"));
        QCOMPARE(greedy.kind, ApiGatewayRoute::Kind::Http);
        QCOMPARE(greedy.payloadVersion, QStringLiteral("2.0"));
        QCOMPARE(greedy.apiLogicalId, QStringLiteral("ServerlessHttpApi"));

        const ApiGatewayRoute v1 = byEvent.value(QStringLiteral("Files.V1"));
        QCOMPARE(v1.payloadVersion, QStringLiteral("1.0"));
        QCOMPARE(v1.apiLogicalId, QStringLiteral("LegacyApi"));

        const ApiGatewayRoute fallback = byEvent.value(QStringLiteral("Fallback.Everything"));
        QVERIFY(fallback.isDefault());
        QCOMPARE(fallback.routeKey(), QStringLiteral("$default"));
        QVERIFY(m_routes.hasHttpApi());
    }

    void matching_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *method, const char *path, const char *expected) {
            QTest::addRow("%s %s", method, path)
                << QString::fromLatin1(method) << QString::fromLatin1(path) << QString::fromLatin1(expected);
        };
        row("GET", "/items", "Items:GET /items");
        row("GET", "/items/", "Items:GET /items");
        // A literal segment beats a parameter; a named method beats ANY on the same path.
        row("GET", "/items/mine", "Items:GET /items/mine");
        row("GET", "/items/7", "Items:GET /items/{id}");
        row("DELETE", "/items/7", "Items:ANY /items/{id}");
        row("get", "/items/7", "Items:GET /items/{id}");
        row("GET", "/items/7/parts/wheel", "Items:GET /items/{id}/parts/{part}");
        row("POST", "/items/7/parts/wheel", "Fallback:ANY /{proxy+}");
        row("GET", "/files/README", "Files:GET /files/README");
        row("POST", "/files/README", "Files:ANY /files/{proxy+}");
        row("GET", "/files/a/b/c.txt", "Files:ANY /files/{proxy+}");
        // {proxy+} needs one segment at least: /files alone falls through to the root proxy.
        row("GET", "/files", "Fallback:ANY /{proxy+}");
        row("POST", "/legacy", "Files:POST /legacy");
        // Paths are case-sensitive, as in API Gateway.
        row("GET", "/Items", "Fallback:ANY /{proxy+}");
        // Only $default takes the root, which no {proxy+} covers.
        row("GET", "/", "Fallback:$default");
    }

    void matching()
    {
        QFETCH(QString, method);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        const auto match = m_routes.match(method, path);
        QVERIFY(match);
        QCOMPARE(match->route.functionName + QLatin1Char(':') + match->route.routeKey(), expected);
    }

    void pathParameters()
    {
        QCOMPARE(parameters(m_routes, "GET", "/items/42"), QStringLiteral("id=42"));
        QCOMPARE(parameters(m_routes, "GET", "/items/42/parts/7"), QStringLiteral("id=42,part=7"));
        QCOMPARE(parameters(m_routes, "PUT", "/files/photos/2024/cat.jpg"),
                 QStringLiteral("proxy=photos/2024/cat.jpg"));
        QCOMPARE(parameters(m_routes, "GET", "/items/hello world"), QStringLiteral("id=hello world"));
        QCOMPARE(parameters(m_routes, "GET", "/items"), QString());
    }

    void noRoute()
    {
        ApiGatewayRoutes rest = ApiGatewayRoutes::fromFunctions(
            {function("Only", {{"Get", api("Api", {{"Path", "/only/{id}"}, {"Method", "GET"}})}})});
        QCOMPARE(served(rest, "GET", "/only/1"), QStringLiteral("Only:GET /only/{id}"));
        QCOMPARE(served(rest, "POST", "/only/1"), QStringLiteral("none"));
        QCOMPARE(served(rest, "GET", "/only"), QStringLiteral("none"));
        QCOMPARE(served(rest, "GET", "/only/1/more"), QStringLiteral("none"));
        QCOMPARE(served(rest, "GET", "/"), QStringLiteral("none"));
        QVERIFY(!rest.hasHttpApi());
        QVERIFY(ApiGatewayRoutes().isEmpty());
    }

    void pathValidation_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("valid");
        QTest::newRow("root") << QStringLiteral("/") << true;
        QTest::newRow("param") << QStringLiteral("/a/{id}") << true;
        QTest::newRow("greedy last") << QStringLiteral("/a/{proxy+}") << true;
        QTest::newRow("no slash") << QStringLiteral("a/b") << false;
        QTest::newRow("empty segment") << QStringLiteral("/a//b") << false;
        QTest::newRow("greedy in the middle") << QStringLiteral("/{proxy+}/b") << false;
        QTest::newRow("half a parameter") << QStringLiteral("/a/x{id}") << false;
    }

    void pathValidation()
    {
        QFETCH(QString, path);
        QFETCH(bool, valid);
        QString why;
        QCOMPARE(ApiGatewayRoutes::isValidPath(path, &why), valid);
        QCOMPARE(why.isEmpty(), valid);
    }
};

QTEST_GUILESS_MAIN(TestApiGatewayRoutes)
#include "tst_apigatewayroutes.moc"
