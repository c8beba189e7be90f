// The Workspace as its clients use it, with real Python functions in real sandboxes: a saved
// handler makes the next invocation cold on the new code (told by the client, or seen by the watch
// on the project), a changed configuration retires environments, a broken template keeps the last
// good project until it is mended, provisioned environments exist as soon as a project opens,
// bursts count their outcomes, a schedule the user disabled stays disabled across a reload, and
// the project's account, region and FunctionName are what the function and the Invoke API show.

#include "clock/clock.h"
#include "engine/engine.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>
#include <nlohmann/json.hpp>

using namespace fn;

namespace {

QByteArray templateText(int memoryMb = 128, const QByteArray &extra = {})
{
    return "Transform: AWS::Serverless-2016-10-31\n"
           "Resources:\n"
           "  Greeter:\n"
           "    Type: AWS::Serverless::Function\n"
           "    Properties:\n"
           "      Runtime: python3.12\n"
           "      Handler: app.handler\n"
           "      CodeUri: src\n"
           "      MemorySize: "
           + QByteArray::number(memoryMb) + "\n" + extra;
}

QByteArray handler(const QByteArray &greeting)
{
    return "def handler(event, context):\n    return {'message': '" + greeting
           + ", ' + event.get('name', 'world') + '!'}\n";
}

bool write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// What a function sees of how it was started and invoked.
QByteArray provisionedHandler(const QByteArray &said)
{
    return "import os\n"
           "def handler(event, context):\n"
           "    return {'said': '"
           + said
           + "', 'type': os.environ['AWS_LAMBDA_INITIALIZATION_TYPE'],\n"
             "            'version': os.environ['AWS_LAMBDA_FUNCTION_VERSION'],\n"
             "            'arn': context.invoked_function_arn}\n";
}

// A string field of the function's JSON answer, empty when there is none.
QString field(const InvocationRecord &record, const char *key)
{
    const auto json = nlohmann::json::parse(record.payload.toStdString(), nullptr, false);
    return json.is_object() && json.contains(key) && json[key].is_string()
               ? QString::fromStdString(json[key].get<std::string>())
               : QString();
}

QString message(const InvocationRecord &record)
{
    const auto json = nlohmann::json::parse(record.payload.toStdString(), nullptr, false);
    return json.is_object() && json.contains("message") ? QString::fromStdString(json["message"].get<std::string>())
                                                        : QString::fromUtf8(record.payload);
}

} // namespace

