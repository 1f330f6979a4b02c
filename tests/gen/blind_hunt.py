#!/usr/bin/env python3
"""blind_hunt.py - draw captures from blind_capture.py and check each limit
of issue 13's "What it must do" exactly as stated, at 1 and 4 kHz.

  blind_hunt.py RIG N SEED [--kinds a,b] [--rates 1000,4000] [--jobs J]
  blind_hunt.py RIG --one KIND FS SEED     one draw, every figure, and the
                                           blind_capture.py command for it

Kinds and the limit each checks (a record fails a limit = wrong and sure
when its status is ok):
  speed    start-up from 40-90 % (first order, tau 0.05-0.2 s, or second
           order, 1/omega 0.04-0.1 s), a step x0.6-1.4 (tau 0.05-0.15 s:
           REFERENCE.md, the period changes by at most a few % a stroke),
           a chirp of 2-5 % or an FM of 1-3 % at 0.5-3 Hz: every stroke counted (each true stroke but the
           first and last matched by a measured one), the mean rate within
           10 ppm (in the sensor's clock), the rate within U, and the
           rates at the start and end (rate_start_hz, rate_end_hz) within
           their U of the crank's mean rate over the stroke they were read
           over: one period of the figure (1 / rate_start_hz) centred where
           it was read (rate_start_s, rate_end_s; the motor made again); a
           table of their own
  mixed    everything moderate (cams, warp, pad creep, PWM ripple, wander,
           exposure, jitter, heavy-tailed noise, clock error): coverage
  ringing  impact ringing 5-20 um at 2-5 kHz: depth within 1 um (4 kHz),
           within U (both rates)
  drift    5-10 um over the record (linear, logistic, sine, exponential):
           detected (the rig's drift_detected, else |drift| > 2 u; the
           right sign), the drift figure
           within its U (2 u) of the drift over the record; --drift
           correct: depth within 1 um and within U, and its own drift
           figure within its U
  spikes   speckle 50-200 um in 0.1-1 % of samples (near, far or both):
           the mean, the per-stroke min and max within 0.5 and 3 um of
           the same capture without spikes
  lobes    two-lobe cam, periods +-1-2 %, depths 10-60 um apart: status
           "two lobes", or each stroke's depth within 3 um
  noisy    noise 5-15 % of a 150-400 um stroke: refused, or depth and rate
           within U
Coverage (k = 2, >= 90 %) is counted over every record with a figure
(drift with --drift correct); the per-stroke min and max against the
truth's over the strokes measured, within depth_minmax_U_um (none: 0);
the per-stroke std likewise (the std of the strokes measured, n - 1),
within depth_std_U_um: a column of the table (and std_err, std_U in
--one's figures), coverage only, not a limit. A drift detected on a
record drawn without one (every kind but drift, and mixed records
without drift) is counted in a table of its own (drift_false in --one's
figures), not a limit.
"""
import json
import math
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_capture as bc  # noqa: E402
import spawn  # noqa: E402

# A record's strokes, each within its own U (k = 2): at least this share.
# Their errors share the record's common terms, so a record's share
# scatters more than independent strokes' would; over records it should
# reach 95 %.
STROKES_COVERED = 0.9

KINDS = ["speed", "mixed", "ringing", "drift", "spikes", "lobes", "noisy"]


