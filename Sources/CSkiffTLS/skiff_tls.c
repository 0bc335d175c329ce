#define _DEFAULT_SOURCE
#include "CSkiffTLS.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

size_t skiff_tls_drain_errors(char *buf, size_t len) {
  size_t used = 0;
  if (len > 0) buf[0] = '\0';
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    if (len == 0 || used + 1 >= len) continue;  // keep draining the queue
    char one[256];
    const char *reason = ERR_reason_error_string(code);
    const char *lib = ERR_lib_error_string(code);
    if (reason != NULL) {
      snprintf(one, sizeof one, "%s%s%s", reason, lib ? " in " : "", lib ? lib : "");
    } else {
      ERR_error_string_n(code, one, sizeof one);
    }
    int n = snprintf(buf + used, len - used, "%s%s", used > 0 ? "; " : "", one);
    if (n < 0) break;
    used += (size_t)n < len - used ? (size_t)n : len - used - 1;
  }
  return used;
}

/// Writes "<what>: <OpenSSL errors>" (or just <what>) into err, and returns 0.
static int fail(char *err, size_t err_len, const char *format, ...) {
  if (err == NULL || err_len == 0) {
    ERR_clear_error();
    return 0;
  }
  va_list args;
  va_start(args, format);
  int n = vsnprintf(err, err_len, format, args);
  va_end(args);
  if (n < 0) n = 0;
  size_t used = (size_t)n < err_len ? (size_t)n : err_len - 1;
  if (used + 3 < err_len && ERR_peek_error() != 0) {
    memcpy(err + used, ": ", 3);
    used += 2;
    skiff_tls_drain_errors(err + used, err_len - used);
  }
  ERR_clear_error();
  return 0;
}

// MARK: - Keys and certificates

EVP_PKEY *skiff_tls_generate_key(char *err, size_t err_len) {
  EVP_PKEY *key = EVP_EC_gen("P-256");
  if (key == NULL) fail(err, err_len, "generate an EC P-256 key");
  return key;
}

EVP_PKEY *skiff_tls_read_key_pem(const char *pem, size_t pem_len, char *err, size_t err_len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO"), NULL;
  EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  BIO_free(bio);
  if (key == NULL) fail(err, err_len, "parse the PEM private key");
  return key;
}

X509 *skiff_tls_read_cert_pem(const char *pem, size_t pem_len, char *err, size_t err_len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO"), NULL;
  X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  BIO_free(bio);
  if (cert == NULL) fail(err, err_len, "parse the PEM certificate");
  return cert;
}

/// The contents of a memory BIO as a malloc'd, NUL-terminated string.
static char *bio_to_string(BIO *bio, size_t *out_len) {
  char *data = NULL;
  long n = BIO_get_mem_data(bio, &data);
  if (n < 0) return NULL;
  char *copy = malloc((size_t)n + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, data, (size_t)n);
  copy[n] = '\0';
  *out_len = (size_t)n;
  return copy;
}

char *skiff_tls_key_to_pem(EVP_PKEY *key, size_t *out_len, char *err, size_t err_len) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO"), NULL;
  char *out = NULL;
  if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1) {
    fail(err, err_len, "write the private key as PEM");
  } else if ((out = bio_to_string(bio, out_len)) == NULL) {
    fail(err, err_len, "copy the PEM private key");
  }
  BIO_free(bio);
  return out;
}

char *skiff_tls_cert_to_pem(X509 *cert, size_t *out_len, char *err, size_t err_len) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO"), NULL;
  char *out = NULL;
  if (PEM_write_bio_X509(bio, cert) != 1) {
    fail(err, err_len, "write the certificate as PEM");
  } else if ((out = bio_to_string(bio, out_len)) == NULL) {
    fail(err, err_len, "copy the PEM certificate");
  }
  BIO_free(bio);
  return out;
}

