// The provided runtime: the shipped shell bootstrap template, run as the function's own
// /var/task/bootstrap, serves invocations through the real Runtime API server.

#include "bootstraprunner.h"

#include <QFile>
#include <QStandardPaths>
#include <QTest>

using namespace fn;
using Signal = RuntimeApiServer::Signal;

class TestProvidedBootstrap final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void templateServesInvocations()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("curl"), {QStringLiteral("/usr/bin")}).isEmpty())
            QSKIP("the template bootstrap needs /usr/bin/curl");
        BootstrapRunner r(QStringLiteral("provided.al2023"));
        QVERIFY2(r.unavailable().isEmpty(), qPrintable(r.unavailable()));
        QCOMPARE(r.descriptor().command, QStringList{QStringLiteral("/var/task/bootstrap")});
        r.writeTaskFile(QStringLiteral("bootstrap"), r.descriptor().handlerTemplate.toUtf8());
        QVERIFY(QFile::setPermissions(r.taskRoot() + QStringLiteral("/bootstrap"),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QCOMPARE(r.start(QString()).signal, Signal::Ready);
        QVERIFY(!r.server().runtimeStartedAt().has_value()); // custom runtimes send no phase marker

        for (const QByteArray &id : {QByteArray("req-1"), QByteArray("req-2")}) {
            const auto out = r.invoke(R"({"hello": "world"})", id);
            QCOMPARE(out.signal, Signal::Response);
            const QJsonObject o = BootstrapRunner::json(out.body);
            QCOMPARE(o.value(QLatin1String("statusCode")).toInt(), 200);
            QCOMPARE(o.value(QLatin1String("body")).toString(), QStringLiteral("hello from HelloFunction"));
            QCOMPARE(o.value(QLatin1String("eventBytes")).toInt(), 18);
        }
        QVERIFY(r.output().contains("handling req-2\n"));
    }
};

QTEST_GUILESS_MAIN(TestProvidedBootstrap)
#include "tst_providedbootstrap.moc"
