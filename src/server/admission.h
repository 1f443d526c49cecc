/*
 * admission.h: who may connect: --allow, --max-clients and --max-per-ip,
 * and the refusal a newcomer gets.
 */
#ifndef TSCHAT_ADMISSION_H
#define TSCHAT_ADMISSION_H

#include "addr.h"

/* MAX_CLIENTS: --max-clients, or fewer if descriptors are short. */
void	admission_init(unsigned int max_clients);
void	admission_free(void);

/* Whether A may connect or send (--allow). */
int	admission_allowed(const struct addr *a);

/*
 * Whether a newcomer on FD from A may stay, NPEERS being connected; if not
 * it has been told why and closed.
 */
int	admission_admit(int fd, const struct addr *a, unsigned int npeers);

/* A peer from A admitted earlier is gone. */
void	admission_release(const struct addr *a);

#endif
