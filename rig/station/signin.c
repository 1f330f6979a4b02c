/* signin.c - a station shift on the record: sign-in (an ID and PIN when
 * the fixture has [access]) and sign-out in the report folder's ledger
 * (rig/records), and the buzzer's pattern for a verdict. */
#include "station/station.h"

#include <stdio.h>
#include <string.h>

#include "core/fixture.h"
#include "records/access.h"
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

bool station_sign_in(const struct fixture *fx, const char *out_dir, const char *id, char *pin,
		     char *note, size_t note_cap, char *message, size_t message_cap)
{
	struct access_who who;
	struct rig_err err;
	enum rig_rc rc = access_sign_in(fx->access.operators, out_dir ? out_dir : REPORT_DEFAULT_DIR,
					fx->bench.station, id, pin, &who, note, note_cap, &err);
	explicit_bzero(pin, strlen(pin));
	if (rc)
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
