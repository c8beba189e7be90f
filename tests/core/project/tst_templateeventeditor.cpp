// Adding a schedule from the studio's Scheduler panel: the template gets exactly the new event's
// lines, indented as the file is, and every other byte stays as it was.

#include "project/samtemplate.h"
#include "project/templateeventeditor.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

const QByteArray Template = "# The example project\n"
                            "Transform: AWS::Serverless-2016-10-31\n"
                            "\n"
                            "Resources:\n"
                            "  Hello:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: python3.12   # the newest\n"
                            "      Handler: app.handler\n"
                            "      CodeUri: src\n"
                            "      Events:\n"
                            "        Api:\n"
                            "          Type: HttpApi # the front door\n"
                            "          Properties:\n"
                            "            Path: /hello\n"
                            "            Method: GET\n"
                            "\n"
                            "  # the second one\n"
                            "  Other:\n"
                            "    Type: AWS::Serverless::Function\n"
                            "    Properties:\n"
                            "      Runtime: nodejs20.x\n"
                            "      Handler: index.handler\n"
                            "      CodeUri: src\n"
                            "Outputs:\n"
                            "  Url:\n"
                            "    Value: !Sub 'https://${AWS::Region}'\n";

QByteArray withCrlf(QByteArray text)
{
    return text.replace("\n", "\r\n");
}

} // namespace

class TestTemplateEventEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void appendsToExistingEvents()
    {
        TemplateEventEditor editor;
        editor.setText(Template);
        QVERIFY2(editor.addScheduleEvent(QStringLiteral("Hello"), QStringLiteral("Nightly"),
                                         QStringLiteral("cron(0 2 * * ? *)")),
                 qPrintable(editor.errorString()));
        QByteArray expected = Template;
        expected.replace("            Method: GET\n", "            Method: GET\n"
                                                      "        Nightly:\n"
                                                      "          Type: Schedule\n"
                                                      "          Properties:\n"
                                                      "            Schedule: cron(0 2 * * ? *)\n");
        QCOMPARE(editor.text(), expected);
    }

    void createsEventsWhenThereAreNone()
    {
        TemplateEventEditor editor;
        editor.setText(Template);
        QVERIFY2(editor.addScheduleEvent(QStringLiteral("Other"), QStringLiteral("Every5"),
                                         QStringLiteral("rate(5 minutes)"), false),
                 qPrintable(editor.errorString()));
        QByteArray expected = Template;
        expected.replace("      Handler: index.handler\n      CodeUri: src\n", "      Handler: index.handler\n"
                                                                               "      CodeUri: src\n"
                                                                               "      Events:\n"
                                                                               "        Every5:\n"
                                                                               "          Type: Schedule\n"
                                                                               "          Properties:\n"
                                                                               "            Schedule: rate(5 minutes)\n"
                                                                               "            Enabled: false\n");
        QCOMPARE(editor.text(), expected);

        // And it is the schedule the project then reads.
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("src")));
        SamTemplate parsed;
        QVERIFY2(parsed.parse(editor.text(), dir.filePath(QStringLiteral("template.yaml"))),
                 qPrintable(parsed.errors().isEmpty() ? QString() : parsed.errors().constFirst().toString()));
        const auto other = parsed.function(QStringLiteral("Other"));
        QVERIFY(other);
        QCOMPARE(QString::fromStdString(other->events["Every5"]["Properties"]["Schedule"].get<std::string>()),
                 QStringLiteral("rate(5 minutes)"));
        QCOMPARE(other->events["Every5"]["Properties"]["Enabled"].get<bool>(), false);
    }

    void followsFourSpaceIndentAndCrlf()
    {
        const QByteArray text = withCrlf("Resources:\n"
                                         "    Fn:\n"
                                         "        Type: AWS::Serverless::Function\n"
                                         "        Properties:\n"
                                         "            Runtime: python3.12\n"
                                         "            Handler: app.handler\n"
                                         "            CodeUri: src\n"
                                         "\n"
                                         "# trailing comment\n");
        TemplateEventEditor editor;
        editor.setText(text);
        QVERIFY2(
            editor.addScheduleEvent(QStringLiteral("Fn"), QStringLiteral("Tick"), QStringLiteral("rate(1 minute)")),
            qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), withCrlf("Resources:\n"
                                         "    Fn:\n"
                                         "        Type: AWS::Serverless::Function\n"
                                         "        Properties:\n"
                                         "            Runtime: python3.12\n"
                                         "            Handler: app.handler\n"
                                         "            CodeUri: src\n"
                                         "            Events:\n"
                                         "                Tick:\n"
                                         "                    Type: Schedule\n"
                                         "                    Properties:\n"
                                         "                        Schedule: rate(1 minute)\n"
                                         "\n"
                                         "# trailing comment\n"));
    }

    void keepsAMissingFinalNewline()
    {
        const QByteArray text = "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "      Events:";
        TemplateEventEditor editor;
        editor.setText(text);
        QVERIFY2(editor.addScheduleEvent(QStringLiteral("Fn"), QStringLiteral("Tick"), QStringLiteral("rate(1 hour)")),
                 qPrintable(editor.errorString()));
        QCOMPARE(editor.text(), QByteArray("Resources:\n"
                                           "  Fn:\n"
                                           "    Type: AWS::Serverless::Function\n"
                                           "    Properties:\n"
                                           "      Runtime: python3.12\n"
                                           "      Handler: app.handler\n"
                                           "      CodeUri: src\n"
                                           "      Events:\n"
                                           "        Tick:\n"
                                           "          Type: Schedule\n"
                                           "          Properties:\n"
                                           "            Schedule: rate(1 hour)"));
    }

    void refusesWhatItCannotEdit_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("eventId");
        QTest::addColumn<QString>("message");
        QTest::newRow("duplicate") << Template << QStringLiteral("Hello") << QStringLiteral("Api")
                                   << QStringLiteral("Hello already has an event named Api");
        QTest::newRow("bad name")
            << Template << QStringLiteral("Hello") << QStringLiteral("my-event")
            << QStringLiteral("'my-event' is not an event name: use letters and digits only (A-Z, a-z, 0-9)");
        QTest::newRow("no function") << Template << QStringLiteral("Nope") << QStringLiteral("Tick")
                                     << QStringLiteral("the template has no resource Nope");
        QTest::newRow("flow events")
            << QByteArray("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                          "      Runtime: python3.12\n      Events: {}\n")
            << QStringLiteral("Fn") << QStringLiteral("Tick")
            << QStringLiteral("Fn's Events are written in flow style ({...}); fnstudio edits block mappings only");
    }

    void refusesWhatItCannotEdit()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, function);
        QFETCH(QString, eventId);
        QFETCH(QString, message);
        TemplateEventEditor editor;
        editor.setText(text);
        QVERIFY(!editor.addScheduleEvent(function, eventId, QStringLiteral("rate(1 minute)")));
        QCOMPARE(editor.errorString(), message);
        QCOMPARE(editor.text(), text);
    }

    void changesAnExpressionInPlace()
    {
        const QByteArray text = "Resources:\n"
                                "  Fn:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Events:\n"
                                "        Tick:\n"
                                "          Type: Schedule\n"
                                "          Properties:\n"
                                "            Schedule: rate(1 minute)   # every minute\n"
                                "            Enabled: true\n"
                                "        Quoted:\n"
                                "          Type: Schedule\n"
                                "          Properties:\n"
                                "            Schedule: 'cron(0 9 * * ? *)'\n"
                                "        V2:\n"
                                "          Type: ScheduleV2\n"
                                "          Properties:\n"
                                "            ScheduleExpression: \"rate(1 hour)\"\n"
                                "        Sub:\n"
                                "          Type: Schedule\n"
                                "          Properties:\n"
                                "            Schedule: !Sub 'rate(${Minutes} minutes)'\n";
        TemplateEventEditor editor;
        editor.setText(text);
        QVERIFY2(editor.setScheduleExpression(QStringLiteral("Fn"), QStringLiteral("Tick"),
                                              QStringLiteral("rate(5 minutes)")),
                 qPrintable(editor.errorString()));
        QVERIFY2(editor.setScheduleExpression(QStringLiteral("Fn"), QStringLiteral("Quoted"),
                                              QStringLiteral("cron(30 8 ? * MON *)")),
                 qPrintable(editor.errorString()));
        QVERIFY2(
            editor.setScheduleExpression(QStringLiteral("Fn"), QStringLiteral("V2"), QStringLiteral("rate(2 hours)")),
            qPrintable(editor.errorString()));
        QByteArray expected = text;
        expected.replace("Schedule: rate(1 minute)   # every minute", "Schedule: rate(5 minutes)   # every minute");
        expected.replace("Schedule: 'cron(0 9 * * ? *)'", "Schedule: 'cron(30 8 ? * MON *)'");
        expected.replace("ScheduleExpression: \"rate(1 hour)\"", "ScheduleExpression: \"rate(2 hours)\"");
        QCOMPARE(editor.text(), expected);

        QVERIFY(!editor.setScheduleExpression(QStringLiteral("Fn"), QStringLiteral("Sub"),
                                              QStringLiteral("rate(5 minutes)")));
        QCOMPARE(editor.errorString(),
                 QStringLiteral("Fn's event Sub has no plain Schedule value to change; edit it in template.yaml"));
        QVERIFY(!editor.setScheduleExpression(QStringLiteral("Fn"), QStringLiteral("Nope"),
                                              QStringLiteral("rate(5 minutes)")));
        QCOMPARE(editor.errorString(), QStringLiteral("Fn has no event named Nope"));
        QCOMPARE(editor.text(), expected);
    }

    void savesToTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("template.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(Template);
        file.close();
        TemplateEventEditor editor;
        QVERIFY(editor.load(path));
        QVERIFY(
            editor.addScheduleEvent(QStringLiteral("Hello"), QStringLiteral("Nightly"), QStringLiteral("rate(1 day)")));
        QVERIFY2(editor.save(), qPrintable(editor.errorString()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), editor.text());
    }
};

QTEST_GUILESS_MAIN(TestTemplateEventEditor)
#include "tst_templateeventeditor.moc"
