/*
 * histfile.c: the typed lines kept across runs. The file is read once at
 * start into the history ring, then each line sent is appended with one
 * write() on a descriptor opened O_APPEND, so that clients running at
 * once interleave whole lines. Reading cuts the file back to the ring's
 * size, through a new file renamed over it, when it has grown past twice
 * that. A history that is not a regular file (a link to /dev/null) is
 * written to but neither read nor cut back.
 */
#include "common.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "histfile.h"
#include "utf8.h"
#include "xdgdir.h"
#include "xmalloc.h"

/* Past this many lines the file is cut back to HISTORY_MAX_LINES. */
#define HISTFILE_COMPACT_AT	(2 * HISTORY_MAX_LINES)

int
histfile_line_ok(const char *line, size_t len)
{
	const unsigned char	*s = (const unsigned char *)line;
	size_t			 n;
	int32_t			 cp;

	if (len == 0 || len > HISTFILE_LINE_MAX)
		return 0;
	while (len > 0) {
		n = utf8_decode(s, len, &cp);
		if (cp == UTF8_INVALID || cp < 0x20 || cp == 0x7F ||
		    (cp >= 0x80 && cp <= 0x9F))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

char *
histfile_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "tschat/history");
}

/*
 * Read the next line of FP into BUF (HISTFILE_LINE_MAX + 2 bytes): its
 * length, or -1 at the end. A line too long to keep is read to its end and
 * reported as longer than HISTFILE_LINE_MAX.
 */
static long
read_line(FILE *fp, char *buf)
{
	size_t	len;
	int	c;

	if (fgets(buf, HISTFILE_LINE_MAX + 2, fp) == NULL)
		return -1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		return (long)len - 1;
	if (len <= HISTFILE_LINE_MAX)
		return (long)len;	/* the last line, without its newline */
	while ((c = getc(fp)) != EOF && c != '\n')
		continue;
	return HISTFILE_LINE_MAX + 1;
}

/* Write the ring H to a new file renamed over PATH. */
static int
compact(const char *path, const struct history *h)
{
	char	*tmp;
	FILE	*fp;
	size_t	 i;
	int	 fd, saved;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		(void)close(fd);
		goto fail;
	}
	for (i = 0; i < h->count; i++)
		fprintf(fp, "%s\n", history_line(h, i));
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1) {
		saved = errno;
		(void)fclose(fp);
		goto fail;
	}
	if (fclose(fp) == EOF) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	(void)unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int
histfile_open(struct histfile *f, const char *path, struct history *h,
    enum histfile_step *step)
{
	struct stat	 st;
	FILE		*fp;
	char		*buf;
	long		 len;
	size_t		 lines = 0;
	int		 saved;

	f->fd = -1;
	f->path = xstrdup(path);
	*step = HISTFILE_MKDIR;
	if (xdg_make_parents(path) == -1)
		return -1;
	*step = HISTFILE_OPEN;
	if ((f->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (fstat(f->fd, &st) == -1)
		goto fail;
	/* A link to /dev/null, say, is someone's way of keeping nothing. */
	if (!S_ISREG(st.st_mode))
		return 0;
	/* What the user typed is theirs alone, whatever made the file. */
	if ((st.st_mode & 077) != 0 && fchmod(f->fd, 0600) == -1)
		goto fail;
	*step = HISTFILE_READ;
	if ((fp = fopen(path, "re")) == NULL)
		goto fail;
	buf = xmalloc(HISTFILE_LINE_MAX + 2);
	while ((len = read_line(fp, buf)) >= 0) {
		lines++;
		if (histfile_line_ok(buf, (size_t)len)) {
			buf[len] = '\0';
			(void)history_add(h, buf);
		}
	}
	free(buf);
	if (ferror(fp)) {
		saved = errno;
		(void)fclose(fp);
		errno = saved;
		goto fail;
	}
	(void)fclose(fp);
	/* Not through a symbolic link, which the rename would replace. */
	if (lines > HISTFILE_COMPACT_AT && lstat(path, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		*step = HISTFILE_WRITE;
		if (compact(path, h) == -1)
			goto fail;
		(void)close(f->fd);
		if ((f->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1)
			goto fail;
	}
	return 0;
fail:
	saved = errno;
	histfile_close(f);
	errno = saved;
	return -1;
}

int
histfile_append(struct histfile *f, const char *line)
{
	size_t	 len = strlen(line);
	char	*rec;
	ssize_t	 n;
	int	 saved;

	if (f->fd == -1 || !histfile_line_ok(line, len))
		return 0;
	/* One write: lines of two clients never mix. */
	rec = xmalloc(len + 1);
	memcpy(rec, line, len);
	rec[len] = '\n';
	do
		n = write(f->fd, rec, len + 1);
	while (n == -1 && errno == EINTR);
	saved = errno;
	free(rec);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	if ((size_t)n != len + 1) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

void
histfile_close(struct histfile *f)
{
	if (f->fd != -1)
		(void)close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
}
