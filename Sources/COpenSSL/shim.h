#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
// Only OpenSSL 3's current API: the declarations deprecated in 3.0 or before (SHA256_Init, HMAC_CTX, ...) are hidden.
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
