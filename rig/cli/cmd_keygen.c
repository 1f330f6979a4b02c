/* cmd_keygen.c - `rig keygen`: make the station's Ed25519 key
 * (rig/records/keys.c) and print its public half. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli/cli.h"
#include "records/keys.h"
#include "records/ledger.h"

static void usage(FILE *out)
{
	fputs("usage: rig keygen [--key FILE] [--out DIR] [--show]\n"
	      "\n"
	      "Makes the station's Ed25519 key (from getrandom), writes it to FILE\n"
	      "(mode 0600; default $RIG_KEY, else /etc/rig/station.key) and prints the\n"
	      "public key and its fingerprint. Every ledger entry the station writes\n"
	      "from then on is signed with it; its public half is put beside each\n"
	      "ledger (DIR/ledger.pub) so anyone can verify. An existing key is never\n"
	      "replaced. Keep the printed line somewhere else too: it is what a signed\n"
	      "ledger is checked against. docs/records.md.\n"
	      "\n"
	      "  -k, --key FILE  the private key file\n"
	      "  -o, --out DIR   also publish the public key beside DIR's ledger\n"
	      "  -s, --show      print the public key of the existing key, make none\n"
	      "  -h, --help      this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage or the key exists, 74 cannot write, 78 bad key file.\n",
	      out);
}

/* cx: no shared options (the row's flags are 0). */
int cmd_keygen(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "show", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX];
	const char *dir = NULL;
	bool show = false;
	int c;
	key_default_path(path, sizeof path);
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:o:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': snprintf(path, sizeof path, "%s", optarg); break;
		case 'o': dir = optarg; break;
		case 's': show = true; break;
		default: return cli_opt_other(c, usage);
		}
	}
	if (optind != argc) {
		cli_error("keygen", "unexpected argument '%s'", argv[optind]);
		return RIG_EXIT_USAGE;
	}
	struct station_key k;
	struct rig_err err;
	bool found = true;
	enum rig_rc rc = show ? key_load(path, &k, &found, &err) : key_generate(path, &k, &err);
	if (!rc && !found)
		rc = rig_fail(&err, RIG_E_CONFIG, "%s: no station key (make one with rig keygen)", path);
	if (!rc && dir) {
		struct ledger lg;
		if (!(rc = ledger_open(&lg, dir, true, &k, &err)))
			ledger_close(&lg);
	}
	if (rc) {
		key_wipe(&k);
		cli_error("keygen", "%s", err.msg);
		return rig_exit_code(rc);
	}
	char line[200];
	key_pub_line(k.pub, line, sizeof line);
	key_wipe(&k);
	if (!show)
		fprintf(stderr, "rig keygen: wrote %s (keep it private: mode 0600)\n", path);
	printf("%s\n", line);
	return RIG_EXIT_PASS;
}
