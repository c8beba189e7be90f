// What a person sees when fnstudio reads a SAM template: the functions it resolves and the
// problems it reports, each at its file and line.

#include "project/samtemplate.h"

#include "engine/asyncqueue.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

// 1-based line of the first line containing needle.
int lineOf(const QByteArray &text, const char *needle)
{
    const qsizetype at = text.indexOf(needle);
    Q_ASSERT(at >= 0);
    return static_cast<int>(text.left(at).count('\n')) + 1;
}

// JSON compared as text, so a failure shows both sides.
QString js(const nlohmann::json &value)
{
    return QString::fromStdString(value.dump());
}

QString findEnv(const FunctionConfig &f, const QString &name)
{
    for (const auto &[k, v] : f.environment) {
        if (k == name)
            return v;
    }
    return QStringLiteral("<unset>");
}

} // namespace

class TestSamTemplate final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Writes template.yaml (and the code folders it needs) into a fresh folder and loads it.
    SamTemplate load(const QByteArray &yaml, const QStringList &dirs = {QStringLiteral("src")})
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("p%1").arg(++n));
        QDir().mkpath(folder);
        for (const QString &d : dirs)
            QDir(folder).mkpath(d);
        QFile f(folder + QStringLiteral("/template.yaml"));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write template");
        f.write(yaml);
        f.close();
        SamTemplate t;
        t.load(f.fileName());
        return t;
    }

    // The only error of a template with one problem.
    QString onlyError(const QByteArray &yaml)
    {
        const SamTemplate t = load(yaml);
        if (t.errors().size() != 1)
            return QStringLiteral("expected one error, got: ") + toStrings(t.errors()).join(QStringLiteral(" | "));
        return t.errors().first().toString();
    }

    static QByteArray function(const QByteArray &properties)
    {
        return QByteArray("Transform: AWS::Serverless-2016-10-31\n"
                          "Resources:\n"
                          "  Fn:\n"
                          "    Type: AWS::Serverless::Function\n"
                          "    Properties:\n"
                          "      Runtime: python3.12\n"
                          "      Handler: app.handler\n"
                          "      CodeUri: src\n")
               + properties;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void realisticTemplate()
    {
        // A template the way people write them; kept as a file so editors show it as YAML.
        QFile file(QFINDTESTDATA("data/realistic.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray yaml = file.readAll();
        const SamTemplate t = load(yaml, {QStringLiteral("src/orders"), QStringLiteral("layers/common"),
                                          QStringLiteral("native"), QStringLiteral("src/plain")});
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(t.functions().size(), 3); // ProdOnly's condition is false
        QVERIFY(!t.function(QStringLiteral("ProdOnly")));
        QCOMPARE(t.parameters().value(QStringLiteral("Stage")), QStringLiteral("dev"));

        const FunctionConfig f = *t.function(QStringLiteral("ProcessOrder"));
        const QString folder = QFileInfo(t.path()).absolutePath();
        QCOMPARE(f.runtime, QStringLiteral("python3.12")); // from Globals
        QCOMPARE(f.handler, QStringLiteral("app.handler"));
        QCOMPARE(f.codeDir, folder + QStringLiteral("/src/orders"));
        QCOMPARE(f.memoryMb, 256);  // Globals !Ref Memory
        QCOMPARE(f.timeoutSec, 20); // !FindInMap overrides Globals
        QCOMPARE(f.ephemeralStorageMb, 1024);
        QCOMPARE(f.architecture, QStringLiteral("arm64"));
        QCOMPARE(f.reservedConcurrency, std::optional<int>(10));
        QCOMPARE(f.provisionedConcurrency, std::optional<int>(2));
        QCOMPARE(f.logFormat, QStringLiteral("JSON")); // merged from Globals
        QCOMPARE(f.logGroup, QStringLiteral("/custom/dev/orders"));
        QCOMPARE(f.applicationLogLevel, QStringLiteral("DEBUG"));
        QCOMPARE(f.layerDirs, QStringList{folder + QStringLiteral("/layers/common")});
        QCOMPARE(f.line, lineOf(yaml, "  ProcessOrder:"));
        QCOMPARE(f.runtimeLine, lineOf(yaml, "    Runtime: python3.12"));

        // Globals' variables first, the function's override them by name.
        QStringList names;
        for (const auto &entry : f.environment)
            names << entry.first;
        QCOMPARE(names, (QStringList{QStringLiteral("STAGE"), QStringLiteral("LOG_LEVEL"), QStringLiteral("TABLE"),
                                     QStringLiteral("REGION_URL"), QStringLiteral("ZONE"), QStringLiteral("JOINED"),
                                     QStringLiteral("SPLIT"), QStringLiteral("LITERAL"), QStringLiteral("MODE"),
                                     QStringLiteral("WITH_VARS")}));
        QCOMPARE(findEnv(f, QStringLiteral("STAGE")), QStringLiteral("dev"));
        QCOMPARE(findEnv(f, QStringLiteral("LOG_LEVEL")), QStringLiteral("debug"));
        QCOMPARE(findEnv(f, QStringLiteral("TABLE")), QStringLiteral("OrdersTable")); // a resource's Ref: its id
        QCOMPARE(findEnv(f, QStringLiteral("REGION_URL")),
                 QStringLiteral("https://dynamodb.us-east-1.amazonaws.com/123456789012/aws"));
        QCOMPARE(findEnv(f, QStringLiteral("ZONE")), QStringLiteral("b"));
        QCOMPARE(findEnv(f, QStringLiteral("JOINED")), QStringLiteral("dev-small-aGk="));
        QCOMPARE(findEnv(f, QStringLiteral("SPLIT")), QStringLiteral("x"));
        QCOMPARE(findEnv(f, QStringLiteral("LITERAL")), QStringLiteral("${NotReplaced}"));
        QCOMPARE(findEnv(f, QStringLiteral("MODE")), QStringLiteral("development"));
        QCOMPARE(findEnv(f, QStringLiteral("WITH_VARS")), QStringLiteral("orders-dev"));

        QCOMPARE(f.asyncInvoke.maximumRetryAttempts, 1);
        QCOMPARE(f.asyncInvoke.maximumEventAgeSeconds, 120);
        QCOMPARE(js(f.asyncInvoke.destinations["OnFailure"]["Destination"]),
                 js(nlohmann::json::parse(R"({"Fn::GetAtt": ["OrdersQueue", "Arn"]})")));
        QCOMPARE(js(f.deadLetterQueue["Type"]), js(nlohmann::json("SQS")));

        // Events are kept as written, for the trigger work: typed scalars, intrinsics in long form.
        QCOMPARE(f.events.size(), std::size_t(3));
        const nlohmann::json queue = f.events["FromQueue"];
        QCOMPARE(js(queue["Type"]), js(nlohmann::json("SQS")));
        QCOMPARE(js(queue["Properties"]["Queue"]),
                 js(nlohmann::json::parse(R"({"Fn::GetAtt": ["OrdersQueue", "Arn"]})")));
        QCOMPARE(js(queue["Properties"]["BatchSize"]), js(nlohmann::json(10)));
        QCOMPARE(js(queue["Properties"]["Enabled"]), js(nlohmann::json(true)));
        QCOMPARE(js(f.events["Nightly"]["Properties"]["Schedule"]), js(nlohmann::json("cron(0 2 * * ? *)")));
        QCOMPARE(js(f.events["Nightly"]["Properties"]["Input"]), js(nlohmann::json(R"({"n": 1})")));
        const nlohmann::json api = f.events["Api"]["Properties"];
        QCOMPARE(js(api["RestApiId"]), js(nlohmann::json::parse(R"({"Fn::ImportValue": "shared-api-id"})")));
        QCOMPARE(js(api["Cidr"]), js(nlohmann::json::parse(R"({"Fn::Cidr": ["10.0.0.0/16", 4, 8]})")));
        QCOMPARE(js(api["Zones"]), js(nlohmann::json::parse(R"({"Fn::GetAZs": ""})")));
        QCOMPARE(js(api["Joined"]), js(nlohmann::json::parse(R"({"Fn::Join": [":", ["a", {"Ref": "Stage"}]]})")));

        // A function's Layers come after those of Globals; an ARN cannot be mounted, which is said.
        const FunctionConfig b = *t.function(QStringLiteral("Bootstrap"));
        QCOMPARE(b.handler, QString());
        QCOMPARE(b.architecture, QStringLiteral("x86_64"));
        QCOMPARE(b.layerDirs,
                 (QStringList{folder + QStringLiteral("/layers/common"), folder + QStringLiteral("/layers/common")}));
        QCOMPARE(toStrings(t.warnings()),
                 QStringList{QStringLiteral("template.yaml:%1: layer arn:aws:lambda:us-east-1:123456789012:layer:"
                                            "remote:3 is not a layer of this template and is not available locally; "
                                            "the function runs without it")
                                 .arg(lineOf(yaml, "- arn:aws:lambda"))});

        // AWS::Lambda::Function: Code as a local folder, no Globals.
        const FunctionConfig plain = *t.function(QStringLiteral("Plain"));
        QCOMPARE(plain.codeDir, folder + QStringLiteral("/src/plain"));
        QCOMPARE(plain.memoryMb, 512);
        QCOMPARE(plain.timeoutSec, 3);
        QCOMPARE(plain.architecture, QStringLiteral("x86_64"));
    }

    void defaults()
    {
        const SamTemplate t = load(function(""));
        QCOMPARE(toStrings(t.errors()), QStringList());
        const FunctionConfig f = t.functions().value(0);
        QCOMPARE(f.memoryMb, 128);
        QCOMPARE(f.timeoutSec, 3);
        QCOMPARE(f.ephemeralStorageMb, 512);
        QCOMPARE(f.architecture, QStringLiteral("x86_64"));
        QCOMPARE(f.logFormat, QStringLiteral("Text"));
        QCOMPARE(f.effectiveLogGroup(), QStringLiteral("/aws/lambda/Fn"));
        QCOMPARE(f.asyncInvoke.maximumRetryAttempts, 2);
        QCOMPARE(f.asyncInvoke.maximumEventAgeSeconds, 21600);
        QVERIFY(f.events.empty());
        QVERIFY(f.deadLetterQueue.is_null());
    }

    void rangeErrors_data()
    {
        QTest::addColumn<QByteArray>("properties");
        QTest::addColumn<QString>("message");
        QTest::newRow("memory low") << QByteArray("      MemorySize: 64\n")
                                    << QStringLiteral(
                                           "template.yaml:9: MemorySize 64 is outside Lambda's range 128–10240 MB");
        QTest::newRow("memory high") << QByteArray("      MemorySize: 10241\n")
                                     << QStringLiteral(
                                            "template.yaml:9: MemorySize 10241 is outside Lambda's range 128–10240 MB");
        QTest::newRow("memory text") << QByteArray("      MemorySize: lots\n")
                                     << QStringLiteral(
                                            "template.yaml:9: MemorySize must be a whole number, not 'lots'");
        QTest::newRow("timeout zero") << QByteArray("      Timeout: 0\n")
                                      << QStringLiteral("template.yaml:9: Timeout 0 is outside Lambda's range 1–900 s");
        QTest::newRow("timeout high") << QByteArray(
            "      Timeout: 901\n") << QStringLiteral("template.yaml:9: Timeout 901 is outside Lambda's range 1–900 s");
        QTest::newRow("storage low")
            << QByteArray("      EphemeralStorage:\n        Size: 511\n")
            << QStringLiteral("template.yaml:10: EphemeralStorage Size 511 is outside Lambda's range 512–10240 MB");
        QTest::newRow("storage high")
            << QByteArray("      EphemeralStorage:\n        Size: 10241\n")
            << QStringLiteral("template.yaml:10: EphemeralStorage Size 10241 is outside Lambda's range 512–10240 MB");
        QTest::newRow("retries") << QByteArray("      EventInvokeConfig:\n        MaximumRetryAttempts: 3\n")
                                 << QStringLiteral(
                                        "template.yaml:10: MaximumRetryAttempts 3 is outside Lambda's range 0–2");
        QTest::newRow("event age")
            << QByteArray("      EventInvokeConfig:\n        MaximumEventAgeInSeconds: 59\n")
            << QStringLiteral("template.yaml:10: MaximumEventAgeInSeconds 59 is outside Lambda's range 60–21600 s");
        QTest::newRow("reserved")
            << QByteArray("      ReservedConcurrentExecutions: -1\n")
            << QStringLiteral("template.yaml:9: ReservedConcurrentExecutions -1 is outside Lambda's range 0–1000000");
        QTest::newRow("provisioned over reserved")
            << QByteArray("      ReservedConcurrentExecutions: 2\n      AutoPublishAlias: live\n"
                          "      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 5\n")
            << QStringLiteral(
                   "template.yaml:12: ProvisionedConcurrentExecutions 5 is more than ReservedConcurrentExecutions 2");
        QTest::newRow("provisioned without an alias")
            << QByteArray("      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 1\n")
            << QStringLiteral(
                   "template.yaml:10: Fn: 'ProvisionedConcurrencyConfig' requires 'AutoPublishAlias' "
                   "property to be specified (provisioned concurrency is set on an alias, never on $LATEST)");
        QTest::newRow("an alias named like a version")
            << QByteArray("      AutoPublishAlias: 7\n")
            << QStringLiteral("template.yaml:9: AutoPublishAlias '7' is not an alias name: 1 to 128 letters, "
                              "digits, - or _, and not all digits");
        QTest::newRow("architecture") << QByteArray("      Architectures: [arm]\n")
                                      << QStringLiteral(
                                             "template.yaml:9: Architectures value 'arm' is not x86_64 or arm64");
        QTest::newRow("two architectures")
            << QByteArray("      Architectures: [arm64, x86_64]\n")
            << QStringLiteral("template.yaml:9: Architectures must list exactly one of x86_64 or arm64");
        QTest::newRow("log format") << QByteArray("      LoggingConfig:\n        LogFormat: XML\n")
                                    << QStringLiteral(
                                           "template.yaml:10: LoggingConfig LogFormat 'XML' is not Text or JSON");
        QTest::newRow("too many layers") << QByteArray("      Layers: [arn:1, arn:2, arn:3, arn:4, arn:5, arn:6]\n")
                                         << QStringLiteral(
                                                "template.yaml:9: Layers lists 6 layers; Lambda allows at most 5");
    }

    void rangeErrors()
    {
        QFETCH(QByteArray, properties);
        QFETCH(QString, message);
        QCOMPARE(onlyError(function(properties)), message);
    }

    void rangeLimitsAccepted()
    {
        const SamTemplate low = load(function("      MemorySize: 128\n      Timeout: 1\n      EphemeralStorage:\n"
                                              "        Size: 512\n"));
        QCOMPARE(toStrings(low.errors()), QStringList());
        const SamTemplate high = load(function("      MemorySize: 10240\n      Timeout: 900\n      EphemeralStorage:\n"
                                               "        Size: 10240\n"));
        QCOMPARE(toStrings(high.errors()), QStringList());
        QCOMPARE(high.functions().value(0).memoryMb, 10240);
        QCOMPARE(high.functions().value(0).timeoutSec, 900);
        QCOMPARE(high.functions().value(0).ephemeralStorageMb, 10240);
    }

    // A slip in Runtime is said when the project is read, at its line; a Lambda runtime fnstudio has
    // no plugin for is read (it is said when invoked).
    void unknownRuntimeIsSaidAtItsLine()
    {
        const auto yaml = [](const char *runtime) -> QByteArray {
            return QByteArray("Resources:\n"
                              "  Fn:\n"
                              "    Type: AWS::Serverless::Function\n"
                              "    Properties:\n"
                              "      Handler: app.handler\n"
                              "      CodeUri: src\n"
                              "      Runtime: ")
                   + runtime + '\n';
        };
        QCOMPARE(onlyError(yaml("pyhton3.12")),
                 QStringLiteral("template.yaml:7: Fn: Runtime 'pyhton3.12' is not a Lambda runtime (such as "
                                "python3.12, nodejs20.x or provided.al2023)"));
        QVERIFY(!onlyError(yaml("nodejs20")).isEmpty());
        for (const char *known : {"python3.13", "nodejs22.x", "java21", "provided.al2", "ruby3.3", "dotnet8"})
            QCOMPARE(toStrings(load(yaml(known)).errors()), QStringList());
    }

    void errorInGlobalsPointsAtGlobals()
    {
        const QByteArray yaml = "Globals:\n"
                                "  Function:\n"
                                "    Timeout: 1000\n"
                                "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: nodejs20.x\n"
                                "      Handler: index.handler\n"
                                "      CodeUri: src\n";
        QCOMPARE(onlyError(yaml), QStringLiteral("template.yaml:3: Timeout 1000 is outside Lambda's range 1–900 s"));
    }

    void oneBadFunctionKeepsTheOthers()
    {
        const QByteArray yaml = function("      MemorySize: 1\n")
                                + "  Good:\n"
                                  "    Type: AWS::Serverless::Function\n"
                                  "    Properties:\n"
                                  "      Runtime: python3.12\n"
                                  "      Handler: app.handler\n"
                                  "      CodeUri: src\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(t.errors().size(), 1);
        QCOMPARE(t.functions().size(), 1);
        QCOMPARE(t.functions().first().name, QStringLiteral("Good"));
    }

    void yamlSyntaxError()
    {
        const QByteArray yaml = "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties: [Runtime, python\n"
                                "  Other: x\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(t.errors().size(), 1);
        const Diagnostic e = t.errors().first();
        QCOMPARE(e.file, QStringLiteral("template.yaml"));
        QCOMPARE(e.line, 5);
        QCOMPARE(e.column, 8);
        QCOMPARE(e.toString(), QStringLiteral("template.yaml:5:8: end of sequence flow not found"));
        QVERIFY(t.functions().isEmpty());
    }

    // yaml-cpp ends a quote that never closes at the end of the file, the lines after it its value
    // (Handler became "app.handler CodeUri: src/ …" and the invoke failed with ImportModuleError).
    void anUnterminatedQuoteIsSaidAtItsLine_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("closes");
        QTest::newRow("double") << QByteArray("\"app.handler") << false;
        QTest::newRow("single") << QByteArray("'app.handler") << false;
        QTest::newRow("escaped double quote") << QByteArray("\"app.handler\\\"") << false;
        QTest::newRow("quoted quote in single") << QByteArray("'app.handler''") << false;
        QTest::newRow("closed double") << QByteArray("\"app.handler\"") << true;
        QTest::newRow("closed single, quote inside") << QByteArray("'app.''handler'") << true;
    }
    void anUnterminatedQuoteIsSaidAtItsLine()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, closes);
        const QByteArray yaml = "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Handler: "
                                + value
                                + "\n"
                                  "      CodeUri: src\n"
                                  "      Runtime: python3.12\n";
        const SamTemplate t = load(yaml);
        if (closes) {
            QCOMPARE(toStrings(t.errors()), QStringList());
            return;
        }
        QCOMPARE(t.errors().size(), 1);
        QCOMPARE(t.errors().first().toString(),
                 QStringLiteral("template.yaml:5: the quoted value that starts here has no closing %1")
                     .arg(QLatin1Char(value.at(0))));
        QVERIFY(t.functions().isEmpty());
    }

    // A function's key must be a logical id: an empty one (a line of just ':') made a function
    // without a name (found by fuzz_template); a dash is refused by CloudFormation too.
    void aFunctionKeyThatIsNotALogicalIdIsRefusedAtItsLine()
    {
        const SamTemplate t = load("Resources:\n  Good:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                                   "      Runtime: python3.12\n      Handler: app.handler\n"
                                   "  :\n    Type: AWS::Serverless::Function\n    Properties:\n"
                                   "      Runtime: python3.12\n      Handler: app.handler\n"
                                   "  my-fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
                                   "      Runtime: python3.12\n      Handler: app.handler\n");
        QCOMPARE(t.errors().size(), 2);
        QCOMPARE(t.errors().at(0).line, 8); // an empty key has no place of its own: its resource's first line
        QVERIFY2(t.errors().at(0).message.contains(QStringLiteral("is not a logical id")),
                 qPrintable(t.errors().at(0).toString()));
        QCOMPARE(t.errors().at(1).line, 12);
        QVERIFY(t.errors().at(1).message.startsWith(QStringLiteral("'my-fn' is not a logical id")));
        QCOMPARE(t.functions().size(), 1);
        QCOMPARE(t.functions().first().name, QStringLiteral("Good"));
    }

    // Bytes that are not UTF-8 in a value (here inside a !Sub) made the reader throw from nlohmann
    // and end the studio (found by fuzz_template). Refused at their line.
    void aTemplateThatIsNotUtf8IsRefusedAtItsLine()
    {
        const SamTemplate t =
            load("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                 "      Runtime: python3.12\n      Handler: app.handler\n"
                 "      Environment:\n        Variables:\n          STAGE: !Sub \"$\xad{AWS::Region}\"\n");
        QCOMPARE(t.errors().size(), 1);
        QCOMPARE(t.errors().first().line, 9);
        QVERIFY2(t.errors().first().message.contains(QStringLiteral("not UTF-8")),
                 qPrintable(t.errors().first().toString()));
    }

    // Nine levels of ten aliases: a few hundred bytes, a billion nodes once expanded. Refused at the
    // line where the budget runs out, in a moment and without the memory (it took invoke to 10.8 GB).
    void aliasBombIsRefused()
    {
        QByteArray yaml = "Globals:\n  Function:\n    Tags:\n      a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (char level = 'b'; level <= 'i'; ++level) {
            const char previous = char(level - 1);
            yaml += QByteArray("      ") + level + ": &" + level + " [";
            for (int i = 0; i < 10; ++i)
                yaml += QByteArray(i ? ", *" : "*") + previous;
            yaml += "]\n";
        }
        yaml += "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                "      Runtime: python3.12\n      Handler: app.handler\n      Tags: *i\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(t.errors().size(), 1);
        QVERIFY2(t.errors().first().message.contains(QStringLiteral("aliases expand to more than 1000000 nodes")),
                 qPrintable(t.errors().first().toString()));
        QVERIFY(t.errors().first().line >= 9); // where the expansion passed the budget
        QVERIFY(t.functions().isEmpty());

        // A template that uses aliases as people do is read as before.
        const SamTemplate fine =
            load("Globals:\n  Function:\n    Environment: &env\n      Variables: {COLOR: blue}\n"
                 "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                 "      Runtime: python3.12\n      Handler: app.handler\n      Environment: *env\n");
        QVERIFY2(fine.errors().isEmpty(),
                 qPrintable(fine.errors().isEmpty() ? QString() : fine.errors().first().toString()));

        QByteArray deep = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Deep: ";
        deep += QByteArray(300, '[') + QByteArray(300, ']') + "\n";
        const SamTemplate nested = load(deep);
        QVERIFY(!nested.errors().isEmpty());
        QVERIFY2(nested.errors().first().message.contains(QStringLiteral("more than 256 deep")),
                 qPrintable(nested.errors().first().toString()));
    }

    void yamlBadIndentation()
    {
        const SamTemplate t = load("Resources:\n  Fn:\n    Type: x\n   Bad: y\n");
        QCOMPARE(t.errors().size(), 1);
        QCOMPARE(t.errors().first().line, 4);
        QVERIFY(t.errors().first().column > 0);
        QVERIFY(!t.errors().first().message.isEmpty());
    }

    void notATemplate()
    {
        QCOMPARE(onlyError("- just\n- a list\n"),
                 QStringLiteral("template.yaml:1: not a SAM template: the top level must be a mapping"));
        QCOMPARE(onlyError("Description: nothing\n"),
                 QStringLiteral("template.yaml: not a SAM template: it has no Resources mapping"));
    }

    void missingRuntimeAndHandler()
    {
        const QByteArray yaml = "Resources:\n"
                                "  NoRuntime:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "  NoHandler:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      CodeUri: src\n"
                                "  Custom:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: provided.al2\n"
                                "      CodeUri: src\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()),
                 (QStringList{QStringLiteral("template.yaml:2: NoRuntime has no Runtime"),
                              QStringLiteral("template.yaml:7: NoHandler has no Handler (only provided runtimes may "
                                             "leave it out)")}));
        QCOMPARE(t.functions().size(), 1);
        QCOMPARE(t.functions().first().name, QStringLiteral("Custom"));
    }

    void missingCodeUriFolder()
    {
        const SamTemplate t = load(function("").replace("CodeUri: src", "CodeUri: build/missing"));
        QCOMPARE(t.errors().size(), 1);
        const QString expected = QDir::cleanPath(QFileInfo(t.path()).absolutePath() + QStringLiteral("/build/missing"));
        QCOMPARE(
            t.errors().first().toString(),
            QStringLiteral("template.yaml:8: CodeUri 'build/missing' does not exist (looked for %1)").arg(expected));
    }

    void codeUriOmittedMeansTemplateFolder()
    {
        const SamTemplate t = load(function("").replace("      CodeUri: src\n", ""));
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(t.functions().value(0).codeDir, QFileInfo(t.path()).absolutePath());
    }

    void layerFolderMissing()
    {
        const QByteArray yaml = function("      Layers:\n        - !Ref Deps\n")
                                + "  Deps:\n"
                                  "    Type: AWS::Serverless::LayerVersion\n"
                                  "    Properties:\n"
                                  "      ContentUri: deps/\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(t.errors().size(), 1);
        QVERIFY2(t.errors().first().toString().startsWith(
                     QStringLiteral("template.yaml:14: ContentUri of layer Deps 'deps/' does not exist")),
                 qPrintable(t.errors().first().toString()));
    }

    void unsupportedFeaturesAreWarnings()
    {
        const QByteArray yaml = "Globals:\n"
                                "  Function:\n"
                                "    SnapStart:\n"
                                "      ApplyOn: PublishedVersions\n"
                                "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Metadata:\n"
                                "      BuildMethod: esbuild\n"
                                "    Properties:\n"
                                "      Runtime: nodejs20.x\n"
                                "      Handler: index.handler\n"
                                "      CodeUri: src\n"
                                "      Description: deploy-only, accepted quietly\n"
                                "      Policies: [AWSLambdaBasicExecutionRole]\n"
                                "      VpcConfig:\n"
                                "        SubnetIds: [subnet-1]\n"
                                "      FunctionUrlConfig:\n"
                                "        AuthType: NONE\n"
                                "  FromS3:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri:\n"
                                "        Bucket: my-bucket\n"
                                "        Key: code.zip\n"
                                "  Inline:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: index.handler\n"
                                "      InlineCode: \"def handler(e, c): pass\"\n"
                                "  Image:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      PackageType: Image\n"
                                "      ImageUri: repo/image:latest\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(toStrings(t.warnings()),
                 (QStringList{
                     QStringLiteral(
                         "template.yaml:3: Globals: property SnapStart is not supported by fnstudio and is ignored"),
                     QStringLiteral("template.yaml:18: Fn: property FunctionUrlConfig is not supported by fnstudio and "
                                    "is ignored"),
                     QStringLiteral("template.yaml:9: Fn: Metadata BuildMethod esbuild is not run; fnstudio runs the "
                                    "code in CodeUri as it is"),
                     QStringLiteral("template.yaml:25: FromS3: CodeUri in S3 is not supported; point it at a local "
                                    "folder. The function is left out"),
                     QStringLiteral("template.yaml:33: Inline: InlineCode is not supported; put the code in a folder "
                                    "and name it in CodeUri"),
                     QStringLiteral("template.yaml:38: Image: property ImageUri is not supported by fnstudio and is "
                                    "ignored"),
                     QStringLiteral("template.yaml:37: Image: PackageType Image (container images) is not supported; "
                                    "the function is left out"),
                 }));
        QCOMPARE(t.functions().size(), 1);
        QCOMPARE(t.functions().first().name, QStringLiteral("Fn"));
    }

    void unresolvableIntrinsicInNeededProperty()
    {
        const QByteArray yaml = function("      MemorySize: !GetAtt Sizes.Memory\n"
                                         "      Timeout: !Ref NoDefault\n"
                                         "      Handler: !Sub \"${Missing}.handler\"\n")
                                    .replace("      Handler: app.handler\n", "")
                                + "Parameters:\n"
                                  "  NoDefault:\n"
                                  "    Type: Number\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()),
                 (QStringList{
                     QStringLiteral("template.yaml:10: Handler: !Sub cannot resolve ${Missing}: !Ref Missing names no "
                                    "parameter or resource of the template"),
                     QStringLiteral("template.yaml:8: MemorySize: !GetAtt cannot be resolved locally: it needs a "
                                    "deployed stack"),
                     QStringLiteral("template.yaml:9: Timeout: parameter NoDefault has no Default value (give it one "
                                    "or pass a parameter override)"),
                 }));
    }

    void parameterOverrides()
    {
        const QByteArray yaml = function("      MemorySize: !Ref Size\n")
                                + "Parameters:\n"
                                  "  Size:\n"
                                  "    Type: Number\n";
        SamTemplate t;
        t.setParameterOverrides({{QStringLiteral("Size"), QStringLiteral("2048")}});
        const QString folder = m_dir.filePath(QStringLiteral("overrides"));
        QDir().mkpath(folder + QStringLiteral("/src"));
        QVERIFY(t.parse(yaml, folder + QStringLiteral("/template.yaml")));
        QCOMPARE(t.functions().value(0).memoryMb, 2048);
    }

    void unknownTagIsReportedWhereNeeded()
    {
        QCOMPARE(
            onlyError(function("      Timeout: !Seconds 30\n")),
            QStringLiteral("template.yaml:9: Timeout: unknown tag !Seconds (not a CloudFormation intrinsic function)"));
    }

    void unresolvableEnvironmentValueIsEmptyWithWarning()
    {
        const QByteArray yaml = function("      Environment:\n"
                                         "        Variables:\n"
                                         "          QUEUE_URL: !GetAtt Queue.QueueUrl\n");
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(findEnv(t.functions().value(0), QStringLiteral("QUEUE_URL")), QString());
        QCOMPARE(toStrings(t.warnings()),
                 QStringList{QStringLiteral("template.yaml:11: Environment variable 'QUEUE_URL' of Fn is left empty: "
                                            "!GetAtt cannot be resolved locally: it needs a deployed stack. Give it a "
                                            "value in the env-vars file")});
    }

    // !Ref and !GetAtt of the resource types fnstudio runs or models give what CloudFormation gives,
    // named by their name property (BucketName, QueueName, ...) or else by their logical id.
    void resourcesResolveAsCloudFormationDoes()
    {
        const QByteArray yaml = function("      Environment:\n"
                                         "        Variables:\n"
                                         "          IN: !Ref Incoming\n"
                                         "          PLAIN: !Ref Plain\n"
                                         "          STACKED: !Ref Stacked\n"
                                         "          IN_ARN: !GetAtt Incoming.Arn\n"
                                         "          IN_DOMAIN: !GetAtt Incoming.DomainName\n"
                                         "          IN_REGIONAL: !GetAtt [Incoming, RegionalDomainName]\n"
                                         "          IN_OBJECTS: !Sub \"${Incoming.Arn}/*\"\n"
                                         "          QUEUE: !Ref Jobs\n"
                                         "          QUEUE_URL: !GetAtt Jobs.QueueUrl\n"
                                         "          QUEUE_ARN: {\"Fn::GetAtt\": [Jobs, Arn]}\n"
                                         "          QUEUE_NAME: !GetAtt Jobs.QueueName\n"
                                         "          FIFO: !GetAtt Ordered.QueueName\n"
                                         "          NAMED_FIFO: !GetAtt Payments.Arn\n"
                                         "          SELF: !Ref Fn\n"
                                         "          OTHER: !Ref Other\n"
                                         "          OTHER_ARN: !GetAtt Other.Arn\n"
                                         "          ROLE: !Ref Role\n"
                                         "          ROLE_ARN: !GetAtt Role.Arn\n"
                                         "          TOPIC: !Ref Topic\n"
                                         "          TOPIC_NAME: !GetAtt Topic.TopicName\n"
                                         "          SECRET: !Ref Secret\n"
                                         "          TABLE: !Ref Table\n")
                                + "  Incoming:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "    Properties:\n"
                                  "      BucketName: photos-in\n"
                                  "  Plain:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "  Stacked:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "    Properties:\n"
                                  "      BucketName: !Sub \"${AWS::StackName}-photos\"\n"
                                  "  Jobs:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      QueueName: jobs-q\n"
                                  "  Ordered:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      FifoQueue: true\n"
                                  "  Payments:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      FifoQueue: true\n"
                                  "      QueueName: payments.fifo\n"
                                  "  Other:\n"
                                  "    Type: AWS::Serverless::Function\n"
                                  "    Properties:\n"
                                  "      FunctionName: other-fn\n"
                                  "      Runtime: python3.12\n"
                                  "      Handler: app.handler\n"
                                  "      CodeUri: src\n"
                                  "  Role:\n"
                                  "    Type: AWS::IAM::Role\n"
                                  "    Properties:\n"
                                  "      RoleName: worker\n"
                                  "      Path: /service/\n"
                                  "  Topic:\n"
                                  "    Type: AWS::SNS::Topic\n"
                                  "  Secret:\n"
                                  "    Type: AWS::SecretsManager::Secret\n"
                                  "    Properties:\n"
                                  "      Name: db-password\n"
                                  "  Table:\n"
                                  "    Type: AWS::DynamoDB::Table\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(toStrings(t.warnings()), QStringList());
        const FunctionConfig f = *t.function(QStringLiteral("Fn"));
        const QString stack = QFileInfo(t.path()).dir().dirName(); // the project folder
        const auto env = [&f](const char *name) { return findEnv(f, QString::fromLatin1(name)); };
        QCOMPARE(env("IN"), QStringLiteral("photos-in"));
        QCOMPARE(env("PLAIN"), QStringLiteral("Plain")); // no BucketName: the logical id, as before
        QCOMPARE(env("STACKED"), stack + QStringLiteral("-photos"));
        QCOMPARE(env("IN_ARN"), QStringLiteral("arn:aws:s3:::photos-in"));
        QCOMPARE(env("IN_DOMAIN"), QStringLiteral("photos-in.s3.amazonaws.com"));
        QCOMPARE(env("IN_REGIONAL"), QStringLiteral("photos-in.s3.us-east-1.amazonaws.com"));
        QCOMPARE(env("IN_OBJECTS"), QStringLiteral("arn:aws:s3:::photos-in/*"));
        QCOMPARE(env("QUEUE"), QStringLiteral("https://sqs.us-east-1.amazonaws.com/123456789012/jobs-q"));
        QCOMPARE(env("QUEUE_URL"), env("QUEUE"));
        QCOMPARE(env("QUEUE_ARN"), QStringLiteral("arn:aws:sqs:us-east-1:123456789012:jobs-q"));
        QCOMPARE(env("QUEUE_NAME"), QStringLiteral("jobs-q"));
        QCOMPARE(env("FIFO"), QStringLiteral("Ordered.fifo")); // AWS's generated FIFO names end in .fifo
        QCOMPARE(env("NAMED_FIFO"), QStringLiteral("arn:aws:sqs:us-east-1:123456789012:payments.fifo"));
        QCOMPARE(env("SELF"), QStringLiteral("Fn"));
        // A function's FunctionName is its name (the studio keeps the logical id as its handle).
        QCOMPARE(env("OTHER"), QStringLiteral("other-fn"));
        QCOMPARE(env("OTHER_ARN"), QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:other-fn"));
        const FunctionConfig other = *t.function(QStringLiteral("Other"));
        QCOMPARE(other.functionName, QStringLiteral("other-fn"));
        QCOMPARE(other.invokedArn(), env("OTHER_ARN"));
        QCOMPARE(other.effectiveLogGroup(), QStringLiteral("/aws/lambda/other-fn"));
        QCOMPARE(f.lambdaName(), QStringLiteral("Fn")); // none given: the logical id
        QCOMPARE(env("ROLE"), QStringLiteral("worker"));
        QCOMPARE(env("ROLE_ARN"), QStringLiteral("arn:aws:iam::123456789012:role/service/worker"));
        QCOMPARE(env("TOPIC"), QStringLiteral("arn:aws:sns:us-east-1:123456789012:Topic"));
        QCOMPARE(env("TOPIC_NAME"), QStringLiteral("Topic"));
        QCOMPARE(env("SECRET"),
                 QStringLiteral("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-a1b2c3"));
        QCOMPARE(env("TABLE"), QStringLiteral("Table")); // a type fnstudio does not model: the logical id

        // The triggers find buckets, queues and topics by these names.
        QCOMPARE(f.resourceNames.value(QStringLiteral("Incoming")), QStringLiteral("photos-in"));
        QCOMPARE(f.resourceNames.value(QStringLiteral("Plain")), QStringLiteral("Plain"));
        QCOMPARE(f.resourceNames.value(QStringLiteral("Jobs")), QStringLiteral("jobs-q"));
        QCOMPARE(f.resourceNames.value(QStringLiteral("Ordered")), QStringLiteral("Ordered.fifo"));
        QCOMPARE(f.resourceNames.value(QStringLiteral("Topic")), QStringLiteral("Topic"));
        QVERIFY(!f.resourceNames.contains(QStringLiteral("Table")));
        QVERIFY(!f.resourceNames.contains(QStringLiteral("Fn")));
    }

    // A dead-letter queue or destination named by !GetAtt / !Ref finds the queue by its QueueName.
    void deadLetterQueuesFindNamedQueues()
    {
        const QByteArray yaml = function("      DeadLetterQueue:\n"
                                         "        Type: SQS\n"
                                         "        TargetArn: !GetAtt Jobs.Arn\n"
                                         "      EventInvokeConfig:\n"
                                         "        DestinationConfig:\n"
                                         "          OnFailure:\n"
                                         "            Type: SQS\n"
                                         "            Destination: {\"Fn::GetAtt\": [Jobs, Arn]}\n")
                                + "  Jobs:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      QueueName: jobs-q\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        const FunctionConfig f = t.functions().value(0);
        QCOMPARE(AsyncQueue::targetName(f.deadLetterQueue["TargetArn"], QString(), f.resourceNames),
                 QStringLiteral("jobs-q"));
        QCOMPARE(
            AsyncQueue::targetName(f.asyncInvoke.destinations["OnFailure"]["Destination"], QString(), f.resourceNames),
            QStringLiteral("jobs-q"));
        // A queue's URL (what !Ref gives a queue) names it by its last part.
        QCOMPARE(AsyncQueue::targetName(nlohmann::json("https://sqs.us-east-1.amazonaws.com/123456789012/jobs-q"),
                                        QString()),
                 QStringLiteral("jobs-q"));
    }

    // Attributes fnstudio does not know, and those of types it does not model, are said as such.
    void unknownAttributesAreSaid()
    {
        const QByteArray yaml = function("      Environment:\n"
                                         "        Variables:\n"
                                         "          WEBSITE: !GetAtt Incoming.WebsiteURL\n"
                                         "          STREAM: !GetAtt Table.StreamArn\n")
                                + "  Incoming:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "  Table:\n"
                                  "    Type: AWS::DynamoDB::Table\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(toStrings(t.warnings()),
                 (QStringList{
                     QStringLiteral("template.yaml:11: Environment variable 'WEBSITE' of Fn is left empty: !GetAtt "
                                    "Incoming.WebsiteURL: fnstudio knows no attribute WebsiteURL of AWS::S3::Bucket "
                                    "(it knows Arn, DomainName, RegionalDomainName, DualStackDomainName). Give it a "
                                    "value in the env-vars file"),
                     QStringLiteral("template.yaml:12: Environment variable 'STREAM' of Fn is left empty: !GetAtt "
                                    "cannot be resolved locally: it needs a deployed stack. Give it a value in the "
                                    "env-vars file"),
                 }));
    }

    // A name that cannot be resolved leaves the logical id, and FIFO's naming rule is checked.
    // A FunctionName Lambda would refuse is an error at its line; one that cannot be resolved
    // locally leaves the logical id as the name, said as a warning.
    void functionNamesLambdaRefuses()
    {
        QCOMPARE(onlyError(function("      FunctionName: my function!\n")),
                 QStringLiteral("template.yaml:9: Fn: FunctionName 'my function!' is not a function name Lambda "
                                "accepts (1 to 64 letters, digits, hyphens and underscores)"));
        const SamTemplate t = load(function("      FunctionName: !Ref Missing\n"));
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(t.function(QStringLiteral("Fn"))->lambdaName(), QStringLiteral("Fn"));
        QCOMPARE(t.warnings().size(), 1);
        QVERIFY2(t.warnings().first().message.contains(QStringLiteral("the function is called Fn locally")),
                 qPrintable(t.warnings().first().toString()));
        // Two functions by one name.
        QCOMPARE(onlyError(function("      FunctionName: shared\n")
                           + "  Twin:\n"
                             "    Type: AWS::Serverless::Function\n"
                             "    Properties:\n"
                             "      FunctionName: shared\n"
                             "      Runtime: python3.12\n"
                             "      Handler: app.handler\n"
                             "      CodeUri: src\n"),
                 QStringLiteral("template.yaml:10: Twin: a function named shared already exists (Fn); function names "
                                "are unique in an account and region"));
    }

    void unusableNamesAreSaid()
    {
        const QByteArray yaml = function("")
                                + "  Incoming:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "    Properties:\n"
                                  "      BucketName: !Ref NoDefault\n"
                                  "  Jobs:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      FifoQueue: true\n"
                                  "      QueueName: jobs\n"
                                  "  Loop:\n"
                                  "    Type: AWS::SQS::Queue\n"
                                  "    Properties:\n"
                                  "      QueueName: !GetAtt Loop.QueueName\n"
                                  "Parameters:\n"
                                  "  NoDefault:\n"
                                  "    Type: String\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(toStrings(t.warnings()),
                 (QStringList{
                     QStringLiteral("template.yaml:12: BucketName of Incoming: parameter NoDefault has no Default "
                                    "value (give it one or pass a parameter override); the local bucket is called "
                                    "Incoming"),
                     QStringLiteral("template.yaml:13: Jobs: the name of a FIFO queue must end in .fifo (jobs does "
                                    "not); CloudFormation refuses it"),
                     QStringLiteral("template.yaml:21: QueueName of Loop refers to the queue's own name; the local "
                                    "queue is called Loop"),
                 }));
        const FunctionConfig f = t.functions().value(0);
        QCOMPARE(f.resourceNames.value(QStringLiteral("Incoming")), QStringLiteral("Incoming"));
        QCOMPARE(f.resourceNames.value(QStringLiteral("Jobs")), QStringLiteral("jobs"));
    }

    void longFormIntrinsics()
    {
        const QByteArray yaml = function("      Timeout: {\"Fn::Select\": [\"1\", {\"Fn::Split\": [\",\", \"5,7\"]}]}\n"
                                         "      MemorySize:\n"
                                         "        Ref: Size\n")
                                + "Parameters:\n"
                                  "  Size:\n"
                                  "    Type: Number\n"
                                  "    Default: 1024\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        QCOMPARE(t.functions().value(0).timeoutSec, 7);
        QCOMPARE(t.functions().value(0).memoryMb, 1024);
    }

    // Without Role, SAM makes <Function>Role: basic execution (logs) and the function's Policies,
    // every intrinsic in them resolved; an entry that cannot be read is said where it is.
    void samPoliciesMakeTheGeneratedRole()
    {
        const QByteArray yaml = "Transform: AWS::Serverless-2016-10-31\n"
                                "Resources:\n"
                                "  In:\n"
                                "    Type: AWS::S3::Bucket\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "      Policies:\n"
                                "        - S3ReadPolicy:\n"
                                "            BucketName: !Ref In\n"
                                "        - S3ReedPolicy: {BucketName: x}\n"
                                "        - Statement:\n"
                                "            - Effect: Deny\n"
                                "              Action: s3:DeleteObject\n"
                                "              Resource: !Sub 'arn:${AWS::Partition}:s3:::${In}/*'\n";
        const SamTemplate t = load(yaml);
        QCOMPARE(toStrings(t.errors()), QStringList());
        const FunctionConfig f = t.functions().value(0);
        QCOMPARE(f.roleName, QStringLiteral("FnRole"));
        QVERIFY(f.roleKnown);
        QStringList names;
        for (const NamedPolicy &p : f.policies)
            names << p.name;
        QCOMPARE(names, (QStringList{QStringLiteral("AWSLambdaBasicExecutionRole"), QStringLiteral("S3ReadPolicy"),
                                     QStringLiteral("Policies[2]")}));
        QVERIFY2(js(f.policies[1].document).contains(QStringLiteral("\"arn:aws:s3:::In/*\"")),
                 qPrintable(js(f.policies[1].document)));
        QVERIFY2(js(f.policies[2].document).contains(QStringLiteral("\"Resource\":\"arn:aws:s3:::In/*\"")),
                 qPrintable(js(f.policies[2].document)));
        QCOMPARE(f.policyProblems.size(), 1);
        QVERIFY2(f.policyProblems.first().contains(QStringLiteral("S3ReedPolicy")),
                 qPrintable(f.policyProblems.first()));
        const QStringList warnings = toStrings(t.warnings());
        QVERIFY2(warnings.size() == 1
                     && warnings.first().contains(QStringLiteral(":%1:").arg(lineOf(yaml, "Policies:")))
                     && warnings.first().contains(
                         QStringLiteral("Fn: Policies[1]: \"S3ReedPolicy\" is not a SAM policy template")),
                 qPrintable(warnings.join(u'\n')));
    }

    // Role naming an AWS::IAM::Role of the template: its inline policies, managed policy ARNs and
    // the AWS::IAM::Policy resources attached to it; Policies beside it is ignored, as SAM does.
    void roleOfTheTemplate()
    {
        const QByteArray yaml = "Transform: AWS::Serverless-2016-10-31\n"
                                "Resources:\n"
                                "  Out:\n"
                                "    Type: AWS::S3::Bucket\n"
                                "  WriterRole:\n"
                                "    Type: AWS::IAM::Role\n"
                                "    Properties:\n"
                                "      RoleName: photo-writer\n"
                                "      ManagedPolicyArns:\n"
                                "        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\n"
                                "      Policies:\n"
                                "        - PolicyName: WriteOut\n"
                                "          PolicyDocument:\n"
                                "            Statement:\n"
                                "              - Effect: Allow\n"
                                "                Action: s3:PutObject\n"
                                "                Resource: !Sub 'arn:aws:s3:::${Out}/*'\n"
                                "  Extra:\n"
                                "    Type: AWS::IAM::Policy\n"
                                "    Properties:\n"
                                "      PolicyName: ReadOut\n"
                                "      Roles: [!Ref WriterRole]\n"
                                "      PolicyDocument:\n"
                                "        Statement: {Effect: Allow, Action: 's3:GetObject', Resource: '*'}\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "      Role: !GetAtt WriterRole.Arn\n"
                                "      Policies: AmazonS3FullAccess\n";
        const SamTemplate t = load(yaml);
        const FunctionConfig f = t.functions().value(0);
        QCOMPARE(f.roleName, QStringLiteral("photo-writer"));
        QVERIFY(f.roleKnown);
        QStringList names;
        for (const NamedPolicy &p : f.policies)
            names << p.name;
        QCOMPARE(names, (QStringList{QStringLiteral("AWSLambdaBasicExecutionRole"), QStringLiteral("WriteOut"),
                                     QStringLiteral("ReadOut")}));
        QVERIFY2(toStrings(t.warnings())
                     .join(u'\n')
                     .contains(QStringLiteral("Fn: Policies is ignored because Role is set (as SAM does)")),
                 qPrintable(toStrings(t.warnings()).join(u'\n')));
    }

    // A role outside the template cannot be known: its calls are not checked, and it is said.
    void roleOutsideTheTemplate()
    {
        const SamTemplate t = load(function("      Role: arn:aws:iam::123456789012:role/prod-lambda\n"));
        const FunctionConfig f = t.functions().value(0);
        QVERIFY(!f.roleKnown);
        QCOMPARE(f.roleName, QStringLiteral("prod-lambda"));
        QVERIFY2(toStrings(t.warnings())
                     .join(u'\n')
                     .contains(QStringLiteral("Fn: its Role prod-lambda is not an AWS::IAM::Role of this template")),
                 qPrintable(toStrings(t.warnings()).join(u'\n')));
    }

    // Who may invoke a function, as Lambda's GetPolicy would show it after deployment: SAM's
    // permissions for its events and the template's AWS::Lambda::Permission resources naming it.
    void resourcePolicyOfEventsAndPermissions()
    {
        const QByteArray yaml =
            "Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  Photos:\n"
            "    Type: AWS::S3::Bucket\n"
            "  Alerts:\n"
            "    Type: AWS::SNS::Topic\n"
            "    Properties: {TopicName: alerts}\n"
            "  CallerRole:\n"
            "    Type: AWS::IAM::Role\n"
            "    Properties: {RoleName: caller}\n"
            "  Fn:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties:\n"
            "      Runtime: python3.12\n"
            "      Handler: app.handler\n"
            "      CodeUri: src\n"
            "      Events:\n"
            "        Upload: {Type: S3, Properties: {Bucket: !Ref Photos, Events: 's3:ObjectCreated:*'}}\n"
            "        Nightly: {Type: Schedule, Properties: {Schedule: 'rate(1 day)'}}\n"
            "        Alert: {Type: SNS, Properties: {Topic: !Ref Alerts}}\n"
            "        Jobs: {Type: SQS, Properties: {Queue: 'arn:aws:sqs:us-east-1:123456789012:jobs'}}\n"
            "        Get: {Type: Api, Properties: {Path: '/items/{id}', Method: get}}\n"
            "  Other:\n"
            "    Type: AWS::Serverless::Function\n"
            "    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src}\n"
            "  CallerMayInvoke:\n"
            "    Type: AWS::Lambda::Permission\n"
            "    Properties:\n"
            "      Action: lambda:InvokeFunction\n"
            "      FunctionName: !GetAtt Fn.Arn\n"
            "      Principal: !GetAtt CallerRole.Arn\n"
            "  AccountMayInvokeOther:\n"
            "    Type: AWS::Lambda::Permission\n"
            "    Properties: {Action: 'lambda:InvokeFunction', FunctionName: !Ref Other, "
            "Principal: '123456789012', SourceArn: 'arn:aws:s3:::x'}\n";
        const SamTemplate t = load(yaml);
        QVERIFY2(t.errors().isEmpty(), qPrintable(toStrings(t.errors()).join(u'\n')));
        const nlohmann::json fn = t.function(QStringLiteral("Fn"))->resourcePolicy;
        const nlohmann::json other = t.function(QStringLiteral("Other"))->resourcePolicy;
        const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:Fn";
        QCOMPARE(js(fn["Id"]), js(nlohmann::json("default")));
        QCOMPARE(fn["Statement"].size(), size_t(5)); // no permission for SQS: the role reads the queue
        const auto sid = [&fn](const std::string &id) {
            for (const nlohmann::json &st : fn["Statement"])
                if (st["Sid"] == id)
                    return st;
            return nlohmann::json();
        };
        QVERIFY(sid("FnUploadPermission") == nlohmann::json::parse(R"({"Sid": "FnUploadPermission", "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn",
                    "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}})"));
        QCOMPARE(js(sid("FnNightlyPermission")["Condition"]["ArnLike"]["AWS:SourceArn"]),
                 js(nlohmann::json("arn:aws:events:us-east-1:123456789012:rule/FnNightly")));
        QCOMPARE(js(sid("FnAlertPermission")["Condition"]["ArnLike"]["AWS:SourceArn"]),
                 js(nlohmann::json("arn:aws:sns:us-east-1:123456789012:alerts")));
        QCOMPARE(js(sid("FnGetPermission")["Condition"]["ArnLike"]["AWS:SourceArn"]),
                 js(nlohmann::json("arn:aws:execute-api:us-east-1:123456789012:*/*/GET/items/*")));
        QCOMPARE(js(sid("CallerMayInvoke")["Principal"]["AWS"]),
                 js(nlohmann::json("arn:aws:iam::123456789012:role/caller")));
        QCOMPARE(js(sid("CallerMayInvoke")["Resource"]), js(nlohmann::json(arn)));
        QCOMPARE(other["Statement"].size(), size_t(1));
        QCOMPARE(js(other["Statement"][0]["Principal"]["AWS"]), js(nlohmann::json("arn:aws:iam::123456789012:root")));
        QCOMPARE(js(other["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"]),
                 js(nlohmann::json("arn:aws:s3:::x")));
        QVERIFY(load(function("")).function(QStringLiteral("Fn"))->resourcePolicy.is_null());
        // An event without Properties (fuzz_template found it threw from nlohmann and ended the reader).
        const SamTemplate bare = load(function("      Events:\n        Get:\n          Type: Api\n"));
        QCOMPARE(js(bare.function(QStringLiteral("Fn"))
                        ->resourcePolicy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"]),
                 js(nlohmann::json("arn:aws:execute-api:us-east-1:123456789012:*/*/*/*")));

        // CloudFormation refuses a permission without its Principal.
        QCOMPARE(onlyError(function("  Bad:\n"
                                    "    Type: AWS::Lambda::Permission\n"
                                    "    Properties: {Action: 'lambda:InvokeFunction', FunctionName: !Ref Fn}\n")),
                 QStringLiteral("template.yaml:9: Bad: an AWS::Lambda::Permission needs Action, FunctionName and "
                                "Principal"));
    }

    // A bucket's own NotificationConfiguration (CloudFormation, not a SAM event) invokes the
    // function only when the function's policy lets S3 do so: without it, the stack fails to create.
    void bucketNotificationsNeedAPermission()
    {
        const QByteArray bucket = "  Photos:\n"
                                  "    Type: AWS::S3::Bucket\n"
                                  "    DependsOn: PhotosMayInvoke\n"
                                  "    Properties:\n"
                                  "      NotificationConfiguration:\n"
                                  "        LambdaConfigurations:\n"
                                  "          - Event: s3:ObjectCreated:*\n"
                                  "            Function: !GetAtt Fn.Arn\n"
                                  "            Filter: {S3Key: {Rules: [{Name: suffix, Value: .jpg}]}}\n";
        const QByteArray permission = "  PhotosMayInvoke:\n"
                                      "    Type: AWS::Lambda::Permission\n"
                                      "    Properties:\n"
                                      "      Action: lambda:InvokeFunction\n"
                                      "      FunctionName: !Ref Fn\n"
                                      "      Principal: s3.amazonaws.com\n"
                                      "      SourceArn: !GetAtt Photos.Arn\n";
        QCOMPARE(onlyError(function(QByteArray(bucket).replace("    DependsOn: PhotosMayInvoke\n", ""))),
                 QStringLiteral("template.yaml:14: Photos: Unable to validate the following destination "
                                "configurations: S3 may not invoke Fn. Add an AWS::Lambda::Permission with Action "
                                "lambda:InvokeFunction, FunctionName Fn, Principal s3.amazonaws.com and SourceArn the "
                                "bucket's ARN, and DependsOn it on Photos (on AWS the stack fails to create here)"));
        // A permission for another bucket is not this one's.
        QVERIFY(onlyError(function(bucket + QByteArray(permission).replace("!GetAtt Photos.Arn", "arn:aws:s3:::other")))
                    .contains(QStringLiteral("S3 may not invoke Fn")));

        SamTemplate t = load(function(bucket + permission));
        QVERIFY2(t.errors().isEmpty() && t.warnings().isEmpty(),
                 qPrintable(toStrings(t.errors() + t.warnings()).join(u'\n')));
        const nlohmann::json event = t.function(QStringLiteral("Fn"))->events["PhotosNotification0"];
        QCOMPARE(js(event), js(nlohmann::json::parse(R"({"Type": "S3", "Properties": {"Bucket": {"Ref": "Photos"},
            "Events": "s3:ObjectCreated:*", "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".jpg"}]}}}})")));

        t = load(function(QByteArray(bucket).replace("    DependsOn: PhotosMayInvoke\n", "") + permission));
        QVERIFY(t.errors().isEmpty());
        QVERIFY2(toStrings(t.warnings())
                     .join(u'\n')
                     .contains(QStringLiteral("Photos: without DependsOn on the AWS::Lambda::Permission that lets S3 "
                                              "invoke Fn, CloudFormation may create the bucket first")),
                 qPrintable(toStrings(t.warnings()).join(u'\n')));
    }

    // A raw AWS::Events::Rule (CloudFormation, not a SAM event) on a schedule invokes its target
    // function when the function's policy lets EventBridge do so from that rule; without the
    // permission every firing fails on AWS, and it is said, not scheduled.
    void eventRulesNeedAPermission()
    {
        const QByteArray rule = "  Nightly:\n"
                                "    Type: AWS::Events::Rule\n"
                                "    Properties:\n"
                                "      Name: nightly-report\n"
                                "      ScheduleExpression: cron(0 3 * * ? *)\n"
                                "      State: DISABLED\n"
                                "      Targets:\n"
                                "        - Arn: !GetAtt Fn.Arn\n"
                                "          Id: report\n"
                                "          Input: '{\"kind\": \"nightly\"}'\n";
        const QByteArray permission = "  NightlyMayInvoke:\n"
                                      "    Type: AWS::Lambda::Permission\n"
                                      "    Properties:\n"
                                      "      Action: lambda:InvokeFunction\n"
                                      "      FunctionName: !Ref Fn\n"
                                      "      Principal: events.amazonaws.com\n"
                                      "      SourceArn: !GetAtt Nightly.Arn\n";
        SamTemplate t = load(function(rule + permission));
        QVERIFY2(t.errors().isEmpty() && t.warnings().isEmpty(),
                 qPrintable(toStrings(t.errors() + t.warnings()).join(u'\n')));
        nlohmann::json expected = {
            {"Type", "Schedule"},
            {"Properties", {{"Schedule", "cron(0 3 * * ? *)"}, {"Name", "nightly-report"}, {"Enabled", false}}}};
        expected["Properties"]["Input"] = "{\"kind\": \"nightly\"}";
        QCOMPARE(js(t.function(QStringLiteral("Fn"))->events["NightlyTargetreport"]), js(expected));

        t = load(function(rule));
        QVERIFY(t.errors().isEmpty());
        QVERIFY(!t.function(QStringLiteral("Fn"))->events.contains("NightlyTargetreport"));
        QCOMPARE(toStrings(t.warnings()),
                 QStringList(QStringLiteral(
                     "template.yaml:9: Nightly: EventBridge may not invoke Fn (no AWS::Lambda::Permission lets "
                     "events.amazonaws.com invoke it from this rule), so on AWS every firing fails (the rule's "
                     "FailedInvocations); it is not scheduled here. Add a permission with Principal "
                     "events.amazonaws.com and SourceArn !GetAtt Nightly.Arn")));
    }
};

QTEST_GUILESS_MAIN(TestSamTemplate)
#include "tst_samtemplate.moc"
