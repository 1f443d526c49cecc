/*
 * tls.c: the server's side of TLS, over OpenSSL: one context made from
 * the certificate and key (again on SIGHUP, the old kept if the new fail),
 * and the calls a TLS peer drives its session with, each turned into
 * "done", "wait for the socket", "closed" or "failed, because".
 *
 * TLS 1.2 and 1.3 with OpenSSL's default ciphers. Every client is asked
 * for a certificate and none is required or trusted for its issuer: one
 * only proves a key, which --nick-owners may know. Sessions keep no
 * buffers while idle (SSL_MODE_RELEASE_BUFFERS) and are not resumed.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "defaults.h"
#include "log.h"
#include "pin.h"
#include "tls.h"

static SSL_CTX		*ctx;
static const char	*cert_file, *key_file;

/* OpenSSL's reason for the last error, or FALLBACK. */
static const char *
ossl_reason(const char *fallback)
{
	const char	*r;
	unsigned long	 e;

	if ((e = ERR_peek_last_error()) == 0 ||
	    (r = ERR_reason_error_string(e)) == NULL)
		return fallback;
	return r;
}

/* The pin of X's key: the SHA-256 of its SubjectPublicKeyInfo. */
static int
cert_pin(X509 *x, unsigned char d[PIN_BYTES])
{
	unsigned char	*der = NULL;
	unsigned int	 dlen = 0;
	int		 len, rc;

	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return -1;
	rc = EVP_Digest(der, (size_t)len, d, &dlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return rc == 1 && dlen == PIN_BYTES ? 0 : -1;
}

/* Every client certificate passes: it proves a key, not who issued it. */
static int
any_client_cert(int ok, X509_STORE_CTX *store)
{
	return 1;
}

/* Whether PATH opens for reading; else *WHY is the system's reason. */
static int
readable(const char *path, const char **why)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		*why = strerror(errno);
		return 0;
	}
	fclose(f);
	return 1;
}

/*
 * A context from CERT and KEY, or NULL with *FILE the file to blame and
 * WHY (SIZE bytes) the reason, in English (the log's language).
 */
static SSL_CTX *
load(const char *cert, const char *key, const char **file, char *why,
    size_t size)
{
	SSL_CTX		*c;
	const char	*sys;

	ERR_clear_error();
	if ((c = SSL_CTX_new(TLS_server_method())) == NULL) {
		*file = cert;
		snprintf(why, size, "cannot make a TLS context (%s)",
		    ossl_reason("out of memory"));
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1)
		fatalx("tls: cannot require TLS 1.2");
	SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	    | SSL_OP_IGNORE_UNEXPECTED_EOF
#endif
	    );
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(c, 0);
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER, any_client_cert);

	*file = cert;
	if (!readable(cert, &sys)) {
		snprintf(why, size, "%s", sys);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(c, cert) != 1) {
		snprintf(why, size, "not a PEM certificate (%s)",
		    ossl_reason("unreadable"));
		goto fail;
	}
	*file = key;
	if (!readable(key, &sys)) {
		snprintf(why, size, "%s", sys);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1) {
		/* OpenSSL checks the pair as it takes the key. */
		if (ERR_GET_REASON(ERR_peek_last_error()) ==
		    X509_R_KEY_VALUES_MISMATCH)
			snprintf(why, size, "not the key of %s", cert);
		else
			snprintf(why, size, "not a PEM private key (%s)",
			    ossl_reason("unreadable"));
		goto fail;
	}
	if (SSL_CTX_check_private_key(c) != 1) {
		snprintf(why, size, "not the key of %s", cert);
		goto fail;
	}
	ERR_clear_error();
	return c;
fail:
	ERR_clear_error();
	SSL_CTX_free(c);
	return NULL;
}

static void
log_pin(const char *what)
{
	unsigned char	 d[PIN_BYTES];
	char		 pin[PIN_STRLEN];
	X509		*x;

	if ((x = SSL_CTX_get0_certificate(ctx)) == NULL || cert_pin(x, d) == -1)
		fatalx("tls: no pin for the certificate just loaded");
	pin_format(d, pin);
	log_always("tls: %s %s, key pin %s", what, cert_file, pin);
}

