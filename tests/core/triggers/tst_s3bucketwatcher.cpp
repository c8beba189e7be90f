// Local S3 buckets: files written and removed in a bucket folder raise the matching S3 events with
// S3's record shape, filtered by the template's Events and prefix/suffix rules.

#include "triggers/s3bucketwatcher.h"

#include "project/samtemplate.h"
#include "store/s3objectstore.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;

namespace {

QString str(const nlohmann::json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

FunctionConfig resizer()
{
    FunctionConfig f;
    f.name = QStringLiteral("Resizer");
    f.runtime = QStringLiteral("python3.12");
    const char *events =
        "{'Upload': {'Type': 'S3', 'Properties': {'Bucket': {'Ref': 'Photos'},"
        " 'Events': 's3:ObjectCreated:*',"
        " 'Filter': {'S3Key': {'Rules': [{'Name': 'prefix', 'Value': 'in/'}, {'Name': 'suffix', 'Value': '.jpg'}]}}}},"
        " 'Removed': {'Type': 'S3', 'Properties': {'Bucket': {'Ref': 'Photos'}, 'Events': ['s3:ObjectRemoved:*']}}}";
    f.events = nlohmann::json::parse(QByteArray(events).replace('\'', '"').toStdString());
    return f;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestS3BucketWatcher final : public QObject
{
    Q_OBJECT

    QList<QByteArray> m_payloads;

    std::unique_ptr<S3BucketWatcher> make(const QString &dir, const QHash<QString, QString> &bucketFolders = {})
    {
        return std::make_unique<S3BucketWatcher>(
            dir,
            [this](const FunctionConfig &, const QByteArray &payload) {
                m_payloads << payload;
                AsyncQueue::Accepted a;
                a.requestId = QStringLiteral("req-%1").arg(m_payloads.size());
                return a;
            },
            nullptr, bucketFolders);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { m_payloads.clear(); }

    // A bucket mapped to a folder of the user's choice (settings.json "buckets") is watched there;
    // fnstudio's staging files of uploads in progress raise nothing.
    void mappedFolder()
    {
        QTemporaryDir dir, pictures;
        auto watcher = make(dir.path(), {{QStringLiteral("Photos"), pictures.path()}});
        QVERIFY(watcher->setFunctions({resizer()}).isEmpty());
        QCOMPARE(watcher->bucketDir(QStringLiteral("Photos")), pictures.path());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".fnstudio/buckets/Photos"))));
        QVERIFY(writeFile(pictures.filePath(QStringLiteral("in/.fnstudio-upload-0123")), "half"));
        QCOMPARE(watcher->scan(), 0);
        QVERIFY(writeFile(pictures.filePath(QStringLiteral("in/beach.jpg")), "jpegdata"));
        QCOMPARE(watcher->scan(), 1);
        const nlohmann::json r = nlohmann::json::parse(m_payloads.first().toStdString())["Records"][0];
        QCOMPARE(str(r["s3"]["object"]["key"]), QStringLiteral("in/beach.jpg"));
    }

