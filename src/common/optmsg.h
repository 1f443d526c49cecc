/*
 * optmsg.h: the usage error for an option getopt_long(3) refused, naming
 * the option as the user typed it.
 */
#ifndef TSCHAT_OPTMSG_H
#define TSCHAT_OPTMSG_H

#include <stddef.h>

/*
 * Write to ERR (SIZE bytes) the translated message for getopt_long's
 * result CH (':' or '?'), ARGV[CUR] being the element it was looking at.
 */
void	optmsg_error(char *err, size_t size, int ch, char *const *argv,
	    int cur);

#endif
