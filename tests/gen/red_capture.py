#!/usr/bin/env python3
"""red_capture.py OUT [options] - a fourth, independent capture generator for
`rig analyze` (issue 13: "captures made by generators other than ours"),
python3 standard library only. It shares no code and no model with
make_capture.py, physics_capture.py or tests/support/capgen.c.

Model (docs/measurement.md, "Coverage"):
- mechanism: the needle carrier is driven by a crank. --mech crank: a
  slider-crank (crank radius r = travel/2, rod l = r/lambda): the tips'
  extension follows r cos(th) + sqrt(l^2 - r^2 sin^2 th); sharper at the
  top (th = 0) than at the bottom. --mech harmonic: a cam whose lift is
  cos(th) + sum of 2nd..4th harmonics (random amplitudes --harm, random
  phases). --pad F: a compliant pad stops the tips at F of the travel
  (a smooth minimum of width --pad-soft): a flat top of the stroke.
- motor: the crank angle integrates dth/dt = 2 pi f(t) (1 + c sin(th + p))
  (c = --cogging: torque ripple once a revolution, identical each stroke)
  by the midpoint rule on a 25 us grid, read between grid points by cubic
  Hermite interpolation. f(t) = f0 m(t) (1 + n(t)): m the commanded
  profile (--start: a second-order underdamped start from that fraction,
  natural frequency --start-hz, damping --start-zeta; --step F@T: a
  second-order step to F x at T, natural frequency --step-hz, damping
  --step-zeta (0.7); --ramp R: a linear ramp of R over the record;
  --hunt A@HZ: a speed oscillation of amplitude A), n = w + k: w a
  second-order Gauss-Markov speed wander (two cascaded first-order lags of
  white noise, corner --noise-hz, stationary rms --wander, its start drawn
  from the stationary distribution; drawn from its own random stream, so
  the rest of a capture does not move with it), k a start-up speed kick
  (--kick RMS: the same two lags started at rms RMS and left to decay with
  time constant 1/(2 pi --noise-hz), driven on by white noise that keeps a
  steady rms of only RMS x (1 - exp(-2 pi --noise-hz 25 us)), 0.13 % of
  RMS at 8.4 Hz). The kick is what --wander drew until main 4246a25 (its
  driving noise was scaled by the stationary variance of the first lag,
  not of the cascade); a capture made with --wander X then is made with
  --kick X now, byte for byte. With neither given the pen has the old
  default kick (0.002) and no wander; with one given, the other is 0.
- strokes: each stroke's depth is depth + e_k, e_k an AR(1) sequence
  (rms --scatter-um, correlation --scatter-rho), blended in by s^2 (s the
  stroke's relative height: the retracted end is fixed).
- impact ringing: --ring-um A at --ring-hz, decay --ring-ms, starts when
  the tips pass 97 % of the stroke on their way in (or the pad), amplitude
  varying +-30 % stroke to stroke.
- sensor: its clock runs --clock-ppm fast (slots are that much shorter in
  true time), a random start phase; each value is the mean of the signal
  over --exposure-us before the sample (8 points); noise Gaussian, rms
  --noise-um at the top and (1 + --noise-grow) times that at the retracted
  end (less light); a thermal drift D (1 - exp(-t/tau)) + linear part
  (--drift-um D over the record, --drift-tau); speckle spikes in clusters
  of 1..3 samples (--spike-frac, --spike-um lo:hi, --spike-sign
  both|near|far: near = towards the laser, reads deeper); single error
  values (--err-frac: no peak, peak before/after range, cannot calculate)
  and bursts (--burst N@SLOT: N values of no peak); quantised to the
  ILD1420's counts for --range-mm (0.16 um at 10 mm, 0.39 at 25, 0.78 at
  50).
- output: the ILD1420's binary stream (L, M, H bytes, 18-bit values, error
  values as the sensor sends them), or --csv: a trace "slot,dist_mm,status".

Truth (OUT.truth, key=value): per stroke the deepest point of the tips
(ringing included: a 1 us grid over the ringing, refined by golden section),
over the strokes whose advance (half height) and the next one both lie in
the record (each in OUT.strokes: peak time from the first slot, depth): strokes, depth_mean_um, depth_std_um (n - 1), depth_min_um,
depth_max_um; freq_hz = crank revolutions per true second between the
first and last slot; rate_start_hz/rate_end_hz the instantaneous rates.
"""
import argparse
import math
import random

