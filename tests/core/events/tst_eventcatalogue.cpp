// The generate-event catalogue: every entry renders to its service's shape; values are inserted safely.

#include "events/eventcatalogue.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

QString catalogueDir()
{
    return qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/resources/events");
}

QString md5(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

std::string s(const char *text)
{
    return std::string(text);
}

// The fields a function of each service reads first: "pointer" must exist, "pointer=value" must equal it.
// Keyed by "service/event", falling back to "service".
const QHash<QString, QStringList> &keyFields()
{
    static const QHash<QString, QStringList> fields{
        {QStringLiteral("alb"),
         {QStringLiteral("/httpMethod"), QStringLiteral("/path"),
          QStringLiteral("/requestContext/elb/targetGroupArn")}},
        {QStringLiteral("alexa-skills-kit"),
         {QStringLiteral("/version=1.0"), QStringLiteral("/request/type"),
          QStringLiteral("/context/System/application/applicationId")}},
        {QStringLiteral("alexa-smart-home"),
         {QStringLiteral("/directive/header/namespace"), QStringLiteral("/directive/header/payloadVersion=3")}},
        {QStringLiteral("apigateway/aws-proxy"),
         {QStringLiteral("/httpMethod=POST"), QStringLiteral("/requestContext/stage=prod"),
          QStringLiteral("/multiValueHeaders"), QStringLiteral("/isBase64Encoded")}},
        {QStringLiteral("apigateway/http-api-proxy"),
         {QStringLiteral("/version=2.0"), QStringLiteral("/routeKey"),
          QStringLiteral("/requestContext/http/method=POST"), QStringLiteral("/rawQueryString=foo=bar")}},
        {QStringLiteral("apigateway/authorizer"),
         {QStringLiteral("/type=TOKEN"), QStringLiteral("/authorizationToken"), QStringLiteral("/methodArn")}},
        {QStringLiteral("apigateway/request-authorizer"),
         {QStringLiteral("/type=REQUEST"), QStringLiteral("/methodArn"), QStringLiteral("/headers/Authorization")}},
        {QStringLiteral("apigateway/request-authorizer-v2"),
         {QStringLiteral("/version=2.0"), QStringLiteral("/type=REQUEST"), QStringLiteral("/routeArn")}},
        {QStringLiteral("apigateway/websocket-connect"),
         {QStringLiteral("/requestContext/eventType=CONNECT"), QStringLiteral("/requestContext/connectionId")}},
        {QStringLiteral("appsync/resolver"),
         {QStringLiteral("/info/fieldName=getPost"), QStringLiteral("/arguments/id")}},
        {QStringLiteral("appsync/authorizer"),
         {QStringLiteral("/authorizationToken"), QStringLiteral("/requestContext/apiId")}},
        {QStringLiteral("batch"), {QStringLiteral("/source=aws.batch"), QStringLiteral("/detail/jobId")}},
        {QStringLiteral("cloudformation"),
         {QStringLiteral("/RequestType"), QStringLiteral("/ResponseURL"), QStringLiteral("/StackId"),
          QStringLiteral("/LogicalResourceId")}},
        {QStringLiteral("cloudfront"),
         {QStringLiteral("/Records/0/cf/config/eventType"), QStringLiteral("/Records/0/cf/request/uri=/index.html")}},
        {QStringLiteral("cloudwatch/scheduled-event"),
         {QStringLiteral("/version=0"), QStringLiteral("/detail-type=Scheduled Event"),
          QStringLiteral("/source=aws.events"),
          QStringLiteral("/resources/0=arn:aws:events:us-east-1:123456789012:rule/example-rule"),
          QStringLiteral("/detail")}},
        {QStringLiteral("cloudwatch/logs"), {QStringLiteral("/awslogs/data")}},
        {QStringLiteral("cloudwatch/alarm-state-change"),
         {QStringLiteral("/source=aws.cloudwatch"), QStringLiteral("/alarmData/state/value=ALARM")}},
        {QStringLiteral("codecommit"),
         {QStringLiteral("/Records/0/eventSource=aws:codecommit"),
          QStringLiteral("/Records/0/codecommit/references/0/ref=refs/heads/main")}},
        {QStringLiteral("codedeploy"),
         {QStringLiteral("/DeploymentId"), QStringLiteral("/LifecycleEventHookExecutionId")}},
        {QStringLiteral("codepipeline"),
         {QStringLiteral("/CodePipeline.job/id"),
          QStringLiteral("/CodePipeline.job/data/actionConfiguration/configuration/UserParameters")}},
        {QStringLiteral("cognito"),
         {QStringLiteral("/version=1"), QStringLiteral("/triggerSource"), QStringLiteral("/userPoolId"),
          QStringLiteral("/userName=example-user"), QStringLiteral("/request"), QStringLiteral("/response")}},
        {QStringLiteral("config"),
         {QStringLiteral("/invokingEvent"), QStringLiteral("/resultToken"), QStringLiteral("/configRuleName")}},
        {QStringLiteral("connect"),
         {QStringLiteral("/Name=ContactFlowEvent"), QStringLiteral("/Details/ContactData/ContactId")}},
        {QStringLiteral("dynamodb"),
         {QStringLiteral("/Records/0/eventSource=aws:dynamodb"), QStringLiteral("/Records/0/eventVersion=1.1"),
          QStringLiteral("/Records/0/dynamodb/Keys/Id/N=101"), QStringLiteral("/Records/0/dynamodb/StreamViewType")}},
        {QStringLiteral("eventbridge"),
         {QStringLiteral("/detail-type=Order Placed"), QStringLiteral("/source"),
          QStringLiteral("/detail/orderId=1234")}},
        {QStringLiteral("iot/rule"), {QStringLiteral("/temperature")}},
        {QStringLiteral("iot/button"), {QStringLiteral("/deviceEvent/buttonClicked/clickType=SINGLE")}},
        {QStringLiteral("kinesis/get-records"),
         {QStringLiteral("/Records/0/eventSource=aws:kinesis"),
          QStringLiteral("/Records/0/eventName=aws:kinesis:record"),
          QStringLiteral("/Records/0/kinesis/data=SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==")}},
        {QStringLiteral("kinesis"),
         {QStringLiteral("/invocationId"), QStringLiteral("/deliveryStreamArn"), QStringLiteral("/records/0/recordId"),
          QStringLiteral("/records/0/data")}},
        {QStringLiteral("lambda"),
         {QStringLiteral("/version=2.0"), QStringLiteral("/requestContext/http/method=POST"),
          QStringLiteral("/rawPath=/path/to/resource")}},
        {QStringLiteral("lex"),
         {QStringLiteral("/messageVersion=1.0"), QStringLiteral("/invocationSource=DialogCodeHook"),
          QStringLiteral("/currentIntent/name")}},
        {QStringLiteral("lex-v2"),
         {QStringLiteral("/sessionState/intent/name=OrderFlowers"), QStringLiteral("/bot/localeId")}},
        {QStringLiteral("mq"), {QStringLiteral("/eventSource=aws:mq"), QStringLiteral("/messages/0/data")}},
        {QStringLiteral("msk"),
         {QStringLiteral("/eventSource=aws:kafka"), QStringLiteral("/records/example-topic-0/0/value")}},
        {QStringLiteral("s3/put"),
         {QStringLiteral("/Records/0/eventSource=aws:s3"), QStringLiteral("/Records/0/eventName=ObjectCreated:Put"),
          QStringLiteral("/Records/0/s3/bucket/name=example-bucket"),
          QStringLiteral("/Records/0/s3/object/key=test/key"), QStringLiteral("/Records/0/s3/object/size"),
          QStringLiteral("/Records/0/s3/object/eTag"), QStringLiteral("/Records/0/s3/object/sequencer")}},
        {QStringLiteral("s3/delete"),
         {QStringLiteral("/Records/0/eventSource=aws:s3"), QStringLiteral("/Records/0/eventName=ObjectRemoved:Delete"),
          QStringLiteral("/Records/0/s3/object/key=test/key")}},
        {QStringLiteral("s3/batch-invocation"),
         {QStringLiteral("/invocationSchemaVersion=1.0"), QStringLiteral("/tasks/0/s3Key"),
          QStringLiteral("/tasks/0/s3BucketArn=arn:aws:s3:::example-bucket")}},
        {QStringLiteral("s3/object-lambda"),
         {QStringLiteral("/getObjectContext/outputRoute"), QStringLiteral("/getObjectContext/outputToken"),
          QStringLiteral("/userRequest/url")}},
        {QStringLiteral("secretsmanager"),
         {QStringLiteral("/Step=createSecret"), QStringLiteral("/SecretId"), QStringLiteral("/ClientRequestToken")}},
        {QStringLiteral("ses"),
         {QStringLiteral("/Records/0/eventSource=aws:ses"),
          QStringLiteral("/Records/0/ses/mail/commonHeaders/subject")}},
        {QStringLiteral("sns"),
         {QStringLiteral("/Records/0/EventSource=aws:sns"), QStringLiteral("/Records/0/Sns/Type=Notification"),
          QStringLiteral("/Records/0/Sns/Message=Hello from SNS!"),
          QStringLiteral("/Records/0/Sns/TopicArn=arn:aws:sns:us-east-1:123456789012:example-topic")}},
        {QStringLiteral("sqs"),
         {QStringLiteral("/Records/0/eventSource=aws:sqs"), QStringLiteral("/Records/0/body=Hello from SQS!"),
          QStringLiteral("/Records/0/md5OfBody"), QStringLiteral("/Records/0/receiptHandle"),
          QStringLiteral("/Records/0/attributes/ApproximateReceiveCount=1"),
          QStringLiteral("/Records/0/attributes/SentTimestamp=1767225600000")}},
        {QStringLiteral("stepfunctions/error"), {QStringLiteral("/Error=MyError"), QStringLiteral("/Cause")}},
        {QStringLiteral("stepfunctions/task-input"),
         {QStringLiteral("/input/orderId=1234"), QStringLiteral("/taskToken")}},
        {QStringLiteral("workmail"),
         {QStringLiteral("/envelope/mailFrom/address"), QStringLiteral("/flowDirection=INBOUND")}},
    };
    return fields;
}

} // namespace

