// Serving what is not JSON, and caching what is public. A backend method whose response type
// is huiyin.common.v1.HttpBody (an HTML page, an Atom feed, a CSV or Excel file) is written to
// the client as it is; its etag, last-modified, cache-control and file name become headers.
// Conditional GETs (If-None-Match, If-Modified-Since) are answered 304 here, for HttpBody and
// for the JSON of public routes alike, so a government website embedding our pages and a
// crawler polling the open data cost a round trip and no body.
//
//   if (IsHttpBody(*method->output_type())) { ... HttpBodyHeaders(body) ... }
//   if (NotModified(req_if_none_match, req_if_modified_since, etag, last_modified)) → 304
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "huiyin/common/v1/http_body.pb.h"

namespace huiyin::gateway {

bool IsHttpBody(const google::protobuf::Descriptor& type);

// The headers an HttpBody asks for, in order; Content-Type is not among them.
// `default_cache_control` applies when the body names none.
std::vector<std::pair<std::string, std::string>> HttpBodyHeaders(
    const common::v1::HttpBody& body, const std::string& default_cache_control);

// IMF-fixdate, as HTTP wants: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(absl::Time time);

// `Content-Disposition: attachment` for a file name that may be Chinese (RFC 6266 / 5987):
// an ASCII fallback plus filename*=UTF-8''… percent-encoded.
std::string AttachmentDisposition(const std::string& filename);

// A strong validator for a body that carries none of its own: the same bytes give the same tag
// on every gateway replica (FNV-1a 64, not std::hash, which may differ between builds).
std::string BodyEtag(const std::string& body);

// True when the client's copy is current: If-None-Match (a list, "*", W/ ignored as RFC 9110's
// weak comparison allows for GET) matches `etag`, or — only when If-None-Match is absent —
// If-Modified-Since is at or after `last_modified` (whole seconds, as HTTP dates are).
bool NotModified(const std::string& if_none_match, const std::string& if_modified_since,
                 const std::string& etag, absl::Time last_modified);

}  // namespace huiyin::gateway
