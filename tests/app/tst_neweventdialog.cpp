// "New Event…": the whole catalogue with a search, a live preview that is valid JSON, Save to
// events/<Function>/<name>.json that asks before replacing, and the window adding the saved event.
#include "editor/editorarea.h"
#include "events/eventcataloguemodel.h"
#include "events/neweventdialog.h"
#include "mainwindow/invokebar.h"
#include "mainwindow/mainwindow.h"
#include "projectbuilder.h"
#include "session/studiosession.h"
#include "studiofixture.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace fn;
using namespace fn::test;

class TestNewEventDialog final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        StudioFixture::initTestCase();
        QString error;
        QVERIFY2(NewEventDialog::loadDefaultCatalogue(&m_catalogue, &error), qPrintable(error));
        QVERIFY(m_catalogue.events().size() >= 68);
    }

    void searchFiltersTheList()
    {
        NewEventDialog dialog(m_catalogue, m_dir.path(), {QStringLiteral("Echo")});
        QSortFilterProxyModel *list = dialog.filteredEvents();
        QCOMPARE(list->rowCount(), int(m_catalogue.events().size()));
        dialog.searchEdit()->setText(QStringLiteral("s3"));
        QVERIFY(list->rowCount() > 0 && list->rowCount() < m_catalogue.events().size());
        for (int row = 0; row < list->rowCount(); ++row)
            QVERIFY(list->index(row, 0)
                        .data(EventCatalogueModel::SearchRole)
                        .toString()
                        .contains(QStringLiteral("s3"), Qt::CaseInsensitive));
        // Words in any order, case-insensitive.
        dialog.searchEdit()->setText(QStringLiteral("PUT s3"));
        QVERIFY(list->rowCount() >= 1);
        QVERIFY(dialog.selectEvent(QStringLiteral("s3"), QStringLiteral("put")));
        dialog.searchEdit()->setText(QStringLiteral("no such event anywhere"));
        QCOMPARE(list->rowCount(), 0);
        dialog.searchEdit()->clear();
        QCOMPARE(list->rowCount(), int(m_catalogue.events().size()));
    }

    void previewIsValidJsonAndFollowsParameters()
    {
        NewEventDialog dialog(m_catalogue, m_dir.path(), {QStringLiteral("Echo")});
        QVERIFY(dialog.selectEvent(QStringLiteral("s3"), QStringLiteral("put")));
        QJsonParseError error;
        QJsonDocument doc = QJsonDocument::fromJson(dialog.preview()->toPlainText().toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.object().contains(QStringLiteral("Records")));
        QLineEdit *bucket = dialog.parameterEdit(QStringLiteral("bucket"));
        QVERIFY(bucket);
        QVERIFY(!bucket->text().isEmpty()); // the default is filled in
        bucket->setText(QStringLiteral("my-photos"));
        doc = QJsonDocument::fromJson(dialog.preview()->toPlainText().toUtf8(), &error);
        QVERIFY(error.error == QJsonParseError::NoError);
        QVERIFY(dialog.preview()->toPlainText().contains(QStringLiteral("my-photos")));
        // Every entry of the catalogue renders with its defaults.
        for (const EventTemplate &e : m_catalogue.events()) {
            QVERIFY(dialog.selectEvent(e.service, e.name));
            QVERIFY2(!QJsonDocument::fromJson(dialog.preview()->toPlainText().toUtf8()).isNull(),
                     qPrintable(e.service + u'/' + e.name));
        }
    }

    void saveWritesTheFileAndAsksBeforeReplacing()
    {
        QTemporaryDir project;
        NewEventDialog dialog(m_catalogue, project.path(), {QStringLiteral("Echo"), QStringLiteral("Other")});
        dialog.setFunction(QStringLiteral("Echo"));
        QVERIFY(dialog.selectEvent(QStringLiteral("s3"), QStringLiteral("put")));
        dialog.nameEdit()->setText(QStringLiteral("upload"));
        const QString path = project.filePath(QStringLiteral("events/Echo/upload.json"));
        QCOMPARE(dialog.targetPath(), path);
        QVERIFY(dialog.save());
        QCOMPARE(dialog.savedPath(), path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray first = file.readAll();
        file.close();
        QVERIFY(!QJsonDocument::fromJson(first).isNull());

        // Refuses to replace without asking; keeps the file when the answer is no.
        int asked = 0;
        dialog.setOverwriteConfirmation([&](const QString &p) {
            ++asked;
            return p.isEmpty();
        });
        dialog.parameterEdit(QStringLiteral("bucket"))->setText(QStringLiteral("changed-bucket"));
        QVERIFY(!dialog.save());
        QCOMPARE(asked, 1);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), first);
        file.close();
        dialog.setOverwriteConfirmation([&](const QString &) {
            ++asked;
            return true;
        });
        QVERIFY(dialog.save());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("changed-bucket"));
        file.close();
        // A name is a file name, never a path.
        dialog.nameEdit()->setText(QStringLiteral("../escape"));
        QVERIFY(!dialog.save());
        QVERIFY(!QFile::exists(project.filePath(QStringLiteral("events/escape.json"))));
    }

    void theWindowAddsTheSavedEvent()
    {
        ProjectBuilder project;
        project.function(QStringLiteral("Echo"))
            .runtime(QStringLiteral("python3.12"))
            .handler(QStringLiteral("app.handler"))
            .code(QStringLiteral("app.py"), "def handler(event, context):\n    return event\n");
        StudioFixture studio;
        StudioSession &session = studio.session();
        MainWindow &window = studio.window();
        studio.openProject(project.path());
        QCOMPARE(session.functions().size(), 1);
        QVERIFY(window.action(QStringLiteral("newEvent")));
        bool handled = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = window.findChild<NewEventDialog *>();
            QVERIFY(dialog);
            dialog->searchEdit()->setText(QStringLiteral("sqs"));
            QVERIFY(dialog->eventView()->currentIndex().isValid());
            dialog->nameEdit()->setText(QStringLiteral("batch"));
            QVERIFY(dialog->save());
            dialog->accept();
            handled = true;
        });
        window.action(QStringLiteral("newEvent"))->trigger();
        QVERIFY(handled);
        const QString path = project.filePath(QStringLiteral("events/Echo/batch.json"));
        QVERIFY(QFile::exists(path));
        QComboBox *events = window.invokeBar()->eventCombo();
        QVERIFY(events->findData(path) >= 0);
        QCOMPARE(events->currentData().toString(), path);
        QVERIFY(window.editors()->editorFor(path));
    }

private:
    EventCatalogue m_catalogue;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestNewEventDialog)
#include "tst_neweventdialog.moc"