static int add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value, char *err, size_t err_len) {
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
  if (ext == NULL) return fail(err, err_len, "build the %s extension (%s)", OBJ_nid2sn(nid), value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return fail(err, err_len, "add the %s extension", OBJ_nid2sn(nid));
  return 1;
}

/// Appends one subjectAltName entry; IA5 text for DNS and URI, 4 or 16 octets for IP.
static int push_name(GENERAL_NAMES *names, int type, const char *value, char *err, size_t err_len) {
  GENERAL_NAME *name = GENERAL_NAME_new();
  if (name == NULL) return fail(err, err_len, "allocate a subjectAltName entry");
  if (type == GEN_IPADD) {
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(value);
    if (ip == NULL) {
      GENERAL_NAME_free(name);
      ERR_clear_error();
      return fail(err, err_len, "\"%s\" is not an IPv4 or IPv6 address", value);
    }
    GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
  } else {
    ASN1_IA5STRING *text = ASN1_IA5STRING_new();
    if (text == NULL || ASN1_STRING_set(text, value, (int)strlen(value)) != 1) {
      ASN1_IA5STRING_free(text);
      GENERAL_NAME_free(name);
      return fail(err, err_len, "store the subjectAltName \"%s\"", value);
    }
    GENERAL_NAME_set0_value(name, type, text);
  }
  if (sk_GENERAL_NAME_push(names, name) <= 0) {
    GENERAL_NAME_free(name);
    return fail(err, err_len, "add the subjectAltName \"%s\"", value);
  }
  return 1;
}

static int add_sans(X509 *cert, const skiff_tls_cert_spec *spec, char *err, size_t err_len) {
  if (spec->dns_name_count + spec->ip_address_count + spec->uri_count == 0) return 1;
  GENERAL_NAMES *names = GENERAL_NAMES_new();
  if (names == NULL) return fail(err, err_len, "allocate the subjectAltName list");
  int ok = 1;
  for (size_t i = 0; ok && i < spec->dns_name_count; i++) ok = push_name(names, GEN_DNS, spec->dns_names[i], err, err_len);
  for (size_t i = 0; ok && i < spec->ip_address_count; i++)
    ok = push_name(names, GEN_IPADD, spec->ip_addresses[i], err, err_len);
  for (size_t i = 0; ok && i < spec->uri_count; i++) ok = push_name(names, GEN_URI, spec->uris[i], err, err_len);
  // Critical when the subject is empty (RFC 5280 4.2.1.6); Go only needs it to be present.
  int critical = spec->common_name == NULL && spec->organization_count == 0;
  if (ok && X509_add1_ext_i2d(cert, NID_subject_alt_name, names, critical, X509V3_ADD_REPLACE) != 1) {
    ok = fail(err, err_len, "add the subjectAltName extension");
  }
  GENERAL_NAMES_free(names);
  return ok;
}

X509 *skiff_tls_make_cert(
  const skiff_tls_cert_spec *spec, EVP_PKEY *subject_key, X509 *issuer, EVP_PKEY *signing_key, char *err,
  size_t err_len) {
  X509 *cert = X509_new();
  if (cert == NULL) return fail(err, err_len, "allocate a certificate"), NULL;
  BIGNUM *serial = NULL;
  X509_NAME *name = NULL;
  int ok = 0;

  if (X509_set_version(cert, X509_VERSION_3) != 1) {
    fail(err, err_len, "set the certificate version");
    goto done;
  }
  serial = BN_bin2bn(spec->serial, (int)spec->serial_len, NULL);
  if (serial == NULL || BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) == NULL) {
    fail(err, err_len, "set the serial number");
    goto done;
  }
  // An hour of slack for clocks that are a little behind.
  if (X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == NULL ||
      X509_time_adj_ex(X509_getm_notAfter(cert), spec->valid_days, 0, NULL) == NULL) {
    fail(err, err_len, "set the validity period (%d days)", spec->valid_days);
    goto done;
  }
  name = X509_NAME_new();
  if (name == NULL) {
    fail(err, err_len, "allocate the subject name");
    goto done;
  }
  for (size_t i = 0; i < spec->organization_count; i++) {
    if (X509_NAME_add_entry_by_NID(
          name, NID_organizationName, MBSTRING_UTF8, (const unsigned char *)spec->organizations[i], -1, -1, 0) != 1) {
      fail(err, err_len, "add organization \"%s\" to the subject", spec->organizations[i]);
      goto done;
    }
  }
  if (spec->common_name != NULL &&
      X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8, (const unsigned char *)spec->common_name, -1, -1,
                                 0) != 1) {
    fail(err, err_len, "set common name \"%s\"", spec->common_name);
    goto done;
  }
  if (X509_set_subject_name(cert, name) != 1 ||
      X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name) != 1) {
    fail(err, err_len, "set the subject and issuer names");
    goto done;
  }
  if (X509_set_pubkey(cert, subject_key) != 1) {
    fail(err, err_len, "set the public key");
    goto done;
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
  if (spec->is_ca) {
    if (!add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE", err, err_len)) goto done;
    if (!add_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign", err, err_len)) goto done;
  } else {
    if (!add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE", err, err_len)) goto done;
    const char *usage = EVP_PKEY_get_base_id(subject_key) == EVP_PKEY_RSA ? "critical,digitalSignature,keyEncipherment"
                                                                          : "critical,digitalSignature";
    if (!add_ext(cert, &ctx, NID_key_usage, usage, err, err_len)) goto done;
  }
  if (!add_ext(cert, &ctx, NID_subject_key_identifier, "hash", err, err_len)) goto done;
  if (issuer != NULL && !add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always", err, err_len)) goto done;
  if (spec->server_auth || spec->client_auth) {
    const char *eku = spec->server_auth && spec->client_auth ? "serverAuth,clientAuth"
                      : spec->server_auth                    ? "serverAuth"
                                                             : "clientAuth";
    if (!add_ext(cert, &ctx, NID_ext_key_usage, eku, err, err_len)) goto done;
  }
  if (!add_sans(cert, spec, err, err_len)) goto done;

  if (X509_sign(cert, signing_key, EVP_sha256()) <= 0) {
    fail(err, err_len, "sign the certificate");
    goto done;
  }
  ok = 1;

done:
  BN_free(serial);
  X509_NAME_free(name);
  if (!ok) {
    X509_free(cert);
    return NULL;
  }
  return cert;
}

// MARK: - Reading a certificate

int skiff_tls_subject_count(X509 *cert, int nid) {
  X509_NAME *name = X509_get_subject_name(cert);
  int count = 0;
  for (int i = -1; (i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0;) count++;
  return count;
}

static int copy_out(const unsigned char *bytes, int n, char *buf, size_t len) {
  if (n < 0 || len == 0) return -1;
  size_t copy = (size_t)n < len - 1 ? (size_t)n : len - 1;
  memcpy(buf, bytes, copy);
  buf[copy] = '\0';
  return (int)copy;
}

int skiff_tls_subject_get(X509 *cert, int nid, int index, char *buf, size_t len) {
  X509_NAME *name = X509_get_subject_name(cert);
  int position = -1;
  for (int seen = 0; (position = X509_NAME_get_index_by_NID(name, nid, position)) >= 0; seen++) {
    if (seen == index) break;
  }
  if (position < 0) return -1;
  ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, position));
  unsigned char *utf8 = NULL;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return -1;
  int result = copy_out(utf8, n, buf, len);
  OPENSSL_free(utf8);
  return result;
}

int skiff_tls_san_count(X509 *cert, int type) {
  GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
  if (names == NULL) return 0;
  int count = 0;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
    if (sk_GENERAL_NAME_value(names, i)->type == type) count++;
  }
  GENERAL_NAMES_free(names);
  return count;
}

int skiff_tls_san_get(X509 *cert, int type, int index, char *buf, size_t len) {
  GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
  if (names == NULL) return -1;
  int result = -1;
  for (int i = 0, seen = 0; i < sk_GENERAL_NAME_num(names); i++) {
    GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
    if (name->type != type || seen++ != index) continue;
    if (type == GEN_IPADD) {
      const ASN1_OCTET_STRING *ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN];
      int family = ip->length == 4 ? AF_INET : ip->length == 16 ? AF_INET6 : -1;
      if (family > 0 && inet_ntop(family, ip->data, text, sizeof text) != NULL) {
        result = copy_out((const unsigned char *)text, (int)strlen(text), buf, len);
      }
    } else {
      const ASN1_IA5STRING *text = name->d.ia5;
      result = copy_out(ASN1_STRING_get0_data(text), ASN1_STRING_length(text), buf, len);
    }
    break;
  }
  GENERAL_NAMES_free(names);
  return result;
}

int skiff_tls_serial_hex(X509 *cert, char *buf, size_t len) {
  BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
  if (bn == NULL) return -1;
  char *hex = BN_bn2hex(bn);
  BN_free(bn);
  if (hex == NULL) return -1;
  int result = copy_out((const unsigned char *)hex, (int)strlen(hex), buf, len);
  OPENSSL_free(hex);
  return result;
}

long long skiff_tls_validity(X509 *cert, int which) {
  const ASN1_TIME *time = which == 0 ? X509_get0_notBefore(cert) : X509_get0_notAfter(cert);
  struct tm tm;
  if (time == NULL || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return (long long)timegm(&tm);
}

// MARK: - Contexts

/// ex_data slot of a server context holding its ALPN list (wire format, malloc'd).
static int alpn_index = -1;
static pthread_once_t alpn_index_once = PTHREAD_ONCE_INIT;

static void free_alpn(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
  (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
  free(ptr);
}

static void make_alpn_index(void) {
  alpn_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_alpn);
}

SSL_CTX *skiff_tls_ctx_new(int is_server, char *err, size_t err_len) {
  SSL_CTX *ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
  if (ctx == NULL) return fail(err, err_len, "create the TLS context"), NULL;
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    SSL_CTX_free(ctx);
    return fail(err, err_len, "limit the TLS context to TLS 1.2 and 1.3"), NULL;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (is_server) {
    static const unsigned char sid[] = "skiff";
    if (SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1) != 1) {
      SSL_CTX_free(ctx);
      return fail(err, err_len, "set the session id context"), NULL;
    }
  }
  return ctx;
}

int skiff_tls_ctx_use_chain(SSL_CTX *ctx, const char *pem, size_t pem_len, char *err, size_t err_len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO");
  X509 *leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
  if (leaf == NULL) {
    BIO_free(bio);
    return fail(err, err_len, "parse the certificate chain PEM (no certificate found)");
  }
  int ok = SSL_CTX_use_certificate(ctx, leaf) == 1;
  X509_free(leaf);
  if (!ok) {
    BIO_free(bio);
    return fail(err, err_len, "use the leaf certificate");
  }
  SSL_CTX_clear_chain_certs(ctx);
  X509 *extra;
  while ((extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      BIO_free(bio);
      return fail(err, err_len, "add an intermediate certificate to the chain");
    }
  }
  BIO_free(bio);
  ERR_clear_error();  // the read that ended the loop: no more certificates
  return 1;
}

int skiff_tls_ctx_use_key(SSL_CTX *ctx, const char *pem, size_t pem_len, char *err, size_t err_len) {
  EVP_PKEY *key = skiff_tls_read_key_pem(pem, pem_len, err, err_len);
  if (key == NULL) return 0;
  X509 *leaf = SSL_CTX_get0_certificate(ctx);
  if (leaf != NULL && X509_check_private_key(leaf, key) != 1) {
    EVP_PKEY_free(key);
    ERR_clear_error();
    return fail(err, err_len, "the private key does not match the certificate");
  }
  int ok = SSL_CTX_use_PrivateKey(ctx, key) == 1;
  EVP_PKEY_free(key);
  if (!ok) return fail(err, err_len, "use the private key");
  if (SSL_CTX_check_private_key(ctx) != 1) return fail(err, err_len, "the private key does not match the certificate");
  return 1;
}

int skiff_tls_ctx_set_trust(
  SSL_CTX *ctx, const char *pem, size_t pem_len, int is_server, int verify_mode, char *err, size_t err_len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
  if (bio == NULL) return fail(err, err_len, "allocate a memory BIO");
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  int count = 0;
  X509 *cert;
  while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    int ok = X509_STORE_add_cert(store, cert) == 1 && (!is_server || SSL_CTX_add_client_CA(ctx, cert) == 1);
    X509_free(cert);
    if (!ok) {
      BIO_free(bio);
      return fail(err, err_len, "add trusted CA certificate #%d", count + 1);
    }
    count++;
  }
  BIO_free(bio);
  ERR_clear_error();
  if (count == 0) return fail(err, err_len, "the trusted CA PEM holds no certificate");
  SSL_CTX_set_verify(ctx, verify_mode, NULL);
  return 1;
}

