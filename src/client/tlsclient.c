/*
 * tlsclient.c: tschat's TLS, over OpenSSL. The handshake itself trusts
 * nothing and refuses nothing: it records whether the certificate
 * verified against the CAs (--tls-ca, else the system's) and for the
 * host's name, and the engine's owner decides with that, the key's pin,
 * --tls-pin and the known hosts (trust.c). TLS 1.2 and 1.3 only.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "defaults.h"
#include "tlsclient.h"

static SSL_CTX	*ctx;

static const char *
reason(const char *fallback)
{
	const char	*r;
	unsigned long	 e;

	if ((e = ERR_peek_last_error()) == 0 ||
	    (r = ERR_reason_error_string(e)) == NULL)
		return fallback;
	return r;
}

/* PATH opens for reading; else *WHY is the system's reason. */
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

int
tlsc_init(const struct cliconf *c, const char **file, const char **why)
{
	ERR_clear_error();
	*file = "";
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		*why = reason("out of memory");
		return -1;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		*why = reason("TLS 1.2 unavailable");
		goto fail;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	    | SSL_OP_IGNORE_UNEXPECTED_EOF
#endif
	    );
	/* Verified, never refused here: the owner decides (trust.c). */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (c->tls_ca != NULL) {
		*file = c->tls_ca;
		if (!readable(c->tls_ca, why))
			goto fail;
		if (SSL_CTX_load_verify_locations(ctx, c->tls_ca, NULL) != 1) {
			*why = "no PEM certificate in it";
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		*why = reason("the system's CA certificates cannot be read");
		goto fail;
	}
	if (c->tls_cert != NULL) {
		*file = c->tls_cert;
		if (!readable(c->tls_cert, why))
			goto fail;
		if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1) {
			*why = "not a PEM certificate";
			goto fail;
		}
		*file = c->tls_key;
		if (!readable(c->tls_key, why))
			goto fail;
		if (SSL_CTX_use_PrivateKey_file(ctx, c->tls_key,
		    SSL_FILETYPE_PEM) != 1) {
			/* OpenSSL checks the pair as it takes the key. */
			*why = ERR_GET_REASON(ERR_peek_last_error()) ==
			    X509_R_KEY_VALUES_MISMATCH ?
			    "not the key of the certificate" :
			    "not a PEM private key";
			goto fail;
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			*why = "not the key of the certificate";
			goto fail;
		}
	}
	ERR_clear_error();
	return 0;
fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	ctx = NULL;
	return -1;
}

void
tlsc_free(void)
{
	SSL_CTX_free(ctx);
	ctx = NULL;
}

struct ssl_st *
tlsc_new(int fd, const char *host)
{
	X509_VERIFY_PARAM	*vp;
	struct in6_addr		 a6;
	struct in_addr		 a4;
	SSL			*s;
	int			 ip;

	if ((s = SSL_new(ctx)) == NULL || SSL_set_fd(s, fd) != 1)
		goto fail;
	ip = inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1;
	vp = SSL_get0_param(s);
	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1)
			goto fail;
	} else if (SSL_set_tlsext_host_name(s, host) != 1 ||
	    SSL_set1_host(s, host) != 1)
		goto fail;
	SSL_set_connect_state(s);
	return s;
fail:
	ERR_clear_error();
	SSL_free(s);
	return NULL;
}

void
tlsc_close(struct ssl_st *s, int clean)
{
	if (clean && SSL_is_init_finished(s))
		(void)SSL_shutdown(s);
	ERR_clear_error();
	SSL_free(s);
}

static enum tlsc_io
result(SSL *s, int rc, const char **why)
{
	switch (SSL_get_error(s, rc)) {
	case SSL_ERROR_WANT_READ:
		return TLSC_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLSC_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLSC_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0) {
				SSL_set_quiet_shutdown(s, 1);
				return TLSC_CLOSED;
			}
			*why = strerror(errno);
			break;
		}
		/* FALLTHROUGH */
	default:
		*why = reason("TLS error");
		break;
	}
	SSL_set_quiet_shutdown(s, 1);
	ERR_clear_error();
	return TLSC_ERROR;
}

enum tlsc_io
tlsc_handshake(struct ssl_st *s, const char **why)
{
	enum tlsc_io	r;
	int		rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_do_handshake(s)) == 1)
		return TLSC_OK;
	if ((r = result(s, rc, why)) == TLSC_CLOSED) {
		/* A plaintext server closes on a ClientHello. */
		*why = "the server closed the connection during the "
		    "handshake (not a TLS port?)";
		return TLSC_ERROR;
	}
	/* A plaintext server's words are no TLS record. */
	if (r == TLSC_ERROR && strcmp(*why, "wrong version number") == 0)
		*why = "the server does not speak TLS there (wrong version "
		    "number)";
	return r;
}

enum tlsc_io
tlsc_read(struct ssl_st *s, void *buf, size_t len, size_t *n,
    const char **why)
{
	int	rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_read_ex(s, buf, len, n)) == 1)
		return TLSC_OK;
	return result(s, rc, why);
}

enum tlsc_io
tlsc_write(struct ssl_st *s, const void *buf, size_t len, size_t *n,
    const char **why)
{
	int	rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_write_ex(s, buf, MINIMUM(len, TLS_RECORD_BYTES), n)) ==
	    1)
		return TLSC_OK;
	return result(s, rc, why);
}

int
tlsc_pending(const struct ssl_st *s)
{
	return SSL_has_pending(s);
}

int
tlsc_server_pin(struct ssl_st *s, unsigned char pin[PIN_BYTES])
{
	unsigned char	*der = NULL;
	unsigned int	 dlen = 0;
	X509		*x;
	int		 len, rc;

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	if ((x = SSL_get0_peer_certificate(s)) == NULL)
		return -1;
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
#else
	if ((x = SSL_get_peer_certificate(s)) == NULL)
		return -1;
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	X509_free(x);
#endif
	if (len <= 0)
		return -1;
	rc = EVP_Digest(der, (size_t)len, pin, &dlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return rc == 1 && dlen == PIN_BYTES ? 0 : -1;
}

const char *
tlsc_verify_error(struct ssl_st *s)
{
	long	rc = SSL_get_verify_result(s);

	return rc == X509_V_OK ? NULL : X509_verify_cert_error_string(rc);
}
