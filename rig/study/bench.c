/* bench.c - release a bench after a sweep or a repeatability study. */
#include "study/bench.h"

#include <stdio.h>
#include <string.h>

void study_release(struct bench *b, bool aborted)
{
	bench_make_safe(b, aborted ? LAMPS_ABORTED : LAMPS_OFF);
	bench_release(b);
}

void study_file_serial(char *dst, size_t cap, const char *serial)
{
	size_t k = 0;
	for (const char *p = serial; *p && k + 1 < cap && k < 40; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-';
		dst[k++] = ok ? c : '_';
	}
	dst[k] = '\0';
	if (!k || dst[0] == '.' || dst[0] == '-')
		snprintf(dst, cap, "unknown");
}
