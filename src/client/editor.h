/*
 * editor.h: the input line's editor: a line of characters, a cursor, a kill
 * buffer, and the motions and edits a shell user expects (Emacs keys).
 * Pure: keys come in as calls, the terminal is someone else's business.
 */
#ifndef TSCHAT_EDITOR_H
#define TSCHAT_EDITOR_H

#include <stddef.h>
#include <stdint.h>

/* The longest input line, in characters. */
#define EDITOR_MAX_CHARS	8192

struct editor {
	uint32_t	*text;		/* code points, not terminated */
	size_t		 len;
	size_t		 size;		/* allocated */
	size_t		 cursor;	/* 0..len */
	uint32_t	*kill;		/* the last text killed, for C-y */
	size_t		 kill_len;
	size_t		 scroll;	/* first character shown */
};

void	editor_init(struct editor *);
void	editor_free(struct editor *);

/* Insert CP at the cursor; 0, or -1 if the line is full or CP a control. */
int	editor_insert(struct editor *, uint32_t cp);
/* Insert the UTF-8 text S (LEN bytes); controls and invalid bytes skipped. */
void	editor_insert_utf8(struct editor *, const char *s, size_t len);

void	editor_left(struct editor *);		/* Left, C-b */
void	editor_right(struct editor *);		/* Right, C-f */
void	editor_home(struct editor *);		/* Home, C-a */
void	editor_end(struct editor *);		/* End, C-e */
void	editor_word_left(struct editor *);	/* M-b */
void	editor_word_right(struct editor *);	/* M-f */

void	editor_backspace(struct editor *);	/* Backspace, C-h */
void	editor_delete(struct editor *);		/* Delete, C-d on text */
void	editor_kill_to_start(struct editor *);	/* C-u */
void	editor_kill_to_end(struct editor *);	/* C-k */
void	editor_kill_word_left(struct editor *);	/* C-w */
void	editor_kill_word_right(struct editor *); /* M-d */
void	editor_yank(struct editor *);		/* C-y */

/* Replace the whole line (from history) with the UTF-8 text S. */
void	editor_set(struct editor *, const char *s, size_t len);
void	editor_clear(struct editor *);

/* The line as UTF-8, allocated and terminated; its length in *LENP. */
char	*editor_utf8(const struct editor *, size_t *lenp);
/* The same for the characters [FROM, TO) only. */
char	*editor_utf8_range(const struct editor *, size_t from, size_t to,
	    size_t *lenp);

/*
 * Horizontal scrolling: move ed->scroll so that the cursor is shown in a
 * field WIDTH cells wide, with wide characters taking two cells. Return
 * the cell column of the cursor within the field.
 */
int	editor_view(struct editor *, int width);

/* The word (run of non-blanks) before the cursor: its start index. */
size_t	editor_word_start(const struct editor *);

#endif
