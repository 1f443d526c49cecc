/*
 * room.h: the chat room of --broadcast: its members (TCP peers and joined
 * UDP sources), what they say, their nicks and the notices about them.
 */
#ifndef TSCHAT_ROOM_H
#define TSCHAT_ROOM_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "outq.h"

#define MEMBER_TCP	0
#define MEMBER_UDP	1

struct member {
	struct member	*prev;
	struct member	*next;
	char		*nick;		/* NULL: the address is the nick */
	struct addr	 addr;
	uint32_t	 id;		/* unique on this server */
	uint8_t		 kind;
	uint8_t		 joined;
};

void	room_free(void);

/* Add M and tell everyone. */
void	room_join(struct member *m);
/* Remove M and tell the others; REASON may be NULL. */
void	room_leave(struct member *m, const char *reason, size_t len);

/*
 * Take a line or message M sent. FLAGS are frame flags (FRAME_CUT). Return
 * FRAME_STOP if M left (/quit), else FRAME_GO.
 */
int	room_input(struct member *m, const char *text, size_t len, int flags);

/* Send "[STAMP] *** TEXT" to M alone. */
void	room_notice(struct member *m, const char *text, size_t len);

/* Send "[STAMP] *** TEXT" to every member. */
void	room_notice_all(const char *text, size_t len);

/*
 * Hand the room's lines gathered in this loop iteration to the members;
 * before the server writes, and before anything else reaches one of them.
 */
void	room_flush(void);

/* Members here and on the other servers of a relayed room. */
unsigned int room_count(void);

/* The members here, newest first. */
struct member *room_members(void);

/* From the relay: a line another server's member caused, for everyone here. */
void	room_remote_line(const char *line, size_t len);
/* From the relay: another server died; NICK, one of its members, left. */
void	room_remote_left(const char *nick);
/*
 * From the relay: member ID may not keep NICK, another server holds it; it
 * goes back to OLD, its nick before, if that is free, else to its address.
 */
void	room_nick_refused(uint32_t id, const char *nick, const char *old);

/* M's nick, in BUF (ADDR_STRLEN bytes) when it is the address. */
const char *member_nick(const struct member *m, char *buf);

#endif
