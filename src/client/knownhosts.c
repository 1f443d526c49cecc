/*
 * knownhosts.c: trust on first use: the known hosts file read line by
 * line for the server's name, and one line appended, with one write() on
 * a descriptor opened O_APPEND, when the user says yes.
 */
#include "common.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "field.h"
#include "knownhosts.h"
#include "namemap.h"
#include "xdgdir.h"
#include "xmalloc.h"

char *
knownhosts_path(void)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "tschat/known_hosts");
}

/*
 * Read LINE (LEN bytes) as "HOST:PORT sha256:PIN": 0 with the host and
 * port in *HOST and *HLEN and the digest in D, or -1.
 */
static int
parse_line(const char *line, size_t len, const char **host, size_t *hlen,
    unsigned char d[PIN_BYTES])
{
	const char	*p = line, *end = line + len, *pin;
	size_t		 plen, xlen;

	*host = field_next(&p, end, hlen);
	pin = field_next(&p, end, &plen);
	(void)field_next(&p, end, &xlen);
	if (*hlen == 0 || **host == '#' || xlen != 0)
		return -1;
	return pin_parse(pin, plen, d);
}

enum kh_result
knownhosts_check(const char *path, const char *hostport,
    const unsigned char pin[PIN_BYTES], unsigned long *line)
{
	FILE		*fp;
	char		*buf = NULL;
	const char	*host;
	size_t		 cap = 0, hlen, len = strlen(hostport);
	ssize_t		 n;
	unsigned long	 lineno = 0, first = 0;
	unsigned char	 d[PIN_BYTES];
	enum kh_result	 r = KH_UNKNOWN;
	int		 saved;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? KH_UNKNOWN : KH_ERROR;
	while ((n = getline(&buf, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && buf[n - 1] == '\n')
			n--;
		if (parse_line(buf, (size_t)n, &host, &hlen, d) == -1 ||
		    !namemap_equal(host, hlen, hostport, len))
			continue;
		if (memcmp(d, pin, PIN_BYTES) == 0) {
			r = KH_MATCH;
			first = lineno;
			break;
		}
		if (r == KH_UNKNOWN) {
			r = KH_CHANGED;
			first = lineno;
		}
	}
	saved = errno;
	if (r != KH_MATCH && ferror(fp))
		r = KH_ERROR;
	free(buf);
	(void)fclose(fp);
	errno = saved;
	if (line != NULL && (r == KH_MATCH || r == KH_CHANGED))
		*line = first;
	return r;
}

/* Whether HOSTPORT reads back from the file as itself. */
static int
hostport_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (*p == '\0' || *p == '#')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7F)
			return 0;
	}
	return 1;
}

/* One write of LEN bytes of BUF to FD: -1 with errno set on failure. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	do
		n = write(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

int
knownhosts_add(const char *path, const char *hostport,
    const unsigned char pin[PIN_BYTES])
{
	struct stat	 st;
	char		 text[PIN_STRLEN], last, *rec;
	int		 fd, rc, saved;
	size_t		 skip = 1;

	if (!hostport_ok(hostport)) {
		errno = EINVAL;
		return -1;
	}
	if (xdg_make_parents(path) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	/* A file edited by hand may end without a newline: give it one. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
		skip = 0;
	pin_format(pin, text);
	xasprintf(&rec, "\n%s %s\n", hostport, text);
	rc = write_all(fd, rec + skip, strlen(rec + skip));
	saved = errno;
	free(rec);
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	errno = saved;
	return rc;
}
