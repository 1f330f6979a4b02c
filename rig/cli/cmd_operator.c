/* cmd_operator.c - `rig operator add|disable|passwd|list`: the people who
 * may use the bench, in the operators file the fixture names
 * (rig/records/operators.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/identify.h"
#include "core/paths.h"
#include "core/fixture.h"
#include "records/ledger.h"
#include "records/records.h"
#include "run/report.h"

static void usage(FILE *out)
{
	fputs("usage: rig operator add ID --name \"Printed Name\" --role ROLE [options]\n"
	      "       rig operator disable ID --operator ADMIN [options]\n"
	      "       rig operator passwd ID --operator ADMIN [options]\n"
	      "       rig operator list [options]\n"
	      "\n"
	      "Manages the operators file the fixture names ([access] operators = FILE):\n"
	      "per person an ID, the printed name signatures show, a role (operator,\n"
	      "engineer, admin) and a salted PBKDF2-SHA256 hash of the PIN. Changes need\n"
	      "an admin (--operator ADMIN and the admin's PIN); the first add into a\n"
	      "file that does not exist yet creates it and must make an admin. The new\n"
	      "person's PIN is asked twice on the terminal (no echo), or read from the\n"
	      "file $RIG_NEW_PIN_FILE when stdin is not a terminal; the admin's PIN\n"
	      "likewise, or from $RIG_PIN_FILE. Every change goes into the ledger of\n"
	      "--out. IDs are never reused: disable a person instead. docs/records.md.\n"
	      "\n"
	      "  -n, --name NAME     printed name (add)\n"
	      "  -r, --role ROLE     operator, engineer or admin (add)\n"
	      "  -u, --operator ID   the admin making the change\n"
	      "  -f, --fixture F     the fixture naming the operators file\n"
	      "  -o, --out DIR       the report folder whose ledger records it (reports)\n"
	      "  -h, --help          this text\n"
	      "\n"
	      "Exit codes: 0 done, 64 usage, 74 cannot write, 77 refused, 78 no\n"
	      "[access] operators in the fixture.\n",
	      out);
}

struct opts {
	const char *verb, *id, *name, *role, *admin, *fixture, *out;
};

/* The new person's PIN, set on p. */
static int new_pin(struct op_person *p, struct rig_err *err)
{
	char pin[OP_PIN_MAX + 2], prompt[80];
	snprintf(prompt, sizeof prompt, "new PIN for %s: ", p->id);
	int code = cli_read_pin("operator", prompt, "RIG_NEW_PIN_FILE", 1, pin, sizeof pin);
	if (code)
		return code;
	enum rig_rc rc = op_set_pin(p, pin, err);
	explicit_bzero(pin, sizeof pin);
	if (rc) {
		cli_error("operator", "%s", err->msg);
		return rig_exit_code(rc);
	}
	return 0;
}

/* Under the file's lock: make the change o asks for. *detail says what. */
static int change(struct op_file *f, const struct opts *o, char *detail, size_t cap,
		  struct rig_err *err)
{
	struct op_person *p = NULL;
	enum op_role role;
	if (!strcmp(o->verb, "add")) {
		if (!o->role || !op_role_parse(o->role, &role)) {
			cli_error("operator", "--role: expected operator, engineer or admin");
			return RIG_EXIT_USAGE;
		}
		if (f->n == 0 && role != OP_ROLE_ADMIN) {
			cli_error("operator", "%s is new: its first person must be an admin "
				  "(--role admin)", f->path);
			return RIG_EXIT_USAGE;
		}
		if (op_add(f, o->id, o->name, role, &p, err)) {
			cli_error("operator", "%s", err->msg);
			return RIG_EXIT_USAGE;
		}
		snprintf(detail, cap, "added: name=%s; role=%s", p->name, op_role_name(role));
		return new_pin(p, err);
	}
	if (!(p = op_find(f, o->id))) {
		cli_error("operator", "no operator %s in %s", o->id, f->path);
		return RIG_EXIT_USAGE;
	}
	if (!strcmp(o->verb, "disable")) {
		p->disabled = true;
		snprintf(detail, cap, "disabled: name=%s", p->name);
		return 0;
	}
	snprintf(detail, cap, "PIN set (any lock cleared): name=%s", p->name);
	return new_pin(p, err);
}