void
tls_init(const char *cert, const char *key)
{
	const char	*file;
	char		 why[256];

	if ((ctx = load(cert, key, &file, why, sizeof why)) == NULL)
		die(1, 0, _("cannot load %s: %s"), file, why);
	cert_file = cert;
	key_file = key;
	log_pin("certificate");
}

void
tls_reload(void)
{
	SSL_CTX		*c;
	const char	*file;
	char		 why[256];

	if ((c = load(cert_file, key_file, &file, why, sizeof why)) == NULL) {
		log_warnx("tls: reload: cannot load %s: %s; the old "
		    "certificate and key stay", file, why);
		return;
	}
	/* Sessions hold a reference to the context they were made with. */
	SSL_CTX_free(ctx);
	ctx = c;
	log_pin("reloaded");
}

const char *
tls_library(void)
{
	static char	buf[128];

	snprintf(buf, sizeof buf, "TLS (%s)", OpenSSL_version(OPENSSL_VERSION));
	return buf;
}

void
tls_free(void)
{
	SSL_CTX_free(ctx);
	ctx = NULL;
}

struct ssl_st *
tls_accept(int fd)
{
	SSL	*s;

	if ((s = SSL_new(ctx)) == NULL || SSL_set_fd(s, fd) != 1) {
		log_warnx("tls: cannot make a session: %s",
		    ossl_reason("out of memory"));
		ERR_clear_error();
		SSL_free(s);
		return NULL;
	}
	SSL_set_accept_state(s);
	return s;
}

void
tls_close(struct ssl_st *s, int clean)
{
	/* One try: a peer that does not take it is not waited for. */
	if (clean && SSL_is_init_finished(s))
		(void)SSL_shutdown(s);
	ERR_clear_error();
	SSL_free(s);
}

/* What RC, returned by the last call on S, means. */
static enum tls_io
result(SSL *s, int rc, const char **why)
{
	switch (SSL_get_error(s, rc)) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0) {
				/* EOF without close_notify (OpenSSL 1.1). */
				SSL_set_quiet_shutdown(s, 1);
				return TLS_CLOSED;
			}
			*why = strerror(errno);
			break;
		}
		/* FALLTHROUGH */
	default:
		*why = ossl_reason("TLS error");
		break;
	}
	/* After a fatal error, no close_notify. */
	SSL_set_quiet_shutdown(s, 1);
	ERR_clear_error();
	return TLS_ERROR;
}

enum tls_io
tls_handshake(struct ssl_st *s, const char **why)
{
	enum tls_io	r;
	int		rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_do_handshake(s)) == 1)
		return TLS_OK;
	/* An EOF in the middle of a handshake is no clean close. */
	if ((r = result(s, rc, why)) == TLS_CLOSED) {
		*why = "closed during the handshake";
		return TLS_ERROR;
	}
	return r;
}

enum tls_io
tls_read(struct ssl_st *s, void *buf, size_t len, size_t *n,
    const char **why)
{
	int	rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_read_ex(s, buf, len, n)) == 1)
		return TLS_OK;
	return result(s, rc, why);
}

enum tls_io
tls_write(struct ssl_st *s, const void *buf, size_t len, size_t *n,
    const char **why)
{
	int	rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_write_ex(s, buf, MINIMUM(len, TLS_RECORD_BYTES), n)) ==
	    1)
		return TLS_OK;
	return result(s, rc, why);
}

int
tls_pending(const struct ssl_st *s)
{
	return SSL_has_pending(s);
}

int
tls_peer_pin(struct ssl_st *s, unsigned char pin[PIN_BYTES])
{
	X509	*x;
	int	 rc;

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	if ((x = SSL_get0_peer_certificate(s)) == NULL)
		return -1;
	rc = cert_pin(x, pin);
#else
	if ((x = SSL_get_peer_certificate(s)) == NULL)
		return -1;
	rc = cert_pin(x, pin);
	X509_free(x);
#endif
	return rc;
}

void
tls_describe(struct ssl_st *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s", SSL_get_version(s),
	    SSL_get_cipher_name(s));
}
