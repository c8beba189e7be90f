#pragma once
// Who is told before an object changes through the S3 endpoint (expect) and after (settle, with
// whether it did), so that the bucket watcher names the event by what happened rather than
// guessing from the file. Both are called on server threads; either may be empty.

#include <QString>

#include <functional>

namespace fn {

struct S3ChangeObserver
{
    std::function<void(const QString &bucket, const QString &key, const QString &eventName)> expect;
    std::function<void(const QString &bucket, const QString &key, bool happened)> settle;

    void expectChange(const QString &bucket, const QString &key, const QString &eventName) const
    {
        if (expect)
            expect(bucket, key, eventName);
    }
    void settleChange(const QString &bucket, const QString &key, bool happened) const
    {
        if (settle)
            settle(bucket, key, happened);
    }
};

} // namespace fn