class TestEventCatalogue final : public QObject
{
    Q_OBJECT

private:
    EventCatalogue m_catalogue;

    nlohmann::json render(const char *service, const char *event, const QMap<QString, QString> &values = {})
    {
        QString error;
        const auto json = m_catalogue.render(QLatin1String(service), QLatin1String(event), values, &error);
        if (!json)
            qWarning("%s", qPrintable(error));
        return json.value_or(nlohmann::json());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        QVERIFY2(m_catalogue.load(catalogueDir(), &error), qPrintable(error));
    }

    void breadth()
    {
        // At least what `sam local generate-event` offers.
        QVERIFY2(m_catalogue.events().size() >= 68, qPrintable(QString::number(m_catalogue.events().size())));
        QVERIFY2(m_catalogue.services().size() >= 26, qPrintable(m_catalogue.services().join(QLatin1Char(' '))));
        for (const char *service : {"s3",
                                    "sqs",
                                    "sns",
                                    "apigateway",
                                    "alb",
                                    "cloudwatch",
                                    "dynamodb",
                                    "kinesis",
                                    "cloudfront",
                                    "cognito",
                                    "cloudformation",
                                    "codecommit",
                                    "codepipeline",
                                    "config",
                                    "iot",
                                    "lex",
                                    "ses",
                                    "stepfunctions",
                                    "secretsmanager",
                                    "alexa-skills-kit",
                                    "alexa-smart-home",
                                    "batch",
                                    "connect",
                                    "workmail",
                                    "appsync",
                                    "eventbridge"})
            QVERIFY2(m_catalogue.services().contains(QLatin1String(service)), service);
    }