void skiff_tls_ctx_set_verify_mode(SSL_CTX *ctx, int mode) {
  SSL_CTX_set_verify(ctx, mode, NULL);
}

static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *out_len, const unsigned char *in,
                       unsigned int in_len, void *arg) {
  (void)arg;
  const unsigned char *ours = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), alpn_index);
  if (ours == NULL) return SSL_TLSEXT_ERR_NOACK;
  // Our preference order: the first of ours that the client offered.
  size_t ours_len = ours[0] | ((size_t)ours[1] << 8);
  const unsigned char *list = ours + 2;
  for (size_t i = 0; i < ours_len;) {
    unsigned char n = list[i];
    for (unsigned int j = 0; j < in_len;) {
      unsigned char m = in[j];
      if (j + 1 + m > in_len) break;
      if (m == n && memcmp(in + j + 1, list + i + 1, n) == 0) {
        *out = in + j + 1;
        *out_len = m;
        return SSL_TLSEXT_ERR_OK;
      }
      j += 1 + m;
    }
    i += 1 + n;
  }
  // No common protocol: go on without ALPN (as Go's and nginx's servers do for HTTP/1.1).
  return SSL_TLSEXT_ERR_NOACK;
}

int skiff_tls_ctx_set_alpn(
  SSL_CTX *ctx, const unsigned char *wire, size_t wire_len, int is_server, char *err, size_t err_len) {
  if (wire_len == 0 || wire_len > 0xffff) return fail(err, err_len, "ALPN list must be 1 to 65535 bytes in wire format");
  if (!is_server) {
    // SSL_CTX_set_alpn_protos returns 0 on success.
    if (SSL_CTX_set_alpn_protos(ctx, wire, (unsigned int)wire_len) != 0) return fail(err, err_len, "set the ALPN list");
    return 1;
  }
  pthread_once(&alpn_index_once, make_alpn_index);
  if (alpn_index < 0) return fail(err, err_len, "allocate an ex_data index for ALPN");
  unsigned char *copy = malloc(wire_len + 2);
  if (copy == NULL) return fail(err, err_len, "allocate the ALPN list");
  copy[0] = (unsigned char)(wire_len & 0xff);
  copy[1] = (unsigned char)(wire_len >> 8);
  memcpy(copy + 2, wire, wire_len);
  free(SSL_CTX_get_ex_data(ctx, alpn_index));
  if (SSL_CTX_set_ex_data(ctx, alpn_index, copy) != 1) {
    free(copy);
    return fail(err, err_len, "store the ALPN list");
  }
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
  return 1;
}

