/* reference.c - loading a reference artifact's certificate. */
#include "check/reference.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ini_read.h"
#include "core/ini_schema.h"
#include "core/sha256.h"

/* Lists are parsed into a scratch of their own and copied into the
 * struct afterwards, so that the commanded and actual values of one
 * quantity are checked together. */
struct ref_load {
	struct reference *r;
	size_t n_cmd[2], n_act[2];
	double cmd[2][REFERENCE_MAX_POINTS], act[2][REFERENCE_MAX_POINTS];
	int line_act[2];
	bool seen[16];
};

static enum rig_rc parse_list(const struct ini_schema *s, const struct ini_field *fd,
			      const char *path, int line, const char *value, void *dst,
			      struct rig_err *err);

#define RX(member) offsetof(struct reference, member), sizeof(((struct reference *)0)->member)
/* The lists write into struct ref_load: offsets there. */
#define LX(member) offsetof(struct ref_load, member), sizeof(((struct ref_load *)0)->member)

static const struct ini_field fields[] = {
	{ "reference", "id", INI_ASCII, RX(id), 0, 0, true, NULL, NULL, false, true, NULL },
	{ "reference", "kind", INI_TEXT, RX(kind), 0, 0, true, NULL, NULL, false, true, NULL },
	{ "reference", "model", INI_MODEL, RX(model), 0, 0, true, NULL, NULL, false, true, NULL },
	{ "reference", "certificate", INI_ASCII, RX(certificate), 0, 0, true, NULL, NULL, false, true, NULL },
	{ "reference", "valid_until", INI_DATE, RX(valid_until), 0, 0, true, NULL, NULL, false, false, NULL },
	{ "reference", "max_en", INI_DOUBLE, RX(max_en), 0, 10, false, "1", "", true, false, NULL },
	{ "depth", "nominal_freq_hz", INI_DOUBLE, RX(nominal_freq_hz), 0, 1000, true, NULL, "Hz", true, false, NULL },
	{ "depth", "commanded_um", INI_CUSTOM, LX(cmd[0]), 0, 10000, true, NULL, "um", false, false, parse_list },
	{ "depth", "actual_um", INI_CUSTOM, LX(act[0]), 0, 10000, true, NULL, "um", false, false, parse_list },
	{ "depth", "uncertainty_um", INI_DOUBLE, RX(depth_um.u), 0, 1000, true, NULL, "um", true, false, NULL },
	{ "rate", "nominal_depth_um", INI_DOUBLE, RX(nominal_depth_um), 0, 10000, true, NULL, "um", true, false, NULL },
	{ "rate", "commanded_hz", INI_CUSTOM, LX(cmd[1]), 0, 1000, true, NULL, "Hz", true, false, parse_list },
	{ "rate", "actual_hz", INI_CUSTOM, LX(act[1]), 0, 1000, true, NULL, "Hz", true, false, parse_list },
	{ "rate", "uncertainty_hz", INI_DOUBLE, RX(freq_hz.u), 0, 100, true, NULL, "Hz", true, false, NULL },
};
#define NFIELDS (sizeof fields / sizeof fields[0])
_Static_assert(NFIELDS <= 16, "raise ref_load.seen");

static const char *const sections[] = { "reference", "depth", "rate", "sim" };

static const struct ini_schema schema = {
	.fields = fields,
	.nfields = NFIELDS,
	.sections = sections,
	.nsections = sizeof sections / sizeof sections[0],
	.code = RIG_E_CONFIG,
};

static bool is_list(const struct ini_field *fd)
{
	return fd->type == INI_CUSTOM;
}

/* dst is inside struct ref_load: cmd[q] or act[q]; its count beside it. */
static enum rig_rc parse_list(const struct ini_schema *s, const struct ini_field *fd,
			      const char *path, int line, const char *value, void *dst,
			      struct rig_err *err)
{
	bool commanded = strncmp(fd->key, "commanded", 9) == 0;
	int q = strcmp(fd->section, "depth") == 0 ? 0 : 1;
	double *v = dst;
	struct ref_load *c = (struct ref_load *)((char *)v - fd->off);
	size_t *n = commanded ? &c->n_cmd[q] : &c->n_act[q];
	if (!commanded)
		c->line_act[q] = line;
	return ini_schema_list(s, fd, path, line, value, v, REFERENCE_MAX_POINTS, n, commanded,
			       err);
}

