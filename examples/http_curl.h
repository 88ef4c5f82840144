/* http_curl - the same blocking request as http_posix.h, through libcurl,
   for https:// (and http://) URLs. Built only when libcurl is installed
   (make defines LLMG_HAVE_CURL and links -lcurl); see http_posix.h for the
   arguments, the callbacks and the results. */
#ifndef HTTP_CURL_H
#define HTTP_CURL_H

#include "http_posix.h"

#ifdef __cplusplus
extern "C" {
#endif

http_result http_curl_request(const char *method, const char *url,
                              const llmg_header *headers, size_t header_count,
                              const char *body, size_t body_len, int timeout_ms,
                              volatile int *cancel, const http_callbacks *cb,
                              char *err, size_t err_cap);

#ifdef __cplusplus
}
#endif

#endif /* HTTP_CURL_H */