FULL = 65520           # ILD1420: d = (x * 102 / 65520 - 1) * MR / 100
ERR_CODES = (262076, 262077, 262078, 262080)
GRID_S = 25e-6


def lift_function(a, rng):
    """g(th) normalised: 1 at the top, 0 at the bottom; and th at the top."""
    if a.mech == "crank":
        lam = a.rod_ratio

        def g(th):
            s = math.sin(th)
            return (math.cos(th) + math.sqrt(1.0 / (lam * lam) - s * s) - (1.0 / lam - 1.0)) / 2.0
        return g, 0.0
    harm = [(n, rng.uniform(0.0, a.harm) / n, rng.uniform(0, 2 * math.pi)) for n in (2, 3, 4)]

    def raw(th):
        return math.cos(th) + sum(c * math.cos(n * th + p) for n, c, p in harm)
    m = 4096
    vals = [raw(2 * math.pi * i / m) for i in range(m)]
    lo = min(vals)
    imax = vals.index(max(vals))
    x0, x1 = 2 * math.pi * (imax - 1) / m, 2 * math.pi * (imax + 1) / m
    gr = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c, d = x1 - gr * (x1 - x0), x0 + gr * (x1 - x0)
        if raw(c) > raw(d):
            x1 = d
        else:
            x0 = c
    top = (x0 + x1) / 2
    hi = raw(top)
    if top > math.pi:
        top -= 2 * math.pi
    return (lambda th: (raw(th) - lo) / (hi - lo)), top


class Wander:
    """The speed wander (--wander): two cascaded first-order lags of white
    noise, y1 <- al y1 + (1 - al) w, z2 <- al z2 + (1 - al) y1, whose output
    has the stationary rms --wander. For unit white w the cascade's
    variances are (1 - al)^2 / (1 - al^2) (y1), (1 - al)^4 (1 + al^2) /
    (1 - al^2)^3 (z2) and their covariance (1 - al)^3 / (1 - al^2)^2; the
    start (y1, z2) is drawn from that joint distribution, so the record
    starts in the steady state. Its own random stream (from --seed), so
    that a capture with and without wander has the same noise, scatter and
    start phase. z2 = 0 (exactly) without wander."""

    def __init__(self, a, al):
        self.al, self.z2, self.y1 = al, 0.0, 0.0
        if a.wander <= 0 or al >= 1:
            self.rng = None
            return
        self.rng = random.Random("red_capture wander %d" % a.seed)
        b = 1 - al
        v1 = b * b / (1 - al * al)
        v2 = b ** 4 * (1 + al * al) / (1 - al * al) ** 3
        c12 = b ** 3 / (1 - al * al) ** 2
        self.drive = a.wander / math.sqrt(v2)
        g1, g2 = self.rng.gauss(0, 1), self.rng.gauss(0, 1)
        # (y1, z2) jointly: z2 from its marginal, y1 given z2
        self.z2 = a.wander * g2
        self.y1 = self.drive * (c12 / math.sqrt(v2) * g2 + math.sqrt(max(v1 - c12 * c12 / v2, 0.0)) * g1)

    def step(self):
        if self.rng is None:
            return
        al = self.al
        self.y1 = al * self.y1 + (1 - al) * self.rng.gauss(0, self.drive)
        self.z2 = al * self.z2 + (1 - al) * self.y1