static enum rig_rc add_sim(struct reference *r, const char *key, const char *value,
			   struct rig_err *err)
{
	char **p = realloc(r->sims, (r->nsims + 1) * sizeof *p);
	if (!p)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", r->path);
	r->sims = p;
	if (asprintf(&r->sims[r->nsims], "%s=%s", key, value) < 0)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", r->path);
	r->nsims++;
	return RIG_OK;
}

static enum rig_rc handler(void *user, int line, const char *section, const char *key,
			   const char *value, struct rig_err *err)
{
	struct ref_load *c = user;
	struct reference *r = c->r;
	if (!*section)
		return rig_fail(err, RIG_E_CONFIG, "%s:%d: expected a [section] before '%s'", r->path,
				line, key);
	if (!ini_schema_has_section(&schema, section))
		return ini_schema_unknown_section(&schema, r->path, line, section, err);
	if (strcmp(section, "sim") == 0)
		return add_sim(r, key, value, err);
	size_t i;
	const struct ini_field *fd = ini_schema_find(&schema, section, key, &i);
	if (!fd)
		return ini_schema_unknown_key(&schema, r->path, line, section, key, err);
	if (c->seen[i])
		return rig_fail(err, RIG_E_CONFIG, "%s:%d: [%s] %s given again", r->path, line,
				section, key);
	c->seen[i] = true;
	return ini_schema_set(&schema, fd, is_list(fd) ? (void *)c : (void *)r, r->path, NULL,
			      line, value, err);
}

enum rig_rc reference_load(struct reference *r, const char *path, struct rig_err *err)
{
	memset(r, 0, sizeof *r);
	struct ref_load *c = calloc(1, sizeof *c);
	struct ini_text t = { 0 };
	enum rig_rc rc;
	if (!c)
		return rig_fail(err, RIG_E_NOMEM, "%s: out of memory", path);
	c->r = r;
	snprintf(r->path, sizeof r->path, "%s", path);
	if ((rc = ini_schema_defaults(&schema, r, path, NULL, err)) ||
	    (rc = ini_text_load(&t, path, 64 * 1024, RIG_E_CONFIG, err)))
		goto out;
	sha256_hex(t.bytes, t.len, r->sha256);
	if ((rc = ini_read_parse(&t, path, RIG_E_CONFIG, handler, c, err)))
		goto out;
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].required && !c->seen[i]) {
			rc = rig_fail(err, RIG_E_CONFIG, "%s: [%s] %s is required and missing", path,
				      fields[i].section, fields[i].key);
			goto out;
		}
	struct reference_points *q[2] = { &r->depth_um, &r->freq_hz };
	static const char *const names[2] = { "depth", "rate" };
	for (int k = 0; k < 2; k++) {
		if (c->n_act[k] != c->n_cmd[k]) {
			rc = rig_fail(err, RIG_E_CONFIG,
				      "%s:%d: [%s] expected one actual value per commanded one (%zu), "
				      "found %zu",
				      path, c->line_act[k], names[k], c->n_cmd[k], c->n_act[k]);
			goto out;
		}
		q[k]->n = c->n_cmd[k];
		memcpy(q[k]->commanded, c->cmd[k], sizeof c->cmd[k]);
		memcpy(q[k]->actual, c->act[k], sizeof c->act[k]);
	}
out:
	ini_text_free(&t);
	free(c);
	if (rc)
		reference_free(r);
	return rc;
}

void reference_free(struct reference *r)
{
	for (size_t i = 0; i < r->nsims; i++)
		free(r->sims[i]);
	free(r->sims);
	r->sims = NULL;
	r->nsims = 0;
}

double reference_en(double x, double ux, double xref, double uref)
{
	double u = sqrt(ux * ux + uref * uref);
	return u > 0 ? (x - xref) / u : (x == xref ? 0 : INFINITY * (x - xref));
}
