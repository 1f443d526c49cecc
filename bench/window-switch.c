/*
 * window-switch: how long tschat takes to show another window. The
 * client's own windows model is filled as the client-flood10w scenario
 * fills it (LINES lines over WINDOWS windows, the lobby and #r1 ..., each
 * pane holding its last SCROLLBACK lines), then every window is shown in
 * turn, ROUNDS times, each switch timed from the key's action
 * (windows_show) to the end of the draw (tui_draw, ncurses' output to the
 * terminal included). Run it in a terminal of the size to measure (make
 * bench runs it in tmux at 80x24); it writes one line to FILE:
 *
 *   RESULT scenario=window-switch windows=10 lines=100000 switches=100
 *       switch_ms=1.23 switch_p99_ms=2.34 switch_max_ms=3.45 fill_s=0.12
 *       opened=10
 *
 *   window-switch FILE [LINES [WINDOWS [ROUNDS [SCROLLBACK]]]]
 */
#include "common.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "editor.h"
#include "strnum.h"
#include "tui.h"
#include "windows.h"
#include "xmalloc.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ARGV[I] as a number within [MIN, MAX], or DEF when absent. */
static long long
arg(int argc, char **argv, int i, long long min, long long max,
    long long def)
{
	long long	 n;
	const char	*why;

	if (argc <= i)
		return def;
	if (strnum(argv[i], min, max, &n, &why) == -1) {
		fprintf(stderr, "window-switch: '%s': %s\n", argv[i], why);
		exit(2);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct windows		 ws;
	struct window_route	 r;
	struct tui_view		 v;
	struct window		*cur;
	struct editor		 ed;
	FILE			*out;
	char			 line[256], tag[32], label[64];
	double			*t, t0, fill;
	long long		 lines, nwin, rounds, scrollback, i, room;
	size_t			 n = 0, k;

	if (argc < 2) {
		fprintf(stderr, "usage: window-switch FILE [LINES [WINDOWS "
		    "[ROUNDS [SCROLLBACK]]]]\n");
		return 2;
	}
	lines = arg(argc, argv, 2, 1, 10000000, 100000);
	nwin = arg(argc, argv, 3, 1, 10, 10);
	rounds = arg(argc, argv, 4, 1, 1000, 10);
	scrollback = arg(argc, argv, 5, 1, 1000000, 10000);
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	setlocale(LC_ALL, "");

	/* The lobby's join notice first: the model routes from then on. */
	windows_init(&ws, (size_t)scrollback);
	windows_route(&ws, "[Wed Nov 25 16:20:00 2026] *** 127.0.0.1:50000 "
	    "joined (2 online)", &r);
	t0 = now();
	for (i = 1; i <= lines; i++) {
		room = (lines - i) % nwin;
		if (room > 0)
			snprintf(tag, sizeof tag, "#r%lld ", room);
		else
			tag[0] = '\0';
		snprintf(line, sizeof line, "[Wed Nov 25 16:20:00 2026] %s"
		    "127.0.0.1:40000: flood line %06lld lorem ipsum", tag, i);
		windows_route(&ws, line, &r);
	}
	fill = now() - t0;

	t = xreallocarray(NULL, (size_t)(rounds * nwin), sizeof *t);
	editor_init(&ed);
	tui_init(1);
	for (i = 0; i < rounds * nwin; i++) {
		t0 = now();
		(void)windows_show(&ws, (unsigned int)(i % nwin) + 1);
		cur = ws.current;
		sb_fit(&cur->sb, (size_t)tui_pane_rows(), tui_line_rows);
		memset(&v, 0, sizeof v);
		v.sb = &cur->sb;
		v.where = "127.0.0.1:8080 tcp";
		v.state = "connected";
		v.nick = "127.0.0.1:50000";
		snprintf(label, sizeof label, "%u:%s", cur->number, cur->name);
		v.window = label;
		v.activity = windows_activity(&ws);
		v.ed = &ed;
		tui_draw(&v);
		t[n++] = (now() - t0) * 1e3;
	}
	tui_end();

	qsort(t, n, sizeof *t, cmp_double);
	k = n * 99 / 100;
	fprintf(out, "RESULT scenario=window-switch windows=%lld lines=%lld "
	    "scrollback=%lld switches=%zu switch_ms=%.3f switch_p99_ms=%.3f "
	    "switch_max_ms=%.3f fill_s=%.3f opened=%zu\n", nwin, lines,
	    scrollback, n,
	    n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2,
	    t[k < n ? k : n - 1], t[n - 1], fill, ws.count);
	free(t);
	editor_free(&ed);
	windows_free(&ws);
	return fclose(out) == EOF;
}
