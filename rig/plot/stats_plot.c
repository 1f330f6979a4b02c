/* stats_plot.c - a control chart per characteristic of `rig stats`. */
#include "plot/stats_plot.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "plot/plots.h"

/* name: letters, digits, '.', '-' kept; anything else becomes '_'. */
static void name_part(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	for (; *src && i + 1 < cap; src++)
		dst[i++] = (isalnum((unsigned char)*src) || *src == '.' || *src == '-') ? *src : '_';
	dst[i] = '\0';
}

static enum rig_rc one(const struct stats_group *g, const char *dir, struct rig_err *err)
{
	size_t n = g->n;
	double *v = malloc(n * sizeof *v);
	bool *flag = calloc(n, sizeof *flag);
	if (!v || !flag) {
		free(v);
		free(flag);
		return rig_fail(err, RIG_E_NOMEM, "out of memory drawing control charts");
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = g->v[i].v;
		flag[i] = g->std > 0 && fabs(v[i] - g->mean) > 3 * g->std;
	}
	if (g->trend)
		for (size_t i = 0; i < STATS_TREND_RUN && i <= g->trend_end; i++)
			flag[g->trend_end - i] = true;
	char a[40], b[40], q[40], cmd[40], by[80], path[PATH_MAX + 256];
	name_part(a, sizeof a, g->phase);
	name_part(b, sizeof b, g->step);
	name_part(q, sizeof q, g->quantity);
	name_part(cmd, sizeof cmd, *g->commanded ? g->commanded : "none");
	name_part(by, sizeof by, g->by);
	snprintf(path, sizeof path, "%s/control_%s_%s_%s_%s%s%s.svg", dir, a, b, q, cmd,
		 *by ? "_" : "", by);
	char title[160], sub[200], flagl[64];
	snprintf(title, sizeof title, "%s at %s %s: individuals and moving range", g->quantity,
		 *g->commanded ? g->commanded : "-", g->unit);
	snprintf(sub, sizeof sub, "%s · %s%s%s · %zu runs", g->phase, g->step, *g->by ? " · " : "",
		 g->by, n);
	snprintf(flagl, sizeof flagl, "flagged: trend or limits");
	struct plot_control c = {
		.title = title, .subtitle = sub, .quantity = g->quantity, .unit = g->unit,
		.v = v, .flag = flag, .n = n, .lsl = g->lsl, .usl = g->usl, .flag_label = flagl,
	};
	enum rig_rc rc = plot_control_svg(path, &c, err);
	free(v);
	free(flag);
	return rc;
}

enum rig_rc stats_plot(const struct stats *s, const char *dir, unsigned *nwritten,
		       struct rig_err *err)
{
	*nwritten = 0;
	enum rig_rc rc = rig_mkdir_p(dir, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < s->n; i++) {
		if (s->g[i].n < 2)
			continue;
		if ((rc = one(&s->g[i], dir, err)))
			return rc;
		(*nwritten)++;
	}
	return RIG_OK;
}
