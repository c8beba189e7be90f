// Lambda's rules for a function's environment variables, as fnstudio enforces them on a template.

#include "project/environmentvariables.h"
#include "project/samtemplate.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

class TestEnvironmentVariables final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A one-function template whose Environment Variables are the given lines (line 10 onwards).
    SamTemplate load(const QByteArray &variables)
    {
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("p%1").arg(++n));
        QDir().mkpath(folder + QStringLiteral("/src"));
        QFile f(folder + QStringLiteral("/template.yaml"));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write template");
        f.write("Resources:\n"                          // 1
                "  Fn:\n"                               // 2
                "    Type: AWS::Serverless::Function\n" // 3
                "    Properties:\n"                     // 4
                "      Runtime: python3.12\n"           // 5
                "      Handler: app.handler\n"          // 6
                "      CodeUri: src\n"                  // 7
                "      Environment:\n"                  // 8
                "        Variables:\n"                  // 9
                + variables);
        f.close();
        SamTemplate t;
        t.load(f.fileName());
        return t;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("problem");
        QTest::newRow("plain") << QStringLiteral("TABLE_NAME") << QString();
        QTest::newRow("lower and digits") << QStringLiteral("db2_host") << QString();
        QTest::newRow("two chars") << QStringLiteral("AB") << QString();
        QTest::newRow("one char") << QStringLiteral("A") << QStringLiteral("must be at least 2 characters long");
        QTest::newRow("digit first") << QStringLiteral("2FA") << QStringLiteral("must start with a letter");
        QTest::newRow("underscore first") << QStringLiteral("_PRIVATE") << QStringLiteral("must start with a letter");
        QTest::newRow("dash") << QStringLiteral("MY-VAR")
                              << QStringLiteral("may contain only letters, digits and underscores (found '-')");
        QTest::newRow("dot") << QStringLiteral("my.var")
                             << QStringLiteral("may contain only letters, digits and underscores (found '.')");
        QTest::newRow("non-ascii letter")
            << QStringLiteral("CAFÉ") << QStringLiteral("may contain only letters, digits and underscores (found 'É')");
        QTest::newRow("empty") << QString() << QStringLiteral("has an empty name");
        QTest::newRow("reserved") << QStringLiteral("AWS_REGION")
                                  << QStringLiteral("is reserved: Lambda sets it itself");
        QTest::newRow("reserved underscore")
            << QStringLiteral("_HANDLER") << QStringLiteral("is reserved: Lambda sets it itself");
        // Not reserved: users may extend these (lambda-behaviour.md §2.1).
        QTest::newRow("PATH") << QStringLiteral("PATH") << QString();
        QTest::newRow("AWS_DEFAULT_REGION") << QStringLiteral("AWS_DEFAULT_REGION") << QString();
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        QCOMPARE(EnvironmentVariables::nameProblem(name), problem);
    }

    void everyReservedNameIsRejected()
    {
        const QStringList reserved = {
            QStringLiteral("_HANDLER"),
            QStringLiteral("_X_AMZN_TRACE_ID"),
            QStringLiteral("AWS_REGION"),
            QStringLiteral("AWS_EXECUTION_ENV"),
            QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"),
            QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
            QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"),
            QStringLiteral("AWS_LAMBDA_INITIALIZATION_TYPE"),
            QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME"),
            QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME"),
            QStringLiteral("AWS_ACCESS_KEY"),
            QStringLiteral("AWS_ACCESS_KEY_ID"),
            QStringLiteral("AWS_SECRET_ACCESS_KEY"),
            QStringLiteral("AWS_SESSION_TOKEN"),
            QStringLiteral("AWS_LAMBDA_RUNTIME_API"),
            QStringLiteral("LAMBDA_TASK_ROOT"),
            QStringLiteral("LAMBDA_RUNTIME_DIR"),
            QStringLiteral("TZ"),
        };
        QCOMPARE(EnvironmentVariables::reservedNames().size(), reserved.size());
        for (const QString &name : reserved)
            QVERIFY2(EnvironmentVariables::isReserved(name), qPrintable(name));
    }

    void sizeCountsTheJsonObject()
    {
        // {"AB":"cd"} — Lambda measures the serialised object, punctuation included.
        QCOMPARE(EnvironmentVariables::totalBytes({{QStringLiteral("AB"), QStringLiteral("cd")}}), 11);
        // {"AB":"cd","EF":""}
        QCOMPARE(EnvironmentVariables::totalBytes(
                     {{QStringLiteral("AB"), QStringLiteral("cd")}, {QStringLiteral("EF"), QString()}}),
                 19);
        // A quote in a value is escaped, so it costs two bytes; é is two bytes of UTF-8.
        QCOMPARE(EnvironmentVariables::totalBytes({{QStringLiteral("AB"), QStringLiteral("\"é")}}), 13);
        QCOMPARE(EnvironmentVariables::totalBytes({}), 2);
    }

    void reservedNameInTemplate()
    {
        const SamTemplate t = load("          STAGE: dev\n"
                                   "          AWS_REGION: eu-west-1\n"
                                   "          TZ: Europe/Paris\n");
        QCOMPARE(toStrings(t.errors()),
                 (QStringList{QStringLiteral("template.yaml:11: Environment variable 'AWS_REGION' is reserved: "
                                             "Lambda sets it itself"),
                              QStringLiteral("template.yaml:12: Environment variable 'TZ' is reserved: Lambda sets "
                                             "it itself")}));
        QVERIFY(t.functions().isEmpty());
    }

    void badNamesInTemplate()
    {
        const SamTemplate t = load("          X: 1\n"
                                   "          9LIVES: cat\n"
                                   "          MY-VAR: x\n");
        QCOMPARE(
            toStrings(t.errors()),
            (QStringList{QStringLiteral("template.yaml:10: Environment variable 'X' must be at least 2 "
                                        "characters long"),
                         QStringLiteral("template.yaml:11: Environment variable '9LIVES' must start with a letter"),
                         QStringLiteral("template.yaml:12: Environment variable 'MY-VAR' may contain only "
                                        "letters, digits and underscores (found '-')")}));
    }

    void valuesBecomeStrings()
    {
        const SamTemplate t = load("          PORT: 8080\n"
                                   "          DEBUG: true\n"
                                   "          EMPTY:\n"
                                   "          QUOTED: \"0012\"\n");
        QCOMPARE(toStrings(t.errors()), QStringList());
        const EnvironmentVariables::List expected = {{QStringLiteral("PORT"), QStringLiteral("8080")},
                                                     {QStringLiteral("DEBUG"), QStringLiteral("true")},
                                                     {QStringLiteral("EMPTY"), QString()},
                                                     {QStringLiteral("QUOTED"), QStringLiteral("0012")}};
        QCOMPARE(t.functions().value(0).environment, expected);
    }

    void fourKilobyteLimit()
    {
        // {"BIG":"<n bytes>"} is n + 10 bytes.
        const SamTemplate exactly = load("          BIG: " + QByteArray(4086, 'x') + "\n");
        QCOMPARE(toStrings(exactly.errors()), QStringList());
        QCOMPARE(EnvironmentVariables::totalBytes(exactly.functions().value(0).environment), 4096);

        const SamTemplate over = load("          BIG: " + QByteArray(4087, 'x') + "\n");
        QCOMPARE(toStrings(over.errors()),
                 QStringList{QStringLiteral("template.yaml:8: Environment variables of Fn take 4097 bytes, over "
                                            "Lambda's 4 KB limit (4096 bytes, counted as Lambda does: names and "
                                            "values as one JSON object)")});
        QVERIFY(over.functions().isEmpty());
    }

    void limitCountsGlobalsToo()
    {
        // 2 000 bytes in Globals and 2 100 on the function: each fine alone, over the limit together
        // ({"SHARED":"…","OWN":"…"} = 4 122 bytes).
        static int n = 0;
        const QString folder = m_dir.filePath(QStringLiteral("globals%1").arg(++n));
        QDir().mkpath(folder + QStringLiteral("/src"));
        QFile f(folder + QStringLiteral("/template.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Globals:\n"
                "  Function:\n"
                "    Environment:\n"
                "      Variables:\n"
                "        SHARED: "
                + QByteArray(2000, 'g')
                + "\n"
                  "Resources:\n"
                  "  Fn:\n"
                  "    Type: AWS::Serverless::Function\n"
                  "    Properties:\n"
                  "      Runtime: python3.12\n"
                  "      Handler: app.handler\n"
                  "      CodeUri: src\n"
                  "      Environment:\n"
                  "        Variables:\n"
                  "          OWN: "
                + QByteArray(2100, 'o') + "\n");
        f.close();
        SamTemplate t;
        QVERIFY(!t.load(f.fileName()));
        QCOMPARE(t.errors().size(), 1);
        QVERIFY2(t.errors().first().toString().startsWith(
                     QStringLiteral("template.yaml:13: Environment variables of Fn take 4122 bytes")),
                 qPrintable(t.errors().first().toString()));
    }
};

QTEST_GUILESS_MAIN(TestEnvironmentVariables)
#include "tst_environmentvariables.moc"
