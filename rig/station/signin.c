/* signin.c - a station shift on the record: sign-in (an ID and PIN when
 * the fixture has [access]) and sign-out in the report folder's ledger
 * (rig/records), and the buzzer's pattern for a verdict. */
#include "station/station.h"

#include <stdio.h>
#include <string.h>

#include "core/fixture.h"
#include "records/access.h"
#include "records/records.h"
#include "run/profile.h"
#include "run/report.h"

static const unsigned beep_pass[] = { 150, 0 };
static const unsigned beep_fail[] = { 400, 200, 400, 200, 400, 0 };
static const unsigned beep_abort[] = { 100, 100, 100, 100, 100, 100, 100, 100, 100, 0 };

const unsigned *station_beep_pattern(const struct run_result *res)
{
	if (!res->reported)
		return beep_abort;
	switch (res->verdict) {
	case REPORT_PASS: return beep_pass;
	case REPORT_FAIL:
	case REPORT_INDETERMINATE: return beep_fail;
	case REPORT_ABORTED: return beep_abort;
	}
	return beep_abort;
}

bool station_sign_in(const struct fixture *fx, const struct profile *prof, const char *out_dir,
		     const char *id, char *pin, char *note, size_t note_cap, char *message,
		     size_t message_cap)
{
	struct access_who who;
	struct rig_err err;
	const char *dir = out_dir ? out_dir : REPORT_DEFAULT_DIR;
	/* A profile edited since its first use here needs an engineer first. */
	char action[200] = "station sign-in";
	bool is_edited = false;
	if (fx->access.operators[0] &&
	    records_profile_edited(dir, prof->path, prof->name, prof->sha256, &is_edited, NULL, 0,
				   &err))
		is_edited = false; /* unreadable: the sign-in's own entry fails and says so */
	if (is_edited)
		snprintf(action, sizeof action, "station sign-in: first use of edited profile %s",
			 prof->name);
	enum rig_rc rc = access_sign_in(fx->access.operators, dir, fx->bench.station, id, pin,
					is_edited ? OP_ROLE_ENGINEER : OP_ROLE_OPERATOR, action,
					&who, note, note_cap, &err);
	explicit_bzero(pin, strlen(pin));
	/* The screen's width cuts a long line: what to do comes first. */
	if (is_edited && rc == RIG_E_DENIED)
		snprintf(message, message_cap, "refused: profile %s was edited since its first use "
			 "here; an engineer or admin must sign in to use it first (%s)", prof->name,
			 strncmp(err.msg, "refused: ", 9) ? err.msg : err.msg + 9);
	else if (rc)
		snprintf(message, message_cap, "%s", err.msg);
	/* Without access control only the ledger can have failed: go on. */
	return !rc || !fx->access.operators[0];
}

void station_sign_out(const struct fixture *fx, const char *out_dir, const char *id)
{
	struct rig_err err;
	if (id[0] && access_sign_out(out_dir ? out_dir : REPORT_DEFAULT_DIR, fx->bench.station, id,
				     &err))
		fprintf(stderr, "rig station: %s\n", err.msg);
}

enum rig_rc station_same_profile(const struct fixture *fx, const struct profile *signed_in,
				 const struct profile *now, struct rig_err *err)
{
	if (!fx->access.operators[0] || !strcmp(signed_in->sha256, now->sha256))
		return RIG_OK;
	return rig_fail(err, RIG_E_DENIED,
			"profile %s changed since this shift began (sha256 %.16s..., now %.16s...): "
			"end the shift; an edited profile's first use needs an engineer or admin",
			now->name, signed_in->sha256, now->sha256);
}
