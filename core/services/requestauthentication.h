#pragma once
// Who sent a request to a local service: its Signature Version 4 checked against the keys the
// functions were given (access/sigv4.h, access/accesskeys.h), and the principal it stands for.
// Each service answers a rejection in its own words (S3's XML codes, Lambda's exceptions).

#include "access/accesskeys.h"
#include "access/authorizer.h"
#include "access/sigv4.h"

#include <string>

namespace httplib {
struct Request;
}

namespace fn {

struct RequestAuthentication
{
    SigV4::Result signature;
    Principal principal; // the developer unless a function's key verified

    bool accepted() const { return signature.accepted(); }

    // `bodyHashHex`: the SHA-256 of the body for services that sign it (not S3).
    static RequestAuthentication of(const httplib::Request &req, SigV4::Service service, const AccessKeys &keys,
                                    const std::string &bodyHashHex = {});
};

// S3's and Lambda's AccessDenied message for a call the role does not allow:
// "User: arn:aws:sts::...:assumed-role/ROLE/FUNCTION is not authorized to perform: s3:PutObject on
// resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:PutObject action".
QString accessDeniedMessage(const Authorizer &authorizer, const Authorizer::Call &call, bool quoteResource);

} // namespace fn
