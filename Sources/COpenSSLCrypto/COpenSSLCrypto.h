// Umbrella header for the system library imported as `COpenSSLCrypto`:
// OpenSSL's message digests (libcrypto), for WARC record digests.
#include <openssl/evp.h>
