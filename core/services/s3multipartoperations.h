#pragma once
// The S3 endpoint's multipart uploads of an object (what the AWS CLI and SDKs use above 8 MB):
// CreateMultipartUpload, UploadPart, CompleteMultipartUpload and AbortMultipartUpload.

#include "services/s3changeobserver.h"

namespace httplib {
class ContentReader;
}

namespace fn {

class S3ObjectStore;
class S3Reply;
class S3Request;

class S3MultipartOperations final
{
public:
    // Both must outlive the operations; the observer is read at each change, so it may be set later.
    S3MultipartOperations(S3ObjectStore &store, const S3ChangeObserver &observer);

    void createMultipartUpload(const S3Request &req, S3Reply &reply);
    void uploadPart(const S3Request &req, S3Reply &reply, const httplib::ContentReader &reader);
    void completeMultipartUpload(const S3Request &req, S3Reply &reply, const httplib::ContentReader &reader);
    void abortMultipartUpload(const S3Request &req, S3Reply &reply);

private:
    S3ObjectStore &m_store;
    const S3ChangeObserver &m_observer;
};

} // namespace fn
