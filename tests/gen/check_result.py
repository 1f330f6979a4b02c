#!/usr/bin/env python3
"""check_result.py TRUTH RESULT_CSV DEPTH_TOL_UM STD_TOL FREQ_PPM [STATUS]

Compare `rig analyze --csv` output with a make_capture.py truth file. Tolerances:
depth |err| <= DEPTH_TOL_UM (a number, or "rel" for 1 um + 0.1 % of depth),
std |err| <= 1 um + 10 % of the true scatter times STD_TOL (0 skips it),
frequency |err| <= FREQ_PPM (0 skips it; "U": within the result's own
freq_U_hz, which must then be under 2000 ppm). With STATUS other than ok
only the status is checked, and the depth when the record keeps one.
Prints one line; exit 1 on a miss."""
import csv
import sys


def main():
    truth = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
    rows = list(csv.DictReader(open(sys.argv[2])))
    want_status = sys.argv[6] if len(sys.argv) > 6 else "ok"
    if len(rows) != 1:
        print("FAIL: expected one result row, found %d" % len(rows))
        return 1
    r = rows[0]
    if r["status"] != want_status:
        print("FAIL: status %s, expected %s" % (r["status"], want_status))
        return 1
    if want_status != "ok":
        # a refusal that keeps the depth (the rate withheld): the depth
        # still within DEPTH_TOL_UM
        if r.get("depth_mean_um") and sys.argv[3] != "0":
            td = float(truth["depth_mean_um"])
            derr = float(r["depth_mean_um"]) - td
            dtol = 1 + 0.001 * td if sys.argv[3] == "rel" else float(sys.argv[3])
            if abs(derr) > dtol:
                print("FAIL: status %s, depth kept %+.2f um (tol %.2f)" % (r["status"], derr, dtol))
                return 1
            print("ok: status %s, depth kept %+.2f um (tol %.2f)" % (r["status"], derr, dtol))
            return 0
        print("ok: status %s" % r["status"])
        return 0
    td, ts, tf = float(truth["depth_mean_um"]), float(truth["depth_std_um"]), float(truth["freq_hz"])
    derr = float(r["depth_mean_um"]) - td
    serr = float(r["depth_std_um"]) - ts
    ferr = (float(r["freq_hz"]) / tf - 1) * 1e6
    dtol = 1 + 0.001 * td if sys.argv[3] == "rel" else float(sys.argv[3])
    stol = (1 + 0.1 * ts) * float(sys.argv[4])
    if sys.argv[5] == "U":
        ftol = float(r["freq_U_hz"]) / tf * 1e6
        if not 0 < ftol < 2000:
            print("FAIL: freq_U %.1f ppm: not a usable uncertainty" % ftol)
            return 1
    else:
        ftol = float(sys.argv[5])
    bad = abs(derr) > dtol or (stol > 0 and abs(serr) > stol) or (ftol > 0 and abs(ferr) > ftol)
    print("%s: depth %+.3f um (tol %.2f), std %+.3f um (tol %.2f), freq %+.2f ppm (tol %.3g)"
          % ("FAIL" if bad else "ok", derr, dtol, serr, stol, ferr, ftol))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
