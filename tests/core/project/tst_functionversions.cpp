// Versions and aliases as SAM's AutoPublishAlias makes them: a version is published when the code
// or the configuration changed and not otherwise, the alias follows it, a version keeps running the
// code it was published with after the folder changes, numbers go on rising in the next session,
// and what names no version says so in Lambda's words.

#include "project/functionversions.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

bool write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QByteArray read(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestFunctionVersions final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    QString path(const QString &relative) const { return m_dir->filePath(relative); }

    FunctionConfig function() const
    {
        FunctionConfig f;
        f.name = QStringLiteral("Greeter");
        f.runtime = QStringLiteral("python3.12");
        f.handler = QStringLiteral("app.handler");
        f.codeDir = path(QStringLiteral("src"));
        f.autoPublishAlias = QStringLiteral("live");
        f.provisionedConcurrency = 2;
        return f;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(write(path(QStringLiteral("src/app.py")), "print('one')\n"));
    }

    void aFunctionWithoutAnAliasHasNoVersions()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        FunctionConfig f = function();
        f.autoPublishAlias.clear();
        QVERIFY(!versions.publish(f));
        QVERIFY(versions.of(f.name).versions.isEmpty());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral(".fnstudio/versions"))));
    }

    void publishingAgainWithoutAChangeKeepsTheVersion()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QString error;
        QVERIFY2(versions.publish(function(), &error), qPrintable(error));
        QVERIFY(!versions.publish(function(), &error));
        QVERIFY(error.isEmpty());
        const VersionCatalogue c = versions.of(QStringLiteral("Greeter"));
        QCOMPARE(c.versions.size(), 1);
        QCOMPARE(c.versions.front().number, QStringLiteral("1"));
        QCOMPARE(c.alias(QStringLiteral("live"))->version, QStringLiteral("1"));
    }

    void aCodeChangePublishesTheNextVersionAndTheOldOneRunsItsOwnCode()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QVERIFY(versions.publish(function()));
        QVERIFY(write(path(QStringLiteral("src/app.py")), "print('two')\n"));
        QVERIFY(versions.publish(function()));
        const VersionCatalogue c = versions.of(QStringLiteral("Greeter"));
        QCOMPARE(c.versions.size(), 2);
        QCOMPARE(c.alias(QStringLiteral("live"))->version, QStringLiteral("2"));
        QVERIFY(c.versions.at(0).codeSha256 != c.versions.at(1).codeSha256);

        const auto one = c.resolve(function(), QStringLiteral("1"));
        QVERIFY(one);
        QCOMPARE(one->version, QStringLiteral("1"));
        QCOMPARE(read(one->codeDir + QStringLiteral("/app.py")), QByteArray("print('one')\n"));
        QVERIFY(!one->provisionedConcurrency); // a version by number: provisioned concurrency is the alias's
        const auto live = c.resolve(function(), QStringLiteral("live"));
        QVERIFY(live);
        QCOMPARE(live->version, QStringLiteral("2"));
        QCOMPARE(live->qualifier, QStringLiteral("live"));
        QCOMPARE(live->provisionedConcurrency, std::optional<int>(2));
        QCOMPARE(read(live->codeDir + QStringLiteral("/app.py")), QByteArray("print('two')\n"));
        QCOMPARE(live->invokedArn(), QStringLiteral("arn:aws:lambda:us-east-1:123456789012:function:Greeter:live"));
    }

    void aConfigurationChangePublishesAVersionWithIt()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QVERIFY(versions.publish(function()));
        FunctionConfig bigger = function();
        bigger.memoryMb = 1024;
        QVERIFY(versions.publish(bigger));
        const VersionCatalogue c = versions.of(QStringLiteral("Greeter"));
        QCOMPARE(c.resolve(bigger, QStringLiteral("1"))->memoryMb, 128);
        QCOMPARE(c.resolve(bigger, QStringLiteral("live"))->memoryMb, 1024);
    }

    void latestIsTheFolderAsItIsAndOnDemand()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QVERIFY(versions.publish(function()));
        for (const QString &q : {QString(), QStringLiteral("$LATEST")}) {
            const auto latest = versions.of(QStringLiteral("Greeter")).resolve(function(), q);
            QVERIFY(latest);
            QVERIFY(latest->isLatest());
            QCOMPARE(latest->codeDir, path(QStringLiteral("src")));
        }
    }

    void numbersGoOnRisingInTheNextSession()
    {
        {
            FunctionVersions first(path(QStringLiteral(".fnstudio")));
            QVERIFY(first.publish(function()));
        }
        FunctionVersions second(path(QStringLiteral(".fnstudio")));
        QString error;
        QVERIFY2(second.load(&error), qPrintable(error));
        QVERIFY(!second.publish(function())); // nothing changed since
        QVERIFY(write(path(QStringLiteral("src/app.py")), "print('three')\n"));
        QVERIFY(second.publish(function()));
        QCOMPARE(second.of(QStringLiteral("Greeter")).alias(QStringLiteral("live"))->version, QStringLiteral("2"));
    }

    void anUnreadableFileIsSaidAndNamed()
    {
        QVERIFY(write(path(QStringLiteral(".fnstudio/versions/versions.json")), "{ not json"));
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QString error;
        QVERIFY(!versions.load(&error));
        QVERIFY2(error.contains(QStringLiteral("versions.json")), qPrintable(error));
    }

    void whatNamesNoVersionIsNotFound()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        QVERIFY(versions.publish(function()));
        QString why;
        QVERIFY(!versions.of(QStringLiteral("Greeter")).resolve(function(), QStringLiteral("7"), &why));
        QCOMPARE(why, QStringLiteral("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Greeter:7"));
        QVERIFY(!versions.of(QStringLiteral("Greeter")).resolve(function(), QStringLiteral("prod"), &why));
        QVERIFY(why.endsWith(QStringLiteral(":function:Greeter:prod")));
    }

    void onlyTheNewestCopiesOfTheCodeAreKept()
    {
        FunctionVersions versions(path(QStringLiteral(".fnstudio")));
        const int published = FunctionVersions::KeptCodeCopies + 2;
        for (int i = 1; i <= published; ++i) {
            QVERIFY(write(path(QStringLiteral("src/app.py")), "print(" + QByteArray::number(i) + ")\n"));
            QVERIFY(versions.publish(function()));
        }
        const VersionCatalogue c = versions.of(QStringLiteral("Greeter"));
        QCOMPARE(c.versions.size(), published);
        QString why;
        QVERIFY(!c.resolve(function(), QStringLiteral("1"), &why));
        QVERIFY2(why.contains(QStringLiteral("keeps the code")), qPrintable(why));
        QVERIFY(!QFileInfo::exists(path(QStringLiteral(".fnstudio/versions/Greeter/1"))));
        QVERIFY(c.resolve(function(), QStringLiteral("3")));
        QCOMPARE(c.alias(QStringLiteral("live"))->version, QString::number(published));
    }
};

QTEST_GUILESS_MAIN(TestFunctionVersions)
#include "tst_functionversions.moc"
