#pragma once
// The S3 endpoint's operations on single objects: GetObject and HeadObject (ranges, conditions,
// response-* overrides), PutObject (Content-MD5 checked, aws-chunked), CopyObject and DeleteObject,
// each telling the change observer what it is about to do.

#include "services/s3changeobserver.h"

namespace httplib {
class ContentReader;
}

namespace fn {

class S3ObjectStore;
class S3Reply;
class S3Request;

class S3ObjectOperations final
{
public:
    // Both must outlive the operations; the observer is read at each change, so it may be set later.
    S3ObjectOperations(S3ObjectStore &store, const S3ChangeObserver &observer);

    void getObject(const S3Request &req, S3Reply &reply); // and HEAD
    void putObject(const S3Request &req, S3Reply &reply, const httplib::ContentReader &reader);
    void copyObject(const S3Request &req, S3Reply &reply);
    void deleteObject(const S3Request &req, S3Reply &reply);

private:
    S3ObjectStore &m_store;
    const S3ChangeObserver &m_observer;
};

} // namespace fn
