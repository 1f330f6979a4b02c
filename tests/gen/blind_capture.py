#!/usr/bin/env python3
"""blind_capture.py - a fifth capture generator for issue 13, written from
the issue text, /work/shared/REFERENCE.md and docs/ only (none of the other
generators' code was read). Python 3 standard library only.

Model (its own, see docs/measurement.md "Coverage on a fifth generator"):

  motor   the stroke count psi(t) integrates a speed f(t): a commanded
          speed u(t) (steps, a linear chirp, a sinusoidal FM) followed by
          a first-order (tau) or second-order (omega, zeta) motor from a
          start fraction, times (1 + PWM ripple + Gauss-Markov wander).
          Integrated on a 10 us grid, read between grid points by cubic
          Hermite interpolation (psi and psi' = f are both known).
  load    a periodic warp of the phase within a stroke (the motor slows
          where the cam is loaded): phi + w/(2 pi) (sin(2 pi phi + c) -
          sin c). Periodic, so the mean rate is d psi/dt.
  lobes   two strokes per revolution: lobe 0 takes (1 + p) of the mean
          period, lobe 1 (1 - p); their depths differ by lobe_um.
  cam     poly345 (3-4-5 polynomial rise, optional dwell at full extension,
          return, dwell retracted), asine (1 - cos, unequal rise and
          return), poly4567 (7th-order polynomial, flatter ends).
  tips    per stroke amplitude travel + s_j (white, scatter_um) +- lobe.
  pad     viscoelastic creep: beyond the contact level c the pad takes a
          share z of the excess, z' = (g max(0, e_cam - c) - z) / tau_p.
  ring    at each impact (e_cam crossing c, or 0.9 of the stroke without a
          pad) a damped sine A_j exp(-dt/tau) sin(2 pi f_r dt) (A_j +-15 %
          per stroke), the two latest impacts summed.
  sensor  sample k at true time (k + ph) / (fs (1 + ppm 1e-6)) + jitter,
          a sample-and-hold exposure (the mean of the position over the
          exposure before the sample), drift (linear, logistic, sine or
          exponential in time), noise (gauss, Student t3/t5 or Laplace,
          scaled to the rms), speckle spikes 50-200 um (near, far or
          both), error values (no peak, cannot calculate), quantised to
          the ILD1420's counts and written as its binary L, M, H stream.

Truth: per stroke the deepest point of the tips (a 2 us search over the
top, refined by golden section), the depth = zero - that distance, its
time in the sensor's clock; the mean rate = (psi(t_last) - psi(t_0)) /
(t_last - t_0) in true seconds, and in the sensor's seconds; the speed at
the start and end; the drift of the readings over the record (depth sign:
a reading that grows further reads shallower).

Use as a module (make(params) -> (bytes, truth)) or from the command line:
  blind_capture.py --out cap.bin [--truth t.json] [--key value ...]
prints the rig analyze command that reads the capture.
"""
import bisect
import json
import math
import random
import sys

GRID_S = 10e-6

DEFAULTS = {
    "seed": 1, "fs": 4000.0, "secs": 2.0,
    "freq": 100.0, "depth_um": 1500.0, "travel_um": 1000.0,
    "zero_mm": 5.0, "mr_mm": 10.0,
    "cam": "poly345", "rise": 0.45, "dwell": 0.0, "rdwell": 0.1,
    "warp": 0.0, "warp_phase": 0.0,
    # motor
    "tau_s": 0.05, "order": 1, "zeta": 0.7, "start_frac": 1.0,
    "step_at": 0.0, "step_ratio": 1.0, "chirp_pct": 0.0,
    "fm_pct": 0.0, "fm_hz": 0.0, "pwm_pct": 0.0, "pwm_hz": 0.0,
    "wander_pct": 0.0, "wander_hz": 2.0,
    # tips and pad
    "scatter_um": 0.0, "lobe_um": 0.0, "lobe_pct": 0.0,
    "pad_level": 0.0, "pad_gain": 0.0, "pad_tau_ms": 1.0,
    "ring_um": 0.0, "ring_hz": 3000.0, "ring_tau_ms": 0.5, "ring_sign": 1,
    # sensor
    "noise_um": 1.0, "noise_kind": "gauss", "exposure_us": 0.0,
    "jitter_us": 0.0, "clock_ppm": 0.0, "spike_p": 0.0,
    "spike_lo_um": 50.0, "spike_hi_um": 200.0, "spike_sign": "both",
    "err_p": 0.0, "drift_um": 0.0, "drift_kind": "lin", "drift_tau_s": 0.5,
}


