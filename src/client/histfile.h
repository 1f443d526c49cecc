/*
 * histfile.h: the typed lines kept across runs, in
 * $XDG_STATE_HOME/tschat/history (by default ~/.local/state/tschat/history),
 * one line each, mode 0600. A line is appended as it is sent, so that two
 * clients running at once both keep theirs; the file is cut back to the
 * last HISTORY_MAX_LINES lines when it is read and has grown past twice
 * that.
 */
#ifndef TSCHAT_HISTFILE_H
#define TSCHAT_HISTFILE_H

#include <stddef.h>

#include "history.h"

/* The longest line kept: an input line at its longest (4 bytes a char). */
#define HISTFILE_LINE_MAX	(4 * 8192)

/* What histfile_open() could not do. */
enum histfile_step {
	HISTFILE_MKDIR,		/* make its directory */
	HISTFILE_OPEN,
	HISTFILE_READ,
	HISTFILE_WRITE,		/* cut it back */
};

struct histfile {
	int	 fd;		/* -1: nothing is written */
	char	*path;
};

/*
 * The history file's path from the environment, to free(): NULL when
 * neither XDG_STATE_HOME nor HOME is an absolute path.
 */
char	*histfile_path(void);

/*
 * Open the history file PATH, making its directory (0700) if need be, and
 * add its lines to H, the oldest first. A line that is not valid UTF-8,
 * holds a control character or is longer than HISTFILE_LINE_MAX is skipped.
 * -1 with errno set on failure, and *STEP says what failed; F is then
 * closed (histfile_close() may still be called).
 */
int	histfile_open(struct histfile *f, const char *path, struct history *h,
	    enum histfile_step *step);

/* Append LINE; -1 with errno set on failure. */
int	histfile_append(struct histfile *f, const char *line);

void	histfile_close(struct histfile *f);

/* Whether LINE, LEN bytes, may be kept in the file (and read back). */
int	histfile_line_ok(const char *line, size_t len);

#endif