class Motor:
    """Crank angle against true time, integrated from the speed model."""

    def __init__(self, a, rng, t0, t1):
        self.a = a
        self.t0 = t0
        n = int((t1 - t0) / GRID_S) + 3
        wc = 2 * math.pi * a.noise_hz
        al = math.exp(-wc * GRID_S)
        # the start-up kick (--kick): two cascaded lags of white noise whose
        # drive is scaled by var2, which is the cascade's stationary
        # variance for unit input times 1/(1 - al)^2: the lags settle to
        # RMS x (1 - al) from a start at RMS. Kept as it was (--wander's
        # signal until main 4246a25: the same random draws, byte for byte).
        var2 = (1 - al) ** 2 * (1 + al * al) / ((1 - al * al) ** 3) if al < 1 else 1.0
        drive = a.kick / math.sqrt(var2) if a.kick > 0 else 0.0
        y1 = rng.gauss(0, math.sqrt(var2 * (1 - al * al) / (1 + al * al))) * drive if drive else 0.0
        y2 = rng.gauss(0, a.kick) if drive else 0.0
        wander = Wander(a, al)
        self.phi = rng.uniform(0, 2 * math.pi)
        th = rng.uniform(-math.pi, math.pi)
        self.th, self.w = [], []
        for i in range(n):
            t = t0 + i * GRID_S
            z = wander.z2
            f = a.freq * self.profile(t) * (1 + y2 + z)
            self.th.append(th)
            self.w.append(self.dth(t, th, f))
            # midpoint rule
            fm = a.freq * self.profile(t + GRID_S / 2) * (1 + y2 + z)
            thm = th + self.dth(t, th, f) * GRID_S / 2
            th += self.dth(t + GRID_S / 2, thm, fm) * GRID_S
            if drive:
                y1 = al * y1 + (1 - al) * rng.gauss(0, drive)
                y2 = al * y2 + (1 - al) * y1
            wander.step()

    def uniform_phase(self, th):
        """Revolutions, counted so that they advance uniformly in time at a
        steady speed: the cogging's ripple within a revolution is the same
        every stroke and no one can see it as a change of rate (the rate's
        truth over a record that ends part-way through a stroke)."""
        c = self.a.cogging
        if c == 0:
            return th / (2 * math.pi)
        if not hasattr(self, "_ut"):
            m = 4096
            acc, tab = 0.0, [0.0]
            for i in range(m):
                x = 2 * math.pi * (i + 0.5) / m
                acc += 1 / (1 + c * math.sin(x + self.phi))
                tab.append(acc)
            self._ut = [v / acc for v in tab]
        r = math.floor(th / (2 * math.pi))
        x = (th / (2 * math.pi) - r) * 4096
        i = min(int(x), 4095)
        return r + self._ut[i] + (x - i) * (self._ut[i + 1] - self._ut[i])

    def dth(self, t, th, f):
        return 2 * math.pi * f * (1 + self.a.cogging * math.sin(th + self.phi))

    def profile(self, t):
        a, m = self.a, 1.0
        if a.start < 1.0 and t > 0:
            m *= 1 - (1 - a.start) * second_order(t, a.start_hz, a.start_zeta)
        elif a.start < 1.0:
            m *= a.start
        if a.step and t > a.step[1]:
            m *= 1 + (a.step[0] - 1) * (1 - second_order(t - a.step[1], a.step_hz, a.step_zeta))
        if a.ramp:
            m *= 1 + a.ramp * (t / a.seconds - 0.5)
        if a.hunt:
            m *= 1 + a.hunt[0] * math.sin(2 * math.pi * a.hunt[1] * t)
        return m

    def angle(self, t):
        x = (t - self.t0) / GRID_S
        i = min(max(int(x), 0), len(self.th) - 2)
        u = x - i
        p0, p1 = self.th[i], self.th[i + 1]
        m0, m1 = self.w[i] * GRID_S, self.w[i + 1] * GRID_S
        u2, u3 = u * u, u * u * u
        return ((2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0
                + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * m1)

    def time_of(self, target):
        """True time when the angle reaches target (monotone: bisection)."""
        lo, hi = 0, len(self.th) - 1
        if not self.th[lo] <= target <= self.th[hi]:
            return None
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.th[mid] < target:
                lo = mid
            else:
                hi = mid
        return bisect(lambda t: self.angle(t) < target, self.t0 + lo * GRID_S, self.t0 + hi * GRID_S, 40)


def bisect(below, lo, hi, n):
    """The point in [lo, hi] where below(x) turns false (n halvings)."""
    for _ in range(n):
        mid = (lo + hi) / 2
        if below(mid):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def second_order(t, fn, zeta):
    """What is left of a unit step's error after t: 1 at 0, 0 at the end."""
    wn = 2 * math.pi * fn
    if zeta >= 1:
        return (1 + wn * t) * math.exp(-wn * t)
    wd = wn * math.sqrt(1 - zeta * zeta)
    return math.exp(-zeta * wn * t) * (math.cos(wd * t) + zeta / math.sqrt(1 - zeta * zeta) * math.sin(wd * t))


class Pen:
    def __init__(self, a, rng, motor):
        self.a, self.motor = a, motor
        self.g, self.top = lift_function(a, rng)
        k = a.pad_soft
        self.pad_top = 0.5 * (1 + a.pad - math.sqrt((1 - a.pad) ** 2 + k * k)) if a.pad < 1 else 1.0
        # per stroke: depth error e_k (AR(1), rms scatter_um) and ringing amplitude
        self.k_first = self.stroke_of(motor.th[0]) - 1
        nk = self.stroke_of(motor.th[-1]) + 2 - self.k_first
        rho, e = a.scatter_rho, rng.gauss(0, a.scatter_um)
        self.err, self.ring_amp, self.ring = [], [], {}
        for _ in range(nk):
            self.err.append(e)
            self.ring_amp.append(a.ring_um * rng.uniform(0.7, 1.3))
            e = rho * e + math.sqrt(1 - rho * rho) * rng.gauss(0, a.scatter_um)
        # the angle where the tips meet the pad / start ringing: s = 0.97
        # on the way in, found once on the lift
        self.impact = bisect(lambda th: self.s_of(th) < 0.97, self.top - math.pi, self.top, 60) - self.top

    def s_of(self, th):
        s = self.g(th)
        a = self.a
        if a.pad < 1:
            # a smooth minimum of the lift and the pad (soft contact),
            # scaled so that the pad is the top (1)
            k = a.pad_soft
            s = 0.5 * (s + a.pad - math.sqrt((s - a.pad) ** 2 + k * k)) / self.pad_top
        return s

    def stroke_of(self, th):
        """Stroke index: stroke k runs from bottom to bottom around 2 pi k + top."""
        return math.floor((th - self.top + math.pi) / (2 * math.pi))

    def err_of(self, k):
        return self.err[k - self.k_first]

    def ext_at(self, t, th=None):
        """The tips' extension (um beyond the contact plane) at true time t."""
        a = self.a
        if th is None:
            th = self.motor.angle(t)
        k = self.stroke_of(th)
        s = self.s_of(th - 2 * math.pi * k)
        e = self.err_of(k)
        x = a.depth_um - a.travel_um * (1 - s) + e * s * s
        if a.ring_um > 0:
            ti = self.impact_time(k)
            if ti is not None and t >= ti:
                d = t - ti
                x += self.ring_amp[k - self.k_first] * math.exp(-d / (a.ring_ms * 1e-3)) * math.sin(2 * math.pi * a.ring_hz * d)
        return x

    def impact_time(self, k):
        key = ("imp", k)
        if key not in self.ring:
            self.ring[key] = self.motor.time_of(2 * math.pi * k + self.top + self.impact)
        return self.ring[key]

    def deepest(self, k):
        """The deepest point of stroke k (true), and its time."""
        a = self.a
        tp = self.motor.time_of(2 * math.pi * k + self.top)
        if tp is None:
            return None
        if a.ring_um <= 0:
            return self.ext_at(tp), tp
        # grid over the top (+- a quarter turn), then golden section
        t_lo = self.motor.time_of(2 * math.pi * k + self.top - math.pi / 3)
        t_hi = self.motor.time_of(2 * math.pi * k + self.top + math.pi / 3)
        if t_lo is None or t_hi is None:
            return None
        n = max(200, int((t_hi - t_lo) / 1e-6))
        best, bt = -1e18, tp
        for i in range(n + 1):
            t = t_lo + (t_hi - t_lo) * i / n
            x = self.ext_at(t)
            if x > best:
                best, bt = x, t
        h = (t_hi - t_lo) / n
        x0, x1 = bt - h, bt + h
        gr = (math.sqrt(5) - 1) / 2
        for _ in range(40):
            c, d = x1 - gr * (x1 - x0), x0 + gr * (x1 - x0)
            if self.ext_at(c) > self.ext_at(d):
                x1 = d
            else:
                x0 = c
        t = (x0 + x1) / 2
        return max(best, self.ext_at(t)), t


def encode(x):
    """One 18-bit value as the ILD1420's L, M, H bytes (b6 = 0)."""
    return bytes((x & 0x3F, 0x40 | ((x >> 6) & 0x3F), 0x80 | ((x >> 12) & 0x3F)))


def pair(s, conv=float):
    lo, hi = s.split(":")
    return conv(lo), conv(hi)


def at(s):
    v, w = s.split("@")
    return float(v), float(w)


def args_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=4000.0, help="the sensor's nominal rate, Hz")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--freq", type=float, default=120.0, help="stroke rate, Hz")
    p.add_argument("--depth-um", type=float, default=1500.0)
    p.add_argument("--travel-um", type=float, default=1000.0)
    p.add_argument("--mech", choices=("crank", "harmonic"), default="crank")
    p.add_argument("--rod-ratio", type=float, default=0.3, help="crank radius / rod length")
    p.add_argument("--harm", type=float, default=0.3, help="largest 2nd..4th harmonic (x n)")
    p.add_argument("--pad", type=float, default=1.0, help="pad stops the tips at this share of the travel")
    p.add_argument("--pad-soft", type=float, default=0.01)
    p.add_argument("--cogging", type=float, default=0.0)
    p.add_argument("--wander", type=float, default=None,
                   help="stationary rms of the relative speed wander (corner --noise-hz; default 0)")
    p.add_argument("--kick", type=float, default=None,
                   help="a start-up speed kick: rms at the start, decaying with --noise-hz"
                   " (what --wander drew until main 4246a25; default 0.002 if neither is given, else 0)")
    p.add_argument("--noise-hz", type=float, default=3.0, help="the corner of the wander and the kick, Hz")
    p.add_argument("--start", type=float, default=1.0, help="start from this fraction of the speed")
    p.add_argument("--start-hz", type=float, default=4.0)
    p.add_argument("--start-zeta", type=float, default=0.6)
    p.add_argument("--step", type=at, default=None, help="F@T: speed x F at T s")
    p.add_argument("--step-hz", type=float, default=15.0)
    p.add_argument("--step-zeta", type=float, default=0.7, help="the step's damping (below 0.7 it overshoots more)")
    p.add_argument("--ramp", type=float, default=0.0)
    p.add_argument("--hunt", type=at, default=None, help="A@HZ: speed oscillation")
    p.add_argument("--scatter-um", type=float, default=2.0)
    p.add_argument("--scatter-rho", type=float, default=0.3)
    p.add_argument("--ring-um", type=float, default=0.0)
    p.add_argument("--ring-hz", type=float, default=3000.0)
    p.add_argument("--ring-ms", type=float, default=0.6)
    p.add_argument("--clock-ppm", type=float, default=0.0, help="the sensor's clock runs this fast")
    p.add_argument("--exposure-us", type=float, default=0.0)
    p.add_argument("--noise-um", type=float, default=1.0)
    p.add_argument("--noise-grow", type=float, default=0.5)
    p.add_argument("--drift-um", type=float, default=0.0)
    p.add_argument("--drift-tau", type=float, default=1.0)
    p.add_argument("--spike-frac", type=float, default=0.0)
    p.add_argument("--spike-um", type=pair, default=(50.0, 200.0))
    p.add_argument("--spike-sign", choices=("both", "near", "far"), default="both")
    p.add_argument("--err-frac", type=float, default=0.0)
    p.add_argument("--burst", type=at, action="append", default=[], help="N@SLOT")
    p.add_argument("--range-mm", type=float, default=10.0)
    p.add_argument("--zero-mm", type=float, default=5.0)
    p.add_argument("--csv", action="store_true", help="write a trace CSV instead of raw bytes")
    return p


