#!/usr/bin/env python3
"""rate_floor.py - what a blind_capture.py record's samples allow for its
mean rate: a Cramer-Rao floor for the phase at its first and last sample.

  rate_floor.py KIND FS SEED [--whole W] [--set KEY=VALUE ...]
                [--redraws N RIG [--sd-max PPM]]

The mean rate is (phase at the last sample - phase at the first) / span;
the whole strokes between are counted exactly, so its error is the two
ends' phase errors over the record's strokes. Near each end the phase is
the truth's plus a polynomial in time a + b tau (+ c tau^2 + d tau^3),
tau in periods from the end sample, over the partial stroke and W whole
strokes next to it (the engine's window, edge.c: W = 2; strokes from
the up-crossing of mid, as there), with one offset
of the readings; the stroke's shape and each stroke's amplitude known
(the engine learns the shape from every stroke; the amplitudes' scatter
is left out, so the floor is low, not high). Each sample's information
on the phase is its slope along the stroke (the generator's cam, each
sample the mean over its exposure), over its noise: the noise's rms and
the jitter times the speed along the stroke. Gaussian noise: for t3/t5
or Laplace noise an estimator that knew the law could go lower by the
law's Fisher factor (t5 1.25, t3 2, Laplace 2 in variance; the line
"+law", quad+wander with it), a least-squares fit not (the engine's
gates and outlier test take a part of it).

Prints, for a line, a quadratic and a cubic phase, quad+wander, +law and
+scatter (quad+wander with each stroke's own amplitude, the generator's
scatter, as a random effect: the floor with the scatter, which the
lines above leave out), and "engine", not a floor: what the engine's own
estimator spreads under the same errors (+scatter's), a fit weighted by
the noise and the scatter that leaves the wander out of its weights
(edge.c), so the engine's excess over the floor is its estimator's, not
the signal's: each end's standard
deviation (strokes) and the mean rate's (ppm) from both, and the share of
records such a floor leaves outside 10 ppm (Gaussian, no bias). With
--redraws N RIG: the same physics drawn again with seeds SEED * 1000 + i
(new noise, wander, scatter, sample phase) through RIG analyze: the
errors' mean and standard deviation beside the floor, and how many
were within their U; exit status 1 when the mean lies beyond 3 standard
errors (a bias), a draw lies outside its U or has no rate; with --sd-max
the spread is judged instead of the centring: exit status 1 where the
errors' standard deviation exceeds PPM, a draw lies outside its U or has
no rate (drawn without noise, a shape's own bias of a ppm or so stands
many standard errors out of a spread that small). --set KEY=VALUE
sets one of the draw's parameters (blind_capture.py's, a number) before
the floor and the redraws: the same physics with a piece of it turned
off (noise_um=0, scatter_um=0, wander_pct=0).
"""
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blind_capture as bc  # noqa: E402
import blind_hunt as bh  # noqa: E402
import ring_info_probe as rip  # noqa: E402


def solve_var(F, g):
    """g' F^-1 g for a small symmetric positive F (ring_info_probe.solve)."""
    try:
        x = rip.solve(F, g)
    except ZeroDivisionError:
        return float("inf")
    return sum(gi * xi for gi, xi in zip(g, x))


def cam_slope(pen, psi, h=1e-5):
    """d extension / d phase (um a stroke) of the cam at stroke count psi."""
    return (pen.e_cam(psi + h)[0] - pen.e_cam(psi - h)[0]) / (2 * h)


def chol_solve(S, B):
    """X with S X = B, S symmetric positive (Cholesky), B a list of columns."""
    n = len(S)
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            v = S[i][j] - sum(L[i][k] * L[j][k] for k in range(j))
            L[i][j] = math.sqrt(v) if i == j else v / L[j][j]
    out = []
    for b in B:
        y = [0.0] * n
        for i in range(n):
            y[i] = (b[i] - sum(L[i][k] * y[k] for k in range(i))) / L[i][i]
        x = [0.0] * n
        for i in reversed(range(n)):
            x[i] = (y[i] - sum(L[k][i] * x[k] for k in range(i + 1, n))) / L[i][i]
        out.append(x)
    return out


def crossing_phase(pen, j):
    """Where stroke j's extension rises through half its amplitude, as a
    fraction of the stroke: the engine's stroke ends (the up-crossing of
    mid in distance), from the crank's whole count."""
    half = pen.amp[j] / 2.0
    lo, hi = float(j), float(j)
    x = float(j)
    while x < j + 1:  # the first point past half on the rise
        if pen.e_cam(x)[0] >= half:
            hi = x
            break
        lo = x
        x += 0.005
    for _ in range(40):
        mid = (lo + hi) / 2
        if pen.e_cam(mid)[0] >= half:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2 - j


# Fisher information of a unit-variance law against a Gaussian's: an
# estimator that knows the law (a robust one) reaches the Gaussian floor
# with the noise variance over this
LAW_INFO = {"gauss": 1.0, "t5": 1.25, "t3": 2.0, "laplace": 2.0}


