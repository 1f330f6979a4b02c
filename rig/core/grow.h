/* grow.h - growable arrays: room for more elements, doubling, overflow-safe.
 *
 * The one place the rig grows an array by doubling its capacity (small
 * lists grown by one element stay plain realloc). The caller owns the
 * array and frees it; on failure the array and its capacity are left as
 * they were (still the caller's), so a caller may keep what it has.
 */
#ifndef RIG_CORE_GROW_H
#define RIG_CORE_GROW_H

#include <stddef.h>

#include "core/err.h"

/* Make room for at least need elements of elem bytes in the array whose
 * pointer is at arrp (the address of a T *; *cap is its capacity in
 * elements). When *cap is short, the capacity doubles, starting from first
 * when it is 0, until it holds need; *arrp and *cap are then updated.
 * RIG_OK, or RIG_E_NOMEM with "out of memory" in err (which may be NULL)
 * when the size would pass PTRDIFF_MAX bytes (malloc's limit; no size_t
 * overflow) or realloc fails. */
enum rig_rc rig_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t first,
		     struct rig_err *err);

/* rig_grow for an array pointer arr (a T *) and its size_t capacity cap. */
#define RIG_GROW(arr, cap, need, first, err) \
	rig_grow(&(arr), &(cap), (need), sizeof *(arr), (first), (err))

#endif
