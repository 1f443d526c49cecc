/*
 * tls.h: the server's TLS (OpenSSL): its certificate and key, loaded at
 * start and again on SIGHUP, and the sessions of TLS peers, each driven
 * without blocking by the peer that holds it.
 */
#ifndef TSCHAT_TLS_H
#define TSCHAT_TLS_H

#include <stddef.h>

#include "pin.h"

struct ssl_st;		/* OpenSSL's SSL */

/* What a TLS call came to. */
enum tls_io {
	TLS_OK,
	TLS_WANT_READ,		/* call again once the socket is readable */
	TLS_WANT_WRITE,		/* ... writable */
	TLS_CLOSED,		/* the peer closed (close_notify or EOF) */
	TLS_ERROR		/* *WHY says what went wrong */
};

/*
 * Load CERT (PEM, the chain may follow) and KEY; on failure, exit with
 * status 1 and one line naming the file. Logs the key's pin.
 */
void	tls_init(const char *cert, const char *key);
/* Load them again (SIGHUP): new sessions use them; on failure the old stay. */
void	tls_reload(void);
void	tls_free(void);
/* "TLS (OpenSSL 3.0.2 ...)", for --version. */
const char *tls_library(void);

/* A server session on the connected socket FD; NULL (logged) on failure. */
struct ssl_st *tls_accept(int fd);
/*
 * Free a session; CLEAN: tell the peer first (close_notify), as far as
 * its socket takes it without waiting.
 */
void	tls_close(struct ssl_st *, int clean);

enum tls_io tls_handshake(struct ssl_st *, const char **why);
/* Read at most LEN bytes into BUF; *N bytes on TLS_OK. */
enum tls_io tls_read(struct ssl_st *, void *buf, size_t len, size_t *n,
	    const char **why);
/*
 * Write LEN bytes of BUF, at most one record's (TLS_RECORD_BYTES); *N of
 * them went. After TLS_WANT_*, call again with the same bytes first (the
 * buffer may move and grow).
 */
enum tls_io tls_write(struct ssl_st *, const void *buf, size_t len,
	    size_t *n, const char **why);
/* Whether the session holds bytes read from the socket but not yet taken. */
int	tls_pending(const struct ssl_st *);
/* The key pin of the peer's client certificate: 0, or -1 if it sent none. */
int	tls_peer_pin(struct ssl_st *, unsigned char pin[PIN_BYTES]);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384", for the log. */
void	tls_describe(struct ssl_st *, char *buf, size_t size);

#endif