def wander_cov(p, times, t_end, period, sl_all):
    """The samples' covariance (um^2) from the generator's speed wander (a
    Gauss-Markov speed, its rms and rate): a random phase whose increment
    over x seconds has the variance G(x), seen through each sample's
    slope along the stroke; zeros without wander."""
    n = len(times)
    S = [[0.0] * n for _ in range(n)]
    if p["wander_pct"] <= 0:
        return S
    sw = p["wander_pct"] / 100.0 / period  # strokes a second, rms
    lam = 2 * math.pi * p["wander_hz"]

    def G(x):
        x = abs(x)
        return 2 * sw * sw * (lam * x - 1 + math.exp(-lam * x)) / (lam * lam)
    x = [t - t_end for t in times]
    for i in range(n):
        for j in range(i + 1):
            c = 0.5 * (G(x[i]) + G(x[j]) - G(x[i] - x[j])) * sl_all[i] * sl_all[j]
            S[i][j] = S[j][i] = c
    return S


def end_var(p, pen, times, t_end, period, deg, wander=False, law=False, scatter=False,
            engine=False):
    """The variance (strokes^2) of the phase at t_end from samples at
    times (true seconds, mid-exposure) under a phase polynomial of degree
    deg plus one offset; with wander, the generator's speed wander (a
    Gauss-Markov speed, its rms and rate) as a random phase on top, whose
    information the polynomial cannot take: the samples' errors are then
    correlated through it; with scatter, each stroke's own amplitude (the
    generator's scatter, its cam's level w at each sample: a stroke k
    reaching e_k further moves its samples by e_k w) likewise, so the
    floor is that of a fit that knows the scatter's size and estimates
    each stroke's amplitude from its own samples (a random effect; the
    engine's one offset a window does not). With engine, not a floor:
    the variance of the engine's own estimator under the same errors, a
    fit weighted by the noise and the scatter (edge.c: each stroke's
    amplitude a random effect) that leaves the wander out of its weights
    (a sandwich: weights W, the errors' covariance S,
    g' F^-1 J' W S W J F^-1 g with F = J' W J)."""
    exp_s = p["exposure_us"] * 1e-6
    npar = deg + 2
    n = len(times)
    J, sl_all, var_all, lev = [], [], [], []
    for t in times:
        e, j = pen.e_cam(pen.psi_at(t))
        lev.append((j, e / pen.amp[j] if pen.amp[j] else 0.0))
        # the exposure's mean of the slope (the sample is the mean position)
        if exp_s > 0:
            sl = sum(cam_slope(pen, pen.psi_at(t + exp_s * (k / 4.0 - 0.5)))
                     for k in range(5)) / 5.0
        else:
            sl = cam_slope(pen, pen.psi_at(t))
        f = (pen.psi_at(t + 1e-5) - pen.psi_at(t - 1e-5)) / 2e-5
        nv = p["noise_um"] ** 2 / (LAW_INFO.get(p["noise_kind"], 1.0) if law else 1.0)
        var_all.append(nv + (p["jitter_us"] * 1e-6 * sl * f) ** 2)
        sl_all.append(sl)
        tau = (t - t_end) / period
        J.append([sl * tau ** k for k in range(deg + 1)] + [1.0])
    S = [[0.0] * n for _ in range(n)]
    for i in range(n):
        S[i][i] = var_all[i]
    if wander:
        Sw = wander_cov(p, times, t_end, period, sl_all)
        for i in range(n):
            for j in range(n):
                S[i][j] += Sw[i][j]
    if scatter and p["scatter_um"] > 0:
        s2 = p["scatter_um"] ** 2
        for i in range(n):
            for j in range(n):
                if lev[i][0] == lev[j][0]:
                    S[i][j] += s2 * lev[i][1] * lev[j][1]
    # W J, W the inverse of the covariance the fit weights by: S, or for
    # the engine's estimator S without the wander
    S0 = S
    if engine and wander:
        S0 = [[S[i][j] - Sw[i][j] for j in range(n)] for i in range(n)]
    X = chol_solve(S0, [[J[i][a] for i in range(n)] for a in range(npar)])
    F = [[sum(J[i][a] * X[b][i] for i in range(n)) for b in range(npar)] for a in range(npar)]
    g = [1.0] + [0.0] * (npar - 1)
    if not engine:
        return solve_var(F, g)
    try:
        h = rip.solve(F, g)
    except ZeroDivisionError:
        return float("inf")
    a = [sum(X[k][i] * h[k] for k in range(npar)) for i in range(n)]
    return sum(a[i] * S[i][j] * a[j] for i in range(n) for j in range(n))


