#pragma once
// The one versioned schema of the project's database: every table the store holds, reached from
// any earlier fnstudio's file by numbered migrations, and the checks that refuse a file that is
// not ours, is corrupt, or was written by a newer fnstudio.

#include <QString>

class QSqlDatabase;

namespace fn {

class Schema final
{
public:
    static constexpr int ApplicationId = 0x666e7374; // "fnst", in the SQLite header

    // 1: accepted async events, their dead-letter and destination messages, invocation history, logs.
    // 2: the local SQS queues, their messages and FIFO deduplication ids.
    // 3: each invocation's anatomy (admission, sandbox, runtime start, module init, observed total).
    static constexpr int Version = 4;

    // Makes `db`, open on the file `path`, a database of this Version: an empty file gets every
    // migration, an older database the ones it lacks, in order and in one transaction; a current
    // one is only read. Refuses (false, *error naming the file) another application's database,
    // a corrupt one, or one newer than this build; a refused file, and one whose migration
    // failed, is left as it was.
    static bool bringUpToDate(QSqlDatabase &db, const QString &path, QString *error);

    // The version a database records in its meta table; 0 for an empty file, -1 when unreadable.
    static int versionOf(QSqlDatabase &db);

private:
    static bool migrate(QSqlDatabase &db, const QString &path, int from, QString *error);
};

} // namespace fn