def draw(kind, fs, seed):
    r = random.Random(seed * 1000003 + int(fs) * 7 + KINDS.index(kind))
    hi = 300.0 if fs >= 4000 else 160.0
    p = {
        "seed": seed, "fs": fs, "secs": round(r.uniform(1.5, 2.5), 3),
        "freq": round(r.uniform(50.0, hi), 3),
        "depth_um": round(r.uniform(250, 2500), 1),
        "travel_um": round(r.uniform(600, 1500), 1),
        "cam": r.choice(["poly345", "asine", "poly4567"]),
        "rise": round(r.uniform(0.3, 0.55), 3),
        "dwell": round(r.uniform(0.0, 0.06), 3) if r.random() < 0.3 else 0.0,
        "rdwell": round(r.uniform(0.0, 0.2), 3),
        "noise_um": round(r.uniform(0.5, 3.0), 2),
        "noise_kind": r.choice(["gauss", "t3", "t5", "laplace"]),
        "wander_pct": round(r.uniform(0.02, 0.3), 3),
        "wander_hz": round(r.uniform(0.5, 5.0), 2),
        "scatter_um": round(r.uniform(0.0, 3.0), 2),
        "jitter_us": round(r.uniform(0.0, 1.0), 2),
    }
    if r.random() < 0.5:
        p["warp"] = round(r.uniform(0.02, 0.15), 3)
        p["warp_phase"] = round(r.uniform(0, 6.28), 2)
    if r.random() < 0.5:
        p["pwm_pct"] = round(r.uniform(0.1, 0.5), 2)
        p["pwm_hz"] = round(r.uniform(30, 400), 1)
    if r.random() < 0.5:
        p["exposure_us"] = round(r.uniform(20, 250), 0)
    if r.random() < 0.3:
        p["pad_level"] = round(r.uniform(0.85, 0.97), 3)
        p["pad_gain"] = round(r.uniform(0.2, 0.6), 2)
        p["pad_tau_ms"] = round(r.uniform(0.3, 3.0), 2)
    if kind == "speed":
        c = r.choice(["start1", "start2", "step", "chirp", "fm"])
        p["secs"] = 2.0
        if c == "start1":
            p.update(start_frac=round(r.uniform(0.4, 0.9), 2), order=1,
                     tau_s=round(r.uniform(0.05, 0.2), 3))
        elif c == "start2":
            p.update(start_frac=round(r.uniform(0.4, 0.9), 2), order=2,
                     tau_s=round(1 / r.uniform(10, 25), 4),
                     zeta=round(r.uniform(0.4, 0.9), 2))
        elif c == "step":
            p.update(step_at=round(r.uniform(0.3, 0.7), 2),
                     step_ratio=round(r.choice([r.uniform(0.6, 0.9), r.uniform(1.1, 1.4)]), 3),
                     tau_s=round(r.uniform(0.05, 0.15), 3))
        elif c == "chirp":
            p["chirp_pct"] = round(r.choice([-1, 1]) * r.uniform(2, 5), 2)
        else:
            p.update(fm_pct=round(r.uniform(1, 3), 2), fm_hz=round(r.uniform(0.5, 3), 2))
        if p["freq"] * max(1.0, p.get("step_ratio", 1.0)) > hi:
            p["freq"] = round(hi / 1.4, 3)
    elif kind == "mixed":
        if r.random() < 0.3:
            p["clock_ppm"] = round(r.uniform(-45, 45), 1)
        if r.random() < 0.3:
            p["drift_um"] = round(r.uniform(-3, 3), 2)
            p["drift_kind"] = r.choice(["lin", "logistic", "sine", "exp"])
        if r.random() < 0.2:
            p["err_p"] = round(r.uniform(0.001, 0.01), 4)
    elif kind == "ringing":
        p.update(ring_um=round(r.uniform(5, 20), 1), ring_hz=round(r.uniform(2000, 5000)),
                 ring_tau_ms=round(r.uniform(0.2, 1.0), 2), ring_sign=r.choice([1, -1]))
    elif kind == "drift":
        p.update(drift_um=round(r.choice([-1, 1]) * r.uniform(5, 10), 2),
                 drift_kind=r.choice(["lin", "logistic", "sine", "exp"]),
                 drift_tau_s=round(r.uniform(0.2, 1.5), 2))
    elif kind == "spikes":
        p.update(spike_p=round(r.uniform(0.001, 0.01), 4),
                 spike_sign=r.choice(["near", "far", "both"]))
    elif kind == "lobes":
        p.update(lobe_pct=round(r.uniform(1, 2), 2),
                 lobe_um=round(r.uniform(10, 60), 1))
    elif kind == "noisy":
        p["travel_um"] = round(r.uniform(150, 400), 1)
        p["noise_um"] = round(p["travel_um"] * r.uniform(0.05, 0.15), 2)
        p["noise_kind"] = "gauss"
    return p


