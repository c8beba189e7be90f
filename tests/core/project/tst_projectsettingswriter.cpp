// Mapping a bucket to a folder from the studio rewrites .fnstudio/settings.json: the mapping is
// read back by ProjectSettings, every other key stays (in its order, with the file's indentation),
// and a file the user broke is never overwritten.
#include "project/projectsettings.h"
#include "project/projectsettingswriter.h"

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

QByteArray readSettings(const QTemporaryDir &dir)
{
    QFile f(dir.filePath(ProjectSettings::fileName()));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestProjectSettingsWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void createsTheFileWhenMissing()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY2(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("photos"),
                                                        QStringLiteral("/srv/inbox"), &error),
                 qPrintable(error));
        QCOMPARE(readSettings(dir), QByteArray("{\n  \"buckets\": {\n    \"photos\": \"/srv/inbox\"\n  }\n}\n"));
        QList<Diagnostic> errors;
        const ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(s.bucketFolders.value(QStringLiteral("photos")), QStringLiteral("/srv/inbox"));
    }

    void keepsOtherKeysOrderAndIndent()
    {
        QTemporaryDir dir;
        writeSettings(dir, "{\n"
                           "    \"clockSpeed\": 60,\n"
                           "    \"buckets\": {\"old\": \"~/old\"},\n"
                           "    \"idleTimeoutSeconds\": 12.5,\n"
                           "    \"accountConcurrency\": 10\n"
                           "}");
        QString error;
        QVERIFY2(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("photos"), QStringLiteral("inbox"),
                                                        &error),
                 qPrintable(error));
        QCOMPARE(readSettings(dir), QByteArray("{\n"
                                               "    \"clockSpeed\": 60,\n"
                                               "    \"buckets\": {\n"
                                               "        \"old\": \"~/old\",\n"
                                               "        \"photos\": \"inbox\"\n"
                                               "    },\n"
                                               "    \"idleTimeoutSeconds\": 12.5,\n"
                                               "    \"accountConcurrency\": 10\n"
                                               "}\n"));
        QList<Diagnostic> errors;
        const ProjectSettings s = ProjectSettings::load(dir.path(), &errors);
        QVERIFY(errors.isEmpty());
        QCOMPARE(s.clockSpeed, 60.0);
        QCOMPARE(s.idleTimeoutSeconds, 12.5);
        QCOMPARE(s.accountConcurrency, 10);
        QCOMPARE(s.bucketFolders.size(), 2);

        // Remapping replaces; unmapping removes one entry, then "buckets" with its last.
        QVERIFY(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("photos"), QStringLiteral("/tmp/x"),
                                                       &error));
        QCOMPARE(ProjectSettings::load(dir.path(), nullptr).bucketFolders.value(QStringLiteral("photos")),
                 QStringLiteral("/tmp/x"));
        QVERIFY(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("photos"), QString(), &error));
        QVERIFY(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("old"), QString(), &error));
        QCOMPARE(readSettings(dir), QByteArray("{\n"
                                               "    \"clockSpeed\": 60,\n"
                                               "    \"idleTimeoutSeconds\": 12.5,\n"
                                               "    \"accountConcurrency\": 10\n"
                                               "}\n"));
        // Unmapping what is not mapped changes nothing.
        const QByteArray before = readSettings(dir);
        QVERIFY(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("never"), QString(), &error));
        QCOMPARE(readSettings(dir), before);
    }

    void keepsUnknownKeys()
    {
        QTemporaryDir dir;
        writeSettings(dir, "{\"zeta\": [1, 2, {\"a\": null}], \"alpha\": true}\n");
        QString error;
        QVERIFY(ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("b"), QStringLiteral("f"), &error));
        const QByteArray text = readSettings(dir);
        QVERIFY(text.indexOf("\"zeta\"") < text.indexOf("\"alpha\""));
        QVERIFY(text.indexOf("\"alpha\"") < text.indexOf("\"buckets\""));
        QVERIFY(text.contains("\"a\": null"));
    }

    void refusesABrokenFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bad JSON") << QByteArray("{\n  \"clockSpeed\": 60,\n}\n")
                                  << QStringLiteral("not valid JSON at line 3");
        QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringLiteral("expected a JSON object");
        QTest::newRow("buckets not an object")
            << QByteArray("{\"buckets\": \"x\"}") << QStringLiteral("\"buckets\" must be an object");
    }

    void refusesABrokenFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        writeSettings(dir, content);
        QString error;
        QVERIFY(!ProjectSettingsWriter::setBucketFolder(dir.path(), QStringLiteral("photos"), QStringLiteral("/x"),
                                                        &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("settings.json")), qPrintable(error));
        QCOMPARE(readSettings(dir), content);
    }

    void permissionsMode()
    {
        QTemporaryDir dir;
        writeSettings(dir, "{\n    \"clockSpeed\": 60,\n    \"permissions\": \"warn\"\n}\n");
        QString error;
        QVERIFY2(ProjectSettingsWriter::setPermissions(dir.path(), QStringLiteral("enforce"), &error),
                 qPrintable(error));
        QCOMPARE(readSettings(dir), QByteArray("{\n    \"clockSpeed\": 60,\n    \"permissions\": \"enforce\"\n}\n"));
        QList<Diagnostic> errors;
        QCOMPARE(ProjectSettings::load(dir.path(), &errors).permissions, QStringLiteral("enforce"));
        QVERIFY(errors.isEmpty());

        QVERIFY(!ProjectSettingsWriter::setPermissions(dir.path(), QStringLiteral("strict"), &error));
        QVERIFY2(error.contains(QStringLiteral("\"off\", \"warn\" or \"enforce\", not \"strict\"")), qPrintable(error));
        QCOMPARE(ProjectSettings::load(dir.path(), &errors).permissions, QStringLiteral("enforce"));

        writeSettings(dir, "[1]");
        QVERIFY(!ProjectSettingsWriter::setPermissions(dir.path(), QStringLiteral("off"), &error));
        QVERIFY2(error.contains(QStringLiteral("fix the file before changing permissions")), qPrintable(error));
        QCOMPARE(readSettings(dir), QByteArray("[1]"));
    }
};

QTEST_GUILESS_MAIN(TestProjectSettingsWriter)
#include "tst_projectsettingswriter.moc"
