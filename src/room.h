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
	uint8_t		 kind;
	uint8_t		 joined;
};

void	room_init(void);
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

unsigned int room_count(void);

/* M's nick, in BUF (ADDR_STRLEN bytes) when it is the address. */
const char *member_nick(const struct member *m, char *buf);

#endif
