#!/usr/bin/env python3
"""report_check.py - a rig run report read by column name and checked column
by column against what docs/reports.md says each column means; shared by the
scenario tests (tests/test_report_*.sh). Written apart from the rig (Python's
csv, hashlib, math), so it checks the rig rather than repeating it.

As a library (import from tests/):
    rep = Report(path)                 rows as dicts by header name
    rep.rows(phase=..., step=..., quantity=..., result=...)
    rep.one(phase, step, quantity)     exactly one such row, else CheckError
    rep.verdict                        the verdict row (run, end, verdict)
    rep.summary()                      its line in the folder's summary.csv
    errs = check_common(rep)           what every report must satisfy
    errs = check_junit(junit, exit, profile, calibrate, rep)  a JUnit file

From the shell:
    report_check.py common REPORT...
    report_check.py scenario NAME REPORT [JUNIT PROFILE]
        common checks plus the scenario's own (SCENARIOS below); prints one
        "ok ..." line per check passed, "FAIL ..." per check broken, and
        exits 1 if any broke.
    report_check.py junit JUNIT EXIT PROFILE|- CALIBRATE(0|1) REPORT|-
        the JUnit file against the profile's plan, the exit code and the
        report (- : none); prints each problem, exit 1 if any
    report_check.py get REPORT PHASE STEP QUANTITY COLUMN [COMMANDED]
        prints one cell (for shell tests); exit 1 unless exactly one row

Add a scenario: a function taking (rep, ctx) and returning a list of
(ok, text) pairs, registered in SCENARIOS.
"""
import csv
import configparser
import hashlib
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

VERDICTS = ("PASS", "FAIL", "INDETERMINATE", "ABORTED")
JUDGED = ("PASS", "FAIL", "INDETERMINATE")
# Whose fault a verdict is (docs/reports.md, "Verdicts and fault categories").
CATEGORY = {"PASS": "", "FAIL": "unit", "INDETERMINATE": "unit", "ABORTED": "bench"}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# Columns constant over a report's rows.
RUN_COLUMNS = ("run_id", "timestamp", "station", "operator", "pen_model", "pen_serial",
               "pen_firmware", "attempt", "profile", "profile_version", "profile_sha256", "rig_version")


class CheckError(Exception):
    pass


def num(s):
    """A CSV number cell: float, or None for an empty cell."""
    if s is None or s == "":
        return None
    return float(s)


def decimals(s):
    """Decimal places written in a number cell ("252.9" -> 1, "150" -> 0)."""
    return len(s.split(".")[1]) if "." in s else 0


def sig_digits(s):
    digits = s.replace("-", "").replace(".", "").lstrip("0")
    return len(digits)


class Report:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            raw = f.read()
        self.raw = raw
        text = raw.decode("utf-8")
        self.rows_ = list(csv.DictReader(text.splitlines(keepends=True)))
        self.header = next(csv.reader([text.split("\r\n", 1)[0]]))

    def rows(self, phase=None, step=None, quantity=None, result=None):
        return [r for r in self.rows_
                if (phase is None or r["phase"] == phase)
                and (step is None or r["step"] == step)
                and (quantity is None or r["quantity"] == quantity)
                and (result is None or r["result"] == result)]

    def one(self, phase, step, quantity):
        rs = self.rows(phase, step, quantity)
        if len(rs) != 1:
            raise CheckError("%s: %d rows %s.%s.%s, expected 1" %
                             (self.path, len(rs), phase, step, quantity))
        return rs[0]

    @property
    def verdict(self):
        return self.rows_[-1] if self.rows_ else {}

    def judged(self):
        return [r for r in self.rows_ if r["result"] in JUDGED
                and not (r["phase"] == "run" and r["quantity"] == "verdict")]

    def summary(self):
        path = os.path.join(os.path.dirname(self.path) or ".", "summary.csv")
        with open(path, newline="", encoding="utf-8") as f:
            lines = [r for r in csv.DictReader(f) if r["run_id"] == self.rows_[0]["run_id"]]
        if len(lines) != 1:
            raise CheckError("%s: %d lines for run %s, expected 1" %
                             (path, len(lines), self.rows_[0]["run_id"]))
        return lines[0]


