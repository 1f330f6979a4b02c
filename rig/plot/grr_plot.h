/* grr_plot.h - `rig grr --svg FILE`: a gauge study on one page. For the
 * worst characteristic, the variance components as % of the tolerance and
 * of the total variation (bars, with the 10 % and 30 % lines), its
 * measurements by part and by operator (points coloured by operator, part
 * and operator means); beside them every characteristic's %GRR and
 * verdict. The caller owns the result; the function writes path only.
 */
#ifndef RIG_PLOT_GRR_PLOT_H
#define RIG_PLOT_GRR_PLOT_H

#include "core/err.h"
#include "study/grr.h"

enum rig_rc grr_plot_svg(const char *path, const struct grr_result *res, struct rig_err *err);

#endif
