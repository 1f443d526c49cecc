/*
 * knownhosts.h: the servers trusted on first use, in
 * $XDG_DATA_HOME/tschat/known_hosts (by default
 * ~/.local/share/tschat/known_hosts): lines "HOST:PORT sha256:PIN", HOST
 * and PORT as the client shows them ("[::1]:8443" for an IPv6 address).
 * A host may have several lines, one for each key it may show.
 */
#ifndef TSCHAT_KNOWNHOSTS_H
#define TSCHAT_KNOWNHOSTS_H

#include "pin.h"

enum kh_result {
	KH_UNKNOWN,	/* no line for the host (or no file) */
	KH_MATCH,	/* a line for the host with this key */
	KH_CHANGED,	/* lines for the host, none with this key */
	KH_ERROR,	/* the file could not be read: errno says why */
};

/*
 * The file's path from the environment, to free(): NULL when neither
 * XDG_DATA_HOME nor HOME is an absolute path.
 */
char	*knownhosts_path(void);

/*
 * What the file PATH says of HOSTPORT showing the key whose pin is PIN.
 * For KH_MATCH, *LINE (when LINE is not NULL) is the matching line's
 * number; for KH_CHANGED, the first line for the host: the one to remove.
 * Lines not of the form "HOST:PORT sha256:PIN" are skipped. Host names
 * are compared ignoring the case of ASCII letters.
 */
enum kh_result knownhosts_check(const char *path, const char *hostport,
	    const unsigned char pin[PIN_BYTES], unsigned long *line);

/*
 * Remember that HOSTPORT has the key PIN: append its line to PATH (mode
 * 0600 when new), making the directories above it (0700). -1 with errno
 * set on failure; EINVAL when HOSTPORT could not be read back from the
 * file (empty, or holding a space or a control character).
 */
int	knownhosts_add(const char *path, const char *hostport,
	    const unsigned char pin[PIN_BYTES]);

#endif
