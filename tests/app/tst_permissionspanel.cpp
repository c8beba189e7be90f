// The Permissions dock as a person uses it: serve, invoke a function that reads one bucket and
// writes another through boto3, see each call with its decision and the least privilege for them,
// switch the project to enforce, Apply the suggestion, and find the next run allowed.
#include "access/authorizer.h"
#include "engine/engine.h"
#include "mainwindow/mainwindow.h"
#include "permissions/permissioncallmodel.h"
#include "permissions/permissionspanel.h"
#include "project/project.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

const QByteArray Handler = R"(import os, boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"])

def handler(event, context):
    results = []
    try:
        s3.get_object(Bucket="In", Key="photo.txt")["Body"].read()
        results.append("ok")
    except ClientError as e:
        results.append(e.response["Error"]["Code"])
    try:
        s3.put_object(Bucket="Out", Key="thumb.txt", Body=b"small")
        results.append("ok")
    except ClientError as e:
        results.append(e.response["Error"]["Code"])
    return results
)";

ProjectBuilder makeProject()
{
    ProjectBuilder p;
    p.resource(QStringLiteral("In"), "Type: AWS::S3::Bucket\n")
        .resource(QStringLiteral("Out"), "Type: AWS::S3::Bucket\n")
        .function(QStringLiteral("Thumbnails"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 30\nPolicies:\n  - S3ReadPolicy:\n      BucketName: !Ref In\n")
        .code(QStringLiteral("app.py"), Handler)
        .file(QStringLiteral(".fnstudio/settings.json"), "{\"permissions\": \"warn\"}\n")
        .file(QStringLiteral(".fnstudio/buckets/In/photo.txt"), "a photo\n");
    return p;
}

QByteArray invoke(StudioSession &session)
{
    const auto f = session.workspace().function(QStringLiteral("Thumbnails"), QString());
    if (!f)
        return "no function";
    return session.workspace().engine()->invoke(*f, "{}").payload;
}

QString row(const PermissionCallModel &model, const QString &action)
{
    for (int r = 0; r < model.rowCount(); ++r) {
        if (model.index(r, PermissionCallModel::ActionColumn).data().toString() == action)
            return model.index(r, PermissionCallModel::DecisionColumn).data().toString() + QStringLiteral(" | ")
                   + model.index(r, PermissionCallModel::WhyColumn).data().toString();
    }
    return QStringLiteral("<no %1 call>").arg(action);
}

} // namespace

class TestPermissionsPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void callsDecisionsModeAndApply()
    {
        const ProjectBuilder project = makeProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(session.openProject(project.path()));
        auto *panel = window.panel<PermissionsPanel>(QStringLiteral("permissions"));
        QVERIFY(panel);
        QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(panel->function(), QStringLiteral("Thumbnails"));
        QCOMPARE(panel->modeBox()->currentData().toString(), QStringLiteral("warn"));
        QVERIFY2(panel->statusLabel()->text().contains(QStringLiteral("Run → Serve")),
                 qPrintable(panel->statusLabel()->text()));
        QVERIFY(!panel->applyButton()->isEnabled());

        QString problem;
        QVERIFY2(session.workspace().startServing(QStringLiteral("127.0.0.1"), 0, 0, 0, &problem), qPrintable(problem));
        QTRY_VERIFY(panel->statusLabel()->text().contains(QStringLiteral("No calls from Thumbnails yet")));

        // Under warn the write goes on, and is listed as what AWS would refuse.
        QCOMPARE(invoke(session), QByteArray(R"(["ok", "ok"])"));
        QTRY_COMPARE(panel->model()->rowCount(), 2);
        QVERIFY2(row(*panel->model(), QStringLiteral("s3:GetObject"))
                     .startsWith(QStringLiteral("Allowed | allowed by S3ReadPolicy")),
                 qPrintable(row(*panel->model(), QStringLiteral("s3:GetObject"))));
        QVERIFY2(row(*panel->model(), QStringLiteral("s3:PutObject"))
                     .startsWith(QStringLiteral("Would be denied | no statement allows s3:PutObject on "
                                                "arn:aws:s3:::Out/thumb.txt")),
                 qPrintable(row(*panel->model(), QStringLiteral("s3:PutObject"))));
        const QString suggestion = panel->suggestionView()->toPlainText();
        QVERIFY2(suggestion.contains(QStringLiteral("- 's3:PutObject'")), qPrintable(suggestion));
        QVERIFY2(suggestion.contains(QStringLiteral("- 'arn:aws:s3:::Out/thumb.txt'")), qPrintable(suggestion));
        QVERIFY(panel->applyButton()->isEnabled());

        // Enforce, from the dock: written to settings.json and in force at once.
        QVERIFY(panel->setMode(QStringLiteral("enforce")));
        QVERIFY(readFile(project.filePath(QStringLiteral(".fnstudio/settings.json"))).contains("\"enforce\""));
        QCOMPARE(session.workspace().triggers()->authorizer().mode(), Authorizer::Mode::Enforce);
        QCOMPARE(panel->modeBox()->currentData().toString(), QStringLiteral("enforce"));
        panel->clearCalls();
        QCOMPARE(invoke(session), QByteArray(R"(["ok", "AccessDenied"])"));
        QTRY_VERIFY(row(*panel->model(), QStringLiteral("s3:PutObject")).startsWith(QStringLiteral("Denied | ")));

        // Declined: nothing written.
        const QByteArray before = readFile(project.filePath(QStringLiteral("template.yaml")));
        panel->setConfirmer([](const QString &, const QString &) { return false; });
        QVERIFY(!panel->applySuggestion());
        QCOMPARE(readFile(project.filePath(QStringLiteral("template.yaml"))), before);

        // Applied: the template holds exactly those calls, and the next run under enforce is clean.
        QString asked;
        panel->setConfirmer([&asked](const QString &, const QString &question) {
            asked = question;
            return true;
        });
        QVERIFY(panel->applySuggestion());
        QVERIFY2(asked.contains(QStringLiteral("Replace the Policies of Thumbnails")), qPrintable(asked));
        const QByteArray after = readFile(project.filePath(QStringLiteral("template.yaml")));
        QVERIFY2(after.contains("- 'arn:aws:s3:::Out/thumb.txt'"), after.constData());
        QVERIFY2(!after.contains("S3ReadPolicy"), after.constData());
        QCOMPARE(panel->model()->rowCount(), 0);
        QCOMPARE(invoke(session), QByteArray(R"(["ok", "ok"])"));
        QTRY_COMPARE(panel->model()->rowCount(), 2);
        QVERIFY(row(*panel->model(), QStringLiteral("s3:PutObject")).startsWith(QStringLiteral("Allowed | ")));
        QVERIFY(row(*panel->model(), QStringLiteral("s3:GetObject")).startsWith(QStringLiteral("Allowed | ")));
    }
};

QTEST_MAIN(TestPermissionsPanel)
#include "tst_permissionspanel.moc"
