/*
 * check_relayconf.c: the --relay URL parser and the name check of
 * --relay-prefix and --node-name: every form of URL the contract names,
 * the ranges of port and database, and every malformed URL refused, so
 * that a typo is a usage error and not a reconnect loop.
 */
#include "common.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>

#include "relayconf.h"

#include "check_util.h"

/* What a URL must parse into; NULL strings must be NULL. */
struct want {
	const char	*url;
	const char	*host;
	unsigned int	 port;
	const char	*path;
	const char	*user;
	const char	*password;
	unsigned int	 db;
};

static void
assert_field(const char *url, const char *what, const char *got,
    const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: expected no %s, got \"%s\"",
		    url, what, esc_str(got));
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "%s: expected %s \"%s\", got \"%s\"", url, what,
		    esc_str(want), esc_str(got));
}

static void
parses(const struct want *w)
{
	struct relay_url	 u;
	const char		*err = NULL;
	char			*copy;

	/* An exact-size copy, so that a read past its end shows. */
	copy = (char *)dup_exact(w->url, strlen(w->url) + 1);
	ck_assert_msg(relay_url_parse(copy, &u, &err) == 0, "%s: expected "
	    "good, got refused: %s", w->url, esc_str(err));
	assert_field(w->url, "host", u.host, w->host);
	assert_field(w->url, "path", u.path, w->path);
	assert_field(w->url, "user", u.user, w->user);
	assert_field(w->url, "password", u.password, w->password);
	ck_assert_msg(u.port == w->port, "%s: expected port %u, got %u",
	    w->url, w->port, (unsigned int)u.port);
	ck_assert_msg(u.db == w->db, "%s: expected database %u, got %u",
	    w->url, w->db, u.db);
	relay_url_free(&u);
	ck_assert_msg(u.host == NULL && u.path == NULL && u.user == NULL &&
	    u.password == NULL, "%s: relay_url_free left something", w->url);
	free(copy);
}

/* URL must be refused, with the reason WHY when it is not NULL. */
static void
refused(const char *url, const char *why)
{
	struct relay_url	 u;
	const char		*err = NULL;
	char			*copy;

	copy = (char *)dup_exact(url, strlen(url) + 1);
	memset(&u, 0x5a, sizeof u);
	ck_assert_msg(relay_url_parse(copy, &u, &err) == -1, "\"%s\": expected "
	    "refused, got host \"%s\" port %u path \"%s\" db %u",
	    esc_str(url), esc_str(u.host), (unsigned int)u.port,
	    esc_str(u.path), u.db);
	ck_assert_msg(err != NULL && *err != '\0', "\"%s\": refused without "
	    "a reason", esc_str(url));
	if (why != NULL)
		ck_assert_msg(strcmp(err, why) == 0, "\"%s\": expected \"%s\", "
		    "got \"%s\"", esc_str(url), why, err);
	/* Nothing is left allocated, nor pointing anywhere. */
	ck_assert_msg(u.host == NULL && u.path == NULL && u.user == NULL &&
	    u.password == NULL, "\"%s\": refused, but the URL holds something",
	    esc_str(url));
	free(copy);
}

/* --- redis:// ------------------------------------------------------------ */

