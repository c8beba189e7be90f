// A project's .fnstudio/settings.json: defaults, values a class or a developer sets, clear errors,
// and the settings put into force on an engine.
#include "clock/clock.h"
#include "engine/engine.h"
#include "project/project.h"
#include "project/projectsettings.h"
#include "workspace/projectsettingsapply.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace fn;

namespace {
void writeSettings(const QTemporaryDir &dir, const QByteArray &json)
{
    QDir(dir.path()).mkpath(QStringLiteral(".fnstudio"));
    QFile f(dir.filePath(ProjectSettings::fileName()));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
}
} // namespace

class TestProjectSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void defaultsWithoutAFile()
    {
        QTemporaryDir dir;
        QList<Diagnostic> errors;
        const ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(s.accountConcurrency, 1000);
        QCOMPARE(s.idleTimeoutSeconds, 300.0);
        QCOMPARE(s.clockSpeed, 1.0);
        QVERIFY(!s.legacyAsyncPayloadLimit);
        QVERIFY(!s.requireSigning);
        QCOMPARE(s.account.region, QStringLiteral("us-east-1"));
        QCOMPARE(s.account.accountId, QStringLiteral("123456789012"));
    }

    // The account and region a project lives in, and whether its services take unsigned requests.
    void accountRegionAndSigning()
    {
        QTemporaryDir dir;
        writeSettings(dir, R"({"region": "cn-north-1", "accountId": "111122223333", "requireSigning": true})");
        QList<Diagnostic> errors;
        ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(toStrings(errors).join(QLatin1Char('\n'))));
        QCOMPARE(s.account.region, QStringLiteral("cn-north-1"));
        QCOMPARE(s.account.partition(), QStringLiteral("aws-cn"));
        QCOMPARE(s.account.functionArn(QStringLiteral("f"), QStringLiteral("live")),
                 QStringLiteral("arn:aws-cn:lambda:cn-north-1:111122223333:function:f:live"));
        QCOMPARE(s.account.roleArn(QStringLiteral("R")), QStringLiteral("arn:aws-cn:iam::111122223333:role/R"));
        QVERIFY(s.requireSigning);

        writeSettings(dir, "{\n  \"region\": \"Europe\",\n  \"accountId\": 111122223333,\n"
                           "  \"requireSigning\": \"yes\"\n}\n");
        errors.clear();
        s = ProjectSettings::load(dir.path(), &errors);
        QCOMPARE(
            toStrings(errors),
            QStringList({QStringLiteral(".fnstudio/settings.json:4: \"requireSigning\" must be true or false"),
                         QStringLiteral(".fnstudio/settings.json:2: \"region\" must be an AWS region such as "
                                        "\"eu-west-1\" (two letters, an area, a number), not \"Europe\""),
                         QStringLiteral(".fnstudio/settings.json:3: \"accountId\" must be a string (in quotes)")}));
        QCOMPARE(s.account, AwsAccount()); // each left at its default
        QVERIFY(!s.requireSigning);
    }

    void valuesAreRead()
    {
        QTemporaryDir dir;
        writeSettings(dir, R"({"accountConcurrency": 4, "idleTimeoutSeconds": 10, "clockSpeed": 60,
                               "legacyAsyncPayloadLimit": true, "buckets": {"Photos": "~/Pictures"}})");
        QList<Diagnostic> errors;
        const ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(s.bucketFolders, (QHash<QString, QString>{{QStringLiteral("Photos"), QStringLiteral("~/Pictures")}}));
        QCOMPARE(s.accountConcurrency, 4);
        QCOMPARE(s.idleTimeoutSeconds, 10.0);
        QCOMPARE(s.clockSpeed, 60.0);
        QVERIFY(s.legacyAsyncPayloadLimit);
    }

    void problemsNameTheFileAndPlace()
    {
        QTemporaryDir dir;
        writeSettings(dir, "{\n  \"clockSpeed\": ,\n}\n");
        QList<Diagnostic> errors;
        ProjectSettings::load(dir.path(), &errors);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().toString().startsWith(QStringLiteral(".fnstudio/settings.json:2:")),
                 qPrintable(errors.first().toString()));

        writeSettings(dir, R"({"clockSpeed": 99999, "accountConcurrency": "many", "colour": "blue"})");
        errors.clear();
        const ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QCOMPARE(errors.size(), 3);
        const QString all = toStrings(errors).join(QLatin1Char('\n'));
        QVERIFY(all.contains(QStringLiteral("\"clockSpeed\" must be a number from 1 to 3600")));
        QVERIFY(all.contains(QStringLiteral("\"accountConcurrency\" must be a number")));
        QVERIFY(all.contains(QStringLiteral("unknown setting \"colour\"")));
        QCOMPARE(s.clockSpeed, 1.0); // left at the default

        writeSettings(dir, R"({"buckets": {"Photos": 3, "Docs": "docs"}})");
        errors.clear();
        const ProjectSettings b = ProjectSettings::load(dir.path(), &errors);
        QCOMPARE(
            toStrings(errors).join(QLatin1Char('\n')),
            QStringLiteral(
                ".fnstudio/settings.json: \"buckets\": the folder of bucket \"Photos\" must be a non-empty string"));
        QCOMPARE(b.bucketFolders, (QHash<QString, QString>{{QStringLiteral("Docs"), QStringLiteral("docs")}}));
    }

    void theProjectReportsThemAndTheEngineObeys()
    {
        QTemporaryDir dir;
        QFile t(dir.filePath(QStringLiteral("template.yaml")));
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
                "      Handler: app.handler\n      CodeUri: .\n");
        t.close();
        writeSettings(dir, R"({"accountConcurrency": 7, "idleTimeoutSeconds": 2.5, "clockSpeed": 120})");
        Project project;
        QVERIFY(project.open(dir.path()));
        QCOMPARE(project.settings().accountConcurrency, 7);

        Engine engine;
        applyProjectSettings(project.settings(), engine);
        QCOMPARE(engine.accountConcurrencyLimit(), 7);
        QCOMPARE(engine.idleTimeoutMs(), qint64(2500));
        QCOMPARE(engine.clock()->mode(), Clock::Mode::Accelerated);
        QCOMPARE(engine.clock()->speed(), 120.0);

        writeSettings(dir, R"({"clockSpeed": "fast"})");
        QVERIFY(!project.open(dir.path())); // a bad settings file is an error of the project
        QVERIFY(
            toStrings(project.errors()).join(QLatin1Char('\n')).contains(QStringLiteral(".fnstudio/settings.json")));
    }
};

QTEST_GUILESS_MAIN(TestProjectSettings)
#include "tst_projectsettings.moc"