def cam_law(kind, phi, rise, dwell, rdwell):
    """Extension 0..1 over one stroke, phi in [0, 1): 0 at phi = 0."""
    ret = 1.0 - rise - dwell - rdwell
    if phi < rise:
        u = phi / rise
        up = True
    elif phi < rise + dwell:
        return 1.0
    elif phi < rise + dwell + ret:
        u = 1.0 - (phi - rise - dwell) / ret
        up = False
    else:
        return 0.0
    del up
    if kind == "poly345":
        return u * u * u * (10.0 - 15.0 * u + 6.0 * u * u)
    if kind == "poly4567":
        return u ** 4 * (35.0 - 84.0 * u + 70.0 * u * u - 20.0 * u ** 3)
    if kind == "asine":
        return 0.5 - 0.5 * math.cos(math.pi * u)
    raise ValueError("cam: poly345, poly4567 or asine, not %r" % kind)


class Pen:
    """The pen's tips: extension e(t) in um towards the target."""

    def __init__(self, p, rng):
        self.p = p
        secs = p["secs"] + 0.01
        n = int(secs / GRID_S) + 3
        self.n = n
        self._motor(p, rng, n)
        # per-stroke amplitudes
        nst = int(self.psi[-1]) + 3
        self.amp = []
        for j in range(nst):
            lobe = (1 if j % 2 == 0 else -1) * p["lobe_um"] / 2.0
            self.amp.append(p["travel_um"] + rng.gauss(0, p["scatter_um"]) + lobe)
        self.ring_amp = [p["ring_um"] * (1.0 + 0.15 * rng.gauss(0, 1))
                         for _ in range(nst)]
        self._pad_and_impacts(p)

    def _motor(self, p, rng, n):
        f0 = p["freq"]
        T = p["secs"]
        psi = [0.0] * n
        fe = [0.0] * n
        f = f0 * p["start_frac"]
        fd = 0.0
        wand = 0.0
        a_w = math.exp(-2 * math.pi * p["wander_hz"] * GRID_S)
        s_w = p["wander_pct"] / 100.0 * math.sqrt(1 - a_w * a_w)
        pwm = p["pwm_pct"] / 100.0
        fm = p["fm_pct"] / 100.0
        omega = 1.0 / max(p["tau_s"], 1e-4)
        k1 = 1.0 - math.exp(-GRID_S * omega)
        chirp = p["chirp_pct"] / 100.0 / T
        t_step = p["step_at"] * T if p["step_at"] > 0 else 1e18
        for i in range(n):
            t = i * GRID_S
            u = f0 * (1.0 + chirp * t)
            if t >= t_step:
                u *= p["step_ratio"]
            if p["order"] == 1:
                f += (u - f) * k1
            else:
                acc = omega * omega * (u - f) - 2 * p["zeta"] * omega * fd
                fd += acc * GRID_S
                f += fd * GRID_S
            wand = a_w * wand + s_w * rng.gauss(0, 1)
            mod = 1.0 + wand
            if pwm:
                mod += pwm * math.sin(2 * math.pi * p["pwm_hz"] * t)
            if fm:
                mod += fm * math.sin(2 * math.pi * p["fm_hz"] * t)
            fe[i] = f * mod
            if i:
                psi[i] = psi[i - 1] + 0.5 * (fe[i] + fe[i - 1]) * GRID_S
        self.psi = psi
        self.fe = fe

    def psi_at(self, t):
        x = t / GRID_S
        i = int(x)
        if i < 0:
            i = 0
        if i >= self.n - 1:
            i = self.n - 2
        s = x - i
        p0, p1 = self.psi[i], self.psi[i + 1]
        m0, m1 = self.fe[i] * GRID_S, self.fe[i + 1] * GRID_S
        s2, s3 = s * s, s * s * s
        return ((2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * m0
                + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * m1)

    def stroke_phase(self, psi):
        """(stroke index, phase in [0, 1)) of a stroke count."""
        p = self.p
        if p["lobe_pct"]:
            pair = math.floor(psi / 2.0)
            u = psi / 2.0 - pair
            b = (1.0 + p["lobe_pct"] / 100.0) / 2.0
            if u < b:
                j, phi = 2 * pair, u / b
            else:
                j, phi = 2 * pair + 1, (u - b) / (1.0 - b)
        else:
            j = math.floor(psi)
            phi = psi - j
        if p["warp"]:
            c = p["warp_phase"]
            phi += p["warp"] / (2 * math.pi) * (math.sin(2 * math.pi * phi + c) - math.sin(c))
        return int(j), phi

    def e_cam(self, psi):
        p = self.p
        j, phi = self.stroke_phase(psi)
        return self.amp[j] * cam_law(p["cam"], phi, p["rise"], p["dwell"], p["rdwell"]), j

    def _pad_and_impacts(self, p):
        n = self.n
        level = p["pad_level"] * p["travel_um"]
        gain = p["pad_gain"]
        a = math.exp(-GRID_S / (p["pad_tau_ms"] * 1e-3))
        z = [0.0] * n
        eg = [0.0] * n
        jg = [0] * n
        zi = 0.0
        imp_t, imp_j = [], []
        thr_rel = p["pad_level"] if p["pad_level"] > 0 else 0.9
        prev = 0.0
        prevj = -1
        for i in range(n):
            e, j = self.e_cam(self.psi[i])
            if level > 0 and gain > 0:
                zi = a * zi + (1 - a) * gain * max(0.0, e - level)
                z[i] = zi
            eg[i] = e - zi
            jg[i] = j
            thr = thr_rel * self.amp[j]
            if j == prevj and prev < thr <= e:
                frac = (thr - prev) / (e - prev)
                imp_t.append((i - 1 + frac) * GRID_S)
                imp_j.append(j)
            prev, prevj = e, j
        self.z = z
        self.eg = eg  # e_cam - z on the grid (no ringing)
        self.jg = jg  # stroke index on the grid
        self.imp_t = imp_t
        self.imp_j = imp_j

    def ring(self, t):
        if not self.p["ring_um"]:
            return 0.0
        k = bisect.bisect_right(self.imp_t, t) - 1
        r = 0.0
        w = 2 * math.pi * self.p["ring_hz"]
        tau = self.p["ring_tau_ms"] * 1e-3
        for q in (k, k - 1):
            if q < 0:
                continue
            d = t - self.imp_t[q]
            r += self.ring_amp[self.imp_j[q]] * math.exp(-d / tau) * math.sin(w * d)
        return self.p["ring_sign"] * r

    def e(self, t):
        ec, _ = self.e_cam(self.psi_at(t))
        x = t / GRID_S
        i = min(max(int(x), 0), self.n - 2)
        s = x - i
        z = self.z[i] + s * (self.z[i + 1] - self.z[i])
        return ec - z + self.ring(t)


def drift_at(p, t):
    D, T, k = p["drift_um"], p["secs"], p["drift_kind"]
    if not D:
        return 0.0
    x = t / T
    if k == "lin":
        return D * x
    if k == "logistic":
        l0 = 1 / (1 + math.exp(4.0))
        l1 = 1 / (1 + math.exp(-4.0))
        return D * (1 / (1 + math.exp(-8.0 * (x - 0.5))) - l0) / (l1 - l0)
    if k == "sine":
        return D * math.sin(math.pi / 2 * x)
    if k == "exp":
        tau = p["drift_tau_s"]
        return D * (1 - math.exp(-t / tau)) / (1 - math.exp(-T / tau))
    raise ValueError("drift_kind: lin, logistic, sine or exp, not %r" % k)


def noise(p, rng):
    s, k = p["noise_um"], p["noise_kind"]
    if not s:
        return 0.0
    if k == "gauss":
        return rng.gauss(0, s)
    if k in ("t3", "t5"):
        df = 3 if k == "t3" else 5
        chi = sum(rng.gauss(0, 1) ** 2 for _ in range(df))
        return s * rng.gauss(0, 1) / math.sqrt(chi / df) * math.sqrt((df - 2.0) / df)
    if k == "laplace":
        return s / math.sqrt(2) * rng.expovariate(1.0) * (1 if rng.random() < 0.5 else -1)
    raise ValueError("noise_kind: gauss, t3, t5 or laplace, not %r" % k)


def count_um(mr_mm):
    return mr_mm * 1000.0 * 102.0 / 65520.0 / 100.0


def encode(d_mm, mr_mm):
    x = (d_mm * 100.0 / mr_mm + 1.0) * 65520.0 / 102.0
    x = int(round(x))
    if x < 643:
        return 262077
    if x > 64877:
        return 262078
    return x


def value_bytes(x):
    return bytes((x & 0x3F, 0x40 | ((x >> 6) & 0x3F), 0x80 | ((x >> 12) & 0x3F)))


def stroke_truth(p, pen, t0, t1):
    """Deepest point of each stroke whose top lies inside [t0, t1]."""
    n0 = int(t0 / GRID_S)
    n1 = min(int(t1 / GRID_S), pen.n - 1)
    spans = {}
    jg, eg = pen.jg, pen.eg
    for i in range(n0, n1 + 1):
        spans.setdefault(jg[i], [i, i])[1] = i
    out = []
    for j in sorted(spans):
        a, b = spans[j]
        best_i, best = a, -1e18
        for i in range(a, b + 1):
            if eg[i] > best:
                best, best_i = eg[i], i
        if best_i in (a, b) and (a == n0 or b == n1):
            continue  # a partial stroke at an end of the record
        # the ringing rides on e_cam - z: search where that is within
        # twice the ring's amplitude (and 2 um) of its top
        margin = 2.0 * p["ring_um"] * 1.5 + 2.0
        lo = best_i
        while lo > a and eg[lo] > best - margin:
            lo -= 1
        hi = best_i
        while hi < b and eg[hi] > best - margin:
            hi += 1
        # from the depth the tips reach there, ringing included: the ringless
        # top is no depth when the ring is below it
        tb = best_i * GRID_S
        vb = pen.e(tb)
        t = lo * GRID_S
        while t <= hi * GRID_S:
            v = pen.e(t)
            if v > vb:
                vb, tb = v, t
            t += 2e-6
        lo_t, hi_t = tb - 2e-6, tb + 2e-6
        g = (math.sqrt(5) - 1) / 2
        for _ in range(30):
            m1 = hi_t - g * (hi_t - lo_t)
            m2 = lo_t + g * (hi_t - lo_t)
            if pen.e(m1) > pen.e(m2):
                hi_t = m2
            else:
                lo_t = m1
        tm = (lo_t + hi_t) / 2
        vm = max(pen.e(tm), vb)
        if not (t0 <= tm <= t1):
            continue
        depth = p["depth_um"] - p["travel_um"] + vm
        out.append({"j": j, "t_true": tm, "depth_um": depth})
    return out


def make(params):
    p = dict(DEFAULTS)
    for k, v in params.items():
        if k not in p:
            raise KeyError("blind_capture: no parameter %r" % k)
        p[k] = v
    rng = random.Random(p["seed"])
    pen = Pen(p, rng)
    fs = p["fs"]
    fs_true = fs * (1.0 + p["clock_ppm"] * 1e-6)
    ph = rng.random()
    # separate streams, so that a capture with spikes or error values is
    # the same capture as without them, sample for sample
    rng_n = random.Random(p["seed"] * 7919 + 1)
    rng_s = random.Random(p["seed"] * 7919 + 2)
    rng_e = random.Random(p["seed"] * 7919 + 3)
    nsamp = int(p["secs"] * fs_true) - 1
    exp_s = p["exposure_us"] * 1e-6
    nexp = max(1, int(math.ceil(exp_s / GRID_S))) if exp_s > 0 else 0
    base_mm = p["zero_mm"] - (p["depth_um"] - p["travel_um"]) / 1000.0
    out = bytearray()
    t_first = None
    t_last = None
    count = count_um(p["mr_mm"])
    for k in range(nsamp):
        tk = (k + ph) / fs_true + 1e-3 + exp_s
        if p["jitter_us"]:
            tk += rng_n.gauss(0, p["jitter_us"] * 1e-6)
        if t_first is None:
            t_first = tk
        t_last = tk
        if nexp:
            acc = 0.0
            for m in range(nexp + 1):
                w = 0.5 if m in (0, nexp) else 1.0
                acc += w * pen.e(tk - exp_s * m / nexp)
            e = acc / nexp
        else:
            e = pen.e(tk)
        d_um = -e + drift_at(p, tk) + noise(p, rng_n)
        if p["spike_p"] and rng_s.random() < p["spike_p"]:
            sgn = {"near": -1, "far": 1}.get(p["spike_sign"])
            if sgn is None:
                sgn = 1 if rng_s.random() < 0.5 else -1
            d_um += sgn * rng_s.uniform(p["spike_lo_um"], p["spike_hi_um"])
        if p["err_p"] and rng_e.random() < p["err_p"]:
            x = 262076 if rng_e.random() < 0.7 else 262080
        else:
            x = encode(base_mm + d_um / 1000.0, p["mr_mm"])
        out += value_bytes(x)
    # truth
    t0 = (0 + ph) / fs_true + 1e-3 + exp_s
    strokes = stroke_truth(p, pen, t0, t_last)
    for s in strokes:
        s["t_sensor"] = (s["t_true"] + exp_s / 2 - t0) * (1.0 + p["clock_ppm"] * 1e-6)
    # a sample holds the mean over its exposure: it stands for the middle
    # of the exposure (through a speed change the mean rate over the
    # record moves by (tau / 2) (f_end - f_start) / span otherwise)
    t_first -= exp_s / 2
    t_last -= exp_s / 2
    span = t_last - t_first
    rate_true = (pen.psi_at(t_last) - pen.psi_at(t_first)) / span
    rate_sensor = rate_true / (1.0 + p["clock_ppm"] * 1e-6)

    def local_rate(ta, tb):
        return (pen.psi_at(tb) - pen.psi_at(ta)) / (tb - ta)
    per = 3.0 / max(rate_true, 1.0)
    depths = [s["depth_um"] for s in strokes]
    truth = {
        "params": p,
        "samples": nsamp,
        "rate_hz": rate_true,
        "rate_sensor_hz": rate_sensor,
        "rate_start_hz": local_rate(t_first, t_first + per),
        "rate_end_hz": local_rate(t_last - per, t_last),
        "strokes": strokes,
        "depth_mean_um": sum(depths) / len(depths) if depths else None,
        "depth_min_um": min(depths) if depths else None,
        "depth_max_um": max(depths) if depths else None,
        "drift_depth_um": -(drift_at(p, t_last) - drift_at(p, t_first)),
        "resolution_um": count,
    }
    return bytes(out), truth


def analyze_args(p):
    """The rig analyze options that describe this capture (the fixture's
    knowledge: rate, zero, range, resolution, exposure, clock bound)."""
    p2 = dict(DEFAULTS)
    p2.update(p)
    a = ["--format", "ild1420", "--rate", "%g" % p2["fs"],
         "--zero-mm", "%g" % p2["zero_mm"], "--range-mm", "%g" % p2["mr_mm"],
         "--freq-hint", "%g" % p2["freq"], "--linearity-um", "0",
         "--resolution-um", "%.4f" % count_um(p2["mr_mm"]), "--zero-u-um", "0"]
    if p2["exposure_us"]:
        a += ["--exposure-us", "%g" % p2["exposure_us"]]
    a += ["--clock-ppm", "%g" % (50 if p2["clock_ppm"] else 0)]
    return a


def parse_cli(argv):
    params = {}
    out = truth = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(__doc__)
            print("parameters (--key value):")
            for k, v in DEFAULTS.items():
                print("  --%s %s" % (k.replace("_", "-"), v))
            sys.exit(0)
        if not a.startswith("--") or i + 1 >= len(argv):
            sys.exit("blind_capture.py: expected --key value, found %r" % a)
        key, val = a[2:].replace("-", "_"), argv[i + 1]
        i += 2
        if key == "out":
            out = val
            continue
        if key == "truth":
            truth = val
            continue
        if key not in DEFAULTS:
            sys.exit("blind_capture.py: no parameter --%s (see --help)" % a[2:])
        d = DEFAULTS[key]
        try:
            params[key] = type(d)(val) if not isinstance(d, str) else val
        except ValueError:
            sys.exit("blind_capture.py: --%s: expected a number, found %r" % (a[2:], val))
    if not out:
        sys.exit("blind_capture.py: --out FILE is required")
    return params, out, truth


def main():
    params, out, tpath = parse_cli(sys.argv[1:])
    data, truth = make(params)
    with open(out, "wb") as f:
        f.write(data)
    if tpath:
        with open(tpath, "w") as f:
            json.dump(truth, f, indent=1)
    print("rig analyze " + " ".join(analyze_args(params)) + " " + out)
    print("truth: depth %.3f um (min %.3f max %.3f, %d strokes), rate %.6f Hz"
          " (sensor clock %.6f), drift %.3f um" % (
              truth["depth_mean_um"] or float("nan"), truth["depth_min_um"] or 0,
              truth["depth_max_um"] or 0, len(truth["strokes"]), truth["rate_hz"],
              truth["rate_sensor_hz"], truth["drift_depth_um"]))


if __name__ == "__main__":
    main()
