// The folders that hold environments' /tmp on disk: made empty and private, counted as du counts,
// removed with everything a function can leave in them (and nothing outside), swept after a crash.

#include <sandbox/scratchdisk.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace fn;

namespace {

void writeFile(const QString &path, qint64 bytes)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    const QByteArray block(1 << 16, 'x');
    for (qint64 left = bytes; left > 0; left -= block.size())
        f.write(block.constData(), std::min<qint64>(left, block.size()));
}

} // namespace

class TestScratchDisk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_base;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_base.isValid());
        qputenv("FN_SCRATCH_DIR", m_base.path().toUtf8());
        QVERIFY(QDir(m_base.path()).isEmpty());
    }

    void madeEmptyAndPrivate()
    {
        QString error;
        const auto tmp = ScratchDisk::create(&error);
        QVERIFY2(tmp, qPrintable(error));
        QVERIFY(tmp->path().startsWith(m_base.path() + QLatin1Char('/')));
        QVERIFY(QDir(tmp->path()).isEmpty());
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(m_base.path()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0700u); // no other user of the machine looks in
        QCOMPARE(tmp->usedBytes(), 0);
        const auto other = ScratchDisk::create(&error);
        QVERIFY(other && other->path() != tmp->path());
    }

    void unwritableBaseSaysWhere()
    {
        qputenv("FN_SCRATCH_DIR", "/proc/fnstudio-cannot-be-here");
        QString error;
        QVERIFY(!ScratchDisk::create(&error));
        QVERIFY2(error.contains(QStringLiteral("/proc/fnstudio-cannot-be-here")), qPrintable(error));
    }

    void countsWhatIsOnDiskNotWhatLinksPointAt()
    {
        const auto tmp = ScratchDisk::create(nullptr);
        QVERIFY(tmp);
        QDir(tmp->path()).mkpath(QStringLiteral("a/b/c"));
        writeFile(tmp->path() + QStringLiteral("/one"), 1 << 20);
        writeFile(tmp->path() + QStringLiteral("/a/b/c/two"), 2 << 20);
        QTemporaryDir outside;
        writeFile(outside.filePath(QStringLiteral("big")), 8 << 20);
        QVERIFY(QFile::link(outside.path(), tmp->path() + QStringLiteral("/link")));
        const qint64 used = tmp->usedBytes();
        QVERIFY2(used >= (qint64(3) << 20) && used < (qint64(4) << 20), qPrintable(QString::number(used)));
    }

    void removedWithAllAFunctionCanLeaveAndNothingElse()
    {
        QTemporaryDir outside;
        writeFile(outside.filePath(QStringLiteral("keep")), 10);
        QString path;
        {
            const auto tmp = ScratchDisk::create(nullptr);
            QVERIFY(tmp);
            path = tmp->path();
            QDir d(path);
            // Deep folders, a folder nobody may enter, links out of the folder (to a file and a folder).
            QString deep = path;
            for (int i = 0; i < 300; ++i)
                deep += QStringLiteral("/d");
            QVERIFY(d.mkpath(deep));
            writeFile(deep + QStringLiteral("/f"), 10);
            QVERIFY(d.mkpath(QStringLiteral("locked/inner")));
            writeFile(path + QStringLiteral("/locked/inner/f"), 10);
            ::chmod(QFile::encodeName(path + QStringLiteral("/locked/inner")).constData(), 0);
            ::chmod(QFile::encodeName(path + QStringLiteral("/locked")).constData(), 0);
            QVERIFY(QFile::link(outside.filePath(QStringLiteral("keep")), path + QStringLiteral("/file-link")));
            QVERIFY(QFile::link(outside.path(), path + QStringLiteral("/folder-link")));
            ::chmod(QFile::encodeName(path).constData(), 0500);
        }
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(QFileInfo::exists(outside.filePath(QStringLiteral("keep"))));
    }

    void aCrashedStudiosFoldersAreSweptLiveOnesKept()
    {
        const auto live = ScratchDisk::create(nullptr);
        QVERIFY(live);
        writeFile(live->path() + QStringLiteral("/state"), 10);
        // What a studio that died leaves: a folder nobody holds.
        const QString orphan = m_base.filePath(QStringLiteral("0123456789abcdef"));
        QVERIFY(QDir().mkpath(orphan + QStringLiteral("/sub")));
        writeFile(orphan + QStringLiteral("/sub/f"), 10);
        QCOMPARE(ScratchDisk::sweepOrphans(), 1);
        QVERIFY(!QFileInfo::exists(orphan));
        QVERIFY(QFileInfo::exists(live->path() + QStringLiteral("/state")));
    }
};

QTEST_GUILESS_MAIN(TestScratchDisk)
#include "tst_scratchdisk.moc"
