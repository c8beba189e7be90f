// The Buckets dock as a user meets it: the model under QAbstractItemModelTester; the template's
// bucket with its folder, the function its S3 event invokes and the object count; Open Folder;
// Map to Folder… writes settings.json (other keys kept) and a file dropped into the mapped folder
// invokes the real Python function; the S3 endpoint's URL while serving; Unmap.
#include "buckets/bucketmodel.h"
#include "buckets/bucketspanel.h"
#include "invocationrows.h"
#include "invocations/invocationmodel.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

// A bucket whose object-created events invoke a Python function that says what it was given.
ProjectBuilder bucketProject()
{
    ProjectBuilder project;
    project.resource(QStringLiteral("Inbox"), "Type: AWS::S3::Bucket\n")
        .function(QStringLiteral("Catcher"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 5\n"
                    "Events:\n"
                    "  Upload:\n"
                    "    Type: S3\n"
                    "    Properties:\n"
                    "      Bucket: !Ref Inbox\n"
                    "      Events: s3:ObjectCreated:*\n")
        .code(
            QStringLiteral("app.py"),
            "def handler(event, context):\n"
            "    s3 = event['Records'][0]['s3']\n"
            "    return {'bucket': s3['bucket']['name'], 'key': s3['object']['key'], 'size': s3['object']['size']}\n");
    return project;
}

} // namespace

class TestBucketsPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void modelShowsFoldersAndCounts()
    {
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(QStringLiteral("a.txt")), "a"));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("photos/2026/b.jpg")), "b"));
        QCOMPARE(BucketModel::countObjects(dir.path()), 2);

        BucketModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        BucketRow mapped{
            QStringLiteral("photos"), dir.path(), true, true, 2, {QStringLiteral("Resize (s3:ObjectCreated:*)")}};
        BucketRow missing{QStringLiteral("zeta"), QStringLiteral("/nonexistent/zeta"), false, false, 0, {}};
        model.resetData({mapped, missing});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, BucketModel::FolderColumn).data().toString(),
                 QDir::toNativeSeparators(dir.path()) + QStringLiteral(" (mapped)"));
        QCOMPARE(model.index(0, BucketModel::ObjectsColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(0, BucketModel::FunctionsColumn).data().toString(),
                 QStringLiteral("Resize (s3:ObjectCreated:*)"));
        QVERIFY(model.index(1, BucketModel::FolderColumn).data().toString().endsWith(QStringLiteral("(missing)")));
        QCOMPARE(model.index(1, BucketModel::ObjectsColumn).data().toString(), QString());
        QCOMPARE(model.index(1, 0).data(BucketModel::MappedRole).toBool(), false);
        QCOMPARE(model.rowOf(QStringLiteral("zeta")), 1);
        model.resetData({});
        QCOMPARE(model.rowCount(), 0);
    }

    void mapDropAndUnmap()
    {
        ProjectBuilder project = bucketProject();
        // A setting the user wrote stays when the studio maps a bucket.
        project.file(QStringLiteral(".fnstudio/settings.json"), "{\n  \"idleTimeoutSeconds\": 600\n}\n");
        QTemporaryDir elsewhere;

        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        auto *panel = window.panel<BucketsPanel>(QStringLiteral("buckets"));
        QVERIFY(panel);
        BucketModel *model = panel->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(QStringLiteral("Inbox")) >= 0, 20000);
        const QString defaultFolder = QDir(project.path()).absoluteFilePath(QStringLiteral(".fnstudio/buckets/Inbox"));
        QTRY_VERIFY(model->index(model->rowOf(QStringLiteral("Inbox")), 0).data(BucketModel::FolderRole).toString()
                    == defaultFolder);
        QCOMPARE(model->index(model->rowOf(QStringLiteral("Inbox")), BucketModel::FunctionsColumn).data().toString(),
                 QStringLiteral("Catcher (s3:ObjectCreated:*)"));
        QVERIFY(panel->endpointLabel()->text().contains(QStringLiteral("not serving")));

        panel->selectBucket(QStringLiteral("Inbox"));
        QVERIFY(panel->openButton()->isEnabled());
        QVERIFY(panel->mapButton()->isEnabled());
        QVERIFY(!panel->unmapButton()->isEnabled());
        QString opened;
        panel->setFolderOpener([&opened](const QString &folder) {
            opened = folder;
            return true;
        });
        QTest::mouseClick(panel->openButton(), Qt::LeftButton);
        QCOMPARE(opened, defaultFolder);

        // Map to a folder outside the project: settings.json gets it, the other key stays.
        const QString target = QFileInfo(elsewhere.path()).canonicalFilePath();
        panel->setFolderPicker([&target](const QString &bucket, const QString &) {
            return bucket == QStringLiteral("Inbox") ? target : QString();
        });
        QTest::mouseClick(panel->mapButton(), Qt::LeftButton);
        const QJsonObject settings =
            QJsonDocument::fromJson(readFile(project.filePath(QStringLiteral(".fnstudio/settings.json")))).object();
        QCOMPARE(settings.value(QStringLiteral("idleTimeoutSeconds")).toInt(), 600);
        QCOMPARE(settings.value(QStringLiteral("buckets")).toObject().value(QStringLiteral("Inbox")).toString(),
                 target);
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("Inbox")), 0).data(BucketModel::FolderRole).toString(),
                     target);
        QVERIFY(model->index(model->rowOf(QStringLiteral("Inbox")), 0).data(BucketModel::MappedRole).toBool());
        QVERIFY(panel->unmapButton()->isEnabled());

        // A file dropped into the mapped folder invokes the function with that object.
        QVERIFY(writeFile(target + QStringLiteral("/dropped photo.txt"), "hello bucket"));
        QTRY_VERIFY_WITH_TIMEOUT(
            testing::rowWithPayload(session.invocations(), QStringLiteral("Catcher"), "dropped") >= 0, 60000);
        const InvocationRecord &record = session.invocations().record(
            testing::rowWithPayload(session.invocations(), QStringLiteral("Catcher"), "dropped"));
        const QJsonObject response = QJsonDocument::fromJson(record.payload).object();
        QCOMPARE(response.value(QStringLiteral("bucket")).toString(), QStringLiteral("Inbox"));
        QCOMPARE(response.value(QStringLiteral("key")).toString(), QStringLiteral("dropped+photo.txt"));
        QCOMPARE(response.value(QStringLiteral("size")).toInt(), 12);
        QTRY_VERIFY2(panel->activityLabel()->text().contains(
                         QStringLiteral("ObjectCreated:Put Inbox/dropped photo.txt → Catcher")),
                     qPrintable(panel->activityLabel()->text()));
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("Inbox")), BucketModel::ObjectsColumn).data().toString(),
                     QStringLiteral("1"));

        // While serving, the S3 endpoint's URL is shown, and a remap keeps it serving.
        Workspace &triggers = session.workspace();
        QVERIFY(triggers.triggers());
        triggers.triggers()->setS3EndpointPort(0);
        QVERIFY(triggers.startServing(QStringLiteral("127.0.0.1"), 0, 0, 0, nullptr));
        QTRY_VERIFY2(panel->endpointLabel()->text().contains(triggers.triggers()->s3EndpointUrl())
                         && !triggers.triggers()->s3EndpointUrl().isEmpty(),
                     qPrintable(panel->endpointLabel()->text()));

        // Unmap: the bucket is kept under the project again; the mapped folder is left alone.
        QTest::mouseClick(panel->unmapButton(), Qt::LeftButton);
        QVERIFY(!QJsonDocument::fromJson(readFile(project.filePath(QStringLiteral(".fnstudio/settings.json"))))
                     .object()
                     .contains(QStringLiteral("buckets")));
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("Inbox")), 0).data(BucketModel::FolderRole).toString(),
                     defaultFolder);
        QVERIFY(QFile::exists(target + QStringLiteral("/dropped photo.txt")));
        QVERIFY(triggers.isServing());
        QVERIFY(panel->endpointLabel()->text().contains(triggers.triggers()->s3EndpointUrl()));
        triggers.stopServing();
        QTRY_VERIFY(panel->endpointLabel()->text().contains(QStringLiteral("not serving")));
    }
};

QTEST_MAIN(TestBucketsPanel)
#include "tst_bucketspanel.moc"
