// Run → Serve in the studio: the Invoke API and the API Gateway on 127.0.0.1, called by a real HTTP
// client; what arrives over HTTP runs in the studio's engine and shows on its timeline like an
// invocation from the invoke bar. A port in use is a clear message and leaves nothing serving.
#include "common/messagebar.h"
#include "common/settings.h"
#include "engine/engine.h"
#include "invocations/invocationmodel.h"
#include "logs/logmodel.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/servesettingsdialog.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"
#include "timeline/timelinemodel.h"
#include "workspace/triggerhost.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTcpServer>
#include <QTest>

using namespace fn;
using namespace fn::test;

namespace {

// One Python function, also behind an HTTP API route.
ProjectBuilder echoProject()
{
    ProjectBuilder project;
    project.function(QStringLiteral("Echo"))
        .runtime(QStringLiteral("python3.12"))
        .handler(QStringLiteral("app.handler"))
        .properties("Timeout: 5\n"
                    "Events:\n"
                    "  Hello:\n"
                    "    Type: HttpApi\n"
                    "    Properties:\n"
                    "      Path: /hello\n"
                    "      Method: GET\n")
        .code(QStringLiteral("app.py"), "def handler(event, context):\n"
                                        "    if 'rawPath' in event:\n"
                                        "        return {'statusCode': 200, 'body': 'hello from ' + event['rawPath']}\n"
                                        "    return {'hello': event.get('name', 'nobody')}\n");
    return project;
}

// Waits for the reply (the event loop keeps running, so the studio handles what it adopts).
QNetworkReply *wait(QNetworkReply *reply)
{
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(60'000);
    return reply;
}

} // namespace

class TestServe final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { StudioFixture::initTestCase(); }

