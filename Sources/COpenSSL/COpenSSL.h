// Umbrella header for the system library imported as `COpenSSL`: OpenSSL's
// TLS (libssl), for `rediss://` connections of the Redis frontier.
//
// A few of OpenSSL's calls are macros, which Swift cannot import; the inline
// functions below call them and nothing else.
#ifndef ASYNCURL_COPENSSL_H
#define ASYNCURL_COPENSSL_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/// SSL_set_tlsext_host_name: the server name sent in the handshake (SNI).
static inline int asyncurl_ssl_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// SSL_set_mode with partial writes and a moving write buffer, for a non-blocking pump.
static inline void asyncurl_ssl_set_pump_modes(SSL *ssl) {
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/// SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION).
static inline int asyncurl_ssl_ctx_require_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

#endif