    void putAndDeleteWithFilters()
    {
        QTemporaryDir dir;
        auto watcher = make(dir.path());
        QVERIFY(watcher->setFunctions({resizer()}).isEmpty());
        const QString bucket = watcher->bucketDir(QStringLiteral("Photos"));
        QVERIFY(QFileInfo(bucket).isDir());
        QCOMPARE(bucket, dir.filePath(QStringLiteral(".fnstudio/buckets/Photos")));

        QVERIFY(writeFile(bucket + QStringLiteral("/in/my photo.jpg"), "jpegdata"));
        QVERIFY(writeFile(bucket + QStringLiteral("/in/notes.txt"), "no"));  // wrong suffix
        QVERIFY(writeFile(bucket + QStringLiteral("/out/other.jpg"), "no")); // wrong prefix
        QCOMPARE(watcher->scan(), 1);
        const nlohmann::json r = nlohmann::json::parse(m_payloads.first().toStdString())["Records"][0];
        QCOMPARE(str(r["eventName"]), QStringLiteral("ObjectCreated:Put"));
        QCOMPARE(str(r["eventSource"]), QStringLiteral("aws:s3"));
        QCOMPARE(str(r["eventVersion"]), QStringLiteral("2.1"));
        QCOMPARE(str(r["s3"]["configurationId"]), QStringLiteral("Upload"));
        QCOMPARE(str(r["s3"]["bucket"]["name"]), QStringLiteral("Photos"));
        QCOMPARE(str(r["s3"]["bucket"]["arn"]), QStringLiteral("arn:aws:s3:::Photos"));
        QCOMPARE(str(r["s3"]["object"]["key"]), QStringLiteral("in/my+photo.jpg"));
        QCOMPARE(r["s3"]["object"]["size"].get<int>(), 8);
        QCOMPARE(str(r["s3"]["object"]["eTag"]),
                 QString::fromLatin1(QCryptographicHash::hash("jpegdata", QCryptographicHash::Md5).toHex()));
        QVERIFY(!str(r["s3"]["object"]["sequencer"]).isEmpty());

        // Nothing changed: nothing raised.
        QCOMPARE(watcher->scan(), 0);

        // Deleting raises ObjectRemoved:Delete for the mapping without filters, without size/eTag.
        QVERIFY(QFile::remove(bucket + QStringLiteral("/out/other.jpg")));
        QCOMPARE(watcher->scan(), 1);
        const nlohmann::json del = nlohmann::json::parse(m_payloads.last().toStdString())["Records"][0];
        QCOMPARE(str(del["eventName"]), QStringLiteral("ObjectRemoved:Delete"));
        QCOMPARE(str(del["s3"]["configurationId"]), QStringLiteral("Removed"));
        QCOMPARE(str(del["s3"]["object"]["key"]), QStringLiteral("out/other.jpg"));
        QVERIFY(!del["s3"]["object"].contains("eTag"));
    }

    void theWatcherNoticesFiles()
    {
        QTemporaryDir dir;
        auto watcher = make(dir.path());
        watcher->setFunctions({resizer()});
        QSignalSpy spy(watcher.get(), &S3BucketWatcher::objectEvent);
        QVERIFY(writeFile(watcher->bucketDir(QStringLiteral("Photos")) + QStringLiteral("/in/cat.jpg"), "meow"));
        QVERIFY(spy.wait(10000));
        QCOMPARE(spy.first().at(1).toString(), QStringLiteral("in/cat.jpg"));
        QCOMPARE(spy.first().at(2).toString(), QStringLiteral("ObjectCreated:Put"));
    }