static int list(const char *path)
{
	struct op_file f;
	struct rig_err err;
	if (op_open(&f, path, &err)) {
		cli_error("operator", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	time_t now = time(NULL);
	for (size_t i = 0; i < f.n; i++)
		printf("%-12s %-9s %-8s %s%s\n", f.p[i].id, op_role_name(f.p[i].role),
		       f.p[i].disabled ? "disabled" : "active", f.p[i].name,
		       f.p[i].locked_until > (long long)now ? " (locked)" : "");
	op_close(&f);
	return 0;
}

static int run_verb(const struct opts *o, const char *ops_path)
{
	struct rig_err err;
	struct op_file f;
	if (op_open(&f, ops_path, &err)) {
		cli_error("operator", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	bool first = f.n == 0 && !strcmp(o->verb, "add");
	op_close(&f);
	struct access_who who = { 0 };
	char action[64];
	snprintf(action, sizeof action, "rig operator %s %s", o->verb, o->id);
	int code = first ? 0
			 : cli_identify("operator", ops_path, o->out, o->admin, OP_ROLE_ADMIN,
					action, &who);
	if (code)
		return code;
	char detail[300] = "";
	if (op_open(&f, ops_path, &err)) {
		cli_error("operator", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	code = change(&f, o, detail, sizeof detail, &err);
	if (!code && op_save(&f, &err)) {
		cli_error("operator", "%s", err.msg);
		code = rig_exit_code(err.rc);
	}
	op_close(&f);
	if (code)
		return code;
	if (records_note(o->out, LK_OPERATOR, o->id, NULL, first ? o->id : who.id, detail, &err)) {
		cli_error("operator", "changed, but not on the record: %s", err.msg);
		return rig_exit_code(err.rc);
	}
	fprintf(stderr, "rig operator: %s: %s\n", o->id, detail);
	return 0;
}

/* cx: no shared options (the row's flags are 0). */
int cmd_operator(int argc, char **argv, struct cli_ctx *cx __attribute__((unused)))
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "operator", required_argument, NULL, 'u' },
		{ "fixture", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .out = REPORT_DEFAULT_DIR };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:r:u:f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'r': o.role = optarg; break;
		case 'u': o.admin = optarg; break;
		case 'f': o.fixture = optarg; break;
		case 'o': o.out = optarg; break;
		default: return cli_opt_other(c, usage);
		}
	}
	o.verb = optind < argc ? argv[optind++] : "";
	bool is_list = !strcmp(o.verb, "list");
	if (!is_list && strcmp(o.verb, "add") && strcmp(o.verb, "disable") &&
	    strcmp(o.verb, "passwd")) {
		cli_error("operator", "expected add, disable, passwd or list, found '%s'", o.verb);
		return RIG_EXIT_USAGE;
	}
	o.id = optind < argc ? argv[optind++] : NULL;
	if ((!is_list && !o.id) || optind != argc) {
		cli_error("operator", is_list ? "list takes no ID" : "%s needs one ID", o.verb);
		return RIG_EXIT_USAGE;
	}
	struct fixture fx;
	struct rig_err err;
	if (fixture_load(&fx, o.fixture ? o.fixture : rig_default_fixture(), &err)) {
		cli_error("operator", "%s", err.msg);
		return rig_exit_code(err.rc);
	}
	char ops_path[PATH_MAX];
	snprintf(ops_path, sizeof ops_path, "%s", fx.access.operators);
	fixture_free(&fx);
	if (!ops_path[0]) {
		cli_error("operator", "the fixture has no [access] operators = FILE: access control "
			  "is off (add the key to turn it on)");
		return RIG_EXIT_CONFIG;
	}
	return is_list ? list(ops_path) : run_verb(&o, ops_path);
}
