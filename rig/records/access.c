/* access.c - an ID and PIN against the operators file, the role an action
 * needs, and the ledger entry of every refusal. */
#include "records/access.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "records/ledger.h"
#include "records/records.h"

/* Refuse: the message for the person, and the same on the record. */
static enum rig_rc refuse(const char *records_dir, const char *id, const char *action,
			  const char *why, struct rig_err *err)
{
	char detail[400];
	snprintf(detail, sizeof detail, "refused: %s", why);
	struct rig_err lerr;
	enum rig_rc lrc = records_note(records_dir, LK_REFUSED, action, NULL, id && *id ? id : "-",
				       detail, &lerr);
	if (lrc)
		return rig_fail(err, RIG_E_DENIED, "refused: %s (and the refusal could not be "
				"logged: %s)", why, lerr.msg);
	return rig_fail(err, RIG_E_DENIED, "refused: %s", why);
}

static enum rig_rc note_lock(const char *ops_path, const char *records_dir, const char *id,
			     struct rig_err *err)
{
	char detail[200];
	snprintf(detail, sizeof detail, "locked for %d s after %d wrong PINs in a row (%s)",
		 OP_LOCK_S, OP_MAX_FAILURES, ops_path);
	return records_note(records_dir, LK_OPERATOR, id, NULL, id, detail, err);
}

enum rig_rc access_require(const char *ops_path, const char *records_dir, const char *id,
			   const char *pin, enum op_role need, const char *action,
			   struct access_who *who, struct rig_err *err)
{
	memset(who, 0, sizeof *who);
	if (!ops_path || !*ops_path)
		return RIG_OK;
	who->on = true;
	char why[300];
	if (!id || !*id) {
		snprintf(why, sizeof why, "access control is on: give your ID with --operator ID "
			 "(this needs the %s role)", op_role_name(need));
		return refuse(records_dir, NULL, action, why, err);
	}
	struct op_file f;
	enum rig_rc rc = op_open(&f, ops_path, err);
	if (rc)
		return rc;
	struct op_person *p;
	enum op_verdict v = op_check(&f, id, pin ? pin : "", time(NULL), &p);
	if ((v == OP_WRONG_PIN || v == OP_WRONG_NOW_LOCKED || v == OP_PIN_OK) &&
	    (rc = op_save(&f, err))) {
		op_close(&f);
		return rc;
	}
	if (v == OP_PIN_OK) {
		snprintf(who->id, sizeof who->id, "%s", p->id);
		snprintf(who->name, sizeof who->name, "%s", p->name);
		who->role = p->role;
	}
	unsigned left = p ? OP_MAX_FAILURES - p->failures : 0;
	long long until = p ? p->locked_until : 0;
	op_close(&f);
	switch (v) {
	case OP_PIN_OK:
		if (who->role >= need)
			return RIG_OK;
		snprintf(why, sizeof why, "%s is %s; this needs the %s role%s", id,
			 op_role_name(who->role), op_role_name(need),
			 need == OP_ROLE_ENGINEER ? " (an engineer or admin)" : "");
		break;
	case OP_UNKNOWN: snprintf(why, sizeof why, "no operator %s in %s", id, ops_path); break;
	case OP_DISABLED: snprintf(why, sizeof why, "operator %s is disabled", id); break;
	case OP_LOCKED:
		snprintf(why, sizeof why, "operator %s is locked after %d wrong PINs, for %lld s more",
			 id, OP_MAX_FAILURES, until - (long long)time(NULL));
		break;
	case OP_WRONG_PIN:
		snprintf(why, sizeof why, "wrong PIN for %s (%u more and the ID is locked for %d min)",
			 id, left, OP_LOCK_S / 60);
		break;
	case OP_WRONG_NOW_LOCKED:
		snprintf(why, sizeof why, "wrong PIN for %s, %d in a row: the ID is locked for %d min",
			 id, OP_MAX_FAILURES, OP_LOCK_S / 60);
		if ((rc = note_lock(ops_path, records_dir, id, err)))
			return rc;
		break;
	}
	memset(who, 0, sizeof *who);
	who->on = true;
	return refuse(records_dir, id, action, why, err);
}

static const struct {
	const char *meaning;
	enum op_role need;
} sign_roles[] = {
	{ "reviewed", OP_ROLE_OPERATOR },
	{ "responsible", OP_ROLE_OPERATOR },
	{ "approved", OP_ROLE_ENGINEER },
};

bool access_sign_role(const char *meaning, enum op_role *need)
{
	for (size_t i = 0; i < sizeof sign_roles / sizeof sign_roles[0]; i++)
		if (!strcmp(meaning, sign_roles[i].meaning)) {
			*need = sign_roles[i].need;
			return true;
		}
	return false;
}

void access_describe(const struct access_who *who, char *out, size_t cap)
{
	if (!who->on)
		snprintf(out, cap, "access control: off");
	else
		snprintf(out, cap, "access control: on (%s %s, %s)", who->id, who->name,
			 op_role_name(who->role));
}

enum rig_rc access_sign_in(const char *ops_path, const char *records_dir, const char *station,
			   const char *id, const char *pin, enum op_role need, const char *action,
			   struct access_who *who, char *note, size_t cap, struct rig_err *err)
{
	enum rig_rc rc = access_require(ops_path, records_dir, id, pin, need, action, who, err);
	if (rc)
		return rc;
	access_describe(who, note, cap);
	char detail[300];
	snprintf(detail, sizeof detail, "station=%s; name=%s; %s", station,
		 who->on ? who->name : id, note);
	return records_note(records_dir, LK_SIGNIN, station, NULL, who->on ? who->id : id, detail,
			    err);
}

enum rig_rc access_sign_out(const char *records_dir, const char *station, const char *id,
			    struct rig_err *err)
{
	char detail[200];
	snprintf(detail, sizeof detail, "station=%s; end of the shift", station);
	return records_note(records_dir, LK_SIGNOUT, station, NULL, id, detail, err);
}
