/* grow.c - growable arrays (grow.h). */
#include "core/grow.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum rig_rc rig_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t first,
		     struct rig_err *err)
{
	if (need <= *cap)
		return RIG_OK;
	/* no object is larger than PTRDIFF_MAX bytes (malloc refuses more) */
	size_t max = (size_t)PTRDIFF_MAX / (elem ? elem : 1);
	if (need > max)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	size_t ncap = *cap ? *cap : (first ? first : 1);
	while (ncap < need)
		ncap = ncap > max / 2 ? max : 2 * ncap;
	if (ncap > max)
		ncap = max;
	void *old;
	memcpy(&old, arrp, sizeof old);
	size_t bytes = ncap * elem;
	void *nv = realloc(old, bytes ? bytes : 1);
	if (!nv)
		return rig_fail(err, RIG_E_NOMEM, "out of memory");
	memcpy(arrp, &nv, sizeof nv);
	*cap = ncap;
	return RIG_OK;
}