def main():
    a = args_parser().parse_args()
    # neither given: the default pen of every capture made before (the
    # kick --wander's default drew); one given: the other is 0
    if a.kick is None:
        a.kick = 0.002 if a.wander is None else 0.0
    if a.wander is None:
        a.wander = 0.0
    rng = random.Random(a.seed)
    rate_true = a.rate * (1 + a.clock_ppm * 1e-6)
    n = int(round(a.seconds * a.rate))
    t_start = rng.uniform(0, 1 / a.rate)
    times = [t_start + i / rate_true for i in range(n)]
    motor = Motor(a, rng, -0.002 - a.exposure_us * 1e-6, times[-1] + 0.01)
    pen = Pen(a, rng, motor)
    sub = 8 if a.exposure_us > 0 else 1
    lsb_um = a.range_mm * 1000 * 102 / 100 / FULL
    # sensor effects
    values = []
    spike_left, spike_amp = 0, 0.0
    burst_at = {int(s): int(nb) for nb, s in a.burst}
    burst_left = 0
    tau = a.drift_tau
    dnorm = (1 - math.exp(-a.seconds / tau))
    for i, t in enumerate(times):
        if sub > 1:
            tex = a.exposure_us * 1e-6
            x = sum(pen.ext_at(t - tex * (j + 0.5) / sub) for j in range(sub)) / sub
        else:
            x = pen.ext_at(t)
        s_rel = min(max((x - (a.depth_um - a.travel_um)) / a.travel_um, 0.0), 1.0)
        x += rng.gauss(0, a.noise_um * (1 + a.noise_grow * (1 - s_rel)))
        tr = t - t_start
        x += a.drift_um * (0.5 * (1 - math.exp(-tr / tau)) / dnorm + 0.5 * tr / a.seconds)
        if spike_left == 0 and a.spike_frac > 0 and rng.random() < a.spike_frac / 2:
            spike_left = rng.choice((1, 1, 1, 2, 3))
            sign = {"near": 1, "far": -1}.get(a.spike_sign, rng.choice((-1, 1)))
            spike_amp = sign * rng.uniform(*a.spike_um)
        if spike_left:
            x += spike_amp * rng.uniform(0.8, 1.0)
            spike_left -= 1
        if i in burst_at:
            burst_left = burst_at[i]
        code = None
        if burst_left:
            burst_left -= 1
            code = 262076
        elif a.err_frac > 0 and rng.random() < a.err_frac:
            code = rng.choice(ERR_CODES)
        if code is None:
            d_mm = a.zero_mm - x / 1000.0
            cnt = int(round((d_mm * 100 / a.range_mm + 1) * FULL / 102))
            cnt = min(max(cnt, 0), FULL)
            values.append(cnt)
        else:
            values.append(code)
    if a.csv:
        status = {262076: 3, 262077: 4, 262078: 5, 262080: 6}
        with open(a.out, "w") as f:
            f.write("slot,dist_mm,status\n")
            for i, v in enumerate(values):
                if v in status:
                    f.write("%d,,%d\n" % (i, status[v]))
                else:
                    f.write("%d,%.6f,0\n" % (i, (v * 102.0 / FULL - 1) * a.range_mm / 100))
    else:
        with open(a.out, "wb") as f:
            f.write(b"".join(encode(v) for v in values))
    # truth: strokes whose advance at half height and the next one lie in the record
    t0, t1 = times[0], times[-1]
    th0, th1 = motor.angle(t0), motor.angle(t1)
    k0, k1 = pen.stroke_of(th0) - 1, pen.stroke_of(th1) + 1
    half = half_advance(pen)
    depths, rows = [], []
    for k in range(k0, k1 + 1):
        ta = motor.time_of(2 * math.pi * k + pen.top + half)
        tb = motor.time_of(2 * math.pi * (k + 1) + pen.top + half)
        if ta is None or tb is None or ta < t0 or tb > t1:
            continue
        r = pen.deepest(k)
        if r is not None:
            depths.append(r[0])
            rows.append("%.6f,%.4f" % (r[1] - t_start, r[0]))
    with open(a.out + ".strokes", "w") as f:
        f.write("peak_time_s,depth_um\n" + "".join(x + "\n" for x in rows))
    m = sum(depths) / len(depths)
    sd = math.sqrt(sum((d - m) ** 2 for d in depths) / (len(depths) - 1)) if len(depths) > 1 else 0.0
    ph = motor.uniform_phase
    freq = (ph(th1) - ph(th0)) / (t1 - t0)
    h = 1e-4
    rs = (ph(motor.angle(t0 + h)) - ph(th0)) / h
    re = (ph(th1) - ph(motor.angle(t1 - h))) / h
    with open(a.out + ".truth", "w") as f:
        f.write("generator=red_capture.py\nstrokes=%d\ndepth_mean_um=%.6f\ndepth_std_um=%.6f\n"
                "depth_min_um=%.6f\ndepth_max_um=%.6f\nfreq_hz=%.9f\nrate_start_hz=%.6f\nrate_end_hz=%.6f\n"
                "samples=%d\nlsb_um=%.4f\n"
                % (len(depths), m, sd, min(depths), max(depths), freq, rs, re, n, lsb_um))
    return 0


def half_advance(pen):
    """Angle before the top where the tips pass half height on the way in."""
    return bisect(lambda th: pen.s_of(th) < 0.5, pen.top - math.pi, pen.top, 60) - pen.top


if __name__ == "__main__":
    raise SystemExit(main())