def rig_analyze(rig, params, path, extra=(), per_stroke=True):
    runner = os.environ.get("RIG_RUNNER", "").split()
    a = runner + [rig, "analyze"] + bc.analyze_args(params) + list(extra)
    res = {}
    pr = spawn.run(a + ["--csv", path])
    lines = pr.stdout.strip().splitlines()
    if len(lines) == 2:
        res = dict(zip(lines[0].split(","), lines[1].split(",")))
    else:
        res = {"status": (pr.stderr.strip().splitlines() or ["?"])[-1][:60]}
    res["exit"] = pr.returncode
    if pr.returncode not in (0, 65) or (pr.returncode == 0 and len(lines) != 2):
        # not a result nor a refused record: a usage error, a crash
        res["status"] = "ERROR exit %d: %s" % (pr.returncode, pr.stderr.strip()[:120])
    res["per"] = []
    if pr.returncode == 0 and per_stroke:
        pr = spawn.run(a + ["--per-stroke", path])
        rows = pr.stdout.strip().splitlines()
        for row in rows[1:]:
            f = row.split(",")
            if not f[1] or not f[2]:
                continue  # a stroke without a peak (rejected)
            res["per"].append({"t": float(f[1]), "depth": float(f[2]),
                               "reject": f[6] if len(f) > 6 else "",
                               "U": float(f[7]) if len(f) > 7 and f[7] else None})
    return res


def num(res, key):
    v = res.get(key, "")
    try:
        return float(v)
    except ValueError:
        return None


def match(truth, res):
    """Pairs (truth stroke, measured stroke) by time; the unmatched interior
    truth strokes."""
    ts = truth["strokes"]
    if not ts:
        return [], []
    period = 1.0 / truth["rate_sensor_hz"]
    per = [s for s in res["per"] if not s["reject"]]
    times = [s["t"] for s in per]
    pairs, missing = [], []
    import bisect
    for i, s in enumerate(ts):
        k = bisect.bisect_left(times, s["t_sensor"])
        best = None
        for q in (k - 1, k):
            if 0 <= q < len(times) and abs(times[q] - s["t_sensor"]) < 0.3 * period:
                if best is None or abs(times[q] - s["t_sensor"]) < abs(times[best] - s["t_sensor"]):
                    best = q
        if best is None:
            if 0 < i < len(ts) - 1:
                missing.append(s)
        else:
            pairs.append((s, per[best]))
    return pairs, missing


def write_capture(p, d):
    """The capture of draw p written into folder d: (its path, the truth)."""
    path = os.path.join(d, "cap.bin")
    data, truth = bc.make(p)
    with open(path, "wb") as f:
        f.write(data)
    return path, truth


def analyze_draw(rig, kind, fs, seed, d):
    """Draw KIND at FS for SEED, its capture written into folder d: rig
    analyze's command for it (as rig_analyze runs it, without the file)
    and the capture's path (tests/test_blind_captures.sh)."""
    p = draw(kind, fs, seed)
    path, _ = write_capture(p, d)
    runner = os.environ.get("RIG_RUNNER", "").split()
    return runner + [rig, "analyze"] + bc.analyze_args(p), path


def one(rig, kind, fs, seed):
    p = draw(kind, fs, seed)
    with tempfile.TemporaryDirectory() as d:
        path, truth = write_capture(p, d)
        extra = ["--drift", "correct"] if kind == "drift" else []
        res = rig_analyze(rig, p, path, extra)
        if kind == "drift":
            res["flag"] = rig_analyze(rig, p, path)
        if kind == "spikes":
            q = dict(p)
            q["spike_p"] = 0.0
            data2, _ = bc.make(q)
            with open(path, "wb") as f:
                f.write(data2)
            res["clean"] = rig_analyze(rig, q, path)
    return p, truth, res


def rate_at(p, truth, s, win=None):
    """The crank's mean rate over win seconds (none: one mean period)
    centred at s seconds from the first sample (the sensor's clock), in
    the sensor's clock: the motor made again as blind_capture.make makes
    it (the same draws); the first sample stands for the middle of its
    exposure."""
    key = (p["seed"], p["fs"], tuple(sorted(p.items())))
    if _MOTOR.get("key") != key:
        q = dict(bc.DEFAULTS)
        q.update(p)
        rng = random.Random(q["seed"])
        pen = _MotorOnly(q, rng)
        k = 1.0 + q["clock_ppm"] * 1e-6
        ph = rng.random()
        t0 = ph / (q["fs"] * k) + 1e-3 + q["exposure_us"] * 1e-6 / 2
        # the motor made again must read the truth's rate over the first
        # three periods (to the first sample's jitter): a mismatch is an
        # error, not a judgement
        per3 = 3.0 / max(truth["rate_hz"], 1.0)
        r3 = (pen.psi_at(t0 + per3) - pen.psi_at(t0)) / per3
        if abs(r3 / truth["rate_start_hz"] - 1) > 1e-3:
            raise RuntimeError("blind_hunt.py: the motor made again reads %.6f Hz over the first "
                               "periods, the truth %.6f" % (r3, truth["rate_start_hz"]))
        _MOTOR.clear()
        _MOTOR.update(key=key, pen=pen, k=k, t0=t0)
    m = _MOTOR
    t = m["t0"] + s / m["k"]
    per = win / m["k"] if win else 1.0 / truth["rate_hz"]
    return (m["pen"].psi_at(t + per / 2) - m["pen"].psi_at(t - per / 2)) / per / m["k"]


