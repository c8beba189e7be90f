// A project folder as a person lays it out: template, env-vars file, sample events.

#include "project/environmentvariables.h"
#include "project/project.h"
#include "project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace fn;

namespace {

const QByteArray templateYaml = "Resources:\n"
                                "  Fn1:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "      Environment:\n"
                                "        Variables:\n"
                                "          COLOR: one\n"
                                "          SIZE: two\n"
                                "  Fn2:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: nodejs20.x\n"
                                "      Handler: index.handler\n"
                                "      CodeUri: src\n"
                                "      Environment:\n"
                                "        Variables:\n"
                                "          COLOR: x\n";

void write(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
}

QString value(const FunctionConfig &f, const QString &name)
{
    for (const auto &[k, v] : f.environment) {
        if (k == name)
            return v;
    }
    return QStringLiteral("<unset>");
}

} // namespace

class TestProject final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString newProject(const QByteArray &envJson = {})
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("project%1").arg(++n));
        QDir().mkpath(folder + QStringLiteral("/src"));
        write(folder + QStringLiteral("/template.yaml"), templateYaml);
        if (!envJson.isNull())
            write(folder + QStringLiteral("/env.json"), envJson);
        return folder;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void opensWithoutEnvFile()
    {
        Project p;
        QVERIFY2(p.open(newProject()), qPrintable(toStrings(p.errors()).join(QLatin1Char('\n'))));
        QCOMPARE(p.functions().size(), 2);
        QCOMPARE(p.envVarsPath(), QString());
        QVERIFY(p.notes().isEmpty());
        QCOMPARE(value(p.function(QStringLiteral("Fn1")).value(), QStringLiteral("COLOR")), QStringLiteral("one"));
    }

    void missingTemplate()
    {
        const QString folder = m_dir.filePath(QStringLiteral("empty"));
        QDir().mkpath(folder);
        Project p;
        QVERIFY(!p.open(folder));
        QCOMPARE(p.errors().size(), 1);
        QVERIFY2(p.errors().first().toString().startsWith(QStringLiteral("template.yaml: cannot read the template: ")),
                 qPrintable(p.errors().first().toString()));
    }

    void envFileMergesAndNotesAdditions()
    {
        const QByteArray env = "{\n"                                   // 1
                               "  \"Parameters\": {\n"                 // 2
                               "    \"COLOR\": \"from-parameters\",\n" // 3
                               "    \"STAGE\": \"dev\"\n"              // 4
                               "  },\n"                                // 5
                               "  \"Fn1\": {\n"                        // 6
                               "    \"SIZE\": 5,\n"                    // 7
                               "    \"DEBUG\": true,\n"                // 8
                               "    \"RATIO\": 0.5,\n"                 // 9
                               "    \"EMPTY\": null\n"                 // 10
                               "  },\n"                                // 11
                               "  \"Ghost\": {\"X1\": \"1\"}\n"        // 12
                               "}\n";
        Project p;
        QVERIFY2(p.open(newProject(env)), qPrintable(toStrings(p.errors()).join(QLatin1Char('\n'))));
        QVERIFY(p.envVarsPath().endsWith(QStringLiteral("/env.json")));

        // Parameters apply to every function; a function's own section wins; values become strings.
        const FunctionConfig fn1 = p.function(QStringLiteral("Fn1")).value();
        const EnvironmentVariables::List expected1 = {
            {QStringLiteral("COLOR"), QStringLiteral("from-parameters")},
            {QStringLiteral("SIZE"), QStringLiteral("5")},
            {QStringLiteral("STAGE"), QStringLiteral("dev")},
            {QStringLiteral("DEBUG"), QStringLiteral("true")},
            {QStringLiteral("RATIO"), QStringLiteral("0.5")},
            {QStringLiteral("EMPTY"), QString()},
        };
        QCOMPARE(fn1.environment, expected1);
        const FunctionConfig fn2 = p.function(QStringLiteral("Fn2")).value();
        const EnvironmentVariables::List expected2 = {
            {QStringLiteral("COLOR"), QStringLiteral("from-parameters")},
            {QStringLiteral("STAGE"), QStringLiteral("dev")},
        };
        QCOMPARE(fn2.environment, expected2);

        // Unlike sam local, undeclared variables are added, and each addition is said.
        QCOMPARE(
            toStrings(p.notes()),
            (QStringList{
                QStringLiteral("env.json:4: added STAGE to Fn1: the template does not declare it"),
                QStringLiteral("env.json:8: added DEBUG to Fn1: the template does not declare it"),
                QStringLiteral("env.json:9: added RATIO to Fn1: the template does not declare it"),
                QStringLiteral("env.json:10: added EMPTY to Fn1: the template does not declare it"),
                QStringLiteral("env.json:4: added STAGE to Fn2: the template does not declare it"),
                QStringLiteral("env.json: \"Ghost\" names no function of the template; its variables are not used"),
            }));
        // The template itself is untouched: a different file starts from it again.
        QCOMPARE(value(p.samTemplate().function(QStringLiteral("Fn1")).value(), QStringLiteral("COLOR")),
                 QStringLiteral("one"));
    }

    void explicitEnvFileReplacesTheDefault()
    {
        Project p;
        QVERIFY(p.open(newProject("{\"Fn1\": {\"COLOR\": \"default-file\"}}")));
        const QString other = m_dir.filePath(QStringLiteral("elsewhere/local-env.json"));
        write(other, "{\"Fn2\": {\"COLOR\": \"other-file\"}}");
        QVERIFY(p.applyEnvVarsFile(other));
        QCOMPARE(value(p.function(QStringLiteral("Fn1")).value(), QStringLiteral("COLOR")), QStringLiteral("one"));
        QCOMPARE(value(p.function(QStringLiteral("Fn2")).value(), QStringLiteral("COLOR")),
                 QStringLiteral("other-file"));
        QVERIFY(p.notes().isEmpty());
    }

    void malformedEnvFile()
    {
        const QByteArray env = "{\n"
                               "  \"Fn1\": {\n"
                               "    \"COLOR\": \"1\",\n"
                               "  }\n"
                               "}\n";
        Project p;
        QVERIFY(!p.open(newProject(env)));
        QCOMPARE(p.errors().size(), 1);
        const Diagnostic e = p.errors().first();
        QCOMPARE(e.file, QStringLiteral("env.json"));
        QCOMPARE(e.line, 4);
        QCOMPARE(e.column, 3);
        QCOMPARE(e.toString(), QStringLiteral("env.json:4:3: syntax error while parsing object key - unexpected '}'; "
                                              "expected string literal"));
        // The template's functions are still there, with the template's values.
        QCOMPARE(value(p.function(QStringLiteral("Fn1")).value(), QStringLiteral("COLOR")), QStringLiteral("one"));
    }

    void malformedEnvFileOutsideTheProjectNamesItsPath()
    {
        Project p;
        QVERIFY(p.open(newProject()));
        const QString other = m_dir.filePath(QStringLiteral("outside/env.json"));
        write(other, "{\"Fn1\": {\"COLOR\": tru}}");
        QVERIFY(!p.applyEnvVarsFile(other));
        QCOMPARE(p.errors().size(), 1);
        QCOMPARE(p.errors().first().file, QFileInfo(other).absoluteFilePath());
        QCOMPARE(p.errors().first().line, 1);
        QCOMPARE(p.errors().first().column, 22); // where the parser gave up on "tru"
    }

    void badEnvFileContents()
    {
        const QByteArray env = "{\n"
                               "  \"Fn1\": {\n"
                               "    \"AWS_REGION\": \"eu-west-1\",\n"
                               "    \"bad-name\": \"x\",\n"
                               "    \"LIST\": [1, 2]\n"
                               "  },\n"
                               "  \"Fn2\": \"not an object\"\n"
                               "}\n";
        Project p;
        QVERIFY(!p.open(newProject(env)));
        QCOMPARE(toStrings(p.errors()),
                 (QStringList{
                     QStringLiteral("env.json:5: LIST in \"Fn1\" must be a string, number or boolean, not array"),
                     QStringLiteral("env.json:7: \"Fn2\" must be an object of variable names to values"),
                 }));

        const QByteArray names = "{\"Fn1\": {\n"
                                 "  \"AWS_REGION\": \"eu-west-1\",\n"
                                 "  \"bad-name\": \"x\"\n"
                                 "}}\n";
        Project q;
        QVERIFY(!q.open(newProject(names)));
        QCOMPARE(toStrings(q.errors()),
                 (QStringList{
                     QStringLiteral("env.json:2: Environment variable 'AWS_REGION' is reserved: Lambda sets it itself"),
                     QStringLiteral("env.json:3: Environment variable 'bad-name' may contain only letters, digits and "
                                    "underscores (found '-')"),
                 }));
    }

    void envFileOverFourKilobytes()
    {
        // Fn2's only variable is COLOR; {"COLOR":"<n bytes>"} is n + 12 bytes.
        Project fits;
        QVERIFY(fits.open(newProject("{\"Fn2\": {\"COLOR\": \"" + QByteArray(4084, 'v') + "\"}}")));
        QCOMPARE(EnvironmentVariables::totalBytes(fits.function(QStringLiteral("Fn2")).value().environment), 4096);

        Project over;
        QVERIFY(!over.open(newProject("{\"Fn2\": {\"COLOR\": \"" + QByteArray(4085, 'v') + "\"}}")));
        QCOMPARE(toStrings(over.errors()),
                 QStringList{QStringLiteral("env.json: with this file's values, the environment variables of Fn2 take "
                                            "4097 bytes, over Lambda's 4 KB limit (4096 bytes, counted as Lambda does: "
                                            "names and values as one JSON object)")});
    }

    // A FIFO, socket or device where a project file should be is refused at once, never opened
    // for reading (which would block whoever reads it, the GUI thread among them, for good); a file
    // past its cap is refused with its size.
    void projectFilesAreRegularFilesOfBoundedSize()
    {
        const QString fifoProject = m_dir.filePath(QStringLiteral("fifo"));
        QDir().mkpath(fifoProject);
        QCOMPARE(::mkfifo(QFile::encodeName(fifoProject + QStringLiteral("/template.yaml")).constData(), 0600), 0);
        Project p;
        QVERIFY(!p.open(fifoProject));
        QCOMPARE(p.errors().size(), 1);
        QVERIFY2(p.errors().first().toString().contains(QStringLiteral("is a FIFO (named pipe), not a regular file")),
                 qPrintable(p.errors().first().toString()));

        const QString folder = newProject();
        const QString events = folder + QStringLiteral("/events/Fn1/");
        QDir().mkpath(events);
        QCOMPARE(::mkfifo(QFile::encodeName(events + QStringLiteral("pipe.json")).constData(), 0600), 0);
        QVERIFY(p.open(folder));
        Diagnostic error;
        QVERIFY(!p.readEvent(events + QStringLiteral("pipe.json"), &error));
        QVERIFY2(error.message.contains(QStringLiteral("is a FIFO")), qPrintable(error.message));

        QFile big(events + QStringLiteral("big.json"));
        QVERIFY(big.open(QIODevice::WriteOnly) && big.resize(ProjectFile::MaxSmallFileBytes + 1));
        big.close();
        QVERIFY(!p.readEvent(big.fileName(), &error));
        QVERIFY2(error.message.contains(QStringLiteral("is 8388609 bytes, more than the 8388608 bytes")),
                 qPrintable(error.message));

        QString why;
        QVERIFY(!ProjectFile::read(QStringLiteral("/dev/zero"), 100, &why));
        QVERIFY2(why.contains(QStringLiteral("is a device")), qPrintable(why));
        QVERIFY(!ProjectFile::read(folder, 100, &why));
        QVERIFY2(why.contains(QStringLiteral("is a folder")), qPrintable(why));
        const auto bytes = ProjectFile::read(events + QStringLiteral("../../template.yaml"), 1 << 20, &why);
        QVERIFY2(bytes && bytes->contains("Resources"), qPrintable(why));
    }

    void sampleEvents()
    {
        const QString folder = newProject();
        const QString events = folder + QStringLiteral("/events/Fn1/");
        write(events + QStringLiteral("b.json"), "{}");
        write(events + QStringLiteral("event10.json"), "{}");
        write(events + QStringLiteral("A.json"), "{}");
        write(events + QStringLiteral("event2.json"), "{\"key\": \"value\"}\n");
        write(events + QStringLiteral("notes.txt"), "not an event");
        Project p;
        QVERIFY(p.open(folder));

        QStringList names;
        for (const QString &path : p.eventFiles(QStringLiteral("Fn1")))
            names << QFileInfo(path).fileName();
        QCOMPARE(names, (QStringList{QStringLiteral("A.json"), QStringLiteral("b.json"), QStringLiteral("event2.json"),
                                     QStringLiteral("event10.json")}));
        QVERIFY(p.eventFiles(QStringLiteral("Fn2")).isEmpty());

        // The payload is the file's bytes as written.
        Diagnostic error;
        const auto payload = p.readEvent(events + QStringLiteral("event2.json"), &error);
        QVERIFY(payload);
        QCOMPARE(*payload, QByteArray("{\"key\": \"value\"}\n"));
    }

    void malformedEvent()
    {
        const QString folder = newProject();
        const QString path = folder + QStringLiteral("/events/Fn1/bad.json");
        write(path, "{\n"
                    "  \"body\": \"ok\",\n"
                    "  \"count\": 12x\n"
                    "}\n");
        Project p;
        QVERIFY(p.open(folder));
        Diagnostic error;
        QVERIFY(!p.readEvent(path, &error));
        QCOMPARE(error.file, QStringLiteral("events/Fn1/bad.json"));
        QCOMPARE(error.path, path);
        QCOMPARE(error.toString(), QStringLiteral("events/Fn1/bad.json:3:14: syntax error while parsing object - "
                                                  "invalid literal; last read: '12x'; expected '}'"));

        write(path, "{\"unterminated\": ");
        QVERIFY(!p.readEvent(path, &error));
        QCOMPARE(error.line, 1);
        QVERIFY2(error.message.contains(QStringLiteral("unexpected end of input")), qPrintable(error.message));

        QVERIFY(!p.readEvent(folder + QStringLiteral("/events/Fn1/missing.json"), &error));
        QVERIFY2(error.toString().startsWith(QStringLiteral("events/Fn1/missing.json: cannot read the event: ")),
                 qPrintable(error.toString()));
    }
};

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