START_TEST(test_url_redis_forms)
{
	static const struct want	good[] = {
		{ "redis://localhost", "localhost", 6379, NULL, NULL, NULL, 0 },
		{ "redis://127.0.0.1:6380", "127.0.0.1", 6380, NULL, NULL,
		    NULL, 0 },
		{ "redis://redis.example/3", "redis.example", 6379, NULL, NULL,
		    NULL, 3 },
		{ "redis://h:7000/15", "h", 7000, NULL, NULL, NULL, 15 },
		{ "redis://h/", "h", 6379, NULL, NULL, NULL, 0 },
		{ "redis://h:6379/", "h", 6379, NULL, NULL, NULL, 0 },
		/* A password alone, and a user with one. */
		{ "redis://:s3cret@h", "h", 6379, NULL, NULL, "s3cret", 0 },
		{ "redis://ann:s3cret@h:6390/2", "h", 6390, NULL, "ann",
		    "s3cret", 2 },
		{ "redis://ann:@h", "h", 6379, NULL, "ann", "", 0 },
		{ "redis://:@h", "h", 6379, NULL, NULL, "", 0 },
		/* The credentials end at the last '@'; ':' in a password. */
		{ "redis://ann:p@ss@h", "h", 6379, NULL, "ann", "p@ss", 0 },
		{ "redis://ann:a:b@h", "h", 6379, NULL, "ann", "a:b", 0 },
		/* IPv6 in brackets. */
		{ "redis://[::1]", "::1", 6379, NULL, NULL, NULL, 0 },
		{ "redis://[::1]:6381/4", "::1", 6381, NULL, NULL, NULL, 4 },
		{ "redis://:pw@[2001:db8::7]:1", "2001:db8::7", 1, NULL, NULL,
		    "pw", 0 },
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		parses(&good[i]);
}
END_TEST

START_TEST(test_url_port_range)
{
	static const struct want	good[] = {
		{ "redis://h:1", "h", 1, NULL, NULL, NULL, 0 },
		{ "redis://h:65535", "h", 65535, NULL, NULL, NULL, 0 },
		{ "redis://h:06379", "h", 6379, NULL, NULL, NULL, 0 },
	};
	static const char *const	bad[] = {
		"redis://h:", "redis://h:0", "redis://h:65536",
		"redis://h:99999999999999999999", "redis://h:-1",
		"redis://h:+6379", "redis://h: 6379", "redis://h:6379 ",
		"redis://h:port", "redis://h:63x9", "redis://h:6379:1",
		"redis://[::1]:", "redis://[::1]:0", "redis://[::1]:65536",
		"redis://h:-0",
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		parses(&good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		refused(bad[i], "bad port");
}
END_TEST

START_TEST(test_url_db_range)
{
	static const struct want	good[] = {
		{ "redis://h/0", "h", 6379, NULL, NULL, NULL, 0 },
		{ "redis://h/1000000", "h", 6379, NULL, NULL, NULL, 1000000 },
		{ "unix:/run/redis.sock?db=0", NULL, 6379, "/run/redis.sock",
		    NULL, NULL, 0 },
		{ "unix:/run/redis.sock?db=1000000", NULL, 6379,
		    "/run/redis.sock", NULL, NULL, 1000000 },
	};
	static const char *const	bad[] = {
		"redis://h/1000001", "redis://h/-1", "redis://h/+1",
		"redis://h/x", "redis://h/1x", "redis://h/ 1",
		"redis://h/1/2", "redis://h/99999999999999999999",
		"redis://h:6379/db", "redis://h/-0",
		"unix:/s?db=", "unix:/s?db=x", "unix:/s?db=-1",
		"unix:/s?db=+1", "unix:/s?db=1000001", "unix:/s?foo=1",
		"unix:/s?", "unix:/s?db=1&x=2",
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		parses(&good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		refused(bad[i], "bad database number");
}
END_TEST

/* --- unix: ----------------------------------------------------------------- */

START_TEST(test_url_unix)
{
	static const struct want	good[] = {
		{ "unix:/tmp/redis.sock", NULL, 6379, "/tmp/redis.sock", NULL,
		    NULL, 0 },
		{ "unix:/run/redis/redis-server.sock?db=5", NULL, 6379,
		    "/run/redis/redis-server.sock", NULL, NULL, 5 },
		{ "unix:/", NULL, 6379, "/", NULL, NULL, 0 },
		{ "unix:/with space:and@at", NULL, 6379, "/with space:and@at",
		    NULL, NULL, 0 },
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		parses(&good[i]);
	refused("unix:", "a unix socket needs an absolute path");
	refused("unix:redis.sock", "a unix socket needs an absolute path");
	refused("unix:./redis.sock", "a unix socket needs an absolute path");
	refused("unix:?db=1", "a unix socket needs an absolute path");
	refused("unix:~/redis.sock", "a unix socket needs an absolute path");
}
END_TEST

/* --- what is not a URL of ours --------------------------------------------- */

START_TEST(test_url_malformed)
{
	static const char *const	scheme[] = {
		"", "localhost", "localhost:6379", "redis:", "redis:/h",
		"redis:h", "REDIS://h", "http://h",
		"valkey://h", "Unix:/s", "unix/s", " redis://h",
	};
	size_t				i;

	for (i = 0; i < ARRAY_SIZE(scheme); i++)
		refused(scheme[i], "not a redis:// or unix: URL");

	/* A build without hiredis_ssl says what rediss:// needs. */
	refused("rediss://h", "rediss:// needs hiredis with TLS (hiredis_ssl), "
	    "which this tschatd was built without; see tschatd(1), SCALE-OUT, "
	    "for a safe way to a remote Redis");
	refused("redis://", "no host");
	refused("redis:///3", "no host");
	refused("redis://:6379", "no host");
	refused("redis://:pw@", "no host");
	refused("redis://ann:pw@:6379", "no host");
	refused("redis://ann:pw@/1", "no host");

	refused("redis://ann@h", "credentials need ':' before the password");
	refused("redis://@h", "credentials need ':' before the password");

	refused("redis://[]", "bad IPv6 address");
	refused("redis://[]:6379", "bad IPv6 address");
	refused("redis://[::1", "bad IPv6 address");
	refused("redis://[::1/2]", "bad IPv6 address");
	refused("redis://[::1]x", "junk after the IPv6 address");
	refused("redis://[::1]6379", "junk after the IPv6 address");
}
END_TEST

/* --- --relay-prefix and --node-name ---------------------------------------- */

START_TEST(test_name_ok)
{
	static const char *const	good[] = {
		"a", "tschat", "node-1", "host.example.org:8080", "A_b.c-d:e",
		"0", "::", "_",
		"abcdefghijklmnopqrstuvwxyz0123456789"
		    "abcdefghijklmnopqrstuvwxyz01",
	};
	static const char *const	bad[] = {
		"", "two words", "tab\tname", "new\nline", "a/b", "a@b", "a#b",
		"a,b", "a;b", "caf\xc3\xa9", "\x1b[2J", "a*", "a?", "{x}",
		"abcdefghijklmnopqrstuvwxyz0123456789"
		    "abcdefghijklmnopqrstuvwxyz012",
	};
	size_t				i;

	ck_assert_msg(strlen(good[ARRAY_SIZE(good) - 1]) == RELAY_NAME_MAX,
	    "the longest good name must have %d characters", RELAY_NAME_MAX);
	ck_assert_msg(strlen(bad[ARRAY_SIZE(bad) - 1]) == RELAY_NAME_MAX + 1,
	    "the shortest long name must have %d characters",
	    RELAY_NAME_MAX + 1);
	for (i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(relay_name_ok(good[i]), "\"%s\": expected a good "
		    "name, got refused", esc_str(good[i]));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(!relay_name_ok(bad[i]), "\"%s\": expected "
		    "refused, got a good name", esc_str(bad[i]));
}
END_TEST

static Suite *
relayconf_suite(void)
{
	Suite	*s = suite_create("relayconf");
	TCase	*tc;

	tc = tcase_create("url");
	tcase_add_test(tc, test_url_redis_forms);
	tcase_add_test(tc, test_url_port_range);
	tcase_add_test(tc, test_url_db_range);
	tcase_add_test(tc, test_url_unix);
	tcase_add_test(tc, test_url_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("name");
	tcase_add_test(tc, test_name_ok);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return run_suite(relayconf_suite());
}