// MARK: - Connections

SSL *skiff_tls_ssl_new(SSL_CTX *ctx, int is_server, const char *peer_name, int verify_name, char *err, size_t err_len) {
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL) return fail(err, err_len, "create a TLS connection"), NULL;
  BIO *rbio = BIO_new(BIO_s_mem());
  BIO *wbio = BIO_new(BIO_s_mem());
  if (rbio == NULL || wbio == NULL) {
    BIO_free(rbio);
    BIO_free(wbio);
    SSL_free(ssl);
    return fail(err, err_len, "allocate the connection's memory BIOs"), NULL;
  }
  // An empty read BIO means "wait for more", not end of file.
  BIO_set_mem_eof_return(rbio, -1);
  SSL_set_bio(ssl, rbio, wbio);
  if (is_server) {
    SSL_set_accept_state(ssl);
    return ssl;
  }
  SSL_set_connect_state(ssl);
  if (peer_name != NULL && peer_name[0] != '\0') {
    unsigned char ip[16];
    int is_ip = inet_pton(AF_INET, peer_name, ip) == 1 || inet_pton(AF_INET6, peer_name, ip) == 1;
    if (!is_ip && SSL_set_tlsext_host_name(ssl, peer_name) != 1) {
      SSL_free(ssl);
      return fail(err, err_len, "set the server name (SNI) \"%s\"", peer_name), NULL;
    }
    if (verify_name) {
      X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
      int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, peer_name) : X509_VERIFY_PARAM_set1_host(param, peer_name, 0);
      if (ok != 1) {
        SSL_free(ssl);
        return fail(err, err_len, "set \"%s\" as the name to verify", peer_name), NULL;
      }
    }
  }
  return ssl;
}

