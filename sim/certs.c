/* certs.c - per-cluster CA, server and client certificates (OpenSSL 3).
 *
 * EC P-256 keys: fast to generate at every start, accepted by GnuTLS,
 * libcurl and kubectl. Certificates are valid for ten years from an hour ago
 * (clock skew between the test and the simulator does not matter here).
 */
#include "sim/core.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/xalloc.h"

void sim_random_hex(char *buf, size_t nbytes)
{
	unsigned char raw[64];
	size_t i;

	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	if (getrandom(raw, nbytes, 0) != (ssize_t)nbytes)
		RAND_bytes(raw, (int)nbytes);
	for (i = 0; i < nbytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", raw[i]);
	buf[2 * nbytes] = '\0';
}

void sim_uuid(char buf[37])
{
	unsigned char r[16];
	size_t i, o = 0;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		RAND_bytes(r, sizeof r);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		snprintf(buf + o, 3, "%02x", r[i]);
		o += 2;
	}
	buf[36] = '\0';
}

static int ssl_fail(struct kerr *err, const char *what)
{
	return kerr_set(err, KERR_FAIL, "certificate generation failed: %s", what);
}

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static char *pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)) {
		n = BIO_get_mem_data(b, &data);
		out = xstrndup(data, (size_t)n);
	}
	BIO_free(b);
	return out;
}

static char *pem_of_cert(X509 *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (PEM_write_bio_X509(b, c)) {
		n = BIO_get_mem_data(b, &data);
		out = xstrndup(data, (size_t)n);
	}
	BIO_free(b);
	return out;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ex)
		return -1;
	X509_add_ext(cert, ex, -1);
	X509_EXTENSION_free(ex);
	return 0;
}

static X509 *new_cert(EVP_PKEY *key, const char *cn, const char *org)
{
	X509 *c = X509_new();
	X509_NAME *n;
	unsigned char serial[16];
	BIGNUM *bn;

	X509_set_version(c, 2);
	RAND_bytes(serial, sizeof serial);
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 10L * 365 * 24 * 3600);
	X509_set_pubkey(c, key);
	n = X509_get_subject_name(c);
	if (org && *org) {
		/* several organisations: "system:masters,other" */
		char *dup = xstrdup(org), *save = NULL, *p;
		for (p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save))
			X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)p, -1, -1, 0);
		free(dup);
	}
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	return c;
}

int sim_certs_make_ca(const char *cn, char **cert_pem, char **key_pem, struct kerr *err)
{
	EVP_PKEY *key = new_key();
	X509 *c;
	int rc = -1;

	*cert_pem = *key_pem = NULL;
	if (!key)
		return ssl_fail(err, "EC key");
	c = new_cert(key, cn, NULL);
	X509_set_issuer_name(c, X509_get_subject_name(c));
	if (add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE") ||
	    add_ext(c, c, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign") ||
	    add_ext(c, c, NID_subject_key_identifier, "hash") ||
	    !X509_sign(c, key, EVP_sha256())) {
		ssl_fail(err, "CA certificate");
		goto out;
	}
	*cert_pem = pem_of_cert(c);
	*key_pem = pem_of_key(key);
	rc = *cert_pem && *key_pem ? 0 : ssl_fail(err, "PEM encoding");
out:
	X509_free(c);
	EVP_PKEY_free(key);
	return rc;
}

int sim_certs_make_leaf(const char *ca_cert_pem, const char *ca_key_pem, const char *cn,
			const char *org, const char *san_ip, int server,
			char **cert_pem, char **key_pem, struct kerr *err)
{
	BIO *b1 = BIO_new_mem_buf(ca_cert_pem, -1), *b2 = BIO_new_mem_buf(ca_key_pem, -1);
	X509 *ca = PEM_read_bio_X509(b1, NULL, NULL, NULL), *c = NULL;
	EVP_PKEY *cakey = PEM_read_bio_PrivateKey(b2, NULL, NULL, NULL), *key = NULL;
	int rc = -1;
	char san[512];

	*cert_pem = *key_pem = NULL;
	BIO_free(b1);
	BIO_free(b2);
	if (!ca || !cakey) {
		ssl_fail(err, "cannot read the CA");
		goto out;
	}
	key = new_key();
	c = new_cert(key, cn, org);
	X509_set_issuer_name(c, X509_get_subject_name(ca));
	if (server)
		snprintf(san, sizeof san, "IP:%s,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
			 "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local", san_ip);
	if (add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(c, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
	    add_ext(c, ca, NID_ext_key_usage, server ? "serverAuth" : "clientAuth") ||
	    add_ext(c, ca, NID_authority_key_identifier, "keyid:always") ||
	    (server && add_ext(c, ca, NID_subject_alt_name, san)) ||
	    !X509_sign(c, cakey, EVP_sha256())) {
		ssl_fail(err, "leaf certificate");
		goto out;
	}
	*cert_pem = pem_of_cert(c);
	*key_pem = pem_of_key(key);
	rc = *cert_pem && *key_pem ? 0 : ssl_fail(err, "PEM encoding");
out:
	X509_free(ca);
	X509_free(c);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	return rc;
}
