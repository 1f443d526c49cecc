/*
 * tschatd.c: the server's main: locale, options, then the loop.
 */
#include "common.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include EV_HEADER
#include "log.h"
#include "nls.h"
#include "relay.h"
#include "room.h"
#include "rooms.h"
#include "server.h"
#include "srvconf.h"
#include "tls.h"

static void
version(void)
{
	printf("tschatd (%s) %s\n", PACKAGE, VERSION);
	/* TRANSLATORS: the parts built in, e.g. "TLS (OpenSSL 3.0.2)". */
	printf(_("Features: %s, %s\n"), tls_library(),
#ifdef HAVE_HIREDIS
	    "hiredis (--relay; rediss:// no)"
#else
	    _("no hiredis (no --relay)")
#endif
	    );
	printf("Copyright (C) 2026 the tschat authors\n");
	fputs(_("License MIT: this is free software; you are free to change "
	    "and redistribute it.\nThere is NO WARRANTY, to the extent "
	    "permitted by law.\n"), stdout);
}

/* Relay the lobby through Redis (--relay); PORT is the one listened on. */
static void
start_relay(struct ev_loop *loop, const struct srvconf *c, uint16_t port)
{
#ifdef HAVE_HIREDIS
	struct relay_options	ro;

	static const struct relay_rooms rooms = {
		.set_hooks = room_set_hooks,
		.name = room_name,
		.is_lobby = room_is_lobby,
		.each_member = room_each_member,
		.notice_all = room_notice_all,
		.remote_line = room_remote_line,
		.remote_left = room_remote_left,
		.history_clear = room_history_clear,
		.history_line = room_history_line,
		.nick = rooms_nick_answer,
		.nick_refused = rooms_nick_refused,
		.followed = rooms_follow_answer,
		.pm = rooms_remote_pm,
	};

	memset(&ro, 0, sizeof ro);
	ro.rooms = &rooms;
	ro.url = c->relay;
	ro.password = c->relay_password;
	ro.prefix = c->relay_prefix;
	ro.node_name = c->node_name;
	ro.port = port;
	ro.max_line = c->max_line;
	ro.history = c->history;
	/* srvconf takes --relay with --broadcast only: a room. */
	relay_init(loop, &ro, rooms_lobby());
	server_stats_hook(relay_stats, NULL);
#else
	/* srvconf refuses --relay in a build without hiredis. */
	fatalx("relay: not built in");
#endif
}

int
main(int argc, char **argv)
{
	struct srvconf	 conf;
	struct ev_loop	*loop;
	char		 err[512];
	uint16_t	 port;

	nls_init();
	log_init("tschatd", LOG_LEVEL_INFO, 0);

	switch (srvconf_parse(&conf, argc, argv, err, sizeof err)) {
	case CONF_HELP:
		srvconf_free(&conf);
		srvconf_usage(stdout);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case CONF_VERSION:
		srvconf_free(&conf);
		version();
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case CONF_ERROR:
		srvconf_free(&conf);
		usage_error("%s", err);
	case CONF_OK:
		break;
	}
	log_init("tschatd", conf.log_level, conf.syslog);
	/* A password in the environment is not in ps(1) as --relay's is. */
	conf.relay_password = getenv("TSCHAT_RELAY_PASSWORD");
	if (conf.relay_password != NULL && *conf.relay_password == '\0')
		conf.relay_password = NULL;

	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		die(1, 0, _("cannot initialise the event loop"));
	port = server_init(loop, &conf);
	if (conf.relay != NULL)
		start_relay(loop, &conf, port);
	server_run();
#ifdef HAVE_HIREDIS
	relay_free();
#endif
	server_free();
	ev_loop_destroy(loop);
	srvconf_free(&conf);
	return EXIT_SUCCESS;
}
