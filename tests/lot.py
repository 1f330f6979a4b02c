#!/usr/bin/env python3
"""lot.py RIG FIXTURE OLD_PROFILE NEW_PROFILE N WORKDIR - the no-loss proof of
issue 19: a virtual lot of N pens spread around the guarded limits, each
verified (--mode verify) with the old profile and the new one.

Half the pens sit around the depth limits (an offset of 88..112 um either
way against a tolerance of 100 um, every point), half around the rate
limits (1.7..2.3 % fast or slow against 2 %). The pens' own variation
between runs (speed wander, warm-up drift) is switched off: it would change
a verdict near a limit whatever the window, and this compares the windows.
The truth of each pen is known, so:

  - no PASS of a pen outside its tolerance, with either profile;
  - a verdict that changes from PASS to FAIL does so by a guarded FAIL
    (every failing value inside the specification, within U of its limit;
    printed with the U the old run had at that point): more cautious;
  - a verdict that changes from FAIL to PASS belongs to a pen inside its
    tolerance whose old FAIL was a guarded one: two measurements of a pen
    within U of a limit disagree now and then whatever the window (each
    reads the pen's stroke scatter anew). For scale the lot is verified a
    second time with the old profile (another seed) and its own changes
    are counted.

Prints one line per changed pen and a summary; exit 1 on a violation.
"""
import csv, glob, os, random, subprocess, sys

rig, fixture, old, new, n, work = sys.argv[1:7]
n = int(n)
runner = os.environ.get('RIG_RUNNER', '').split()
rng = random.Random(19)
PRELOAD_N = 2.0                      # the fixture's virtual preload
DROOP = 1 - 0.004 * PRELOAD_N        # pen.load_droop_per_n at that preload
DEPTH_TOL_UM, FREQ_TOL = 100.0, 0.02


def make_pen(i):
    sign = rng.choice((-1, 1))
    if i % 2 == 0:
        return {'pen.depth_offset_um': sign * rng.uniform(88, 112), 'pen.freq_gain': 1 / DROOP}
    return {'pen.depth_offset_um': 0.0,
            'pen.freq_gain': (1 + sign * rng.uniform(0.017, 0.023)) / DROOP}


def in_spec(pen):
    return (abs(pen['pen.depth_offset_um']) <= DEPTH_TOL_UM and
            abs(pen['pen.freq_gain'] * DROOP - 1) <= FREQ_TOL)


def run(profile, i, pen, tag, seed=None):
    d = os.path.join(work, '%s_%03d' % (tag, i))
    args = runner + [rig, 'run', '--fixture', fixture, '--profile', profile, '--mode', 'verify',
                     '--out', d, '--sim', 'seed=%d' % (seed or 100 + i)]
    sim = {'pen.depth_gain': 1, 'pen.depth_nonlinearity': 0, 'pen.speed_wander': 0,
           'pen.warmup_drift_um': 0}
    sim.update(pen)
    for k, v in sim.items():
        args += ['--sim', '%s=%.9g' % (k, v)]
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rep = glob.glob(os.path.join(d, '2*.csv'))
    rows = list(csv.DictReader(open(rep[0], newline=''))) if rep else []
    verdict = next((r['result'] for r in rows if r['quantity'] == 'verdict'), 'NONE')
    judged = [r for r in rows if r['phase'] == 'verify' and r['quantity'] in ('depth', 'freq')]
    secs = sum(float(r['measured_full']) for r in rows if r['quantity'] == 'bench_time')
    return verdict, judged, secs


def guarded_fail(r):
    """A FAIL inside the specification: only the guard band failed it."""
    m, lo, hi = float(r['measured_full']), float(r['low_limit']), float(r['high_limit'])
    return lo <= m <= hi


bad, counts, repeat, time_old, time_new = [], {}, {}, 0.0, 0.0
for i in range(n):
    pen = make_pen(i)
    vo, jo, to = run(old, i, pen, 'old')
    vn, jn, tn = run(new, i, pen, 'new')
    vr = run(old, i, pen, 'repeat', 10100 + i)[0]
    repeat[(vo, vr)] = repeat.get((vo, vr), 0) + 1
    time_old += to
    time_new += tn
    counts[(vo, vn)] = counts.get((vo, vn), 0) + 1
    where = 'pen %d (%s)' % (i, ', '.join('%s=%.4g' % kv for kv in pen.items()))
    for v, tag in ((vo, 'old'), (vn, 'new')):
        if v not in ('PASS', 'FAIL'):
            bad.append('%s: the %s profile did not judge it (%s)' % (where, tag, v))
        if v == 'PASS' and not in_spec(pen):
            bad.append('%s: a PASS with the %s profile, outside its tolerance' % (where, tag))
    if vo == vn:
        continue
    if vo == 'FAIL':
        ofails = [r for r in jo if r['result'] == 'FAIL']
        if not in_spec(pen) or not ofails or not all(guarded_fail(r) for r in ofails):
            bad.append('%s: FAIL with the old profile, PASS with the new' % where)
        print('changed: %s: guarded FAIL -> PASS, inside its tolerance: %s' % (where, '; '.join(
            '%s at %s: old %s (U %s), new %s' % (r['quantity'], r['commanded'], r['measured'],
            r['uncertainty'], next((q['measured'] for q in jn if q['quantity'] == r['quantity']
                                    and q['commanded'] == r['commanded']), 'not measured'))
            for r in ofails)))
        continue
    fails = [r for r in jn if r['result'] == 'FAIL']
    old_u = {(r['quantity'], r['commanded']): float(r['uncertainty_full']) for r in jo}
    why = []
    for r in fails:
        u = float(r['uncertainty_full'])
        uo = old_u.get((r['quantity'], r['commanded']))
        if not guarded_fail(r):
            bad.append('%s: PASS, then a FAIL outside the specification: %s at %s: %s' %
                       (where, r['quantity'], r['commanded'], r['note']))
        why.append('%s at %s: %s (U %.3g, old U %s)' % (r['quantity'], r['commanded'],
                   r['measured'], u, '%.3g' % uo if uo is not None else 'not measured'))
    print('changed: %s: PASS -> guarded FAIL: %s' % (where, '; '.join(why)))

print('lot of %d pens: %s' % (n, ', '.join('%s->%s %d' % (a, b, c)
                                          for (a, b), c in sorted(counts.items()))))
print('the old profile against itself (another seed): %s' % ', '.join(
    '%s->%s %d' % (a, b, c) for (a, b), c in sorted(repeat.items())))
print('bench time per pen (--mode verify): old %.2f s, new %.2f s' % (time_old / n, time_new / n))
for b in bad:
    print('FAIL ' + b)
sys.exit(1 if bad else 0)
