/* query.c - history, impact and the rows behind `rig stats --db`, the same
 * SQL on a station's index and on the line's PostgreSQL. */
#include "store/query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/grow.h"
#include "run/report.h"
#include "store/index.h"
#include "store/record.h"
#include "store/schema.h"

enum rig_rc store_source_open(struct store_db **db, const struct store_source *src,
			      struct rig_err *err)
{
	*db = NULL;
	const char *dir = src->dir ? src->dir : REPORT_DEFAULT_DIR;
	struct stat st;
	if (src->db && store_is_url(src->db)) {
		enum rig_rc rc = store_pg_open(db, src->db, src->passfile, 0, err);
		if (!rc && (rc = store_schema_check(*db, err))) {
			store_db_close(*db);
			*db = NULL;
		}
		return rc;
	}
	if (src->db && stat(src->db, &st) == 0 && !S_ISDIR(st.st_mode))
		return store_sqlite_open(db, src->db, err);
	if (src->db)
		dir = src->db;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return rig_fail(err, RIG_E_IO, "%s: no such report folder or index", dir);
	struct store_index_count n;
	enum rig_rc rc = store_index_open(db, dir, err);
	if (!rc && (rc = store_index_catch_up(*db, dir, &n, NULL, err))) {
		store_db_close(*db);
		*db = NULL;
	}
	return rc;
}

static const char run_cols[] =
	"started_at, station, operator, pen_serial, verdict, reason, category, attempt, profile,"
	" report_file, run_id,"
	" (SELECT a.state FROM assessments a WHERE a.run_id = runs.run_id)";

static int add_run(void *ctx, int ncols, const char *const *c)
{
	struct store_runs *r = ctx;
	if (ncols < 12)
		return 0;
	if (RIG_GROW(r->v, r->cap, r->n + 1, 64, NULL)) {
		r->oom = true;
		return 1;
	}
	struct store_run_info *e = &r->v[r->n++];
#define PUT(field, i) snprintf(e->field, sizeof e->field, "%s", c[i] ? c[i] : "")
	PUT(started_at, 0);
	PUT(station, 1);
	PUT(operator_name, 2);
	PUT(pen_serial, 3);
	PUT(verdict, 4);
	PUT(reason, 5);
	PUT(category, 6);
	PUT(attempt, 7);
	PUT(profile, 8);
	PUT(report_file, 9);
	PUT(run_id, 10);
	PUT(assessment, 11);
#undef PUT
	return 0;
}

static enum rig_rc runs_query(struct store_db *db, const char *where, int np,
			      const char *const *p, struct store_runs *out, struct rig_err *err)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE %s ORDER BY started_at, run_id",
		 run_cols, where);
	memset(out, 0, sizeof *out);
	enum rig_rc rc = store_db_exec(db, sql, np, p, NULL, add_run, out, err);
	if (!rc && out->oom)
		rc = rig_fail(err, RIG_E_NOMEM, "out of memory reading runs");
	return rc;
}

enum rig_rc store_history(struct store_db *db, const char *serial, struct store_runs *out,
			  struct rig_err *err)
{
	char key[64];
	/* No serial known ("unknown", "") names no unit: its runs are of
	 * pens no one can tell apart, all of them, each a unit of its own. */
	if (!report_serial_known(serial)) {
		store_serial_key(key, sizeof key, REPORT_SERIAL_UNKNOWN);
		return runs_query(db, "serial_key IN ($1, '')", 1, (const char *[]){ key }, out,
				  err);
	}
	store_serial_key(key, sizeof key, serial);
	return runs_query(db, "serial_key = $1", 1, (const char *[]){ key }, out, err);
}

enum rig_rc store_impact(struct store_db *db, const char *station, const char *since,
			 struct store_runs *out, struct rig_err *err)
{
	/* Bench checks (rig check) are runs but not units. */
	return runs_query(db,
			  "station = $1 AND started_at >= $2 AND verdict <> 'ABORTED'"
			  " AND COALESCE(profile, '') <> 'bench-check'",
			  2,
			  (const char *[]){ station, since }, out, err);
}

void store_runs_free(struct store_runs *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

bool store_parse_time(const char *in, char out[32])
{
	struct tm tm = { 0 };
	char tail;
	int y, mo, d, h = 0, mi = 0, s = 0;
	size_t len = strlen(in);
	if (len == 10 && sscanf(in, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3)
		;
	else if (len == 20 && sscanf(in, "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &y, &mo, &d, &h, &mi, &s,
				     &tail) == 6)
		;
	else
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1 ||
	    h > 23 || mi > 59 || s > 59)
		return false;
	report_iso_time(out, t);
	return true;
}

struct oldest {
	char date[16], what[64];
};

static int keep_oldest(void *ctx, int ncols, const char *const *c)
{
	struct oldest *o = ctx;
	int y, m, d;
	char tail;
	if (ncols < 3 || !c[0] || !c[1] || !c[2] || strstr(c[1], "due") ||
	    sscanf(c[2], "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(c[2]) != 10)
		return 0;
	if (!o->date[0] || strcmp(c[2], o->date) < 0) {
		snprintf(o->date, sizeof o->date, "%s", c[2]);
		snprintf(o->what, sizeof o->what, "%s %s", c[0], c[1]);
	}
	return 0;
}

static int keep_first(void *ctx, int ncols, const char *const *c)
{
	char *out = ctx;
	if (ncols >= 1 && c[0] && !out[0])
		snprintf(out, 32, "%s", c[0]);
	return 0;
}

enum rig_rc store_last_good_check(struct store_db *db, const char *station, char since[32],
				  char what[64], struct rig_err *err)
{
	/* The last bench check on the reference that passed (rig check,
	 * profile bench-check) when the station has any; else the oldest
	 * fixture calibration its newest run was made with. */
	char checked[32] = "";
	enum rig_rc rc = store_db_exec(
		db,
		"SELECT started_at FROM runs WHERE station = $1 AND profile = 'bench-check'"
		" AND verdict = 'PASS' ORDER BY started_at DESC, run_id DESC LIMIT 1",
		1, (const char *[]){ station }, NULL, keep_first, checked, err);
	if (rc)
		return rc;
	if (checked[0]) {
		snprintf(what, 64, "bench check passed");
		snprintf(since, 32, "%s", checked);
		return RIG_OK;
	}
	struct oldest o = { "", "" };
	rc = store_db_exec(
		db,
		"SELECT c.device, c.item, c.value FROM calibrations c WHERE c.run_id = ("
		" SELECT run_id FROM runs WHERE station = $1 ORDER BY started_at DESC, run_id DESC"
		" LIMIT 1)",
		1, (const char *[]){ station }, NULL, keep_oldest, &o, err);
	if (rc)
		return rc;
	if (!o.date[0])
		return rig_fail(err, RIG_E_DATA,
				"station %s: no run with a fixture calibration date: give --since", station);
	snprintf(what, 64, "%s", o.what);
	return store_parse_time(o.date, since) ? RIG_OK
					       : rig_fail(err, RIG_E_DATA, "bad date %s", o.date);
}
