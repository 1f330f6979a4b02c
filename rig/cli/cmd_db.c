/* cmd_db.c - `rig db migrate URL`: bring a results database to this rig's
 * schema (rig/store/schema.c); `rig db version URL`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/schema.h"

static void usage(FILE *out)
{
	fputs("usage: rig db migrate [--passfile FILE] URL|FILE\n"
	      "       rig db version [--passfile FILE] URL|FILE\n"
	      "\n"
	      "migrate applies the numbered migrations the database lacks, each once, in\n"
	      "its own transaction (several at once wait for each other); version prints\n"
	      "the database's schema version and this rig's. URL is postgresql://user@host\n"
	      "[:port]/db (the password from FILE, PGPASSFILE or ~/.pgpass, never in the\n"
	      "URL); anything else is an SQLite file. docs/results-db.md.\n"
	      "\n"
	      "  -p, --passfile FILE  libpq password file\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage, 69 database unreachable, 78 URL with a\n"
	      "password, or a database newer than this rig.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_db(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "passfile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *passfile = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': passfile = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (argc - optind < 1 || (strcmp(argv[optind], "migrate") && strcmp(argv[optind], "version"))) {
		cli_error("db", "expected migrate or version");
		usage(stderr);
		return RIG_EXIT_USAGE;
	}
	bool migrate = !strcmp(argv[optind++], "migrate");
	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': passfile = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (argc - optind != 1) {
		cli_error("db", "expected one database URL or file");
		return RIG_EXIT_USAGE;
	}
	struct store_db *db;
	struct rig_err err;
	unsigned applied = 0, version = 0;
	enum rig_rc rc = store_db_open(&db, argv[optind], passfile, &err);
	if (!rc) {
		rc = migrate ? store_migrate(db, &applied, &err) : RIG_OK;
		if (!rc)
			rc = store_schema_version(db, &version, &err);
		store_db_close(db);
	}
	if (rc) {
		cli_error("db", "%s", err.msg);
		return rig_exit_code(rc);
	}
	if (migrate)
		printf("schema version %u (%u migration(s) applied now)\n", version, applied);
	else
		printf("schema version %u; this rig's is %u\n", version, store_schema_latest());
	return RIG_EXIT_PASS;
}
