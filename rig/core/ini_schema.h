/* ini_schema.h - one typed key table for every INI file the rig reads
 * (fixtures, profiles): each key's section, type, range, unit, default and
 * whether it is required, and one setter that checks a value against it.
 *
 * Every message names "file:line", what was expected and what was found.
 * A table is constant data owned by the file that reads that kind of INI;
 * values are written into a caller-owned struct at each field's offset.
 */
#ifndef RIG_CORE_INI_SCHEMA_H
#define RIG_CORE_INI_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum ini_type {
	INI_TEXT,   /* text without control characters (char[size]) */
	INI_ASCII,  /* printable ASCII only (char[size]) */
	INI_NAME,   /* letters, digits, '.', '_' and '-' (char[size]) */
	INI_MODEL,  /* printable ASCII without ',' as in *IDN? (char[size]) */
	INI_PATH,   /* a path, made relative to the file's folder (char[size]) */
	INI_INT,    /* int, whole number in lo..hi */
	INI_UINT,   /* unsigned, whole number in lo..hi */
	INI_DOUBLE, /* double, finite decimal number in lo..hi */
	INI_DATE,   /* char[11], YYYY-MM-DD, a real calendar date */
	INI_CUSTOM, /* parsed by the field's parse function */
};

struct ini_schema;
struct ini_field;

/* For INI_CUSTOM: parse value into dst; on failure fill err (use
 * ini_schema_fail() for the "file:line: key: " prefix). */
typedef enum rig_rc (*ini_parse_fn)(const struct ini_schema *s, const struct ini_field *fd,
				    const char *path, int line, const char *value, void *dst,
				    struct rig_err *err);

struct ini_field {
	const char *section;
	const char *key;
	enum ini_type type;
	size_t off;       /* offset of the value in the caller's struct */
	size_t size;      /* its size (the capacity of strings) */
	double lo, hi;    /* numbers: lo <= v <= hi (lo < v when lo_open) */
	bool required;    /* must be in the file (in its section, when present) */
	const char *def;  /* applied before the file is read; NULL: none */
	const char *unit; /* in messages; NULL: the key's own suffix */
	bool lo_open;
	bool nonempty;    /* text that may be left out but not given empty */
	ini_parse_fn parse;
};

struct ini_schema {
	const struct ini_field *fields;
	size_t nfields;
	const char *const *sections; /* the sections the file may have */
	size_t nsections;
	enum rig_rc code;            /* RIG_E_CONFIG (fixtures), RIG_E_DATA (profiles) */
};

/* The field of section.key, or NULL; *index gets its place when not NULL. */
const struct ini_field *ini_schema_find(const struct ini_schema *s, const char *section,
					const char *key, size_t *index);
/* Is section one of the schema's sections? */
bool ini_schema_has_section(const struct ini_schema *s, const char *section);

/* Check value against fd and store it in obj. dir anchors relative paths
 * (INI_PATH). line 0 means a default. */
enum rig_rc ini_schema_set(const struct ini_schema *s, const struct ini_field *fd, void *obj,
			   const char *path, const char *dir, int line, const char *value,
			   struct rig_err *err);
/* Apply every field's default. */
enum rig_rc ini_schema_defaults(const struct ini_schema *s, void *obj, const char *path,
				const char *dir, struct rig_err *err);

/* "path:line: unknown section [x] (expected a, b or c)". */
enum rig_rc ini_schema_unknown_section(const struct ini_schema *s, const char *path, int line,
				       const char *section, struct rig_err *err);
/* "path:line: [sec] unknown key 'k': expected 'k_mm' (keys carry their
 * unit: mm)" when only the unit is wrong, else the section's keys. */
enum rig_rc ini_schema_unknown_key(const struct ini_schema *s, const char *path, int line,
				   const char *section, const char *key, struct rig_err *err);

/* A number as the rig's files write them: decimal (an exponent allowed),
 * finite, no hexadecimal ("0x10"), blanks after it allowed. */
bool ini_parse_number(const char *text, double *out);
/* The same with fd's range; the message names path:line and fd. */
enum rig_rc ini_schema_number(const struct ini_schema *s, const struct ini_field *fd,
			      const char *path, int line, const char *text, double *out,
			      struct rig_err *err);
/* A comma-separated list of numbers ("250, 500, 1000"), each in fd's
 * range: at least one, at most cap, strictly increasing when asked. */
enum rig_rc ini_schema_list(const struct ini_schema *s, const struct ini_field *fd,
			    const char *path, int line, const char *value, double *v, size_t cap,
			    size_t *n, bool increasing, struct rig_err *err);
/* fd's unit for messages ("" when it has none). */
const char *ini_field_unit(const struct ini_field *fd);

/* rig_fail(err, s->code, "path:line: key: " fmt ...). */
enum rig_rc ini_schema_fail(const struct ini_schema *s, const struct ini_field *fd,
			    const char *path, int line, struct rig_err *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
