/* signin.c - a station shift on the record: sign-in (an ID and PIN when
 * the fixture has [access]) and sign-out in the report folder's ledger
 * (rig/records), the change of operator within a shift (Ctrl-O), and the
 * buzzer's pattern for a verdict. */
#include "station/station.h"

#include <stdio.h>
#include <string.h>

#include "core/fixture.h"
#include "records/access.h"
#include "records/records.h"
#include "run/profile.h"
#include "run/report.h"
#include "station/station_int.h"

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

bool station_sign_in_screen(struct station *st, const char *preset)
{
	for (bool on = st->fx.access.operators[0] != '\0';; st->operator_name[0] = '\0') {
		if (preset && *preset)
			snprintf(st->input, sizeof st->input, "%s", preset);
		else if (!station_read_line(st, SCREEN_SIGN_IN, false))
			return false;
		preset = NULL;
		snprintf(st->operator_name, sizeof st->operator_name, "%s", st->input);
		st->input[0] = '\0';
		if (on && !station_read_line(st, SCREEN_PIN, false))
			return false;
		if (station_sign_in(&st->fx, &st->prof, st->o->out_dir, st->operator_name, st->input,
				    st->records_note, sizeof st->records_note, st->message,
				    sizeof st->message)) {
			shift_log_operator(&st->log, st->operator_name);
			return true;
		}
	}
}

/* The hand-over's end on the record: the shift report names the new
 * operator at once (a service restart loses nothing). */
static void handed_over(struct station *st, const char *from)
{
	struct rig_err err = { 0 };
	if (st->log.runs && shift_log_write(&st->log, time(NULL), false, &err))
		snprintf(st->message, sizeof st->message, "shift report not written: %s", err.msg);
	else
		snprintf(st->message, sizeof st->message, "%s took over from %s.",
			 st->operator_name, from);
}

/* With access control the one signed in is signed out first: whoever
 * stands at the station after Ctrl-O must prove who they are before a
 * unit runs, and a cancelled or refused hand-over leaves the station
 * under nobody (signing in again, or ending the shift), never under the
 * previous operator. Without access control a name is only a name: the
 * previous operator stays signed in until the next name is entered, and
 * Ctrl-C, Esc or Ctrl-D on an empty line cancel the hand-over. */
bool station_hand_over(struct station *st)
{
	char from[NAME_MAX_BYTES + 1];
	snprintf(from, sizeof from, "%s", st->operator_name);
	st->input[0] = '\0';
	st->scr.handing_over = from;
	bool ok;
	if (st->fx.access.operators[0]) {
		station_sign_out(&st->fx, st->o->out_dir, from);
		st->operator_name[0] = st->records_note[0] = '\0';
		snprintf(st->message, sizeof st->message,
			 "%s is signed out. Next operator: your ID, then your PIN.", from);
		ok = station_sign_in_screen(st, NULL);
		if (ok)
			handed_over(st, from);
		st->scr.handing_over = NULL;
		return ok;
	}
	snprintf(st->message, sizeof st->message,
		 "Next operator: type your name. Esc or Ctrl-C: %s stays signed in.", from);
	st->hand_over_cancel = true;
	ok = station_read_line(st, SCREEN_SIGN_IN, false);
	st->hand_over_cancel = false;
	st->scr.handing_over = NULL;
	if (!ok) {
		if (st->ended)
			return false;
		snprintf(st->message, sizeof st->message,
			 "Change of operator cancelled: %s is still signed in.", from);
		return true;
	}
	if (!strcmp(st->input, from)) {
		st->input[0] = '\0';
		snprintf(st->message, sizeof st->message, "%s is signed in already.", from);
		return true;
	}
	char next[NAME_MAX_BYTES + 1];
	snprintf(next, sizeof next, "%s", st->input);
	st->input[0] = '\0';
	station_sign_out(&st->fx, st->o->out_dir, from);
	ok = station_sign_in_screen(st, next);
	if (ok)
		handed_over(st, from);
	return ok;
}