    // A bucket named by BucketName is that folder, and the event on Bucket: !Ref Incoming fires for
    // objects put into it under its name, as an upload with `--bucket photos-in` would.
    void anEventFindsItsBucketByBucketName()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("src")));
        const QString path = dir.filePath(QStringLiteral("template.yaml"));
        QVERIFY(writeFile(path, "Transform: AWS::Serverless-2016-10-31\n"
                                "Resources:\n"
                                "  Incoming:\n"
                                "    Type: AWS::S3::Bucket\n"
                                "    Properties:\n"
                                "      BucketName: photos-in\n"
                                "  Outgoing:\n"
                                "    Type: AWS::S3::Bucket\n"
                                "  Resizer:\n"
                                "    Type: AWS::Serverless::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      CodeUri: src\n"
                                "      Environment:\n"
                                "        Variables:\n"
                                "          IN: !Ref Incoming\n"
                                "      Events:\n"
                                "        Upload:\n"
                                "          Type: S3\n"
                                "          Properties:\n"
                                "            Bucket: !Ref Incoming\n"
                                "            Events: s3:ObjectCreated:*\n"));
        SamTemplate t;
        QVERIFY2(t.load(path), qPrintable(toStrings(t.errors()).join(u'\n')));
        QCOMPARE(t.functions().value(0).environment.value(0).second, QStringLiteral("photos-in"));
        QCOMPARE(S3ObjectStore::bucketsFromTemplate(path),
                 (QStringList{QStringLiteral("photos-in"), QStringLiteral("Outgoing")}));

        auto watcher = make(dir.path());
        QVERIFY(watcher->setFunctions(t.functions()).isEmpty());
        QCOMPARE(watcher->notifications().value(0).bucket, QStringLiteral("photos-in"));
        const QString bucket = watcher->bucketDir(QStringLiteral("photos-in"));
        QCOMPARE(bucket, dir.filePath(QStringLiteral(".fnstudio/buckets/photos-in")));
        QVERIFY(QFileInfo(bucket).isDir());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".fnstudio/buckets/Incoming"))));

        QVERIFY(writeFile(bucket + QStringLiteral("/cat.jpg"), "meow"));
        QCOMPARE(watcher->scan(), 1);
        const nlohmann::json r = nlohmann::json::parse(m_payloads.first().toStdString())["Records"][0];
        QCOMPARE(str(r["s3"]["bucket"]["name"]), QStringLiteral("photos-in"));
        QCOMPARE(str(r["s3"]["bucket"]["arn"]), QStringLiteral("arn:aws:s3:::photos-in"));
        QCOMPARE(str(r["s3"]["object"]["key"]), QStringLiteral("cat.jpg"));
    }

    // CloudFormation's own notification on the bucket (not a SAM event), with the permission S3
    // needs: the function is invoked for what the filter lets through.
    void aBucketsOwnNotificationInvokes()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("src")));
        const QString path = dir.filePath(QStringLiteral("template.yaml"));
        QVERIFY(writeFile(path, "Resources:\n"
                                "  Incoming:\n"
                                "    Type: AWS::S3::Bucket\n"
                                "    DependsOn: S3MayInvoke\n"
                                "    Properties:\n"
                                "      BucketName: photos-in\n"
                                "      NotificationConfiguration:\n"
                                "        LambdaConfigurations:\n"
                                "          - Event: s3:ObjectCreated:*\n"
                                "            Function: !GetAtt Resizer.Arn\n"
                                "            Filter: {S3Key: {Rules: [{Name: suffix, Value: .jpg}]}}\n"
                                "  S3MayInvoke:\n"
                                "    Type: AWS::Lambda::Permission\n"
                                "    Properties:\n"
                                "      Action: lambda:InvokeFunction\n"
                                "      FunctionName: !GetAtt Resizer.Arn\n"
                                "      Principal: s3.amazonaws.com\n"
                                "      SourceArn: arn:aws:s3:::photos-in\n"
                                "  Resizer:\n"
                                "    Type: AWS::Lambda::Function\n"
                                "    Properties:\n"
                                "      Runtime: python3.12\n"
                                "      Handler: app.handler\n"
                                "      Code: src\n"
                                "      Role: arn:aws:iam::123456789012:role/resizer\n"));
        SamTemplate t;
        QVERIFY2(t.load(path), qPrintable(toStrings(t.errors()).join(u'\n')));
        auto watcher = make(dir.path());
        QVERIFY(watcher->setFunctions(t.functions()).isEmpty());
        const QString bucket = watcher->bucketDir(QStringLiteral("photos-in"));
        QVERIFY(writeFile(bucket + QStringLiteral("/dog.png"), "woof"));
        QVERIFY(writeFile(bucket + QStringLiteral("/cat.jpg"), "meow"));
        QCOMPARE(watcher->scan(), 1);
        const nlohmann::json r = nlohmann::json::parse(m_payloads.first().toStdString())["Records"][0];
        QCOMPARE(str(r["s3"]["object"]["key"]), QStringLiteral("cat.jpg"));
        QCOMPARE(str(r["s3"]["configurationId"]), QStringLiteral("IncomingNotification0"));
    }

    void encodedKeys()
    {
        QCOMPARE(S3BucketWatcher::encodedKey(QStringLiteral("a b/c+d&é.png")),
                 QStringLiteral("a+b/c%2Bd%26%C3%A9.png"));
    }
};

QTEST_GUILESS_MAIN(TestS3BucketWatcher)
#include "tst_s3bucketwatcher.moc"