def phi(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def conformance_probability(x, u, lo, hi):
    """Probability that a normal(x, u/2) value lies in [lo, hi] (JCGM 106)."""
    if u == 0:
        return 1.0 if lo <= x <= hi else 0.0
    s = u / 2
    p_hi = 1.0 if hi is None else phi((hi - x) / s)
    p_lo = 0.0 if lo is None else phi((lo - x) / s)
    return min(1.0, max(0.0, p_hi - p_lo))


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_judged_row(r):
    """A judged row's numbers against their meaning; a list of problems."""
    errs = []
    where = "%s.%s.%s@%s" % (r["phase"], r["step"], r["quantity"], r["commanded"])
    lo, hi = num(r["low_limit"]), num(r["high_limit"])
    alo, ahi = num(r["accept_low"]), num(r["accept_high"])
    x, xf = num(r["measured"]), num(r["measured_full"])
    u, uf = num(r["uncertainty"]), num(r["uncertainty_full"])
    if r["uncertainty"]:
        # GUM 7.2.6: U to two significant digits, rounded up; the value to
        # the same decimal place.
        if sig_digits(r["uncertainty"]) > 2:
            errs.append("%s: uncertainty %s has more than two significant digits" %
                        (where, r["uncertainty"]))
        if uf is None or uf > u + 1e-12 or u - uf >= 10 ** -decimals(r["uncertainty"]) + 1e-12:
            errs.append("%s: uncertainty %s is not uncertainty_full %s rounded up" %
                        (where, r["uncertainty"], r["uncertainty_full"]))
        if r["measured"] and decimals(r["measured"]) != decimals(r["uncertainty"]):
            errs.append("%s: measured %s not to the decimal place of U %s" %
                        (where, r["measured"], r["uncertainty"]))
    if x is not None and xf is not None:
        step = 10 ** -decimals(r["measured"]) if r["uncertainty"] else abs(xf) * 1e-3 + 1e-9
        if abs(x - xf) > step / 2 + 1e-9:
            errs.append("%s: measured %s is not measured_full %s rounded" %
                        (where, r["measured"], r["measured_full"]))
    # acceptance inside the specification
    if lo is not None and alo is not None and alo < lo - 1e-9:
        errs.append("%s: accept_low %s below low_limit %s" % (where, alo, lo))
    if hi is not None and ahi is not None and ahi > hi + 1e-9:
        errs.append("%s: accept_high %s above high_limit %s" % (where, ahi, hi))
    if r["conformance_probability"]:
        p = num(r["conformance_probability"])
        if decimals(r["conformance_probability"]) != 4 or not 0 <= p <= 1:
            errs.append("%s: conformance_probability %s is not 0..1 to four decimals" %
                        (where, r["conformance_probability"]))
        if xf is not None and uf is not None:
            want = conformance_probability(xf, uf, lo, hi)
            if abs(want - p) > 0.00006:
                errs.append("%s: conformance_probability %s, computed %.5f" % (where, p, want))
    elif uf is not None and xf is not None:
        errs.append("%s: U given but no conformance_probability" % where)
    if r["result"] in ("PASS", "FAIL") and xf is not None and (alo is not None or ahi is not None):
        inside = (alo is None or xf >= alo - 1e-9 * max(1, abs(xf))) and \
                 (ahi is None or xf <= ahi + 1e-9 * max(1, abs(xf)))
        # accept_* are rounded to U: only a value clearly on one side counts
        tol = 10 ** -decimals(r["measured"]) if r["uncertainty"] else 0
        clear = all(v is None or abs(xf - v) > tol for v in (alo, ahi))
        if clear and inside != (r["result"] == "PASS"):
            errs.append("%s: result %s but measured_full %s vs acceptance %s..%s" %
                        (where, r["result"], xf, alo, ahi))
    if r["result"] in ("PASS", "FAIL", "INDETERMINATE") and not r["note"]:
        errs.append("%s: judged row without a reason in note" % where)
    return errs


def check_common(rep):
    """What every report must satisfy (docs/reports.md); a list of problems."""
    errs = []
    base = os.path.basename(rep.path)
    if not rep.rows_:
        return ["%s: no rows" % rep.path]
    lines = rep.raw.split(b"\r\n")
    if lines[-1] != b"" or any(b"\n" in l for l in lines):
        errs.append("%s: records not all ended by CRLF" % base)
    first = rep.rows_[0]
    for c in RUN_COLUMNS:
        if c not in rep.header:
            errs.append("column %s missing" % c)
            continue
        vals = {r[c] for r in rep.rows_}
        if len(vals) != 1:
            errs.append("column %s differs between rows: %s" % (c, sorted(vals)[:3]))
    if not UUID4.match(first["run_id"]):
        errs.append("run_id %r is not a UUID v4" % first["run_id"])
    if not ISO.match(first["timestamp"]):
        errs.append("timestamp %r is not ISO 8601 UTC" % first["timestamp"])
    if not re.match(r"^[1-9][0-9]*$", first.get("attempt", "")):
        errs.append("attempt %r is not a whole number from 1" % first.get("attempt"))
    if not re.match(r"^[0-9a-f]{64}$", first["profile_sha256"]):
        errs.append("profile_sha256 %r is not a SHA-256" % first["profile_sha256"])
    v = rep.verdict
    if (v.get("phase"), v.get("step"), v.get("quantity")) != ("run", "end", "verdict"):
        errs.append("last row is not the verdict (run, end, verdict)")
        return errs
    verdict = v["result"]
    if verdict not in VERDICTS:
        errs.append("verdict %r is none of %s" % (verdict, VERDICTS))
        return errs
    # a bench check's artifact is known good: every verdict but PASS is
    # the bench's (docs/reports.md)
    want = "bench" if first["profile"] == "bench-check" and verdict != "PASS" \
        else CATEGORY[verdict]
    if v["category"] != want:
        errs.append("verdict %s has category %r, expected %r" %
                    (verdict, v["category"], want))
    if not v["note"]:
        errs.append("verdict row without a reason")
    if not base.endswith("_%s.csv" % verdict) and not re.search(r"_%s-\d+\.csv$" % verdict, base):
        errs.append("file name %s does not carry the verdict %s" % (base, verdict))
    stamp = first["timestamp"].replace("-", "").replace(":", "")
    if not base.startswith(stamp):
        errs.append("file name %s does not start with the run's start %s" % (base, stamp))
    ended = rep.rows("run", "end", "ended_at")
    if len(ended) != 1 or not ISO.match(ended[0]["note"]) or ended[0]["note"] < first["timestamp"]:
        errs.append("run.end.ended_at missing or before the start: %r" %
                    [e["note"] for e in ended])
    for q in ("fixture", "fixture_sha256", "profile"):
        if len(rep.rows("run", "start", q)) != 1:
            errs.append("run.start.%s row missing" % q)
    prof = rep.rows("run", "start", "profile")
    if prof and os.path.isabs(prof[0]["note"]) and os.path.exists(prof[0]["note"]):
        if sha256_file(prof[0]["note"]) != first["profile_sha256"]:
            errs.append("profile_sha256 is not the SHA-256 of %s" % prof[0]["note"])
    # Judged rows and what they make of the verdict.
    judged = rep.judged()
    for r in judged:
        errs += check_judged_row(r)
    results = {r["result"] for r in judged}
    if verdict == "PASS" and results - {"PASS"}:
        errs.append("verdict PASS with judged rows %s" % sorted(results))
    if verdict == "PASS" and not judged:
        errs.append("verdict PASS with nothing judged")
    if verdict == "INDETERMINATE" and ("INDETERMINATE" not in results or "FAIL" in results):
        errs.append("verdict INDETERMINATE with judged rows %s" % sorted(results))
    if "FAIL" in results and verdict not in ("FAIL", "ABORTED"):
        errs.append("a judged row failed, verdict %s" % verdict)
    for r in rep.rows(quantity="bench_time"):
        if num(r["measured_full"]) is None or num(r["measured_full"]) < 0:
            errs.append("%s bench_time %r" % (r["phase"], r["measured_full"]))
    for r in rep.rows_[:-1]:
        if r["category"]:
            errs.append("category %r on a row that is not the verdict" % r["category"])
    # Its summary line.
    try:
        s = rep.summary()
        for col, want in (("verdict", verdict), ("category", v["category"]),
                          ("reason", v["note"]), ("report_file", base),
                          ("pen_serial", first["pen_serial"]), ("profile", first["profile"]),
                          ("attempt", first.get("attempt")),
                          ("timestamp", first["timestamp"])):
            if col in s and s[col] != want:
                errs.append("summary.csv %s %r, report %r" % (col, s[col], want))
        total = sum(num(r["measured_full"]) or 0 for r in rep.rows(quantity="bench_time"))
        if abs(float(s["bench_time_s"]) - total) > 1e-6 * max(1, total):
            errs.append("summary.csv bench_time_s %s, report's bench_time rows %.9g" %
                        (s["bench_time_s"], total))
    except (CheckError, OSError, KeyError) as e:
        errs.append(str(e))
    return errs


# ---- JUnit ---------------------------------------------------------------

def planned(profile_path, calibrate):
    """The testcases a run of this profile plans, in order:
    (classname, name) as docs/reports.md names them."""
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    cp.read(profile_path)
    v = cp["verify"]
    pts = lambda k: [p.strip() for p in v[k].split(",")] if k in v else []
    out = [("preload.preload", "preload")]
    if calibrate and cp.has_section("calibrate"):
        out.append(("calibrate.readback", "tables_after_reset"))
    preloads = pts("preloads_n")
    paired = v.get("paired_points", "no").split()[0] == "yes"
    for sfx in (["@%sN" % p for p in preloads] or [""]):
        if sfx:
            out.append(("verify.preload" + sfx, "preload@%s N" % sfx[1:-1]))
        if paired:
            for d, f in zip(pts("depth_points_um"), pts("freq_points_hz")):
                for q in ("invalid_fraction", "depth", "depth_spread"):
                    out.append(("verify.depth_sweep" + sfx, "%s@%s um" % (q, d)))
                out.append(("verify.freq_sweep" + sfx, "freq@%s Hz" % f))
            continue
        for d in pts("depth_points_um"):
            for q in ("invalid_fraction", "depth", "depth_spread"):
                out.append(("verify.depth_sweep" + sfx, "%s@%s um" % (q, d)))
        for f in pts("freq_points_hz"):
            for q in ("invalid_fraction", "freq"):
                out.append(("verify.freq_sweep" + sfx, "%s@%s Hz" % (q, f)))
    return out


def junit_cases(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = []
    for s in suites:
        for c in s.findall("testcase"):
            kind = "passed"
            for k in ("failure", "error", "skipped"):
                if c.find(k) is not None:
                    kind = k
            cases.append((c.get("classname"), c.get("name"), kind, c))
    return root, suites, cases


def case_name(phase, step, quantity, commanded):
    """A testcase's (classname, name) as docs/reports.md names them."""
    unit = {"depth_sweep": "um", "freq_sweep": "Hz", "preload": "N"}.get(step.split("@")[0], "um")
    if commanded == "":
        return ("%s.%s" % (phase, step), quantity)
    return ("%s.%s" % (phase, step), "%s@%s %s" % (quantity, commanded, unit))


TIME = re.compile(r"^[0-9]+\.[0-9]{3}$")


def check_junit(junit_path, exit_code=None, profile_path=None, calibrate=True, rep=None):
    """A JUnit file against the profile's plan, the process's exit code and,
    when there is one, the run's report. A list of problems."""
    errs = []
    root, suites, cases = junit_cases(junit_path)
    if len(suites) != 1:
        return ["%d testsuites, expected 1" % len(suites)]
    s = suites[0]
    names = [(c, n) for c, n, _, _ in cases]
    if names[-1:] != [("run", "verdict")]:
        errs.append("last testcase is not run.verdict")
    counts = {k: sum(1 for c in cases if c[2] == k) for k in ("failure", "error", "skipped")}
    for k, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        if int(s.get(attr, "0")) != counts[k]:
            errs.append("testsuite %s=%s, counted %d" % (attr, s.get(attr), counts[k]))
    if int(s.get("tests")) != len(cases) or int(root.get("tests", len(cases))) != len(cases):
        errs.append("tests=%s, counted %d" % (s.get("tests"), len(cases)))
    for cls, name, _, el in cases:
        if "@none" in name or "nan" in name or re.search(r"@[0-9.]+[a-zA-Z]", name):
            errs.append("testcase name %r is not quantity@commanded unit" % name)
        if not TIME.match(el.get("time", "")):
            errs.append("%s %s: time %r is not seconds with three decimals" %
                        (cls, name, el.get("time")))
    total = sum(float(el.get("time", 0)) for _, _, _, el in cases)
    if total > float(s.get("time")) + 0.001 * len(cases):
        errs.append("testcase times add up to %.3f s, more than the suite's %s s" %
                    (total, s.get("time")))
    props = {p.get("name"): p.get("value") for p in s.iter("property")}
    if exit_code is not None and props.get("exit_code") != str(exit_code):
        errs.append("exit_code property %r, the process exited %s" %
                    (props.get("exit_code"), exit_code))
    by = {(c, n): (k, e) for c, n, k, e in cases}
    if profile_path:
        for p in planned(profile_path, calibrate):
            if p not in by:
                errs.append("planned testcase %s %s missing" % p)
    judged = set()
    if rep is not None:
        for r in rep.judged():
            key = case_name(r["phase"], r["step"], r["quantity"], r["commanded"])
            judged.add(key)
            if key not in by:
                errs.append("judged row %s %s has no testcase" % key)
                continue
            want = "passed" if r["result"] == "PASS" else "failure"
            if by[key][0] != want:
                errs.append("%s %s: result %s, testcase %s" % (key + (r["result"], by[key][0])))
            if want == "failure" and by[key][1].find("failure").get("type") != r["result"]:
                errs.append("%s %s: failure type %r, result %s" %
                            (key + (by[key][1].find("failure").get("type"), r["result"])))
        if rep.verdict.get("quantity") == "verdict":
            v = rep.verdict["result"]
            if props.get("verdict") != v:
                errs.append("verdict property %r, report %s" % (props.get("verdict"), v))
        else:  # a journal: the run ended without its report (its verdict in JUnit)
            v = props.get("verdict")
            if v not in VERDICTS:
                errs.append("verdict property %r of a run with a journal" % v)
                v = "ERROR"
    else:
        v = "ERROR"
    for cls, name, kind, el in cases:
        if (cls, name) == ("run", "verdict") or (cls, name) in judged:
            continue
        if kind != "skipped":
            errs.append("%s %s: not measured but %s, expected skipped" % (cls, name, kind))
        elif not el.find("skipped").get("message", "").startswith("not measured: the run "):
            errs.append("%s %s: skipped without the reason" % (cls, name))
    if v == "PASS" and counts["skipped"]:
        errs.append("a PASS with %d planned testcases skipped" % counts["skipped"])
    want = {"PASS": "passed", "FAIL": "failure", "INDETERMINATE": "failure",
            "ABORTED": "error", "ERROR": "error"}[v]
    vk, ve = by.get(("run", "verdict"), ("missing", None))
    if vk != want:
        errs.append("run.verdict testcase %s for verdict %s, expected %s" % (vk, v, want))
    elif vk != "passed" and ve.find(vk).get("type") != v:
        errs.append("run.verdict %s type %r, expected %s" % (vk, ve.find(vk).get("type"), v))
    if v == "ERROR" and exit_code is not None and vk == "error" and \
            not ve.find("error").get("message", "").startswith("exit %s: " % exit_code):
        errs.append("run.verdict error message %r does not start with the exit code" %
                    ve.find("error").get("message"))
    return errs


# ---- Scenarios -------------------------------------------------------------

def sc_indeterminate(rep, ctx):
    """A conformance run with a pen near the limit: INDETERMINATE."""
    out = []
    v = rep.verdict
    out.append((v["result"] == "INDETERMINATE", "verdict INDETERMINATE (%s)" % v["result"]))
    out.append((v["category"] == "unit", "category unit (%r)" % v["category"]))
    ind = [r for r in rep.judged() if r["result"] == "INDETERMINATE"]
    out.append((len(ind) > 0, "%d judged rows INDETERMINATE" % len(ind)))
    out.append((not [r for r in rep.judged() if r["result"] == "FAIL"], "no judged row FAIL"))
    level = ctx.get("level", 0.95)
    for r in ind:
        p = num(r["conformance_probability"])
        where = "%s@%s" % (r["quantity"], r["commanded"])
        out.append((p is not None and 1 - level < p < level,
                    "%s: conformance_probability %s between %.2f and %.2f" %
                    (where, r["conformance_probability"], 1 - level, level)))
        x, lo, hi = num(r["measured_full"]), num(r["low_limit"]), num(r["high_limit"])
        u = num(r["uncertainty_full"])
        near = min(abs(x - lo) if lo is not None else math.inf,
                   abs(x - hi) if hi is not None else math.inf)
        out.append((near < 2 * u, "%s: measured %s within 2U (%s) of a limit" %
                    (where, r["measured"], r["uncertainty"])))
        alo, ahi = num(r["accept_low"]), num(r["accept_high"])
        out.append((alo is not None and ahi is not None and lo < alo < ahi < hi,
                    "%s: acceptance %s..%s inside the spec %s..%s" %
                    (where, r["accept_low"], r["accept_high"], r["low_limit"], r["high_limit"])))
        out.append((not (alo <= x <= ahi) if alo is not None else False,
                    "%s: measured %s outside the acceptance zone" % (where, r["measured"])))
        out.append(("probability of conformance" in r["note"] and "%" in r["note"],
                    "%s: note states the probability: %s" % (where, r["note"][:70])))
    for r in rep.judged():
        if r["result"] == "PASS" and r["conformance_probability"]:
            out.append((num(r["conformance_probability"]) >= level,
                        "PASS %s@%s has probability %s >= level" %
                        (r["quantity"], r["commanded"], r["conformance_probability"])))
    out.append((v["note"].startswith("verify ") and "probability" in v["note"],
                "verdict reason names the point and its probability: %s" % v["note"][:80]))
    return out


def sc_estop(rep, ctx):
    """An e-stop during verify: ABORTED, category bench, rows up to it kept."""
    out = []
    v = rep.verdict
    out.append((v["result"] == "ABORTED", "verdict ABORTED (%s)" % v["result"]))
    out.append((v["category"] == "bench", "category bench (%r)" % v["category"]))
    out.append(("e-stop" in v["note"], "reason names the e-stop: %s" % v["note"]))
    out.append((v["note"].startswith(ctx.get("phase", "verify") + ":"),
                "reason names the phase it struck in: %s" % v["note"]))
    ver = rep.rows(phase="verify", result="PASS") + rep.rows(phase="verify", result="FAIL")
    out.append((0 < len(ver), "verify rows measured before the trip are kept (%d)" % len(ver)))
    # The production profile verifies 6 points (each judging depth and
    # rate); a trip 1 s into verify leaves some of them unmeasured.
    depths = rep.rows(phase="verify", quantity="depth")
    out.append((len(depths) < 6,
                "nothing after the trip was measured (%d of 6 verify points)" % len(depths)))
    bt = {r["phase"] for r in rep.rows(quantity="bench_time")}
    out.append(({"identify", "preload", "verify", "report"} <= bt,
                "bench_time rows for every phase entered: %s" % sorted(bt)))
    tables = rep.rows(phase="calibrate", result="WRITTEN")
    out.append((len(tables) > 0, "calibration tables written before the trip are in the report"))
    return out


SCENARIOS = {
    "indeterminate": sc_indeterminate,
    "estop": sc_estop,
}


# ---- Scenarios of issue 15's units, dispositions (H4) -------------------

NUMERIC = ("commanded", "measured", "std", "n", "uncertainty", "low_limit", "high_limit",
           "accept_low", "accept_high", "conformance_probability", "measured_full",
           "uncertainty_full")
DISPOSITION_CODES = ("reason_code", "disposition", "instruction")


def verdict_row_columns(rep, verdict, code, disposition, instruction):
    """Every column of the verdict row against its meaning."""
    out = []
    v, first = rep.verdict, rep.rows_[0]
    for col in rep.header:
        val = v.get(col, "")
        if col in RUN_COLUMNS:
            ok = val == first[col]
            out.append((ok, "verdict row %s %r is the run's" % (col, val)))
        elif col in ("phase", "step", "quantity"):
            out.append((val == {"phase": "run", "step": "end", "quantity": "verdict"}[col],
                        "verdict row %s %r" % (col, val)))
        elif col in NUMERIC or col == "unit":
            out.append((val == "", "verdict row %s empty (%r)" % (col, val)))
        elif col == "result":
            out.append((val == verdict, "verdict row result %s (%s)" % (verdict, val)))
        elif col == "category":
            out.append((val == CATEGORY[verdict], "verdict row category %r" % val))
        elif col == "note":
            out.append((val != "", "verdict row note gives the reason: %s" % val[:70]))
        elif col == "reason_code":
            out.append((val == code, "reason_code %r (expected %r)" % (val, code)))
        elif col == "disposition":
            out.append((val == disposition, "disposition %r (expected %r)" % (val, disposition)))
        elif col == "instruction":
            out.append((val == instruction, "instruction %r (expected %r)" % (val, instruction)))
        else:
            out.append((False, "verdict row: column %s not known to this check" % col))
    # no other row carries them
    stray = [r for r in rep.rows_[:-1] if any(r.get(c) for c in DISPOSITION_CODES)]
    out.append((not stray, "reason_code/disposition/instruction only on the verdict row"))
    try:
        sm = rep.summary()
        for c in DISPOSITION_CODES + ("attempt",):
            want = v.get(c) if c in DISPOSITION_CODES else first.get(c)
            out.append((sm.get(c) == want, "summary.csv %s %r is the report's" % (c, sm.get(c))))
    except CheckError as e:
        out.append((False, str(e)))
    return out


def traceability(rep, ctx):
    """The rows every report has, each against its meaning."""
    out = []
    def note(phase, step, q):
        rs = rep.rows(phase, step, q)
        return rs[0]["note"] if len(rs) == 1 else None
    fx = note("run", "start", "fixture")
    out.append((fx is not None and os.path.isabs(fx), "run.start.fixture is an absolute path: %s" % fx))
    if fx and os.path.exists(fx):
        out.append((note("run", "start", "fixture_sha256") == sha256_file(fx),
                    "fixture_sha256 is the SHA-256 of the fixture file"))
    for q in ("serial", "firmware"):
        out.append((bool(note("fixture", "laser", q)), "fixture.laser.%s given: %s" %
                    (q, note("fixture", "laser", q))))
    for dev, a, b in (("laser", "zero_date", "zero_due"), ("loadcell", "cal_date", "cal_due"),
                      ("loadcell", "tare_date", "tare_due")):
        d, due = note("fixture", dev, a), note("fixture", dev, b)
        out.append((bool(d) and bool(due) and due > d, "fixture.%s %s %s before %s %s" %
                    (dev, a, d, b, due)))
    if ctx.get("version"):
        out.append((rep.rows_[0]["rig_version"] == ctx["version"],
                    "rig_version %s is `rig --version`'s %s" %
                    (rep.rows_[0]["rig_version"], ctx["version"])))
    if ctx.get("attempt"):
        out.append((rep.rows_[0]["attempt"] == ctx["attempt"],
                    "attempt %s (expected %s)" % (rep.rows_[0]["attempt"], ctx["attempt"])))
    if ctx.get("serial"):
        out.append((rep.rows_[0]["pen_serial"] == ctx["serial"],
                    "pen_serial %s" % rep.rows_[0]["pen_serial"]))
    return out


def guarded_limits(rep):
    """Under the guarded rule each judged row's acceptance is the
    specification shrunk by U (to U's decimal place)."""
    out = []
    for r in rep.judged():
        if r["quantity"] == "invalid_fraction" or not r["uncertainty"]:
            continue
        u = num(r["uncertainty_full"])
        step = 10 ** -decimals(r["uncertainty"])
        for lim, acc, sign in (("low_limit", "accept_low", 1), ("high_limit", "accept_high", -1)):
            if r[lim] and r[acc]:
                want = num(r[lim]) + sign * u
                out.append((abs(num(r[acc]) - want) <= step / 2 + 1e-9,
                            "%s@%s: %s %s is %s %s U %s" % (r["quantity"], r["commanded"], acc,
                                                          r[acc], lim, "+" if sign > 0 else "-",
                                                          r["uncertainty"])))
    return out


def sc_production(rep, ctx):
    """A production run of a good pen: PASS, calibrated, every column."""
    out = [(rep.verdict["result"] == "PASS", "verdict PASS")]
    out += verdict_row_columns(rep, "PASS", "", "", "")
    out.append((rep.verdict["note"] == "every judged measurement passed",
                "reason: %s" % rep.verdict["note"]))
    judged = rep.judged()
    out.append((len(judged) > 0 and all(r["result"] == "PASS" for r in judged),
                "%d judged rows, all PASS" % len(judged)))
    for r in judged:
        if r["conformance_probability"]:
            out.append((num(r["conformance_probability"]) >= 0.5,
                        "%s@%s conformance_probability %s" %
                        (r["quantity"], r["commanded"], r["conformance_probability"])))
    tables = rep.rows(phase="calibrate", result="WRITTEN")
    out.append((len(tables) > 0, "%d calibration table points written" % len(tables)))
    for t in tables:
        out.append((t["n"] == "" and num(t["commanded"]) is not None and
                     num(t["measured"]) is not None and "table point" in t["note"],
                    "table %s point: commanded %s (setpoint), measured %s, n empty" %
                    (t["step"], t["commanded"], t["measured"])))
    phases = {r["phase"] for r in rep.rows(quantity="bench_time")}
    out.append(({"identify", "preload", "calibrate", "verify", "report"} <= phases,
                "bench_time for every phase: %s" % sorted(phases)))
    out += guarded_limits(rep)
    out += traceability(rep, ctx)
    return out


def sc_guarded_fail(rep, ctx):
    """A pen too deep judged by the guarded rule: FAIL, unit, retest."""
    v = rep.verdict
    out = [(v["result"] == "FAIL", "verdict FAIL")]
    failed = [r for r in rep.judged() if r["result"] == "FAIL"]
    out.append((len(failed) > 0, "%d judged rows FAIL" % len(failed)))
    first = failed[0] if failed else {"quantity": "?", "commanded": "?", "phase": "?"}
    char = "%s %s at %s %s" % (first["phase"], first["quantity"], first["commanded"],
                               first.get("unit", "um"))
    out.append((v["note"].startswith(char + ":"), "reason names the first failed point: %s" % v["note"][:80]))
    code, disp = "out_of_tolerance", ctx.get("disposition", "retest")
    todo = {"retest": "Test this pen once more.",
            "reject": "Retested already: put the pen in the reject bin."
            if ctx.get("attempt", "1") != "1" else "Put the pen in the reject bin."}[disp]
    out += verdict_row_columns(rep, "FAIL", code, disp, "Out of tolerance (%s). %s" % (char, todo))
    for r in failed:
        xf, alo, ahi = num(r["measured_full"]), num(r["accept_low"]), num(r["accept_high"])
        out.append(((alo is not None and xf < alo) or (ahi is not None and xf > ahi),
                    "%s@%s: measured %s outside the acceptance %s..%s" %
                    (r["quantity"], r["commanded"], r["measured"], r["accept_low"], r["accept_high"])))
        out.append(("guarded" in r["note"], "%s@%s: the note says the rule (guarded)" %
                    (r["quantity"], r["commanded"])))
    out += guarded_limits(rep)
    out += traceability(rep, ctx)
    return out


def sc_pen_fault(rep, ctx):
    """The pen reports its own hardware fault: FAIL of the unit, reject."""
    v = rep.verdict
    out = [(v["result"] == "FAIL", "verdict FAIL (%s)" % v["result"])]
    out.append(('-240,"Hardware error' in v["note"], "reason quotes the pen's error: %s" % v["note"][:90]))
    out += verdict_row_columns(rep, "FAIL", "pen_hardware", "reject",
                               "The pen reported a hardware fault. Put the pen in the reject bin.")
    out.append((not [r for r in rep.judged() if r["result"] == "FAIL"],
                "no judged row FAIL: the pen's fault, not a measurement"))
    out += traceability(rep, ctx)
    return out


def sc_retest(rep, ctx):
    """The second test of a unit in the same folder."""
    out = traceability(rep, ctx)
    try:
        sm = rep.summary()
        path = os.path.join(os.path.dirname(rep.path) or ".", "summary.csv")
        with open(path, newline="", encoding="utf-8") as f:
            lines = list(csv.DictReader(f))
        key = rep.rows_[0]["pen_serial"].strip().upper()
        mine = [l for l in lines if l["pen_serial"].strip().upper() == key]
        out.append(([l["attempt"] for l in mine] == [str(i + 1) for i in range(len(mine))],
                    "the unit's summary lines count 1..%d: %s" %
                    (len(mine), [l["attempt"] for l in mine])))
        out.append((sm["attempt"] == str(len(mine)), "this run is the last attempt (%s)" % sm["attempt"]))
        out.append((len({l["run_id"] for l in mine}) == len(mine), "each attempt its own run_id"))
        out.append((len({l["report_file"] for l in mine}) == len(mine), "each attempt its own report"))
    except (CheckError, KeyError) as e:
        out.append((False, str(e)))
    return out


def sc_laser_zero(rep, ctx):
    """The laser's zero moved beyond its bound during the run: ABORTED,
    category bench, reason laser_zero (the bench's, not the pen's): an
    engineer re-zeroes and checks the bench, then the pen is tested again."""
    v = rep.verdict
    out = [(v["result"] == "ABORTED", "verdict ABORTED (%s)" % v["result"])]
    out.append(("laser zero moved" in v["note"], "reason says the zero moved: %s" % v["note"][:80]))
    shifts = rep.rows(quantity="laser_zero_shift")
    beyond = [r for r in shifts if abs(num(r["measured"])) > num(r["high_limit"])]
    out.append((len(beyond) == 1, "one zero-check row beyond its bound: %s" %
                [(r["measured"], r["high_limit"]) for r in shifts]))
    out += verdict_row_columns(rep, "ABORTED", "laser_zero", "engineer",
                               "The laser's zero moved. Call an engineer to "
                               "re-zero and check the bench; then test this pen again.")
    return out


UNSURE_NOTE = (
    r"the pen changed speed where error values hid it: the "
    r"(\d+) ms between the crossings on either side"
    r"( of the longest of several such gaps)? held (?P<lo>\d+)\.\.(?P<hi>\d+) strokes, their middle counted and "
    r"the spread in U$")


def noted_rows(rep, phase, step, quantity, word, reason, note, says):
    """The rows of one step whose note holds word: each must be the
    decision's reason (matching reason), then "; " and the words rig
    analyze prints (matching note); a row with no reason (reason None: a
    calibration's) the words alone (docs/reports.md, note). At least one
    such row. Returns the checks and each row with its match."""
    pat = re.compile("^" + (reason + ".*; " if reason else "") + note)
    rows = [r for r in rep.rows(phase=phase, step=step, quantity=quantity)
            if word in r["note"]]
    out = [(len(rows) >= 1, "%d %s %s rows say %s" % (len(rows), phase, step, says))]
    found = []
    for r in rows:
        m = pat.match(r["note"])
        where = "%s@%s" % (step, r["commanded"])
        out.append((m is not None, "%s: note is %s: %s" %
                    (where, "the reason, then the words" if reason else "the words alone",
                     r["note"][-150:])))
        if m:
            found.append((where, r, m))
    return out, found


def unsure_rows(rep, phase, step, reason, check_u=True):
    """The rate rows whose count across a gap of error values was unsure
    (noted_rows). Their U holds the spread the note names: half of it,
    rectangular, over the window's strokes (n) at the measured rate: a
    bound only while few strokes were rejected (n counts the strokes
    measured; the count's time holds the rejected ones too), so
    check_u=False skips it."""
    out, found = noted_rows(rep, phase, step, "freq", "changed speed", reason, UNSURE_NOTE,
                            "the count was unsure")
    for where, r, m in found:
        lo, hi = int(m.group("lo")), int(m.group("hi"))
        out.append((hi > lo, "%s: %d..%d strokes" % (where, lo, hi)))
        if not check_u:
            continue
        f, u, n = num(r["measured_full"]), num(r["uncertainty_full"]), num(r["n"])
        least = 2 * (hi - lo) / 2 / math.sqrt(3) * f / n if f and n else None
        out.append((u is not None and least is not None and u >= 0.999 * least,
                    "%s: U %s holds the count's spread (%s Hz)" % (where, u, least)))
    return out


def sc_hidden_step(rep, ctx):
    """The pen changed speed while the laser saw only error values (the
    virtual bench's laser.blind_step_ms): verify's rate rows."""
    return unsure_rows(rep, "verify", "freq_sweep", "(measured |U = )")


def sc_hidden_step_check(rep, ctx):
    """The same in rig check: the rate_check rows, after their En (U not
    bounded from n: the 160 Hz point of test_report_scenarios.sh rejected
    strokes, U 0.74 Hz against 0.79 from its n)."""
    return unsure_rows(rep, "verify", "rate_check", "En [+-]", check_u=False)


def sc_hidden_step_calibrate(rep, ctx):
    """The same in a calibration: the freq_sweep rows, which have no
    reason, so the note alone."""
    return unsure_rows(rep, "calibrate", "freq_sweep", None)


PHASE_NOTE = (r"phase coverage: the top falls between samples (?P<gap>[0-9.]+) cycle apart "
              r"\(rates near commensurate, no wander\): (?P<u>[0-9.]+) um in U$")


def phase_rows(rep, phase, step, reason):
    """The depth rows whose top fell between samples (a rate near
    commensurate with the laser's, no speed wander; noted_rows). The gap is
    at least the 0.005 cycle rig analyze shows, and its term within U."""
    out, found = noted_rows(rep, phase, step, "depth", "phase coverage", reason, PHASE_NOTE,
                            "the top fell between samples")
    for where, r, m in found:
        u = num(r["uncertainty_full"])
        out.append((float(m.group("gap")) >= 0.005 and u is not None and
                    float(m.group("u")) <= u,
                    "%s: gap %s cycle, %s um within U %s" % (where, m.group("gap"),
                                                            m.group("u"), u)))
    return out


def sc_phase_note(rep, ctx):
    """A pen at exactly its commanded rates without wander: calibration's
    depth points at 120 Hz (4000/120 = 100/3) and verify's 750 um at 96 Hz
    (125/3) carry the phase coverage note."""
    return phase_rows(rep, "calibrate", "depth_sweep", None) + \
        phase_rows(rep, "verify", "depth_sweep", "(measured |U = )")


def sc_phase_note_check(rep, ctx):
    """rig check's golden pen (no wander) at 120 Hz: its depth_check rows."""
    return phase_rows(rep, "verify", "depth_check", "En [+-]")


SCENARIOS.update({
    "hidden_step": sc_hidden_step,
    "hidden_step_check": sc_hidden_step_check,
    "hidden_step_calibrate": sc_hidden_step_calibrate,
    "phase_note": sc_phase_note,
    "phase_note_check": sc_phase_note_check,
    "production": sc_production,
    "laser_zero": sc_laser_zero,
    "guarded_fail": sc_guarded_fail,
    "pen_fault": sc_pen_fault,
    "retest": sc_retest,
})


def main(argv):
    if len(argv) >= 6 and argv[0] == "get":
        rep = Report(argv[1])
        rows = [r for r in rep.rows(argv[2], argv[3], argv[4])
                if len(argv) < 7 or r["commanded"] == argv[6]]
        if len(rows) != 1:
            sys.stderr.write("%d rows %s, expected 1\n" % (len(rows), " ".join(argv[2:5] + argv[6:7])))
            return 1
        print(rows[0][argv[5]])
        return 0
    if len(argv) >= 6 and argv[0] == "junit":
        # junit FILE EXIT PROFILE|- CALIBRATE(0|1) REPORT|-
        rep = Report(argv[5]) if argv[5] != "-" else None
        errs = check_junit(argv[1], int(argv[2]), None if argv[3] == "-" else argv[3],
                           argv[4] == "1", rep)
        for e in errs:
            print("FAIL %s" % e)
        return 1 if errs else 0
    if len(argv) >= 2 and argv[0] == "common":
        bad = 0
        for p in argv[1:]:
            errs = check_common(Report(p))
            for e in errs:
                print("FAIL %s: %s" % (os.path.basename(p), e))
            if not errs:
                print("ok   %s: every column as docs/reports.md says" % os.path.basename(p))
            bad += len(errs)
        return 1 if bad else 0
    if len(argv) >= 3 and argv[0] == "scenario" and argv[1] in SCENARIOS:
        rep = Report(argv[2])
        ctx = dict(a.split("=", 1) for a in os.environ.get("REPORT_CHECK_CTX", "").split() if "=" in a)
        if "level" in ctx:
            ctx["level"] = float(ctx["level"])
        results = [(not e, e) for e in check_common(rep)] or [(True, "common checks")]
        if all(ok for ok, _ in results):
            results = [(True, "common: every column as docs/reports.md says")]
        results += SCENARIOS[argv[1]](rep, ctx)
        if len(argv) >= 5:
            errs = check_junit(argv[3], None, argv[4], ctx.get("calibrate", "1") == "1", rep)
            results += [(False, "junit: " + e) for e in errs] or \
                [(True, "junit: every planned testcase, outcomes as the report's")]
        bad = 0
        for ok, text in results:
            print("%s %s: %s" % ("ok  " if ok else "FAIL", argv[1], text))
            bad += not ok
        return 1 if bad else 0
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