_MOTOR = {}


class _MotorOnly(bc.Pen):
    """The pen of blind_capture.make without its pad and impacts, which
    rate_at does not read (a third of a draw's time): they draw nothing
    from rng, so the draws after them are the same."""

    def _pad_and_impacts(self, p):
        pass


def judge(kind, p, truth, res):
    """Figures and limit verdicts of one record: a dict."""
    o = {"kind": kind, "fs": p["fs"], "seed": p["seed"], "status": res.get("status", "?")}
    o["other_status"] = [res[k].get("status", "?") for k in ("flag", "clean") if k in res]
    ok = o["status"] == "ok"
    pairs, missing = match(truth, res) if ok else ([], [])
    if pairs:
        o["truth_depth"] = sum(t["depth_um"] for t, _ in pairs) / len(pairs)
    else:
        o["truth_depth"] = truth["depth_mean_um"]
    dm, du = num(res, "depth_mean_um"), num(res, "depth_U_um")
    fm, fu = num(res, "freq_hz"), num(res, "freq_U_hz")
    o["depth"], o["depth_U"], o["freq"], o["freq_U"] = dm, du, fm, fu
    o["truth_rate"] = truth["rate_hz"]
    if dm is not None and o["truth_depth"] is not None:
        o["depth_err"] = dm - o["truth_depth"]
        o["depth_cov"] = abs(o["depth_err"]) <= du
    if fm is not None:
        o["rate_err_ppm"] = (fm / truth["rate_hz"] - 1) * 1e6
        o["rate_err_sensor_ppm"] = (fm / truth["rate_sensor_hz"] - 1) * 1e6
        o["rate_U_ppm"] = fu / fm * 1e6
        o["rate_cov"] = abs(fm - truth["rate_hz"]) <= fu
    mn, mx = num(res, "depth_min_um"), num(res, "depth_max_um")
    if (mn is not None or mx is not None) and pairs:
        # the per-stroke extremes against the truth's over the strokes
        # measured, within their U (depth_minmax_U_um, k = 2; an engine
        # that gives none claims them exact: U 0); a withheld one (empty)
        # is not judged
        mu = num(res, "depth_minmax_U_um") or 0.0
        o["minmax_err"] = [mn - min(t["depth_um"] for t, _ in pairs) if mn is not None else 0.0,
                           mx - max(t["depth_um"] for t, _ in pairs) if mx is not None else 0.0]
        o["minmax_U"] = mu
        o["minmax_cov"] = all(abs(e) <= mu for e in o["minmax_err"])
    sd = num(res, "depth_std_um")
    if sd is not None and len(pairs) >= 2:
        # the per-stroke std against the truth's over the strokes
        # measured (n - 1), within its own U (depth_std_U_um, k = 2;
        # none: 0): coverage, not a limit
        ds = [t["depth_um"] for t, _ in pairs]
        m = sum(ds) / len(ds)
        o["std_err"] = sd - math.sqrt(sum((d - m) ** 2 for d in ds) / (len(ds) - 1))
        o["std_U"] = num(res, "depth_std_U_um") or 0.0
        o["std_cov"] = abs(o["std_err"]) <= o["std_U"]
    if pairs:
        # each stroke's depth against its truth, within its own U
        # (depth_U_um of --per-stroke, k = 2; none: 0, claimed exact)
        errs = [(m["depth"] - t["depth_um"], m["U"] or 0.0) for t, m in pairs]
        cov = sum(1 for e, u in errs if abs(e) <= u)
        o["strokes_cov"] = [cov, len(errs)]
        o["strokes_U"] = sum(u for _, u in errs) / len(errs)
        o["strokes_worst"] = max(errs, key=lambda eu: (abs(eu[0]) / eu[1] if eu[1] > 0 else math.inf,
                                                      abs(eu[0])))
        o["strokes_rms"] = math.sqrt(sum(e * e for e, _ in errs) / len(errs))
        o["strokes_maxabs"] = max(abs(e) for e, _ in errs)
    limits = {}
    if kind == "speed" and ok:
        limits["strokes counted"] = (not missing, "%d of %d not measured (rejected or missed; first at %.4f s)" % (
            len(missing), len(truth["strokes"]), missing[0]["t_sensor"] if missing else 0))
        if fm is not None:
            limits["rate within 10 ppm"] = (abs(o["rate_err_sensor_ppm"]) <= 10.0,
                                           "%+.1f ppm" % o["rate_err_sensor_ppm"])
        # the rates at the record's first and last whole stroke (the
        # steadiness line) against the crank's mean rate over that stroke:
        # one period of the figure (1 / rate) centred where the rig read
        # it (rate_start_s, rate_end_s), within their U (k = 2); a figure
        # withheld is not judged. Until session 29 they were shown beside
        # the generator's rate over the first and last three periods of
        # the record, which a start-up passes through before the first
        # whole stroke (speed 1000 10707: 56.50 against "35.68"; the crank
        # there 56.15); in sessions 29 and 30 judged over one mean period
        # (the record's), which a slow second-order start-up's first
        # stroke, twice as long, does not share (speed 1000 10312: 51.741
        # Hz, U 0.108; over its stroke the crank 51.694, over one mean
        # period 51.465)
        ends, cov, given = {}, 0, 0
        for e in ("start", "end"):
            v, u, s = num(res, "rate_%s_hz" % e), num(res, "rate_%s_U_hz" % e), num(res, "rate_%s_s" % e)
            if v is None or s is None:
                continue
            tr = rate_at(p, truth, s, 1.0 / v if v > 0 else None)
            ends[e] = [v, u or 0.0, tr, s]
            given += 1
            cov += abs(v - tr) <= (u or 0.0)
        if ends:
            o["ends"] = ends
            o["ends_cov"] = [cov, given]
            o["steady"] = " ".join("%s %.3f +- %.3f (true %.3f at %.4f s)" % (e, *ends[e]) for e in ends)
    if kind == "ringing" and ok and p["fs"] >= 4000 and "depth_err" in o:
        limits["ringing within 1 um"] = (abs(o["depth_err"]) <= 1.0, "%+.2f um" % o["depth_err"])
    if kind == "drift":
        fl = res["flag"]
        dd, dz = num(fl, "drift_um"), num(fl, "drift_u_um")
        if fl.get("status") == "ok" and dd is not None:
            # the rig's own statement (drift_detected, since session 30)
            # with the right sign; a rig that states none: |drift| > 2 u
            det, how = detected(fl)
            limits["drift detected"] = (det and dd * truth["drift_depth_um"] > 0,
                                        "%+.2f +- %.2f (true %+.2f; %s)" % (dd, dz, truth["drift_depth_um"],
                                                                           how))
            # the drift figure itself ("drift: +X um +- U over the
            # record", U = 2 drift_u_um) against the generator's drift
            # over the record: a figure the rig reports, within its U
            o["drift_err"], o["drift_U"] = dd - truth["drift_depth_um"], 2 * dz
            limits["drift within its U"] = (abs(o["drift_err"]) <= o["drift_U"],
                                            "%+.2f um, U %.2f (%s)" % (o["drift_err"], o["drift_U"],
                                                                       p["drift_kind"]))
        if ok and "depth_err" in o:
            limits["drift corrected within 1 um"] = (abs(o["depth_err"]) <= 1.0, "%+.2f um" % o["depth_err"])
        cd, cz = num(res, "drift_um"), num(res, "drift_u_um")
        if ok and cd is not None and cz is not None:
            # --drift correct prints its drift figure too ("drift: X um
            # +- U over the record ... corrected"): a figure the rig
            # reports, within its U, as the flag run's (session 34)
            o["drift_corr_err"], o["drift_corr_U"] = cd - truth["drift_depth_um"], 2 * cz
            limits["drift within its U (corrected)"] = (
                abs(o["drift_corr_err"]) <= o["drift_corr_U"],
                "%+.2f um, U %.2f (%s)" % (o["drift_corr_err"], o["drift_corr_U"], p["drift_kind"]))
    if kind != "drift" and ok and not p.get("drift_um") and num(res, "drift_um") is not None:
        # a record drawn without drift: a drift detected there is false
        # (counted in the report's table, not a limit: the figure keeps
        # its U; mixed draws a drift of up to 3 um in some records)
        o["drift_false"] = detected(res)[0]
    if kind == "spikes" and ok:
        cl = res["clean"]
        cm = num(cl, "depth_mean_um")
        if cm is not None and dm is not None:
            limits["spikes: mean within 0.5 um of spike-free"] = (abs(dm - cm) <= 0.5, "%+.2f um" % (dm - cm))
        mn, mx = num(res, "depth_min_um"), num(res, "depth_max_um")
        c1, c2 = num(cl, "depth_min_um"), num(cl, "depth_max_um")
        tmin = min(t["depth_um"] for t, _ in pairs) if pairs else truth["depth_min_um"]
        tmax = max(t["depth_um"] for t, _ in pairs) if pairs else truth["depth_max_um"]
        if None in (mn, mx, c1, c2):
            limits["spikes: min/max within 3 um of spike-free"] = (
                True, "withheld (an extreme stroke's fit had nothing to check it by)")
        else:
            # issue 13: "gated per stroke: mean within 0.5 um of the
            # spike-free result, per-stroke min/max within 3 um": of the
            # same capture without spikes, as the mean. Against the truth
            # (printed too) the spike-free capture's own per-stroke fits
            # at 1 kHz miss by up to 13-15 um under heavy-tailed noise:
            # not the spikes.
            e1, e2 = mn - c1, mx - c2
            limits["spikes: min/max within 3 um of spike-free"] = (
                abs(e1) <= 3 and abs(e2) <= 3,
                "min %+.2f max %+.2f um (against the truth: %+.2f %+.2f, spike-free %+.2f %+.2f)"
                % (e1, e2, mn - tmin, mx - tmax, c1 - tmin, c2 - tmax))
    if kind == "lobes":
        if ok:
            worst = max((abs(m["depth"] - t["depth_um"]) for t, m in pairs), default=0.0)
            limits["lobes detected or followed"] = (worst <= 3.0, "ok, worst stroke %.1f um" % worst)
        else:
            limits["lobes detected or followed"] = (True, o["status"])
    if kind == "noisy":
        good = (not ok) or (o.get("depth_cov", True) and o.get("rate_cov", True))
        limits["noisy: refused or within U"] = (good, o["status"] if not ok else "depth %+.1f/U %.1f rate %+.0f/U %.0f ppm" % (
            o.get("depth_err", 0), du or 0, o.get("rate_err_ppm", 0), o.get("rate_U_ppm", 0)))
    o["limits"] = {k: [bool(v[0]), v[1]] for k, v in limits.items()}
    return o


