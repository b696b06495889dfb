// The only place where AsyncURL touches libcurl's C API directly.
//
// libcurl's setopt/getinfo functions are variadic, which Swift cannot call.
// Each wrapper below fixes the type of the third argument so that Swift sees
// an ordinary typed function. They are `static inline`, so no separate C
// target is needed and nothing is exported from the package's binaries.
#ifndef ASYNCURL_CCURL_H
#define ASYNCURL_CCURL_H

#include <curl/curl.h>
#include <stdint.h>

// MARK: easy handle options

static inline CURLcode asyncurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode asyncurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode asyncurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode asyncurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode asyncurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode asyncurl_easy_setopt_share(CURL *handle, CURLSH *share) {
    return curl_easy_setopt(handle, CURLOPT_SHARE, share);
}

typedef size_t (*asyncurl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode asyncurl_easy_setopt_write_function(CURL *handle, asyncurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode asyncurl_easy_setopt_header_function(CURL *handle, asyncurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

typedef int (*asyncurl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userptr);

static inline CURLcode asyncurl_easy_setopt_debug_function(CURL *handle, asyncurl_debug_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
}

typedef curl_socket_t (*asyncurl_opensocket_callback)(void *clientp, curlsocktype purpose, struct curl_sockaddr *address);

static inline CURLcode asyncurl_easy_setopt_opensocket_function(CURL *handle, asyncurl_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

// MARK: easy handle information

static inline CURLcode asyncurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode asyncurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode asyncurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode asyncurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode asyncurl_easy_getinfo_slist(CURL *handle, CURLINFO info, struct curl_slist **value) {
    return curl_easy_getinfo(handle, info, value);
}

// MARK: multi handle options

typedef int (*asyncurl_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp);
typedef int (*asyncurl_timer_callback)(CURLM *multi, long timeout_ms, void *userp);

static inline CURLMcode asyncurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLMcode asyncurl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLMcode asyncurl_multi_setopt_socket_function(CURLM *multi, asyncurl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}

static inline CURLMcode asyncurl_multi_setopt_timer_function(CURLM *multi, asyncurl_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

// MARK: share handle options

static inline CURLSHcode asyncurl_share_setopt_long(CURLSH *share, CURLSHoption option, long value) {
    return curl_share_setopt(share, option, value);
}

// MARK: multi info messages

/// The result code of a CURLMSG_DONE message (a union member Swift cannot name).
static inline CURLcode asyncurl_message_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
