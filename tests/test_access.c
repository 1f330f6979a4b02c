/* test_access.c - operators, PINs, roles and signatures (rig/records/
 * operators.c, access.c; rig operator, rig sign) through the rig binary:
 * the first person must be an admin, only an admin changes the list, five
 * wrong PINs lock an ID (and the lock is on the record), every refusal is
 * answered (exit 77) and logged, a signed report shows name, time and
 * meaning in rig verify, and a signature moved to another report is caught.
 * PINs come from files ($RIG_PIN_FILE, $RIG_NEW_PIN_FILE): stdin is not a
 * terminal here. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "records/access.h"
#include "records/operators.h"
#include "support/runrig.h"
#include "support/testutil.h"

static char *tmp, *fx, *pins[4];
enum { ADMIN, ENG, OPER, BAD };

static void setup(void)
{
	tmp = tu_tmpdir();
	ck_assert_ptr_nonnull(tmp);
	char *text = tu_read("fixtures/sim.ini");
	char *with = NULL;
	ck_assert_int_ge(asprintf(&with, "%s\n[access]\noperators = operators.txt\n", text), 0);
	fx = tu_write(tmp, "sim.ini", with);
	free(text);
	free(with);
	pins[ADMIN] = tu_write(tmp, "admin.pin", "2468\n");
	pins[ENG] = tu_write(tmp, "eng.pin", "1357\n");
	pins[OPER] = tu_write(tmp, "op.pin", "9999\n");
	pins[BAD] = tu_write(tmp, "bad.pin", "0000\n");
	setenv("RIG_KEY", "/nonexistent/station.key", 1);
}

static void teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
	free(fx);
	for (int i = 0; i < 4; i++)
		free(pins[i]);
	unsetenv("RIG_KEY");
}

/* rig with PIN files pin (the signer's) and newpin (a new person's). */
static struct rig_result rigp(int pin, int newpin, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct rig_result rigp(int pin, int newpin, const char *fmt, ...)
{
	char *args, *full;
	va_list ap;
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&args, fmt, ap), 0);
	va_end(ap);
	/* sign has no --out: its report names the folder */
	if (!strncmp(args, "sign", 4))
		ck_assert_int_ge(asprintf(&full, "%s --fixture '%s'", args, fx), 0);
	else
		ck_assert_int_ge(asprintf(&full, "%s --fixture '%s' --out '%s/reports'", args, fx, tmp),
				 0);
	if (pin >= 0)
		setenv("RIG_PIN_FILE", pins[pin], 1);
	if (newpin >= 0)
		setenv("RIG_NEW_PIN_FILE", pins[newpin], 1);
	struct rig_result r = run_rig(full);
	unsetenv("RIG_PIN_FILE");
	unsetenv("RIG_NEW_PIN_FILE");
	free(args);
	free(full);
	return r;
}

static void expect(struct rig_result r, int code, const char *in_err)
{
	ck_assert_msg(r.exit_code == code, "exit %d, expected %d:\n%s%s", r.exit_code, code, r.out,
		      r.err);
	if (in_err)
		ck_assert_msg(strstr(r.err, in_err), "'%s' not in:\n%s", in_err, r.err);
	rig_result_free(&r);
}