def detected(res):
    """Whether a record's drift is detected, and by what: the rig's own
    drift_detected when it states it, else |drift_um| > 2 drift_u_um."""
    v = res.get("drift_detected")
    if v in ("0", "1"):
        return v == "1", "the rig: %s" % ("detected" if v == "1" else "not detected")
    dd, dz = num(res, "drift_um"), num(res, "drift_u_um")
    return dd is not None and abs(dd) > 2 * dz, "|drift| > 2 u"


def command(kind, p, rig):
    args = " ".join("--%s %s" % (k.replace("_", "-"), v) for k, v in p.items())
    extra = " --drift correct" if kind == "drift" else ""
    # the runner (qemu for a cross build, RIG_RUNNER) is part of the
    # command, so the printed reproduction runs where the hunt ran
    run = " ".join(os.environ.get("RIG_RUNNER", "").split() + [rig])
    return ("python3 tests/gen/blind_capture.py --out /tmp/b.bin %s && %s analyze %s%s /tmp/b.bin"
            % (args, run, " ".join(bc.analyze_args(p)), extra))


def run_one(a):
    rig, kind, fs, seed = a
    p, truth, res = one(rig, kind, fs, seed)
    return p, judge(kind, p, truth, res)


def main():
    argv = sys.argv[1:]
    if len(argv) >= 5 and argv[1] == "--one":
        rig, kind, fs, seed = argv[0], argv[2], float(argv[3]), int(argv[4])
        p, truth, res = one(rig, kind, fs, seed)
        o = judge(kind, p, truth, res)
        print(command(kind, p, rig))
        print(json.dumps(o, indent=1, default=str))
        bad = failures(o)
        print("%s %s %g kHz seed %d: %s" % ("FAIL" if bad else "ok", kind, fs / 1000, seed,
                                            "; ".join(bad) if bad else "every limit met, "
                                            "status " + o["status"]))
        return 1 if bad else 0
    if len(argv) < 3:
        sys.exit(__doc__)
    rig, n, seed0 = argv[0], int(argv[1]), int(argv[2])
    kinds, rates, jobs = KINDS, [1000.0, 4000.0], 1
    i = 3
    while i < len(argv):
        if argv[i] == "--kinds":
            kinds = argv[i + 1].split(",")
        elif argv[i] == "--rates":
            rates = [float(x) for x in argv[i + 1].split(",")]
        elif argv[i] == "--jobs":
            jobs = int(argv[i + 1])
        else:
            sys.exit("blind_hunt.py: unknown option %s" % argv[i])
        i += 2
    work = [(rig, k, fs, seed0 + s) for fs in rates for k in kinds for s in range(n)]
    if jobs > 1:
        import multiprocessing
        with multiprocessing.Pool(jobs) as pool:
            results = pool.map(run_one, work, chunksize=1)
    else:
        results = [run_one(w) for w in work]
    report(results, rates, kinds, rig)
    return 0


