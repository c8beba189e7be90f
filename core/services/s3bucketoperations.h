#pragma once
// The S3 endpoint's operations on the service and on buckets: ListBuckets, CreateBucket,
// HeadBucket, DeleteBucket, GetBucketLocation, ListObjects (v1 and v2) and DeleteObjects.

#include "services/s3changeobserver.h"

#include <QByteArray>

namespace fn {

class S3ObjectStore;
class S3Reply;
class S3Request;

class S3BucketOperations final
{
public:
    // Both must outlive the operations; the observer is read at each change, so it may be set later.
    S3BucketOperations(S3ObjectStore &store, const S3ChangeObserver &observer);

    void listBuckets(S3Reply &reply);
    void createBucket(const S3Request &req, S3Reply &reply);
    // False after answering InvalidBucketName or NoSuchBucket.
    bool requireBucket(const S3Request &req, S3Reply &reply);
    // `region`: the project's, where its buckets are.
    void headBucket(S3Reply &reply, const QString &region);
    void getBucketLocation(S3Reply &reply, const QString &region);
    void deleteBucket(const S3Request &req, S3Reply &reply);
    // ListObjects (v1) and ListObjectsV2: the same walk, told apart by list-type=2.
    void listObjects(const S3Request &req, S3Reply &reply);
    void deleteObjects(const S3Request &req, S3Reply &reply, const QByteArray &body);

private:
    S3ObjectStore &m_store;
    const S3ChangeObserver &m_observer;
};

} // namespace fn