def floor(p, whole=2):
    q = dict(bc.DEFAULTS)
    q.update(p)
    rng = random.Random(q["seed"])
    pen = bc.Pen(q, rng)
    ph = rng.random()
    fs_true = q["fs"] * (1 + q["clock_ppm"] * 1e-6)
    exp_s = q["exposure_us"] * 1e-6
    nsamp = int(q["secs"] * fs_true) - 1
    t = [(k + ph) / fs_true + 1e-3 + exp_s / 2 for k in range(nsamp)]
    p0, p1 = pen.psi_at(t[0]), pen.psi_at(t[-1])
    cycles = p1 - p0
    c = crossing_phase(pen, math.floor((p0 + p1) / 2))
    out = {"cycles": cycles}
    for deg, name, wd, law, sc, eng in ((1, "line", False, False, False, False),
                                        (2, "quad", False, False, False, False),
                                        (3, "cubic", False, False, False, False),
                                        (2, "quad+wander", True, False, False, False),
                                        (2, "+law", True, True, False, False),
                                        (2, "+scatter", True, False, True, False),
                                        (2, "engine", True, False, True, True)):
        v = []
        for head in (True, False):
            # the window: the partial stroke and `whole` strokes beyond it
            # strokes from the crossings, as the engine's (the partial
            # stroke from the end sample to the crossing next to it)
            if head:
                k = math.floor(p0 - c) + 1
                lim = k + c + whole
                ts = [x for x in t if pen.psi_at(x) <= lim]
                te = t[0]
            else:
                k = math.floor(p1 - c)
                lim = k + c - whole
                ts = [x for x in t if pen.psi_at(x) >= lim]
                te = t[-1]
            per = (ts[-1] - ts[0]) / max(abs(pen.psi_at(ts[-1]) - pen.psi_at(ts[0])), 1e-9)
            v.append(end_var(q, pen, ts, te, per, deg, wd, law, sc, eng))
        sd = math.sqrt(v[0] + v[1])
        out[name] = (math.sqrt(v[0]), math.sqrt(v[1]), sd / cycles * 1e6)
    return out


def redraws(rig, kind, fs, seed, n, sets=None):
    import tempfile
    errs = []
    for i in range(n):
        p = bh.draw(kind, fs, seed)
        p.update(sets or {})
        p["seed"] = seed * 1000 + i
        with tempfile.TemporaryDirectory() as d:
            path, truth = bh.write_capture(p, d)
            # as blind_hunt.py's one(): the drift kind corrected; the
            # summary CSV only (no per-stroke run)
            extra = ["--drift", "correct"] if kind == "drift" else []
            res = bh.rig_analyze(rig, p, path, extra, per_stroke=False)
        e, u = res.get("freq_hz"), res.get("freq_U_hz")
        if res.get("status") == "ok" and e is not None and u is not None:
            # the error in the sensor's clock (the 10 ppm limit's), U
            # against the truth in true seconds (blind_hunt.py's judge)
            errs.append(((float(e) / truth["rate_sensor_hz"] - 1) * 1e6,
                         abs(float(e) - truth["rate_hz"]) <= float(u)))
    return errs


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        sys.exit(__doc__)
    kind, fs, seed = a[0], float(a[1]), int(a[2])
    whole, rd, sets, sd_max = 2, None, {}, None
    i = 3
    while i < len(a):
        if a[i] == "--whole":
            whole = int(a[i + 1])
            i += 2
        elif a[i] == "--redraws":
            rd = (int(a[i + 1]), a[i + 2])
            i += 3
        elif a[i] == "--set":
            k, v = a[i + 1].split("=", 1)
            sets[k] = float(v)
            i += 2
        elif a[i] == "--sd-max":
            sd_max = float(a[i + 1])
            i += 2
        else:
            sys.exit("rate_floor.py: unknown option %s" % a[i])
    p = bh.draw(kind, fs, seed)
    p.update(sets)
    o = floor(p, whole)
    print("%s %g kHz seed %d: %.1f strokes, noise %.2f um %s, window %d whole strokes" % (
        kind, fs / 1000, seed, o["cycles"], p["noise_um"], p["noise_kind"], whole))
    for name in ("line", "quad", "cubic", "quad+wander", "+law", "+scatter", "engine"):
        h, t, ppm = o[name]
        out10 = math.erfc(10.0 / ppm / math.sqrt(2)) if ppm > 0 else 0.0
        print("  %-11s head %.5f tail %.5f strokes: the mean rate's %s %.1f ppm (1 sd), "
              "%.0f %% of draws beyond 10 ppm" % (name, h, t,
                                                  "spread" if name == "engine" else "floor",
                                                  ppm, 100 * out10))
    if rd:
        got = redraws(rd[1], kind, fs, seed, rd[0], sets)
        errs = [e for e, _ in got]
        if len(errs) < 2:
            print("  redrawn %d of %d with a rate: too few" % (len(errs), rd[0]))
            return 1
        m = sum(errs) / len(errs)
        sd = math.sqrt(sum((x - m) ** 2 for x in errs) / (len(errs) - 1))
        se = sd / math.sqrt(len(errs))
        cov = sum(c for _, c in got)
        print("  redrawn %d of %d: mean %+.2f ppm (se %.2f), sd %.2f ppm%s, beyond 10 ppm %d, "
              "within U %d" % (len(errs), rd[0], m, se, sd,
                               "" if sd_max is None else " (at most %.2f)" % sd_max,
                               sum(abs(x) > 10 for x in errs), cov))
        # a bias (the mean beyond 3 standard errors), or with --sd-max a
        # spread over it, or a draw outside its U: exit 1
        judged = abs(m) <= 3 * se if sd_max is None else sd <= sd_max
        return 0 if judged and cov == len(errs) and len(errs) == rd[0] else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