def failures(o):
    """What of one judged record is wrong and sure: limits not met, and
    figures outside their U."""
    bad = [k + ": " + v[1] for k, v in o["limits"].items() if not v[0]]
    for st in [o["status"]] + o.get("other_status", []):
        if st.startswith("ERROR"):
            bad.append("rig analyze failed: " + st)
    if o.get("depth_cov") is False:
        bad.append("depth %+.2f um, U %.2f" % (o["depth_err"], o["depth_U"]))
    if o.get("rate_cov") is False:
        bad.append("rate %+.1f ppm, U %.1f ppm" % (o["rate_err_ppm"], o["rate_U_ppm"]))
    if o.get("minmax_cov") is False:
        bad.append("min %+.2f max %+.2f um, U %.2f" % (o["minmax_err"][0], o["minmax_err"][1],
                                                       o["minmax_U"]))
    for e, (v, u, tr, at) in o.get("ends", {}).items():
        if abs(v - tr) > u:
            bad.append("rate at the %s %+.3f Hz, U %.3f (%.3f for %.3f at %.4f s)" % (
                e, v - tr, u, v, tr, at))
    sc = o.get("strokes_cov")
    if sc and sc[0] < STROKES_COVERED * sc[1]:
        bad.append("strokes within their U %d/%d (worst %+.2f um, U %.2f)" % (
            sc[0], sc[1], o["strokes_worst"][0], o["strokes_worst"][1]))
    return bad


