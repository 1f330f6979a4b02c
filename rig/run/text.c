/* text.c - control characters, broken UTF-8 and formula triggers. */
#include "run/text.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n;
	unsigned cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Is the valid n-byte character at s one that must not reach a person as
 * it is: a C0 or C1 control, DEL, or a Unicode bidi control (U+202A..
 * U+202E embeddings and overrides, U+2066..U+2069 isolates), which reorder
 * what a reader sees ("Eve<RLO>gnp.exe" reads "Eveexe.png"). */
static bool is_control(const unsigned char *s, size_t n)
{
	if (n == 1)
		return *s < 0x20 || *s == 0x7f;
	if (n == 2)
		return s[0] == 0xc2 && s[1] < 0xa0; /* C1 */
	return n == 3 && s[0] == 0xe2 &&
	       ((s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
		(s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9));
}

bool text_clean(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;
	bool clean = true;
	while (*s) {
		size_t n = utf8_len(s);
		bool control = n && is_control(s, n);
		size_t out = n && !control ? n : 1;
		if (o + out >= cap) {
			clean = false;
			break;
		}
		if (n && !control) {
			memcpy(dst + o, s, n);
		} else {
			dst[o] = '?';
			clean = false;
		}
		o += out;
		s += n ? n : 1;
	}
	dst[o] = '\0';
	return clean;
}

void text_escape(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;
	if (cap == 0)
		return;
	while (*s) {
		size_t n = utf8_len(s);
		bool control = n && is_control(s, n);
		if (n && !control) {
			if (o + n >= cap)
				break;
			memcpy(dst + o, s, n);
			o += n;
			s += n;
			continue;
		}
		/* Escape one byte (of a C1 pair or a bidi control: each, one
		 * at a time: the rest are no longer valid UTF-8 on their own). */
		if (o + 4 >= cap)
			break;
		snprintf(dst + o, cap - o, "\\x%02X", *s);
		o += 4;
		s++;
	}
	dst[o] = '\0';
}

bool text_is_formula(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

void text_xml_put(FILE *f, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	char *clean = malloc(n + 1);
	if (!clean) {
		fputs("?", f);
		return;
	}
	text_clean(clean, n + 1, s);
	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*p, f);
		}
	}
	free(clean);
}

void text_file_serial(char *out, size_t cap, const char *serial)
{
	size_t max = cap - 1 < TEXT_SERIAL_MAX ? cap - 1 : TEXT_SERIAL_MAX;
	size_t o = 0;
	for (const char *s = serial ? serial : ""; *s && o < max; s++) {
		char ch = *s;
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		out[o++] = ok ? ch : '_';
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, cap, "unknown");
	else if (out[0] == '.' || out[0] == '-')
		out[0] = '_';
}

void text_serial_key(char *out, size_t cap, const char *serial)
{
	const char *s = serial ? serial : "";
	while (isspace((unsigned char)*s))
		s++;
	size_t n = 0;
	for (; s[n] && n + 1 < cap; n++)
		out[n] = (char)toupper((unsigned char)s[n]);
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
}

bool text_serial_same(const char *a, const char *b)
{
	char ka[128], kb[128];
	text_serial_key(ka, sizeof ka, a);
	text_serial_key(kb, sizeof kb, b);
	return strcmp(ka, kb) == 0;
}

int text_u_decimals(double u)
{
	if (!isfinite(u) || u <= 0)
		return INT_MIN;
	int e = (int)floor(log10(u));
	/* Two significant digits, rounded up: 99.2 -> 100 moves the place. */
	double q = pow(10, e - 1);
	if (ceil(u / q - 1e-9) >= 100)
		e++;
	return 1 - e;
}

void text_num_at(char *out, size_t cap, double v, int decimals)
{
	if (!isfinite(v)) {
		snprintf(out, cap, "%s", "");
		return;
	}
	if (decimals >= 0) {
		snprintf(out, cap, "%.*f", decimals > 17 ? 17 : decimals, v);
	} else {
		double q = pow(10, -decimals);
		snprintf(out, cap, "%.0f", round(v / q) * q);
	}
	/* No "-0", "-0.00": a rounded zero has no sign. */
	if (out[0] == '-' && strspn(out + 1, "0.") == strlen(out + 1))
		memmove(out, out + 1, strlen(out));
}

void text_u(char *out, size_t cap, double u)
{
	if (!isfinite(u) || u < 0) {
		snprintf(out, cap, "%s", "");
		return;
	}
	if (u == 0) {
		snprintf(out, cap, "0");
		return;
	}
	int d = text_u_decimals(u);
	double q = pow(10, -d);
	text_num_at(out, cap, ceil(u / q - 1e-9) * q, d);
}

void text_num_u(char *out, size_t cap, double v, double u)
{
	int d = text_u_decimals(u);
	if (d != INT_MIN)
		text_num_at(out, cap, v, d);
	else if (!isfinite(v) || v == 0)
		text_num_at(out, cap, v, 0);
	else /* four significant digits, never an exponent, whole digits kept */
		text_num_at(out, cap, v, (int)fmax(0, 3 - floor(log10(fabs(v)))));
}

void text_limit(char *out, size_t cap, double v)
{
	if (!isfinite(v))
		snprintf(out, cap, "%s", "");
	else
		snprintf(out, cap, "%.9g", v == 0 ? 0.0 : v);
}
