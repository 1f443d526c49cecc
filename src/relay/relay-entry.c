/*
 * relay-entry.c: reading an entry of the room's stream into checked events,
 * and the forms of what entries carry: node ids, member ids and nicks. Pure
 * functions of bytes (libc and common only), so that the Check suite and
 * the fuzzer reach every path without a Redis.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "nick.h"
#include "relay-entry.h"
#include "sanitize.h"
#include "xmalloc.h"

/* Whether field F is the C string S. */
static int
is(const struct relay_field *f, const char *s)
{
	size_t	len = strlen(s);

	return f->len == len && memcmp(f->ptr, s, len) == 0;
}

/* The value of the first field NAME among the fields [FROM, TO), or NULL. */
static const struct relay_field *
find(const struct relay_field *f, size_t from, size_t to, const char *name)
{
	size_t	i;

	for (i = from; i + 1 < to; i += 2) {
		if (is(&f[i], name))
			return &f[i + 1];
	}
	return NULL;
}

/* The LEN digits at S as a number up to MAX; -1 if they are not that. */
static int
parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0, d;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (uint64_t)(s[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
relay_member_parse(const char *s, size_t len, uint32_t *id)
{
	uint64_t	v;

	if (parse_decimal(s, len, UINT32_MAX, &v) == -1)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

int
relay_node_ok(const char *s, size_t len)
{
	size_t	i;

	if (len != RELAY_NODE_CHARS)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

int
relay_nick_ok(const char *s, size_t len)
{
	static const char	addr_chars[] = "0123456789abcdefABCDEF.:[]";
	size_t			i;

	if (len == 0 || len >= NICK_MAX_BYTES || memchr(s, '\0', len) != NULL)
		return 0;
	if (nick_check(s, len) == NICK_OK)
		return 1;
	/* No nick has a ':': it must be an address, "1.2.3.4:5", "[::1]:6". */
	if (len >= ADDR_STRLEN || memchr(s, ':', len) == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (strchr(addr_chars, s[i]) == NULL)
			return 0;
	}
	return 1;
}

void
relay_hex(char *out, const uint8_t *in, size_t n)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
relay_entry_init(struct relay_entry *e, size_t max_line)
{
	memset(e, 0, sizeof *e);
	e->line_max = SANITIZE_MAX(max_line) + RELAY_LINE_SLACK;
}

void
relay_entry_free(struct relay_entry *e)
{
	free(e->buf);
	e->buf = NULL;
	e->size = 0;
}

enum relay_status
relay_entry_open(struct relay_entry *e, const struct relay_field *f,
    size_t n)
{
	const struct relay_field	*node = NULL, *seq = NULL;
	size_t				 i;

	e->node[0] = '\0';
	e->seq = 0;
	e->junk = 0;
	e->f = f;
	e->n = e->at = 0;
	if (n == 0)
		return RELAY_EMPTY;
	if (n % 2 != 0)
		return RELAY_ODD;
	/* The head: "node" and "s", the first of each; then an "e". */
	for (i = 0; i < n && !is(&f[i], "e"); i += 2) {
		if (is(&f[i], "node")) {
			if (node == NULL)
				node = &f[i + 1];
		} else if (is(&f[i], "s")) {
			if (seq == NULL)
				seq = &f[i + 1];
		} else
			e->junk = 1;
	}
	if (node == NULL)
		return RELAY_NO_NODE;
	if (!relay_node_ok(node->ptr, node->len))
		return RELAY_BAD_NODE;
	if (seq != NULL && (parse_decimal(seq->ptr, seq->len, UINT64_MAX,
	    &e->seq) == -1 || e->seq == 0)) {
		e->seq = 0;
		return RELAY_BAD_SEQ;
	}
	if (i == n) {
		e->seq = 0;
		return RELAY_NO_EVENT;
	}
	memcpy(e->node, node->ptr, RELAY_NODE_CHARS);
	e->node[RELAY_NODE_CHARS] = '\0';
	e->n = n;
	e->at = i;
	return RELAY_OK;
}

/* The event type that the value T of "e" names; -1 for none. */
static int
event_type(const struct relay_field *t)
{
	static const struct {
		const char		*name;
		enum relay_event_type	 type;
	} types[] = {
		{ "msg", RELAY_EV_MSG },
		{ "join", RELAY_EV_JOIN },
		{ "leave", RELAY_EV_LEAVE },
		{ "nick", RELAY_EV_NICK },
		{ "sync", RELAY_EV_SYNC },
		{ "bye", RELAY_EV_BYE },
		{ "enter", RELAY_EV_ENTER },
		{ "exit", RELAY_EV_EXIT },
		{ "pm", RELAY_EV_PM },
	};
	size_t	i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (is(t, types[i].name))
			return (int)types[i].type;
	}
	return -1;
}

/* Copy the nick field F, if good, into OUT (NICK_MAX_BYTES). */
static int
take_nick(const struct relay_field *f, char *out)
{
	if (f == NULL || !relay_nick_ok(f->ptr, f->len))
		return -1;
	memcpy(out, f->ptr, f->len);
	out[f->len] = '\0';
	return 0;
}

enum relay_status
relay_entry_line(struct relay_entry *e, const char *line, size_t len,
    const char **out, size_t *outlen)
{
	size_t	need;

	if (len == 0 || len > e->line_max || memchr(line, '\n', len) != NULL)
		return RELAY_BAD_LINE;
	need = SANITIZE_MAX(len);
	if (e->size < need) {
		free(e->buf);
		e->buf = xmalloc(need);
		e->size = need;
	}
	*outlen = sanitize(e->buf, line, len, 1);
	*out = e->buf;
	return RELAY_OK;
}

enum relay_status
relay_entry_next(struct relay_entry *e, struct relay_event *ev)
{
	const struct relay_field	*f = e->f, *m, *l, *r;
	size_t				 from, to;
	int				 type;

	memset(ev, 0, sizeof *ev);
	if (e->at >= e->n)
		return RELAY_END;
	/* This event's fields: from its "e" to the next one. */
	from = e->at;
	for (to = from + 2; to < e->n && !is(&f[to], "e"); to += 2)
		continue;
	e->at = to;

	type = event_type(&f[from + 1]);
	if (type == RELAY_EV_SYNC || type == RELAY_EV_BYE) {
		ev->type = (enum relay_event_type)type;
		return RELAY_OK;
	}
	m = find(f, from, to, "m");
	if (type == RELAY_EV_ENTER || type == RELAY_EV_EXIT) {
		r = find(f, from, to, "r");
		if (m == NULL || r == NULL)
			return RELAY_MISSING;
		if (relay_member_parse(m->ptr, m->len, &ev->member) == -1)
			return RELAY_BAD_MEMBER;
		ev->type = (enum relay_event_type)type;
		if (r->len > RELAY_ROOM_MAX || memchr(r->ptr, '\0', r->len) !=
		    NULL || !room_name_check(r->ptr, r->len))
			return RELAY_BAD_ROOM;
		memcpy(ev->room, r->ptr, r->len);
		ev->room[r->len] = '\0';
		return RELAY_OK;
	}
	l = find(f, from, to, "l");
	if (m == NULL || l == NULL)
		return RELAY_MISSING;
	if (relay_member_parse(m->ptr, m->len, &ev->member) == -1)
		return RELAY_BAD_MEMBER;
	if (type == -1)
		return RELAY_BAD_TYPE;
	ev->type = (enum relay_event_type)type;
	if ((type == RELAY_EV_JOIN || type == RELAY_EV_NICK ||
	    type == RELAY_EV_PM) && take_nick(find(f, from, to, "n"),
	    ev->nick) == -1)
		return RELAY_BAD_NICK;
	if (type == RELAY_EV_PM && take_nick(find(f, from, to, "f"),
	    ev->from) == -1)
		return RELAY_BAD_NICK;

	/* Checked like a peer's line: bounded, one line, and made safe. */
	return relay_entry_line(e, l->ptr, l->len, &ev->line, &ev->len);
}
