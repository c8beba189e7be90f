#pragma once
// An immutable snapshot of the project's local S3 buckets as the Buckets panel shows them: each
// bucket's folder, whether the user mapped it, its objects, and the functions its events invoke.

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace fn {

struct BucketObject
{
    QString key;
    qint64 size = 0;
    QDateTime lastModified; // UTC
};

struct BucketSnapshot
{
    // A bucket of a million files still makes a small snapshot: its objects past this many (in
    // key order) are counted, not listed.
    static constexpr int MaxListedObjects = 1000;

    QString name;
    QString folder;              // absolute
    bool mapped = false;         // settings.json names the folder; else .fnstudio/buckets/<name>
    bool exists = false;         // the folder is there
    int objectCount = 0;         // every object, listed or not
    QList<BucketObject> objects; // the first MaxListedObjects by key
    QStringList functions;       // "Function (s3:ObjectCreated:*)" for each S3 event on the bucket
};

struct BucketsSnapshot
{
    bool available = false;        // the project's triggers run; else no buckets
    QList<BucketSnapshot> buckets; // by name
    QString endpointUrl;           // the S3 endpoint while serving; empty otherwise
};

} // namespace fn

Q_DECLARE_METATYPE(fn::BucketsSnapshot)
