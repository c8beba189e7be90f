// The Logs dock's Copy and Export: the lines as the view shows them, filtered lines only.
#include "logs/logmodel.h"
#include "logs/logpanel.h"
#include "session/invocationselection.h"
#include "session/studiosession.h"
#include "snapshotfixtures.h"
#include "studiofixture.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace fn;
using namespace fn::testing;
using fn::test::StudioFixture;

class TestLogPanel final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void exportWritesTheFilteredLines()
    {
        StudioFixture studio;
        StudioSession &session = studio.session();
        LogPanel panel(session.logs(), session.selection());
        session.logs().append(invocationLogs(record(1, 1, true, 0, 10), 1));
        session.logs().append(invocationLogs(record(2, 1, false, 100, 10, InvocationOutcome::FunctionError), 1));
        const qsizetype total = session.logs().lineCount();
        panel.levelCombo()->setCurrentIndex(1); // errors only
        const int shown = session.logs().rowCount();
        QVERIFY(shown > 0);
        QVERIFY(shown < total);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("errors.log"));
        QString error;
        QVERIFY2(panel.exportTo(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), shown);
        const QModelIndex first = session.logs().index(0, 0);
        const QString expected = QDateTime::fromMSecsSinceEpoch(first.data(LogModel::TimestampRole).toLongLong())
                                     .toString(QStringLiteral("HH:mm:ss.zzz"))
                                 + u'\t' + QStringLiteral("2026/11/26/[$LATEST]") + environmentId(1) + u'\t'
                                 + QStringLiteral("[ERROR] ValueError: boom");
        QCOMPARE(lines.first(), expected);
        for (int row = 0; row < shown; ++row)
            QCOMPARE(lines.at(row), panel.rowText(row));

        // An unwritable place is refused with a reason, and leaves nothing behind.
        QVERIFY(!panel.exportTo(dir.filePath(QStringLiteral("missing/x.log")), &error));
        QVERIFY(!error.isEmpty());
    }

    void copyTakesTheSelectedLinesInOrder()
    {
        StudioFixture studio;
        StudioSession &session = studio.session();
        LogPanel panel(session.logs(), session.selection());
        session.logs().append(invocationLogs(record(1, 1, true, 0, 10), 1));
        QItemSelectionModel *selection = panel.view()->selectionModel();
        selection->select(session.logs().index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection->select(session.logs().index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        panel.copyAction()->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), panel.rowText(0) + u'\n' + panel.rowText(3) + u'\n');
        QCOMPARE(panel.copyAction()->shortcut(), QKeySequence(QKeySequence::Copy));
    }
};

QTEST_MAIN(TestLogPanel)
#include "tst_logpanel.moc"