    void everyEntryRenders_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("event");
        for (const EventTemplate &e : m_catalogue.events())
            QTest::newRow(qPrintable(e.service + QLatin1Char(' ') + e.name)) << e.service << e.name;
    }

    // With its defaults, each event renders to valid JSON carrying its service's key fields.
    void everyEntryRenders()
    {
        QFETCH(QString, service);
        QFETCH(QString, event);
        const EventTemplate *entry = m_catalogue.find(service, event);
        QVERIFY(entry);
        QVERIFY(!entry->description.isEmpty());
        for (const EventParameter &p : entry->parameters)
            QVERIFY2(!p.help.isEmpty(), qPrintable(p.name));

        QString error;
        const auto json = m_catalogue.render(service, event, {}, &error);
        QVERIFY2(json, qPrintable(error));
        // Round trip through text: what the CLI prints parses back to the same event.
        QVERIFY(nlohmann::json::parse(json->dump(2)) == *json);
        QVERIFY(json->is_object());
        QVERIFY2(json->dump().find("{{") == std::string::npos, json->dump().c_str());

        const QString key = service + QLatin1Char('/') + event;
        const QStringList fields = keyFields().value(key, keyFields().value(service));
        QVERIFY2(!fields.isEmpty(), qPrintable(QStringLiteral("no key fields listed for %1").arg(key)));
        for (const QString &field : fields) {
            const qsizetype eq = field.indexOf(QLatin1Char('='));
            const std::string pointer = (eq < 0 ? field : field.left(eq)).toStdString();
            QVERIFY2(json->contains(nlohmann::json::json_pointer(pointer)), pointer.c_str());
            if (eq >= 0) {
                const nlohmann::json &value = json->at(nlohmann::json::json_pointer(pointer));
                const QString text = value.is_string() ? QString::fromStdString(value.get<std::string>())
                                                       : QString::fromStdString(value.dump());
                QCOMPARE(text, field.mid(eq + 1));
            }
        }
    }

    void s3KeyEncoding_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("encoded");
        QTest::newRow("plain") << QStringLiteral("photos/cat.jpg") << QStringLiteral("photos/cat.jpg");
        QTest::newRow("spaces become +") << QStringLiteral("my photos/a b.jpg") << QStringLiteral("my+photos/a+b.jpg");
        QTest::newRow("plus is encoded") << QStringLiteral("a+b") << QStringLiteral("a%2Bb");
        QTest::newRow("parentheses") << QStringLiteral("a(1).txt") << QStringLiteral("a%281%29.txt");
        QTest::newRow("query characters") << QStringLiteral("x=1&y?z") << QStringLiteral("x%3D1%26y%3Fz");
        QTest::newRow("tilde and star") << QStringLiteral("a~b*c") << QStringLiteral("a%7Eb*c");
        QTest::newRow("UTF-8") << QStringLiteral("über.txt") << QStringLiteral("%C3%BCber.txt");
    }

    void s3KeyEncoding()
    {
        QFETCH(QString, key);
        QFETCH(QString, encoded);
        QCOMPARE(EventCatalogue::s3EncodeKey(key), encoded);
        const nlohmann::json event = render("s3", "put", {{QStringLiteral("key"), key}});
        QCOMPARE(QString::fromStdString(
                     event.at(nlohmann::json::json_pointer("/Records/0/s3/object/key")).get<std::string>()),
                 encoded);
    }

    void s3PutComputesSizeAndETag()
    {
        const QByteArray content = "hello, world\n";
        const nlohmann::json event = render("s3", "put",
                                            {{QStringLiteral("content"), QString::fromUtf8(content)},
                                             {QStringLiteral("bucket"), QStringLiteral("photos")}});
        const nlohmann::json &object = event.at("Records").at(0).at("s3").at("object");
        QVERIFY(object.at("size").is_number_integer());
        QCOMPARE(object.at("size").get<qint64>(), content.size());
        QCOMPARE(QString::fromStdString(object.at("eTag").get<std::string>()), md5(content));
        QVERIFY(event.at("Records").at(0).at("s3").at("bucket").at("arn").get<std::string>()
                == s("arn:aws:s3:::photos"));
    }

    void sqsMd5OfBodyAndStringTimestamps()
    {
        const QString body = QStringLiteral("{\"order\": 7}");
        const nlohmann::json event =
            render("sqs", "receive-message",
                   {{QStringLiteral("body"), body}, {QStringLiteral("queue"), QStringLiteral("orders")}});
        const nlohmann::json &record = event.at("Records").at(0);
        QVERIFY(record.at("body").get<std::string>() == body.toStdString());
        QCOMPARE(QString::fromStdString(record.at("md5OfBody").get<std::string>()), md5(body.toUtf8()));
        QVERIFY(record.at("eventSourceARN").get<std::string>() == s("arn:aws:sqs:us-east-1:123456789012:orders"));
        // SQS sends its timestamps as strings.
        QVERIFY(record.at("attributes").at("SentTimestamp").is_string());
        // API Gateway's requestTimeEpoch is a number.
        QVERIFY(render("apigateway", "aws-proxy").at("requestContext").at("requestTimeEpoch").is_number_integer());
    }

    // Quotes, backslashes, newlines and braces in a value stay text: the event is still valid JSON.
    void valuesAreEscaped()
    {
        const QString nasty = QStringLiteral("he said \"hi\" \\ C:\\path\\n\n\t{\"x\":1} {{bucket}} ü");
        const nlohmann::json event = render("sqs", "receive-message", {{QStringLiteral("body"), nasty}});
        const std::string text = event.dump(2);
        const nlohmann::json back = nlohmann::json::parse(text);
        QCOMPARE(QString::fromStdString(back.at("Records").at(0).at("body").get<std::string>()), nasty);
        QCOMPARE(QString::fromStdString(back.at("Records").at(0).at("md5OfBody").get<std::string>()),
                 md5(nasty.toUtf8()));

        // Inside a longer string too.
        const nlohmann::json sns =
            render("sns", "notification", {{QStringLiteral("topic"), QStringLiteral("t\"o\\p")}});
        QVERIFY(sns.at("Records").at(0).at("Sns").at("TopicArn").get<std::string>()
                == s("arn:aws:sns:us-east-1:123456789012:t\"o\\p"));
    }

    void typedParameters()
    {
        // A JSON parameter becomes JSON, not a string.
        const nlohmann::json custom =
            render("eventbridge", "custom-event", {{QStringLiteral("detail"), QStringLiteral("{\"n\": [1, 2]}")}});
        QCOMPARE(custom.at("detail").at("n").at(1).get<int>(), 2);
        QString error;
        QVERIFY(!m_catalogue.render(QStringLiteral("eventbridge"), QStringLiteral("custom-event"),
                                    {{QStringLiteral("detail"), QStringLiteral("{not json")}}, &error));
        QCOMPARE(error, QStringLiteral("eventbridge custom-event: --detail must be JSON here, not '{not json'"));
        QVERIFY(!m_catalogue.render(QStringLiteral("sqs"), QStringLiteral("receive-message"),
                                    {{QStringLiteral("time"), QStringLiteral("yesterday")}}, &error));
        QCOMPARE(error,
                 QStringLiteral("sqs receive-message: --time must be an ISO 8601 time such as 2026-01-05T09:00:00Z, "
                                "not 'yesterday'"));
    }

    void unknownNames()
    {
        QString error;
        QVERIFY(!m_catalogue.render(QStringLiteral("s4"), QStringLiteral("put"), {}, &error));
        QVERIFY2(error.startsWith(QStringLiteral("unknown service 's4'; the services are: ")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("s3")));
        QVERIFY(!m_catalogue.render(QStringLiteral("s3"), QStringLiteral("post"), {}, &error));
        QCOMPARE(error, QStringLiteral(
                            "unknown s3 event 'post'; its events are: batch-invocation, delete, object-lambda, put"));
        QVERIFY(!m_catalogue.render(QStringLiteral("s3"), QStringLiteral("put"),
                                    {{QStringLiteral("colour"), QStringLiteral("red")}}, &error));
        QCOMPARE(error,
                 QStringLiteral("s3 put has no parameter --colour; its parameters are: --bucket, --configurationId, "
                                "--content, --key, --region, --sourceIp, --time"));
    }

    void defaultDirectoryFollowsTheEnvironment()
    {
        const QByteArray saved = qgetenv("FN_RESOURCE_DIR");
        qputenv("FN_RESOURCE_DIR", (qEnvironmentVariable("FN_SOURCE_DIR") + QStringLiteral("/resources")).toUtf8());
        QCOMPARE(QDir(EventCatalogue::defaultDirectory()).canonicalPath(), QDir(catalogueDir()).canonicalPath());
        qunsetenv("FN_RESOURCE_DIR");
        // Without it, an uninstalled build uses the source tree's catalogue.
        EventCatalogue fallback;
        QVERIFY(fallback.load(EventCatalogue::defaultDirectory()));
        QCOMPARE(fallback.events().size(), m_catalogue.events().size());
        if (!saved.isEmpty())
            qputenv("FN_RESOURCE_DIR", saved);
    }

    void loadProblemsAreReported()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto write = [&dir](const QString &name, const QByteArray &text) {
            QDir().mkpath(QFileInfo(dir.filePath(name)).path());
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(QStringLiteral("x/e.json"), "{\"a\": \"{{undeclared}}\"}");
        write(QStringLiteral("catalogue.json"),
              "{\"events\": [{\"service\": \"x\", \"event\": \"e\", \"template\": \"x/e.json\", \"parameters\": {}}]}");
        EventCatalogue catalogue;
        QString error;
        QVERIFY(!catalogue.load(dir.path(), &error));
        QCOMPARE(error,
                 QStringLiteral("catalogue.json: x e: x/e.json uses {{undeclared}}, which the entry does not declare"));

        write(QStringLiteral("catalogue.json"), "{\"events\": [{\"service\": \"x\", \"event\": \"e\", \"template\": "
                                                "\"x/e.json\", \"parameters\": {\"undeclared\": {}}}]}");
        QVERIFY(!catalogue.load(dir.path(), &error));
        QCOMPARE(error,
                 QStringLiteral("catalogue.json: x e: parameter undeclared needs a default and a help text (strings)"));

        write(QStringLiteral("catalogue.json"), "{\"events\": [{\"service\": \"x\", \"event\": \"e\", \"template\": "
                                                "\"x/missing.json\", \"parameters\": {}}]}");
        QVERIFY(!catalogue.load(dir.path(), &error));
        QVERIFY2(error.startsWith(QStringLiteral("catalogue.json: x e: cannot read ")), qPrintable(error));
        QVERIFY(catalogue.events().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEventCatalogue)
#include "tst_eventcatalogue.moc"