def report(results, rates, kinds, rig):
    wrong = []
    print("## Coverage (k = 2): |error| <= U over records with the figure")
    print("| rate | kind | records | refused | depth covered | rate covered | min/max covered (mean U) "
          "| strokes covered (mean U) | std covered (mean U) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fs in rates:
        tot = [0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0.0, 0, 0, 0.0]
        for k in kinds:
            rs = [o for _, o in results if o["fs"] == fs and o["kind"] == k]
            ref = sum(1 for o in rs if o["status"] != "ok")
            dc = [o["depth_cov"] for o in rs if "depth_cov" in o]
            rc = [o["rate_cov"] for o in rs if "rate_cov" in o]
            mc = [o["minmax_cov"] for o in rs if "minmax_cov" in o]
            mu = sum(o["minmax_U"] for o in rs if "minmax_cov" in o)
            sc = [o["strokes_cov"] for o in rs if "strokes_cov" in o]
            s1, s2 = sum(c[0] for c in sc), sum(c[1] for c in sc)
            su = sum(o["strokes_U"] * o["strokes_cov"][1] for o in rs if "strokes_cov" in o)
            dd = [o["std_cov"] for o in rs if "std_cov" in o]
            du = sum(o["std_U"] for o in rs if "std_cov" in o)
            print("| %g kHz | %s | %d | %d | %d/%d | %d/%d | %d/%d (%.2f um) | %d/%d (%.2f um) | %d/%d (%.2f um) |" % (
                fs / 1000, k, len(rs), ref, sum(dc), len(dc), sum(rc), len(rc), sum(mc), len(mc),
                mu / max(len(mc), 1), s1, s2, su / max(s2, 1), sum(dd), len(dd), du / max(len(dd), 1)))
            tot = [a + b for a, b in zip(tot, [len(rs), ref, sum(dc), len(dc), sum(rc), len(rc),
                                               sum(mc), len(mc), mu, s1, s2, su, sum(dd), len(dd), du])]
        print("| %g kHz | **all** | %d | %d | %d/%d (%.1f %%) | %d/%d (%.1f %%) | %d/%d (%.1f %%, %.2f um) "
              "| %d/%d (%.1f %%, %.2f um) | %d/%d (%.1f %%, %.2f um) |" % (
                  fs / 1000, tot[0], tot[1], tot[2], tot[3], 100.0 * tot[2] / max(tot[3], 1),
                  tot[4], tot[5], 100.0 * tot[4] / max(tot[5], 1),
                  tot[6], tot[7], 100.0 * tot[6] / max(tot[7], 1), tot[8] / max(tot[7], 1),
                  tot[9], tot[10], 100.0 * tot[9] / max(tot[10], 1), tot[11] / max(tot[10], 1),
                  tot[12], tot[13], 100.0 * tot[12] / max(tot[13], 1), tot[14] / max(tot[13], 1)))
    print()
    print("## Rates at the ends (speed; k = 2): the steadiness line's figures against the crank's")
    print("mean rate over the stroke each was read over (one period of the figure, centred where it was read)")
    print("| rate | records | start within U (given) | end within U (given) | worst |error|/U |")
    print("|---|---|---|---|---|")
    for fs in rates:
        rs = [o for _, o in results if o["fs"] == fs and o["kind"] == "speed"]
        if not rs:
            continue
        c = {"start": [0, 0], "end": [0, 0]}
        worst = 0.0
        for o in rs:
            for e, (v, u, tr, _) in o.get("ends", {}).items():
                c[e][1] += 1
                c[e][0] += abs(v - tr) <= u
                worst = max(worst, abs(v - tr) / u if u > 0 else math.inf)
        print("| %g kHz | %d | %d/%d | %d/%d | %.2f |" % (fs / 1000, len(rs), c["start"][0], c["start"][1],
                                                          c["end"][0], c["end"][1], worst))
    print()
    print("## Limits (issue 13, What it must do)")
    print("| limit | rate | records judged | met | failed |")
    print("|---|---|---|---|---|")
    names = []
    for _, o in results:
        for k in o["limits"]:
            if k not in names:
                names.append(k)
    for name in names:
        for fs in rates:
            v = [o["limits"][name][0] for _, o in results if o["fs"] == fs and name in o["limits"]]
            if v:
                print("| %s | %g kHz | %d | %d | %d |" % (name, fs / 1000, len(v), sum(v), len(v) - sum(v)))
    print()
    print("## Drift detected on records drawn without drift (status ok; counted, not a limit)")
    print("| rate | kind | records | drift detected |")
    print("|---|---|---|---|")
    for fs in rates:
        for k in kinds:
            v = [o["drift_false"] for _, o in results if o["fs"] == fs and o["kind"] == k and "drift_false" in o]
            if v:
                print("| %g kHz | %s | %d | %d |" % (fs / 1000, k, len(v), sum(v)))
    print()
    print("## Failures (status ok: wrong and sure)")
    for p, o in results:
        bad = failures(o)
        if bad:
            wrong.append(o)
            print("- %s %g kHz seed %d (truth %.2f um, %.4f Hz): %s" % (
                o["kind"], o["fs"] / 1000, o["seed"], o["truth_depth"] or 0, o["truth_rate"], "; ".join(bad)))
            print("  `python3 tests/gen/blind_hunt.py %s --one %s %g %d`" % (rig, o["kind"], o["fs"], o["seed"]))
    if not wrong:
        print("none")


if __name__ == "__main__":
    sys.exit(main())
