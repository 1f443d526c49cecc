/*
 * tlsclient.h: tschat's side of TLS (OpenSSL): a context with the CAs to
 * verify with and the client certificate to present, and the calls the
 * connection engine drives a session with, without blocking.
 */
#ifndef TSCHAT_TLSCLIENT_H
#define TSCHAT_TLSCLIENT_H

#include <stddef.h>

#include "cliconf.h"
#include "pin.h"

struct ssl_st;		/* OpenSSL's SSL */

enum tlsc_io {
	TLSC_OK,
	TLSC_WANT_READ,
	TLSC_WANT_WRITE,
	TLSC_CLOSED,		/* close_notify, or the end of the stream */
	TLSC_ERROR,		/* *WHY says what went wrong */
};

/*
 * The context for C's --tls-ca, --tls-cert and --tls-key. 0, or -1 with
 * *FILE the file that could not be loaded and *WHY the reason.
 */
int	tlsc_init(const struct cliconf *c, const char **file, const char **why);
void	tlsc_free(void);

/* A session on the connected socket FD to HOST (its name is checked). */
struct ssl_st *tlsc_new(int fd, const char *host);
/* Free it; CLEAN: close_notify first, as far as the socket takes it. */
void	tlsc_close(struct ssl_st *, int clean);

enum tlsc_io tlsc_handshake(struct ssl_st *, const char **why);
enum tlsc_io tlsc_read(struct ssl_st *, void *buf, size_t len, size_t *n,
	    const char **why);
/* At most one record of BUF; after TLSC_WANT_*, the same bytes first. */
enum tlsc_io tlsc_write(struct ssl_st *, const void *buf, size_t len,
	    size_t *n, const char **why);
int	tlsc_pending(const struct ssl_st *);

/*
 * After the handshake: the pin of the server's key; and NULL if its
 * certificate verified (CA and host name), else why not.
 */
int	tlsc_server_pin(struct ssl_st *, unsigned char pin[PIN_BYTES]);
const char *tlsc_verify_error(struct ssl_st *);

#endif
