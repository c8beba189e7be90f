// The S3 endpoint as the AWS CLI reaches it (`aws s3api ... --endpoint-url`), and the seed
// scenario end to end: the photo example served by `fnstudio-cli serve`, a photo uploaded to
// PhotosBucket, the function invoked by the bucket's event, reading the photo and writing its
// thumbnail into ThumbnailsBucket through AWS_ENDPOINT_URL_S3. Each aws call costs about a second.
#include "awscli.h"
#include "projectbuilder.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QtTest>

using namespace fntest;
using fn::test::ProjectBuilder;
using fn::test::readFile;

class TestS3Cli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ProjectBuilder m_project;
    QString m_aws;
    QProcessEnvironment m_awsEnv;
    QProcess m_serve;
    QByteArray m_serveErr;
    QString m_endpoint;

    AwsRun s3api(const QStringList &arguments)
    {
        return runAws(m_aws, m_awsEnv, m_dir.path(), QStringList{QStringLiteral("s3api")} + arguments, m_endpoint);
    }
    QString bucketFile(const QString &bucket, const QString &key) const
    {
        return m_project.filePath(QStringLiteral(".fnstudio/buckets/") + bucket + u'/' + key);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_aws = findAws();
        if (m_aws.isEmpty())
            QFAIL(awsMissing());
        QVERIFY(m_dir.isValid());
        m_project = ProjectBuilder::fromExample(QStringLiteral("photos"));
        m_awsEnv = isolatedAwsEnvironment(m_dir.path());

        m_serve.start(QStringLiteral(FN_CLI),
                      {QStringLiteral("serve"), QStringLiteral("--project"), m_project.path(), QStringLiteral("--port"),
                       QStringLiteral("0"), QStringLiteral("--s3-port"), QStringLiteral("0")});
        QVERIFY2(m_serve.waitForStarted(10000), qPrintable(m_serve.errorString()));
        QByteArray out;
        m_endpoint = waitForLine(m_serve, &out,
                                 QRegularExpression(QStringLiteral("S3 endpoint: (http://127\\.0\\.0\\.1:\\d+)")));
        waitForLine(m_serve, &out, QRegularExpression(QStringLiteral("(S3 bucket PhotosBucket .*-> ResizePhoto)")));
        m_serveErr += m_serve.readAllStandardError();
        QVERIFY2(!m_endpoint.isEmpty(), QByteArray(out + m_serveErr).constData());
        QVERIFY2(out.contains("S3 bucket PhotosBucket"), out.constData());
    }

    void cleanupTestCase() { QVERIFY2(stopServe(m_serve, &m_serveErr), m_serveErr.constData()); }

    void bucketsOfTheTemplate()
    {
        const AwsRun r = s3api({QStringLiteral("list-buckets")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList names;
        for (const auto &b : r.json().value(QStringLiteral("Buckets")).toArray())
            names << b.toObject().value(QStringLiteral("Name")).toString();
        QCOMPARE(names, (QStringList{QStringLiteral("PhotosBucket"), QStringLiteral("ThumbnailsBucket")}));
    }

    void uploadedPhotoIsResized()
    {
        const QString photo = m_project.filePath(QStringLiteral("samples/sunset.jpg"));
        const QByteArray original = readFile(photo);
        QVERIFY(original.size() > 10000);
        AwsRun r =
            s3api({QStringLiteral("put-object"), QStringLiteral("--bucket"), QStringLiteral("PhotosBucket"),
                   QStringLiteral("--key"), QStringLiteral("holiday/sunset.jpg"), QStringLiteral("--body"), photo});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("ETag")).toString(),
                 u'"' + QString::fromLatin1(QCryptographicHash::hash(original, QCryptographicHash::Md5).toHex())
                     + u'"');
        QCOMPARE(readFile(bucketFile(QStringLiteral("PhotosBucket"), QStringLiteral("holiday/sunset.jpg"))), original);

        // The bucket's event invokes ResizePhoto, which writes the thumbnail through the endpoint.
        const QString thumbnail =
            bucketFile(QStringLiteral("ThumbnailsBucket"), QStringLiteral("thumbnails/holiday/sunset.jpg"));
        QTRY_VERIFY2_WITH_TIMEOUT(QFileInfo::exists(thumbnail),
                                  QByteArray(m_serveErr += m_serve.readAllStandardError()).constData(), 90000);
        QTRY_VERIFY_WITH_TIMEOUT((m_serveErr += m_serve.readAllStandardError()).contains("REPORT RequestId"), 30000);
        QVERIFY2(m_serveErr.contains("ObjectCreated:Put: resized s3://PhotosBucket/holiday/sunset.jpg 800x533 -> "
                                     "s3://ThumbnailsBucket/thumbnails/holiday/sunset.jpg 128x85"),
                 m_serveErr.constData());

        r = s3api({QStringLiteral("head-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("thumbnails/holiday/sunset.jpg")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("ContentType")).toString(), QStringLiteral("image/jpeg"));
        QCOMPARE(r.json().value(QStringLiteral("Metadata")).toObject().value(QStringLiteral("source")).toString(),
                 QStringLiteral("PhotosBucket/holiday/sunset.jpg"));
        const int size = r.json().value(QStringLiteral("ContentLength")).toInt();
        QVERIFY2(size > 0 && size < original.size(), qPrintable(QString::number(size)));

        const QString downloaded = m_dir.filePath(QStringLiteral("thumbnail.jpg"));
        r = s3api({QStringLiteral("get-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("thumbnails/holiday/sunset.jpg"), downloaded});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readFile(downloaded), readFile(thumbnail));
        QVERIFY(readFile(downloaded).startsWith("\xFF\xD8\xFF")); // a JPEG
    }

    void objectOperations()
    {
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        QVERIFY(writeFile(text, "first notes\n"));
        AwsRun r = s3api({QStringLiteral("put-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                          QStringLiteral("--key"), QStringLiteral("docs/notes.txt"), QStringLiteral("--body"), text});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        r = s3api({QStringLiteral("head-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("docs/notes.txt")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().value(QStringLiteral("ContentLength")).toInt(), 12);
        QCOMPARE(r.json().value(QStringLiteral("ContentType")).toString(), QStringLiteral("binary/octet-stream"));

        r = s3api({QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--delimiter"), QStringLiteral("/")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList prefixes;
        for (const auto &p : r.json().value(QStringLiteral("CommonPrefixes")).toArray())
            prefixes << p.toObject().value(QStringLiteral("Prefix")).toString();
        QCOMPARE(prefixes, (QStringList{QStringLiteral("docs/"), QStringLiteral("thumbnails/")}));

        r = s3api({QStringLiteral("copy-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("docs/copy of notes.txt"), QStringLiteral("--copy-source"),
                   QStringLiteral("ThumbnailsBucket/docs/notes.txt")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(readFile(bucketFile(QStringLiteral("ThumbnailsBucket"), QStringLiteral("docs/copy of notes.txt"))),
                 QByteArray("first notes\n"));

        r = s3api({QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--prefix"), QStringLiteral("docs/")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList keys;
        for (const auto &o : r.json().value(QStringLiteral("Contents")).toArray())
            keys << o.toObject().value(QStringLiteral("Key")).toString();
        QCOMPARE(keys, (QStringList{QStringLiteral("docs/copy of notes.txt"), QStringLiteral("docs/notes.txt")}));

        r = s3api({QStringLiteral("delete-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("docs/copy of notes.txt")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!QFileInfo::exists(
            bucketFile(QStringLiteral("ThumbnailsBucket"), QStringLiteral("docs/copy of notes.txt"))));

        // Above 8 MB `aws s3 cp` uploads in parts and downloads in ranges.
        QByteArray big(12 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char((i * 7919) % 251);
        const QString bigFile = m_dir.filePath(QStringLiteral("big.bin"));
        QVERIFY(writeFile(bigFile, big));
        AwsRun cp = runAws(
            m_aws, m_awsEnv, m_dir.path(),
            {QStringLiteral("s3"), QStringLiteral("cp"), bigFile, QStringLiteral("s3://ThumbnailsBucket/big.bin")},
            m_endpoint);
        QVERIFY2(cp.exitCode == 0, cp.err.constData());
        QCOMPARE(readFile(bucketFile(QStringLiteral("ThumbnailsBucket"), QStringLiteral("big.bin"))), big);
        r = s3api({QStringLiteral("head-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("big.bin")});
        QVERIFY2(r.json().value(QStringLiteral("ETag")).toString().endsWith(QLatin1String("-2\"")), r.out.constData());
        const QString back = m_dir.filePath(QStringLiteral("big-back.bin"));
        cp = runAws(m_aws, m_awsEnv, m_dir.path(),
                    {QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("s3://ThumbnailsBucket/big.bin"), back},
                    m_endpoint);
        QVERIFY2(cp.exitCode == 0, cp.err.constData());
        QCOMPARE(readFile(back), big);

        // S3's errors, as the CLI shows them.
        r = s3api({QStringLiteral("get-object"), QStringLiteral("--bucket"), QStringLiteral("ThumbnailsBucket"),
                   QStringLiteral("--key"), QStringLiteral("docs/missing.txt"),
                   m_dir.filePath(QStringLiteral("missing.txt"))});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("NoSuchKey"), r.err.constData());
        r = s3api({QStringLiteral("put-object"), QStringLiteral("--bucket"), QStringLiteral("NoSuchBucketHere"),
                   QStringLiteral("--key"), QStringLiteral("x.txt"), QStringLiteral("--body"), text});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("NoSuchBucket"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestS3Cli)
#include "tst_s3cli.moc"
