/* cmd_sync.c - `rig sync`: send a station's queued runs to the line's
 * results database (rig/store/sync.c), once or following the queue with
 * backoff while the database is away. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/paths.h"
#include "core/clock.h"
#include "core/fixture.h"
#include "run/report.h"
#include "store/db.h"
#include "store/sync.h"

#define SYNC_BACKOFF_FIRST_S 1
#define SYNC_BACKOFF_MAX_S 300

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rig sync [--fixture F] [--out DIR] [--db URL] [--passfile FILE]\n"
		"                [--follow [--interval S] [--backoff-max S]] [--timeout-ms MS]\n"
		"\n"
		"Sends the runs queued in DIR's results index (every run is queued when its\n"
		"report is indexed) to the line's PostgreSQL, in the order they started,\n"
		"each stored exactly once: a run already there with the same bytes counts\n"
		"as sent; one there with other bytes is refused and flagged, never\n"
		"overwritten. Then the head of DIR's ledger is anchored on the line, so a\n"
		"ledger cut back later shows (rig verify --db). The database is the\n"
		"fixture's [results] url (docs/results-db.md).\n"
		"\n"
		"  -f, --fixture F     fixture (default %s)\n"
		"  -d, --out DIR       report folder (default reports/)\n"
		"  -u, --db URL        the line's database instead of [results] url\n"
		"  -p, --passfile FILE libpq password file instead of [results] passfile\n"
		"  -F, --follow        keep going: send, wait --interval, send again; while the\n"
		"                      database is away retry after 1, 2, 4 ... s\n"
		"  -i, --interval S    seconds between passes with --follow (default 5)\n"
		"  -B, --backoff-max S longest wait between retries (default %d)\n"
		"  -t, --timeout-ms MS longest wait for one statement (default 20000)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit codes: 0 queue empty, 65 runs flagged (changed report, or other bytes\n"
		"under a stored run id), 75 database unreachable (runs stay queued), 78 no\n"
		"or bad [results] url, database not migrated.\n",
		rig_default_fixture(), SYNC_BACKOFF_MAX_S);
}

static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < lo || v > hi) {
		cli_error("sync", "%s: expected %ld..%ld, found '%s'", opt, lo, hi, s);
		return -1;
	}
	return v;
}

/* One pass; prints its line; returns the exit code. */
static int pass(const struct store_sync_options *o)
{
	struct store_sync_result r;
	struct rig_err err;
	enum rig_rc rc = store_sync(o, &r, &err);
	printf("sync %s: %u sent, %u already stored, %u refused (other bytes), %u changed, "
	       "%u still queued\n",
	       o->dir, r.sent, r.already, r.conflicts, r.changed, r.queued);
	if (r.marks)
		printf("sync %s: %u unit(s) to be assessed marked on the line\n", o->dir, r.marks);
	if (r.anchored)
		printf("sync %s: ledger head anchored on the line: entry %lu\n", o->dir, r.anchored);
	fflush(stdout);
	if (rc) {
		cli_error("sync", "%s", err.msg);
		return rc == RIG_E_UNAVAILABLE ? RIG_EXIT_TEMPFAIL : rig_exit_code(rc);
	}
	return r.conflicts || r.changed ? RIG_EXIT_DATAERR : RIG_EXIT_PASS;
}

static int follow(const struct store_sync_options *o, unsigned interval_s, unsigned max_s)
{
	unsigned wait_s = SYNC_BACKOFF_FIRST_S;
	for (;;) {
		int code = pass(o);
		if (code == RIG_EXIT_CONFIG)
			return code;
		if (code == RIG_EXIT_TEMPFAIL) {
			fprintf(stderr, "rig sync: retrying in %u s\n", wait_s);
			clock_sleep_ns(clock_real(), (uint64_t)wait_s * 1000000000u);
			wait_s = wait_s * 2 > max_s ? max_s : wait_s * 2;
			continue;
		}
		wait_s = SYNC_BACKOFF_FIRST_S;
		clock_sleep_ns(clock_real(), (uint64_t)interval_s * 1000000000u);
	}
}

/* cx: no shared options (the row's flags are 0). */
int cmd_sync(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "fixture", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'u' },
		{ "passfile", required_argument, NULL, 'p' },
		{ "follow", no_argument, NULL, 'F' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "backoff-max", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fixture = NULL, *url = NULL, *passfile = NULL;
	struct store_sync_options o = { .dir = REPORT_DEFAULT_DIR, .log = stderr };
	bool follow_on = false;
	long interval_s = 5, max_s = SYNC_BACKOFF_MAX_S, v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:d:u:p:Fi:t:B:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fixture = optarg; break;
		case 'd': o.dir = optarg; break;
		case 'u': url = optarg; break;
		case 'p': passfile = optarg; break;
		case 'F': follow_on = true; break;
		case 'i':
			if ((interval_s = number("--interval", optarg, 1, 86400)) < 0)
				return RIG_EXIT_USAGE;
			break;
		case 'B':
			if ((max_s = number("--backoff-max", optarg, 1, 86400)) < 0)
				return RIG_EXIT_USAGE;
			break;
		case 't':
			if ((v = number("--timeout-ms", optarg, 100, 600000)) < 0)
				return RIG_EXIT_USAGE;
			o.timeout_ms = (unsigned)v;
			break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind != argc) {
		cli_error("sync", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}
	struct fixture fx;
	struct rig_err err;
	memset(&fx, 0, sizeof fx);
	if (!url || fixture) {
		const char *path = fixture ? fixture : rig_default_fixture();
		if (fixture_load(&fx, path, &err)) {
			cli_error("sync", "%s", err.msg);
			return rig_exit_code(err.rc);
		}
		if (!url && !fx.results.url[0]) {
			printf("sync: %s has no [results] url: nothing to send to (the runs stay "
			       "queued in %s/index.sqlite)\n", path, o.dir);
			fixture_free(&fx);
			return RIG_EXIT_PASS;
		}
		if (!url && store_url_check(fx.results.url, &err)) {
			if (err.rc == RIG_E_UNAVAILABLE) /* no libpq: not the URL's fault */
				cli_error("sync", "%s", err.msg);
			else
				cli_error("sync", "%s:%d: [results] url: %s", path,
					  fixture_line(&fx, "results", "url"), err.msg);
			fixture_free(&fx);
			return err.rc == RIG_E_UNAVAILABLE ? RIG_EXIT_UNAVAILABLE : RIG_EXIT_CONFIG;
		}
	}
	o.url = url ? url : fx.results.url;
	o.passfile = passfile ? passfile : fx.results.passfile[0] ? fx.results.passfile : NULL;
	int code = follow_on ? follow(&o, (unsigned)interval_s, (unsigned)max_s) : pass(&o);
	fixture_free(&fx);
	return code;
}