int skiff_tls_feed(SSL *ssl, const void *bytes, size_t len) {
  BIO *rbio = SSL_get_rbio(ssl);
  while (len > 0) {
    int chunk = len > INT32_MAX ? INT32_MAX : (int)len;
    int n = BIO_write(rbio, bytes, chunk);
    if (n <= 0) return 0;
    bytes = (const unsigned char *)bytes + n;
    len -= (size_t)n;
  }
  return 1;
}

size_t skiff_tls_pending_output(SSL *ssl) {
  return BIO_ctrl_pending(SSL_get_wbio(ssl));
}

int skiff_tls_take_output(SSL *ssl, void *buf, size_t len) {
  int n = BIO_read(SSL_get_wbio(ssl), buf, len > INT32_MAX ? INT32_MAX : (int)len);
  return n < 0 ? 0 : n;
}

size_t skiff_tls_alpn_selected(const SSL *ssl, char *buf, size_t len) {
  const unsigned char *data = NULL;
  unsigned int n = 0;
  SSL_get0_alpn_selected(ssl, &data, &n);
  if (data == NULL || n == 0 || len == 0) return 0;
  size_t copy = n < len - 1 ? n : len - 1;
  memcpy(buf, data, copy);
  buf[copy] = '\0';
  return copy;
}