class TestWorkspace final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    QString path(const char *relative) const { return m_dir->filePath(QLatin1String(relative)); }

    InvocationRecord invoke(Workspace &workspace)
    {
        const auto function = workspace.project().function(QStringLiteral("Greeter"));
        if (!function)
            return {};
        return workspace.engine()->invoke(*function, QByteArrayLiteral("{\"name\": \"Ada\"}"));
    }

    static Workspace::Options engineOnly()
    {
        Workspace::Options o;
        o.durable = false;
        o.triggers = false;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QVERIFY(write(path("template.yaml"), templateText()));
        QVERIFY(write(path("src/app.py"), handler("Hello")));
    }

    void aSavedHandlerMakesTheNextInvocationColdOnTheNewCode()
    {
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        const InvocationRecord first = invoke(workspace);
        QCOMPARE(message(first), QStringLiteral("Hello, Ada!"));
        QVERIFY(first.coldStart);
        QVERIFY(!invoke(workspace).coldStart); // warm on the same code

        QSignalSpy retired(&workspace, &Workspace::environmentsRetired);
        QVERIFY(write(path("src/app.py"), handler("Hello (v2)")));
        workspace.fileSaved(path("src/app.py")); // as the studio's editor says right after saving
        QCOMPARE(retired.size(), 1);
        QCOMPARE(retired.at(0).at(0).toString(), QStringLiteral("Greeter"));
        QCOMPARE(retired.at(0).at(1).toString(), QStringLiteral("code changed"));

        const InvocationRecord after = invoke(workspace);
        QCOMPARE(message(after), QStringLiteral("Hello (v2), Ada!"));
        QVERIFY(after.coldStart);
        // The old environment is gone, and says why.
        for (const EnvironmentState &e : workspace.engine()->environments())
            QVERIFY2(e.environmentId != first.environmentId, "the retired environment is still alive");
    }

    void aHandlerSavedByAnotherEditorIsSeenByTheWatch()
    {
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        QCOMPARE(message(invoke(workspace)), QStringLiteral("Hello, Ada!"));
        QSignalSpy retired(&workspace, &Workspace::environmentsRetired);
        QVERIFY(write(path("src/app.py"), handler("Hi")));
        QVERIFY(retired.wait(10000));
        const InvocationRecord after = invoke(workspace);
        QCOMPARE(message(after), QStringLiteral("Hi, Ada!"));
        QVERIFY(after.coldStart);
    }

    void aBusyEnvironmentFinishesItsInvocationBeforeItIsRetired()
    {
        QVERIFY(write(path("src/app.py"), "import time\n"
                                              + handler("Slow").replace(
                                                  "    return", "    time.sleep(event.get('sleep', 0))\n    return")));
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        QCOMPARE(message(invoke(workspace)), QStringLiteral("Slow, Ada!"));
        const auto function = *workspace.project().function(QStringLiteral("Greeter"));
        const quint64 ticket = workspace.engine()->invokeAsync(function, QByteArrayLiteral("{\"sleep\": 1}"));
        QSignalSpy finished(workspace.engine(), &Engine::invocationFinished);
        QTRY_VERIFY(workspace.engine()->concurrency(QStringLiteral("Greeter")).functionInFlight == 1);
        QVERIFY(write(path("src/app.py"), handler("Quick")));
        workspace.fileSaved(path("src/app.py"));
        QVERIFY(finished.wait(10000));
        const auto record = finished.at(0).at(0).value<InvocationRecord>();
        QCOMPARE(record.sequence, ticket);
        QCOMPARE(record.outcome, InvocationOutcome::Success); // not cut short by the update
        QTRY_VERIFY(workspace.engine()->environments().isEmpty());
        QCOMPARE(message(invoke(workspace)), QStringLiteral("Quick, Ada!"));
    }

    void aChangedConfigurationRetiresTheFunctionsEnvironments()
    {
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        QVERIFY(invoke(workspace).coldStart);
        QSignalSpy changed(workspace.engine(), &Engine::environmentChanged);
        QVERIFY(write(path("template.yaml"), templateText(256)));
        QVERIFY(workspace.reload());
        QCOMPARE(workspace.project().function(QStringLiteral("Greeter"))->memoryMb, 256);
        bool stoppedWithReason = false;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            const auto state = args.at(0).value<EnvironmentState>();
            stoppedWithReason = stoppedWithReason
                                || (state.phase == EnvironmentPhase::Stopped
                                    && state.stopReason == QLatin1String("configuration changed"));
        }
        QVERIFY(stoppedWithReason);
        const InvocationRecord after = invoke(workspace);
        QVERIFY(after.coldStart);
        QCOMPARE(after.memorySizeMb, 256);
    }

    void aBrokenTemplateKeepsTheLastGoodProjectUntilItIsMended()
    {
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        QSignalSpy problems(&workspace, &Workspace::problemsChanged);

        QVERIFY(write(path("template.yaml"), templateText() + "      Timeout: [unclosed\n"));
        QVERIFY(!workspace.reload());
        QVERIFY(workspace.keepsLastGoodProject());
        QCOMPARE(workspace.functions().size(), 1); // still there to invoke
        QCOMPARE(message(invoke(workspace)), QStringLiteral("Hello, Ada!"));
        QVERIFY(!workspace.problems().isEmpty());
        const Diagnostic first = workspace.problems().constFirst();
        QCOMPARE(first.file, QStringLiteral("template.yaml"));
        QVERIFY2(first.line >= 9, qPrintable(first.toString())); // placed at the broken line
        QCOMPARE(problems.size(), 1);

        QVERIFY(write(path("template.yaml"), templateText(512)));
        QVERIFY(workspace.reload());
        QVERIFY(!workspace.keepsLastGoodProject());
        QVERIFY(workspace.problems().isEmpty());
        QCOMPARE(problems.size(), 2);
        QVERIFY(problems.at(1).at(0).value<QList<Diagnostic>>().isEmpty()); // the banner's cue to go
        QCOMPARE(workspace.project().function(QStringLiteral("Greeter"))->memoryMb, 512);
    }

    void provisionedEnvironmentsStartWhenTheProjectOpens()
    {
        QVERIFY(write(path("template.yaml"), templateText(128, "      AutoPublishAlias: live\n"
                                                               "      ProvisionedConcurrencyConfig:\n"
                                                               "        ProvisionedConcurrentExecutions: 1\n")));
        QVERIFY(write(path("src/app.py"), provisionedHandler("one")));
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        workspace.waitForProvisioning();
        QCOMPARE(workspace.engine()->concurrency(QStringLiteral("Greeter")).provisioned, 1);

        // Through the alias: its version, on the environment made ahead, no Init Duration.
        const auto live = workspace.function(QStringLiteral("Greeter"), QStringLiteral("live"));
        QVERIFY(live);
        const InvocationRecord viaAlias = workspace.engine()->invoke(*live, "{}");
        QVERIFY2(!viaAlias.failed(), viaAlias.payload.constData());
        QVERIFY(!viaAlias.coldStart);
        QCOMPARE(viaAlias.initDurationMs, 0.0);
        QCOMPARE(viaAlias.initializationType, QStringLiteral("provisioned-concurrency"));
        QCOMPARE(viaAlias.executedVersion, QStringLiteral("1"));
        QVERIFY(viaAlias.reportLine.contains(QStringLiteral("REPORT RequestId")));
        QVERIFY(!viaAlias.reportLine.contains(QStringLiteral("Init Duration")));
        QCOMPARE(field(viaAlias, "type"), QStringLiteral("provisioned-concurrency"));
        QCOMPARE(field(viaAlias, "version"), QStringLiteral("1"));
        QCOMPARE(field(viaAlias, "arn"), QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Greeter:live"));

        // Unqualified is $LATEST, on-demand, a cold start of its own: the classic pitfall.
        const InvocationRecord unqualified = invoke(workspace);
        QVERIFY(unqualified.coldStart);
        QVERIFY(unqualified.initDurationMs > 0);
        QCOMPARE(unqualified.initializationType, QStringLiteral("on-demand"));
        QCOMPARE(unqualified.executedVersion, QStringLiteral("$LATEST"));
        QCOMPARE(field(unqualified, "version"), QStringLiteral("$LATEST"));

        // A code change publishes version 2; the alias's provisioned environment is made on it,
        // and version 1 still runs what was published as 1.
        QVERIFY(write(path("src/app.py"), provisionedHandler("two")));
        workspace.fileSaved(path("src/app.py"));
        QTRY_COMPARE(workspace.versions().value(QStringLiteral("Greeter")).alias(QStringLiteral("live"))->version,
                     QStringLiteral("2"));
        workspace.waitForProvisioning();
        const InvocationRecord two =
            workspace.engine()->invoke(*workspace.function(QStringLiteral("Greeter"), QStringLiteral("live")), "{}");
        QCOMPARE(two.executedVersion, QStringLiteral("2"));
        QVERIFY(!two.coldStart);
        QCOMPARE(field(two, "said"), QStringLiteral("two"));
        const InvocationRecord one =
            workspace.engine()->invoke(*workspace.function(QStringLiteral("Greeter"), QStringLiteral("1")), "{}");
        QCOMPARE(field(one, "said"), QStringLiteral("one"));
        QCOMPARE(one.initializationType, QStringLiteral("on-demand")); // by number: not the alias's
        QString why;
        QVERIFY(!workspace.function(QStringLiteral("Greeter"), QStringLiteral("prod"), &why));
        QCOMPARE(why,
                 QStringLiteral("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Greeter:prod"));
    }

    void forceColdInABurstStartsOnlyItsFirstInvocationCold()
    {
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        QVERIFY(invoke(workspace).coldStart); // a warm environment is now idle
        BurstRequest request;
        request.function = *workspace.project().function(QStringLiteral("Greeter"));
        request.payload = "{}";
        request.count = 4;
        request.concurrency = 1; // one at a time: every later one finds an idle warm environment
        request.forceColdFirst = true;
        QSignalSpy records(&workspace, &Workspace::burstRecord);
        Burst *burst = workspace.startBurst(request);
        QVERIFY(burst);
        QCOMPARE(burst->wait().completed, 4);
        QTRY_COMPARE(records.size(), 4);
        // What the invoke bar says: the first is forced onto a new environment, the rest run warm.
        QList<bool> cold;
        for (const QList<QVariant> &args : std::as_const(records))
            cold.append(args.at(0).value<InvocationRecord>().coldStart);
        QCOMPARE(cold, (QList<bool>{true, false, false, false}));
    }

    void aBurstCountsWhatCompletedAndWhatWasThrottled()
    {
        QVERIFY(write(path("template.yaml"), templateText(128, "      ReservedConcurrentExecutions: 1\n")));
        QVERIFY(write(path("src/app.py"),
                      "import time\ndef handler(event, context):\n    time.sleep(0.3)\n    return 1\n"));
        Workspace workspace;
        workspace.setOptions(engineOnly());
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        BurstRequest request;
        request.function = *workspace.project().function(QStringLiteral("Greeter"));
        request.count = 4;
        request.concurrency = 4;
        QSignalSpy records(&workspace, &Workspace::burstRecord);
        Burst *burst = workspace.startBurst(request);
        QVERIFY(burst);
        QVERIFY(!workspace.startBurst(request)); // one at a time
        const BurstSummary summary = burst->wait();
        QCOMPARE(summary.finished(), 4);
        QVERIFY2(
            summary.completed >= 1 && summary.throttled >= 1,
            qPrintable(QStringLiteral("%1 completed, %2 throttled").arg(summary.completed).arg(summary.throttled)));
        QCOMPARE(summary.failed, 0);
        QTRY_COMPARE(records.size(), 4);
        QVERIFY(!workspace.isBursting());
    }

    void aScheduleTheUserDisabledStaysDisabledAcrossAReload()
    {
        QVERIFY(write(path("template.yaml"), templateText(128, "      Events:\n"
                                                               "        Tick:\n"
                                                               "          Type: Schedule\n"
                                                               "          Properties:\n"
                                                               "            Schedule: rate(1 hour)\n")));
        Workspace workspace;
        workspace.startEngine();
        workspace.engine()->clock()->setManual(0);
        QVERIFY(workspace.open(m_dir->path()));
        QVERIFY(workspace.triggers());
        QCOMPARE(workspace.schedules().size(), 1);
        QVERIFY(workspace.schedules().constFirst().enabled);
        QVERIFY(workspace.setScheduleEnabled(QStringLiteral("Greeter/Tick"), false));
        QVERIFY(write(path("template.yaml"), templateText(256, "      Events:\n"
                                                               "        Tick:\n"
                                                               "          Type: Schedule\n"
                                                               "          Properties:\n"
                                                               "            Schedule: rate(1 hour)\n")));
        QVERIFY(workspace.reload());
        QCOMPARE(workspace.schedules().size(), 1);
        QVERIFY(!workspace.schedules().constFirst().enabled);
    }

    // settings.json's account and region, and the template's FunctionName, in everything that
    // names them: the function's variables and context, intrinsics, the Invoke API by that name,
    // GetFunction, and Lambda's "not found".
    void theProjectsAccountRegionAndFunctionNameAreWhatAwsWouldShow()
    {
        QVERIFY(write(path(".fnstudio/settings.json"), R"({"region": "eu-west-1", "accountId": "111122223333"})"));
        QVERIFY(write(path("template.yaml"), templateText(128, "      FunctionName: greeter-fn\n"
                                                               "      Environment:\n"
                                                               "        Variables:\n"
                                                               "          REGION_REF: !Ref AWS::Region\n"
                                                               "          QUEUE_URL: !Ref Jobs\n"
                                                               "          QUEUE_ARN: !GetAtt Jobs.Arn\n"
                                                               "  Jobs:\n"
                                                               "    Type: AWS::SQS::Queue\n")));
        QVERIFY(write(path("src/app.py"),
                      "import os\n"
                      "def handler(event, context):\n"
                      "    seen = {k: os.environ[k] for k in ('AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME',\n"
                      "            'AWS_LAMBDA_LOG_GROUP_NAME', 'REGION_REF', 'QUEUE_URL', 'QUEUE_ARN')}\n"
                      "    return seen | {'arn': context.invoked_function_arn, 'name': context.function_name}\n"));
        Workspace workspace;
        workspace.startEngine();
        QVERIFY(workspace.open(m_dir->path()));
        const auto greeter = workspace.project().function(QStringLiteral("Greeter"));
        QVERIFY(greeter);
        QCOMPARE(greeter->lambdaName(), QStringLiteral("greeter-fn"));
        const InvocationRecord record = invoke(workspace);
        QVERIFY2(!record.failed(), record.payload.constData());
        QCOMPARE(field(record, "AWS_REGION"), QStringLiteral("eu-west-1"));
        QCOMPARE(field(record, "REGION_REF"), QStringLiteral("eu-west-1"));
        QCOMPARE(field(record, "AWS_LAMBDA_FUNCTION_NAME"), QStringLiteral("greeter-fn"));
        QCOMPARE(field(record, "name"), QStringLiteral("greeter-fn"));
        QCOMPARE(field(record, "AWS_LAMBDA_LOG_GROUP_NAME"), QStringLiteral("/aws/lambda/greeter-fn"));
        QCOMPARE(field(record, "arn"), QStringLiteral("arn:aws:lambda:eu-west-1:111122223333:function:greeter-fn"));
        QCOMPARE(field(record, "QUEUE_URL"), QStringLiteral("https://sqs.eu-west-1.amazonaws.com/111122223333/Jobs"));
        QCOMPARE(field(record, "QUEUE_ARN"), QStringLiteral("arn:aws:sqs:eu-west-1:111122223333:Jobs"));

        // Another region: the environments made for the old one are retired.
        QVERIFY(write(path(".fnstudio/settings.json"), R"({"region": "eu-central-1", "accountId": "111122223333"})"));
        QVERIFY(workspace.reload());
        const InvocationRecord moved = invoke(workspace);
        QVERIFY(moved.coldStart);
        QCOMPARE(field(moved, "AWS_REGION"), QStringLiteral("eu-central-1"));
        QCOMPARE(field(moved, "arn"), QStringLiteral("arn:aws:lambda:eu-central-1:111122223333:function:greeter-fn"));
        QVERIFY(write(path(".fnstudio/settings.json"), R"({"region": "eu-west-1", "accountId": "111122223333"})"));
        QVERIFY(workspace.reload());

        QString problem;
        QVERIFY2(workspace.startServing(QStringLiteral("127.0.0.1"), 0, 0, 0, &problem), qPrintable(problem));
        httplib::Client client("127.0.0.1", workspace.triggers()->invokeApiPort());
        client.set_read_timeout(60, 0);
        const auto invoked = client.Post("/2015-03-31/functions/greeter-fn/invocations", "{}", "application/json");
        QVERIFY(invoked);
        QCOMPARE(invoked->status, 200);
        QVERIFY2(invoked->body.find("greeter-fn") != std::string::npos, invoked->body.c_str());
        const auto got = client.Get("/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:greeter-fn");
        QVERIFY(got);
        QCOMPARE(got->status, 200);
        const auto configuration = nlohmann::json::parse(got->body)["Configuration"];
        QCOMPARE(QString::fromStdString(configuration["FunctionName"].get<std::string>()),
                 QStringLiteral("greeter-fn"));
        QCOMPARE(QString::fromStdString(configuration["FunctionArn"].get<std::string>()),
                 QStringLiteral("arn:aws:lambda:eu-west-1:111122223333:function:greeter-fn"));
        QCOMPARE(QString::fromStdString(configuration["Role"].get<std::string>()),
                 QStringLiteral("arn:aws:iam::111122223333:role/GreeterRole"));
        const auto missing = client.Get("/2015-03-31/functions/nobody");
        QVERIFY(missing);
        QCOMPARE(missing->status, 404);
        QVERIFY2(missing->body.find("arn:aws:lambda:eu-west-1:111122223333:function:nobody") != std::string::npos,
                 missing->body.c_str());
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