static char *ledger(void)
{
	char *p, *t;
	ck_assert_int_ge(asprintf(&p, "%s/reports/ledger.txt", tmp), 0);
	t = tu_read(p);
	free(p);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void add_team(void)
{
	expect(rigp(-1, ADMIN, "operator add ann --name 'Ann Admin' --role admin"), 0, NULL);
	expect(rigp(ADMIN, ENG, "operator add bob --name 'Bob Engineer' --role engineer "
				"--operator ann"), 0, NULL);
	expect(rigp(ADMIN, OPER, "operator add olly --name 'Olly Operator' --role operator "
				 "--operator ann"), 0, NULL);
}

START_TEST(test_first_person_must_be_an_admin)
{
	expect(rigp(-1, OPER, "operator add olly --name 'Olly' --role operator"), 64,
	       "must be an admin");
	add_team();
	struct rig_result r = rigp(-1, -1, "operator list");
	ck_assert_msg(strstr(r.out, "ann") && strstr(r.out, "admin") && strstr(r.out, "Olly Operator"),
		      "%s", r.out);
	rig_result_free(&r);
	/* PINs are stored only as salted hashes. */
	char *p, *t;
	ck_assert_int_ge(asprintf(&p, "%s/operators.txt", tmp), 0);
	t = tu_read(p);
	/* (no field holds the PIN; the hex of a salt or hash may contain its
	 * digits by chance, so a plain substring search would fail now and then) */
	for (char *save, *fld = strtok_r(t, "\t\n", &save); fld; fld = strtok_r(NULL, "\t\n", &save))
		ck_assert_str_ne(fld, "2468");
	free(t);
	t = tu_read(p);
	ck_assert_ptr_nonnull(strstr(t, "\t100000\t"));
	free(t);
	free(p);
}
END_TEST

START_TEST(test_only_an_admin_changes_operators_and_refusals_are_logged)
{
	add_team();
	expect(rigp(ENG, OPER, "operator add eve --name 'Eve' --role admin --operator bob"), 77,
	       "bob is engineer; this needs the admin role");
	expect(rigp(-1, OPER, "operator disable olly"), 77, "give your ID with --operator");
	char *l = ledger();
	ck_assert_ptr_nonnull(strstr(l, "\taccess.refused\trig operator add eve\t-\tbob\t"));
	ck_assert_ptr_nonnull(strstr(l, "\taccess.refused\trig operator disable olly\t-\t-\t"));
	ck_assert_ptr_nonnull(strstr(l, "\toperator.changed\tbob\t-\tann\tadded: name=Bob Engineer"));
	free(l);
	expect(rigp(ADMIN, -1, "operator disable olly --operator ann"), 0, NULL);
	struct rig_result r = rigp(-1, -1, "operator list");
	ck_assert_msg(strstr(r.out, "olly") && strstr(r.out, "disabled"), "%s", r.out);
	rig_result_free(&r);
	expect(rigp(OPER, -1, "operator passwd olly --operator olly"), 77, "disabled");
}
END_TEST

START_TEST(test_five_wrong_pins_lock_the_id)
{
	add_team();
	for (int i = 1; i <= 4; i++)
		expect(rigp(BAD, OPER, "operator passwd olly --operator ann"), 77, "wrong PIN for ann");
	expect(rigp(BAD, OPER, "operator passwd olly --operator ann"), 77, "locked for 15 min");
	/* Now even the right PIN is refused. */
	expect(rigp(ADMIN, OPER, "operator passwd olly --operator ann"), 77, "ann is locked");
	char *l = ledger();
	ck_assert_ptr_nonnull(strstr(l, "\toperator.changed\tann\t-\tann\tlocked for 900 s"));
	free(l);
	/* In-process: the lock ends OP_LOCK_S later, and a right PIN clears the count. */
	char *ops;
	ck_assert_int_ge(asprintf(&ops, "%s/operators.txt", tmp), 0);
	struct op_file f;
	struct rig_err err;
	ck_assert(op_open(&f, ops, &err) == RIG_OK);
	struct op_person *p = op_find(&f, "ann");
	time_t later = (time_t)p->locked_until + 1;
	ck_assert_int_eq(op_check(&f, "ann", "2468", later - 2, NULL), OP_LOCKED);
	ck_assert_int_eq(op_check(&f, "ann", "0000", later, NULL), OP_WRONG_PIN);
	ck_assert_int_eq(op_check(&f, "ann", "2468", later, NULL), OP_PIN_OK);
	ck_assert_uint_eq(p->failures, 0);
	op_close(&f);
	free(ops);
}
END_TEST

static char *make_report(void)
{
	struct rig_result r;
	char *args;
	/* With access control on, a run needs an identified operator. */
	ck_assert_int_ge(asprintf(&args, "run --fixture '%s' --out '%s/reports' --operator olly", fx,
				  tmp), 0);
	setenv("RIG_PIN_FILE", pins[OPER], 1);
	r = run_rig(args);
	unsetenv("RIG_PIN_FILE");
	free(args);
	ck_assert_msg(r.exit_code == 0, "%s", r.err);
	/* its last line: "PASS SERIAL PATH (...)" */
	char *line = strstr(r.out, "PASS ");
	ck_assert_ptr_nonnull(line);
	char *sp = strchr(line + 5, ' ') + 1;
	char *path = strndup(sp, strcspn(sp, " \n"));
	rig_result_free(&r);
	return path;
}

START_TEST(test_signed_report_shows_name_time_and_meaning)
{
	add_team();
	char *rep = make_report();
	struct rig_result r = rigp(OPER, -1, "sign '%s' --meaning reviewed --operator olly", rep);
	ck_assert_msg(r.exit_code == 0, "%s", r.err);
	rig_result_free(&r);
	expect(rigp(ENG, -1, "sign '%s' --meaning approved --operator bob", rep), 0, NULL);
	expect(rigp(BAD, -1, "sign '%s' --meaning approved --operator bob", rep), 77, "wrong PIN");
	expect(rigp(ENG, -1, "sign '%s' --meaning liked --operator bob", rep), 64, "meaning");
	/* Roles per meaning: an operator may review and answer for a report
	 * (responsible), not approve it; an admin may. */
	expect(rigp(OPER, -1, "sign '%s' --meaning approved --operator olly", rep), 77,
	       "olly is operator; this needs the engineer role (an engineer or admin)");
	expect(rigp(OPER, -1, "sign '%s' --meaning responsible --operator olly", rep), 0, NULL);
	expect(rigp(ADMIN, -1, "sign '%s' --meaning approved --operator ann", rep), 0, NULL);
	char *l = ledger(), *refusal;
	ck_assert_int_ge(asprintf(&refusal, "\taccess.refused\trig sign approved %s\t-\tolly\t"
				  "refused: olly is operator", strrchr(rep, '/') + 1), 0);
	ck_assert_msg(strstr(l, refusal), "%s not in\n%s", refusal, l);
	free(refusal);
	free(l);
	char *args;
	ck_assert_int_ge(asprintf(&args, "verify '%s'", rep), 0);
	r = run_rig(args);
	free(args);
	ck_assert_msg(r.exit_code == 0, "%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.out, ": Olly Operator (olly), reviewed, 20"), "%s", r.out);
	ck_assert_msg(strstr(r.out, ": Bob Engineer (bob), approved, 20"), "%s", r.out);
	ck_assert_msg(strstr(r.out, ": Olly Operator (olly), responsible, 20"), "%s", r.out);
	ck_assert_msg(strstr(r.out, ": Ann Admin (ann), approved, 20"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "intact: 1 reports, 4 signatures"), "%s", r.out);
	rig_result_free(&r);
	/* The report itself says who ran it and how it is on the record. */
	char *text = tu_read(rep);
	ck_assert_msg(strstr(text, "\"records\"") &&
		      strstr(text, "access control: on (olly Olly Operator, operator); ledger: unsigned"),
		      "%s", text);
	free(text);
	free(rep);
}
END_TEST

START_TEST(test_signature_cannot_move_to_another_report)
{
	add_team();
	char *a = make_report(), *b = make_report();
	expect(rigp(ENG, -1, "sign '%s' --meaning approved --operator bob", a), 0, NULL);
	/* Move it: the entry now names report b. */
	const char *an = strrchr(a, '/') + 1, *bn = strrchr(b, '/') + 1;
	char *l = ledger(), *sig = strstr(l, "\tsignature\t");
	ck_assert_ptr_nonnull(sig);
	ck_assert_int_eq(strncmp(sig + 11, an, strlen(an)), 0);
	char *moved = tu_replace(sig + 11, an, bn);
	strcpy(sig + 11, moved);
	char *lp;
	ck_assert_int_ge(asprintf(&lp, "%s/reports/ledger.txt", tmp), 0);
	FILE *f = fopen(lp, "w");
	fputs(l, f);
	fclose(f);
	char *args;
	ck_assert_int_ge(asprintf(&args, "verify '%s/reports'", tmp), 0);
	struct rig_result r = run_rig(args);
	ck_assert_msg(r.exit_code == 1 && strstr(r.out, ": signature moved: ") && strstr(r.out, bn),
		      "%s", r.out);
	rig_result_free(&r);
	/* A report changed after it was recorded is not signed. */
	f = fopen(b, "a");
	fputs("\"x\"\r\n", f);
	fclose(f);
	expect(rigp(ENG, -1, "sign '%s' --meaning approved --operator bob", b), 65,
	       "not signed");
	free(args), free(lp), free(moved), free(l), free(a), free(b);
}
END_TEST

START_TEST(test_without_access_control_anyone_signs_and_it_says_so)
{
	char *text = tu_read("fixtures/sim.ini");
	char *plain = tu_write(tmp, "plain.ini", text);
	free(text);
	free(fx);
	fx = plain;
	char *rep = make_report();
	struct rig_result r = rigp(-1, -1, "sign '%s' --meaning reviewed --operator qa1 "
				   "--name 'Q. A. One'", rep);
	ck_assert_msg(r.exit_code == 0, "%s", r.err);
	rig_result_free(&r);
	char *l = ledger();
	ck_assert_ptr_nonnull(strstr(l, "name=Q. A. One; meaning=reviewed; identity=not checked "
					"(access control: off)"));
	free(l);
	free(rep);
	struct access_who who = { .on = false };
	char line[80];
	access_describe(&who, line, sizeof line);
	ck_assert_str_eq(line, "access control: off");
}
END_TEST

START_TEST(test_audit_shows_the_trail_filtered)
{
	add_team();
	char *rep = make_report();
	expect(rigp(ENG, -1, "sign '%s' --meaning approved --operator bob", rep), 0, NULL);
	expect(rigp(BAD, -1, "sign '%s' --meaning approved --operator olly", rep), 77, NULL);
	char *args;
	ck_assert_int_ge(asprintf(&args, "audit '%s/reports' --kind access.refused", tmp), 0);
	struct rig_result r = run_rig(args);
	ck_assert_msg(r.exit_code == 0, "%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.out, "access.refused") && strstr(r.out, "wrong PIN for olly") &&
		      !strstr(r.out, "signature ") && strstr(r.out, "1 of "), "%s", r.out);
	rig_result_free(&r);
	free(args);
	ck_assert_int_ge(asprintf(&args, "audit '%s/reports' --serial MN3-000123 --csv", tmp), 0);
	r = run_rig(args);
	ck_assert_msg(r.exit_code == 0, "%s", r.err);
	ck_assert_msg(!strncmp(r.out, "\"seq\",\"time\",\"kind\"", 19) &&
		      strstr(r.out, "\"report.published\"") && strstr(r.out, "\"signature\",") &&
		      !strstr(r.out, "operator.changed"), "%s", r.out);
	rig_result_free(&r);
	free(args);
	ck_assert_int_ge(asprintf(&args, "audit '%s/reports' --since 2999-01-01", tmp), 0);
	r = run_rig(args);
	ck_assert_msg(strstr(r.out, ": 0 of "), "%s", r.out);
	rig_result_free(&r);
	free(args);
	ck_assert_int_ge(asprintf(&args, "audit '%s/reports' --since yesterday", tmp), 0);
	expect(run_rig(args), 64, "--since");
	free(args);
	/* A folder that does not verify: the trail is shown, and exit 1 says so. */
	FILE *f = fopen(rep, "a");
	fputs("\"x\"\r\n", f);
	fclose(f);
	ck_assert_int_ge(asprintf(&args, "audit '%s/reports'", tmp), 0);
	r = run_rig(args);
	ck_assert_msg(r.exit_code == 1 && strstr(r.out, "DOES NOT VERIFY"), "%s", r.out);
	rig_result_free(&r);
	free(args);
	free(rep);
}
END_TEST

START_TEST(test_operator_cannot_change_the_zero_and_it_is_logged)
{
	add_team();
	char *before = tu_read(fx);
	expect(rigp(OPER, -1, "zero --operator olly --sim laser.zero_mm=5.03"), 77,
	       "refused: olly is operator; this needs the engineer role");
	expect(rigp(-1, -1, "zero --sim laser.zero_mm=5.03"), 77, "give your ID with --operator");
	char *after = tu_read(fx);
	ck_assert_str_eq(before, after); /* the fixture is untouched */
	char *l = ledger();
	ck_assert_ptr_nonnull(strstr(l, "\taccess.refused\trig zero\t-\tolly\trefused: olly is operator"));
	free(l);
	/* Choosing --mode calibrate over the profile's default needs an engineer too. */
	expect(rigp(OPER, -1, "run --mode calibrate --operator olly"), 77,
	       "olly is operator; this needs the engineer role");
	/* An engineer may; the change is on the record with its old and new value. */
	struct rig_result r = rigp(ENG, -1, "zero --operator bob --sim laser.zero_mm=5.03");
	ck_assert_msg(r.exit_code == 0, "%s", r.err);
	rig_result_free(&r);
	l = ledger();
	ck_assert_msg(strstr(l, "\tfixture.changed\t") && strstr(l, "\tbob\trig zero: laser.zero_mm 5.000 -> 5.03"),
		      "%s", l);
	free(l);
	char *args;
	ck_assert_int_ge(asprintf(&args, "verify '%s/reports'", tmp), 0);
	r = run_rig(args);
	ck_assert_msg(r.exit_code == 0, "%s", r.out);
	rig_result_free(&r);
	free(args), free(before), free(after);
}
END_TEST

/* rig run of profile prof by id with PIN pin, into tmp/reports. */
static struct rig_result run_profile(const char *prof, const char *id, int pin)
{
	char *args;
	ck_assert_int_ge(asprintf(&args, "run --fixture '%s' --out '%s/reports' --profile '%s' "
				  "--operator %s", fx, tmp, prof, id), 0);
	setenv("RIG_PIN_FILE", pins[pin], 1);
	struct rig_result r = run_rig(args);
	unsetenv("RIG_PIN_FILE");
	free(args);
	return r;
}

START_TEST(test_edited_profile_is_first_used_only_by_an_engineer)
{
	add_team();
	char *text = tu_read("profiles/production-p25.ini");
	char *prof = tu_write(tmp, "p25.ini", text);
	expect(run_profile(prof, "olly", OPER), 0, NULL);
	/* Edited after that use: an operator is refused, naming the profile
	 * and who may use it first; the refusal is on the record. */
	char *edited = tu_replace(text, "[profile]", "; limits reviewed\n[profile]");
	free(tu_write(tmp, "p25.ini", edited));
	struct rig_result r = run_profile(prof, "olly", OPER);
	ck_assert_msg(r.exit_code == 77 && strstr(r.err, "olly is operator; this needs the engineer role") &&
		      strstr(r.err, "profile production-p25 (") &&
		      strstr(r.err, "changed since its first use in ledger entry") &&
		      strstr(r.err, "its first use needs an engineer or admin"),
		      "exit %d: %s", r.exit_code, r.err);
	rig_result_free(&r);
	char *l = ledger(), *refusal;
	ck_assert_int_ge(asprintf(&refusal, "\taccess.refused\trig run: first use of edited "
				  "profile %s\t-\tolly\trefused: olly is operator", prof), 0);
	ck_assert_msg(strstr(l, refusal), "%s not in\n%s", refusal, l);
	free(refusal);
	free(l);
	/* An engineer uses it first; from then on it is in use as it is. */
	expect(run_profile(prof, "bob", ENG), 0, "first use by bob (engineer)");
	expect(run_profile(prof, "olly", OPER), 0, NULL);
	/* The same profile (by its name) copied elsewhere and edited is the
	 * same profile edited. */
	char *again = tu_replace(text, "[profile]", "; copied and changed\n[profile]");
	char *copy = tu_write(tmp, "elsewhere.ini", again);
	expect(run_profile(copy, "olly", OPER), 77, "profile production-p25 (");
	/* Without access control everyone may do everything. */
	char *plain_text = tu_read("fixtures/sim.ini");
	free(fx);
	fx = tu_write(tmp, "plain.ini", plain_text);
	FILE *f = fopen(copy, "a");
	fputs("; edited once more\n", f);
	fclose(f);
	expect(run_profile(copy, "olly", OPER), 0, NULL);
	char *args;
	ck_assert_int_ge(asprintf(&args, "verify '%s/reports'", tmp), 0);
	r = run_rig(args);
	ck_assert_msg(r.exit_code == 0, "%s", r.out);
	rig_result_free(&r);
	free(args), free(plain_text), free(copy), free(again), free(edited), free(prof), free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("access");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_first_person_must_be_an_admin);
	tcase_add_test(tc, test_only_an_admin_changes_operators_and_refusals_are_logged);
	tcase_add_test(tc, test_five_wrong_pins_lock_the_id);
	tcase_add_test(tc, test_signed_report_shows_name_time_and_meaning);
	tcase_add_test(tc, test_signature_cannot_move_to_another_report);
	tcase_add_test(tc, test_audit_shows_the_trail_filtered);
	tcase_add_test(tc, test_operator_cannot_change_the_zero_and_it_is_logged);
	tcase_add_test(tc, test_without_access_control_anyone_signs_and_it_says_so);
	tcase_add_test(tc, test_edited_profile_is_first_used_only_by_an_engineer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