    void invocationsOverHttpShowOnTheTimeline()
    {
        // Port 0: free ports, so the test never collides with a running studio or serve.
        settings::set(settings::serveInvokePort, 0);
        settings::set(settings::serveApiPort, 0);
        settings::set(settings::serveS3Port, 0);
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        Workspace &triggers = session.workspace();
        QTRY_VERIFY(triggers.triggers());

        QAction *serve = window.action(QStringLiteral("serve"));
        QVERIFY(serve);
        QVERIFY(serve->isCheckable());
        serve->trigger();
        QVERIFY(serve->isChecked());
        QVERIFY(triggers.isServing());
        const QString invokeUrl = triggers.triggers()->invokeApiUrl();
        const QString apiUrl = triggers.triggers()->apiGatewayUrl();
        QVERIFY(invokeUrl.startsWith(QStringLiteral("http://127.0.0.1:")));
        QVERIFY(apiUrl.startsWith(QStringLiteral("http://127.0.0.1:")));
        auto *status = window.statusBar()->findChild<QLabel *>(QStringLiteral("serveStatus"));
        QVERIFY(status && status->isVisible());
        QVERIFY(status->text().contains(invokeUrl));
        QVERIFY(status->text().contains(apiUrl));
        QVERIFY(!triggers.triggers()->s3EndpointUrl().isEmpty());
        QVERIFY(status->text().contains(triggers.triggers()->s3EndpointUrl()));

        // The Lambda Invoke API, as the AWS SDKs call it.
        QNetworkAccessManager http;
        QNetworkRequest request(QUrl(invokeUrl + QStringLiteral("/2015-03-31/functions/Echo/invocations")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = wait(http.post(request, QByteArray("{\"name\": \"Ada\"}")));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("hello")).toString(),
                 QStringLiteral("Ada"));
        const QString requestId = QString::fromLatin1(reply->rawHeader("x-amzn-RequestId"));
        QVERIFY(!requestId.isEmpty());
        reply->deleteLater();
        QTRY_VERIFY(session.timeline().find(requestId).first >= 0);
        QTRY_VERIFY(session.invocations().rowOf(requestId) >= 0);
        // And in the Logs: Lambda's START line of that request.
        const auto hasStart = [&session, &requestId] {
            for (qsizetype l = 0; l < session.logs().lineCount(); ++l) {
                if (session.logs().lineText(l).startsWith(QStringLiteral("START RequestId: ") + requestId))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY(hasStart());

        // The API Gateway front for the template's HttpApi route.
        QNetworkReply *get = wait(http.get(QNetworkRequest(QUrl(apiUrl + QStringLiteral("/hello")))));
        QCOMPARE(get->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(get->readAll(), QByteArray("hello from /hello"));
        get->deleteLater();
        QTRY_COMPARE(session.invocations().rowCount(), 2);

        // Toggled off: nothing listens on the port any more.
        const QUrl stopped(invokeUrl + QStringLiteral("/2015-03-31/functions"));
        serve->trigger();
        QVERIFY(!serve->isChecked());
        QVERIFY(!triggers.isServing());
        QVERIFY(!status->isVisible());
        QNetworkReply *refused = wait(http.get(QNetworkRequest(stopped)));
        QCOMPARE(refused->error(), QNetworkReply::ConnectionRefusedError);
        refused->deleteLater();
    }

    // Run → Serve Settings…: loopback unless the user asks for every interface; a port each.
    void serveSettingsChooseTheAddress()
    {
        ServeSettingsDialog dialog;
        QVERIFY(!dialog.allInterfacesBox()->isChecked());
        QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        dialog.invokePortBox()->setValue(4100);
        dialog.apiPortBox()->setValue(4100);
        QVERIFY(!ok->isEnabled());
        QVERIFY(!dialog.problemLabel()->isHidden());
        for (QSpinBox *box : {dialog.invokePortBox(), dialog.apiPortBox(), dialog.s3PortBox()})
            box->setValue(0);
        QVERIFY(ok->isEnabled());
        dialog.allInterfacesBox()->setChecked(true);
        ok->click();
        QCOMPARE(settings::get(settings::serveHost), QStringLiteral("0.0.0.0"));
        QCOMPARE(settings::get(settings::serveInvokePort), 0);

        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        Workspace &triggers = session.workspace();
        QTRY_VERIFY(triggers.triggers());
        QVERIFY(window.action(QStringLiteral("serveSettings")));
        window.action(QStringLiteral("serve"))->trigger();
        QVERIFY(triggers.isServing());
        QVERIFY2(triggers.triggers()->invokeApiUrl().startsWith(QStringLiteral("http://0.0.0.0:")),
                 qPrintable(triggers.triggers()->invokeApiUrl()));
        // Functions still reach the S3 endpoint on loopback.
        const auto env = session.engine()->serviceEnvironment();
        QVERIFY(
            env.contains(qMakePair(QStringLiteral("AWS_ENDPOINT_URL_S3"),
                                   QStringLiteral("http://127.0.0.1:%1").arg(triggers.triggers()->s3EndpointPort()))));
        QNetworkAccessManager http;
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/2015-03-31/functions/Echo/invocations")
                           .arg(triggers.triggers()->invokeApiPort()));
        QNetworkReply *reply = wait(http.post(QNetworkRequest(url), QByteArray("{\"name\": \"Lan\"}")));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        window.action(QStringLiteral("serve"))->trigger();
        settings::set(settings::serveHost, QStringLiteral("127.0.0.1"));
    }

    void aPortInUseIsSaidInTheWindow()
    {
        QTcpServer occupied;
        QVERIFY(occupied.listen(QHostAddress::LocalHost, 0));
        settings::set(settings::serveInvokePort, int(occupied.serverPort()));
        settings::set(settings::serveApiPort, 0);
        settings::set(settings::serveS3Port, 0);
        const ProjectBuilder project = echoProject();
        StudioFixture studio(StudioFixture::Engine::Started);
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        QVERIFY(studio.show());
        studio.openProject(project.path());
        QTRY_VERIFY(session.workspace().triggers());

        QAction *serve = window.action(QStringLiteral("serve"));
        serve->trigger();
        QVERIFY(!serve->isChecked());
        QVERIFY(!session.workspace().isServing());
        QCOMPARE(window.messageBar()->text(),
                 QStringLiteral("Cannot serve: Invoke API: 127.0.0.1:%1 is already in use").arg(occupied.serverPort()));
        QVERIFY(window.messageBar()->isVisible());
        settings::set(settings::serveInvokePort, 3001);
    }
};

QTEST_MAIN(TestServe)
#include "tst_serve.moc"
