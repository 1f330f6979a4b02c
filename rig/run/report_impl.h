/* report_impl.h - what report.c (metadata, rows in memory) and report_csv.c
 * / report_junit.c (the files) share. Not for callers outside rig/run/. */
#ifndef RIG_RUN_REPORT_IMPL_H
#define RIG_RUN_REPORT_IMPL_H

#include "run/report.h"

/* Keep a cleaned copy of row in r->rows (and add bench_time rows to
 * r->bench_time_s). */
enum rig_rc report_keep(struct report *r, const struct report_row *row, struct rig_err *err);
/* Forget the last kept row (its journal write failed). */
void report_unkeep(struct report *r);
/* A kept row as a struct report_row (pointers into rec). */
struct report_row report_rec_row(const struct report_rec *rec);
/* A fresh report with meta cleaned; journal_fd = -1. */
enum rig_rc report_alloc(struct report **out, const char *dir, const struct report_meta *m,
			 struct rig_err *err);
/* The measurement rows that are judged (result PASS or FAIL, not the verdict). */
bool report_rec_judged(const struct report_rec *rec);
bool report_rec_is_verdict(const struct report_rec *rec);

#endif
