// CSkiffTLS: the parts of OpenSSL 3.0 that Swift cannot call directly (macros, variadic
// calls, stacks of GENERAL_NAME, ex_data callbacks), wrapped as plain functions.
//
// Conventions: functions that can fail take `char *err, size_t err_len` and, on failure,
// write "what failed: <OpenSSL reason strings>" there (always NUL-terminated).
#ifndef CSKIFFTLS_H
#define CSKIFFTLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Moves this thread's OpenSSL error queue into `buf` as "reason; reason" (the reason
/// strings of ERR_error_string_n). Returns the length written; 0 when the queue was empty.
size_t skiff_tls_drain_errors(char *buf, size_t len);

// MARK: - Keys and certificates

/// A new EC P-256 key.
EVP_PKEY *skiff_tls_generate_key(char *err, size_t err_len);
/// Parses a PEM private key (PKCS#8, or traditional EC/RSA).
EVP_PKEY *skiff_tls_read_key_pem(const char *pem, size_t pem_len, char *err, size_t err_len);
/// Parses the first PEM certificate of `pem`.
X509 *skiff_tls_read_cert_pem(const char *pem, size_t pem_len, char *err, size_t err_len);
/// PEM (PKCS#8) text of `key`, malloc'd (free it with free()); NULL on failure.
char *skiff_tls_key_to_pem(EVP_PKEY *key, size_t *out_len, char *err, size_t err_len);
/// PEM text of `cert`, malloc'd (free it with free()); NULL on failure.
char *skiff_tls_cert_to_pem(X509 *cert, size_t *out_len, char *err, size_t err_len);

/// What to put in a certificate. Strings are NUL-terminated UTF-8.
typedef struct {
  const char *common_name;
  const char *const *organizations;
  size_t organization_count;
  const char *const *dns_names;
  size_t dns_name_count;
  const char *const *ip_addresses;  // textual IPv4 or IPv6
  size_t ip_address_count;
  const char *const *uris;
  size_t uri_count;
  int is_ca;        // basicConstraints CA:TRUE, keyUsage keyCertSign/cRLSign
  int server_auth;  // extendedKeyUsage serverAuth
  int client_auth;  // extendedKeyUsage clientAuth
  int valid_days;
  const unsigned char *serial;  // big-endian, positive
  size_t serial_len;
} skiff_tls_cert_spec;

/// Builds and signs (SHA-256) a certificate for `subject_key`. With `issuer` NULL the
/// certificate is self-signed and `signing_key` must be `subject_key`.
X509 *skiff_tls_make_cert(
  const skiff_tls_cert_spec *spec, EVP_PKEY *subject_key, X509 *issuer, EVP_PKEY *signing_key, char *err,
  size_t err_len);

// MARK: - Reading a certificate

/// How many subject attributes of type `nid` (NID_commonName, NID_organizationName) there are.
int skiff_tls_subject_count(X509 *cert, int nid);
/// The `index`th subject attribute of type `nid` as UTF-8 into `buf`; its length, or -1.
int skiff_tls_subject_get(X509 *cert, int nid, int index, char *buf, size_t len);
/// How many subjectAltName entries of `type` (GEN_DNS, GEN_IPADD, GEN_URI) there are.
int skiff_tls_san_count(X509 *cert, int type);
/// The `index`th subjectAltName entry of `type` as text into `buf` (IPs printed); its length, or -1.
int skiff_tls_san_get(X509 *cert, int type, int index, char *buf, size_t len);
/// The serial number as upper-case hex into `buf`; its length, or -1.
int skiff_tls_serial_hex(X509 *cert, char *buf, size_t len);
/// notBefore (`which` 0) or notAfter (1) as seconds since the epoch; 0 when unreadable.
long long skiff_tls_validity(X509 *cert, int which);

// MARK: - Contexts

/// A context for a server (`is_server` 1) or client: TLS 1.2 and 1.3 only, no renegotiation,
/// session id context set (so a server that verifies clients can resume sessions).
SSL_CTX *skiff_tls_ctx_new(int is_server, char *err, size_t err_len);
/// The leaf certificate and any intermediates from PEM text.
int skiff_tls_ctx_use_chain(SSL_CTX *ctx, const char *pem, size_t pem_len, char *err, size_t err_len);
/// The private key from PEM text, checked against the leaf certificate.
int skiff_tls_ctx_use_key(SSL_CTX *ctx, const char *pem, size_t pem_len, char *err, size_t err_len);
/// Trust roots from PEM text (at least one certificate). A server also announces them as
/// acceptable client CAs. `verify_mode` is passed to SSL_CTX_set_verify.
int skiff_tls_ctx_set_trust(
  SSL_CTX *ctx, const char *pem, size_t pem_len, int is_server, int verify_mode, char *err, size_t err_len);
/// Sets SSL_CTX_set_verify(ctx, mode, NULL).
void skiff_tls_ctx_set_verify_mode(SSL_CTX *ctx, int mode);
/// ALPN in wire format (length-prefixed names). A client offers them; a server selects the
/// first of its own that the client offered, and continues without ALPN when none match.
int skiff_tls_ctx_set_alpn(
  SSL_CTX *ctx, const unsigned char *wire, size_t wire_len, int is_server, char *err, size_t err_len);

// MARK: - Connections over memory BIOs

/// A connection reading ciphertext from one memory BIO and writing it to another. A client
/// with `peer_name` sends it as SNI (unless it is an IP address) and, when `verify_name`,
/// checks the server certificate against it (DNS or IP SAN).
SSL *skiff_tls_ssl_new(SSL_CTX *ctx, int is_server, const char *peer_name, int verify_name, char *err, size_t err_len);
/// Appends received ciphertext for OpenSSL to read. Returns 1, or 0 when out of memory.
int skiff_tls_feed(SSL *ssl, const void *bytes, size_t len);
/// How many ciphertext bytes OpenSSL has produced and not yet taken.
size_t skiff_tls_pending_output(SSL *ssl);
/// Takes up to `len` produced ciphertext bytes; how many.
int skiff_tls_take_output(SSL *ssl, void *buf, size_t len);
/// The negotiated ALPN protocol into `buf`; its length, 0 when none.
size_t skiff_tls_alpn_selected(const SSL *ssl, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
