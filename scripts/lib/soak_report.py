#!/usr/bin/env python3
"""The memory slopes of a scripts/soak run, and its report.

Reads DIR/samples.csv and DIR/events.csv (written by scripts/soak) and DIR/run/summary.json, fits
for each process incarnation the least-squares line of each memory figure against the run's outer
step, leaving out the incarnation's first --warmup outer steps (the same for every process), and writes
a Markdown report with the slopes in MB per 100 outer steps. The target is judged per incarnation: a
process meets it when its worst incarnation's RSS slope does. Plain Python: no numpy needed.

Usage: soak_report.py --dir DIR --report FILE|- --warmup N --command TEXT --config TEXT
"""
import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
from collections import defaultdict

TARGET_MB = 1.0  # per 100 outer steps after warm-up, every process (issue 13)
MIN_SPAN = 50    # outer steps a fit must cover to be stated
MIN_POINTS = 8
FLOOR_BIN = 25   # outer steps per bin of the RSS floor (an evaluation every ~75 outer steps in the default soak)
NOTES_MARKER = "<!-- notes: kept when the report is written again -->"
FIGURES = [("rss_kb", 1024.0, "RSS"), ("rss_anon_kb", 1024.0, "RSS anon"), ("heap_used_bytes", 1 << 20, "heap used"),
           ("old_after_gc_bytes", 1 << 20, "old gen after GC"), ("nonheap_used_bytes", 1 << 20, "non-heap used")]


def fit(xs, ys):
    """Least-squares slope and intercept of ys against xs (None when xs do not vary)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return slope, my - slope * mx


def slope_se(xs, ys, slope, intercept):
    """The standard error of a least-squares slope (from its residuals). Consecutive samples are not
    independent (a trimmed heap saws up and down), so it is, if anything, too small."""
    n = len(xs)
    if n < 3:
        return None
    mx = sum(xs) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    rss = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys))
    return (rss / (n - 2) / sxx) ** 0.5 if sxx else None


def verdict(slope, se):
    """Within the target, beyond it, or not resolved at two standard errors."""
    if slope is None or se is None:
        return None
    if slope + 2 * se <= TARGET_MB:
        return "yes"
    if slope - 2 * se > TARGET_MB:
        return "no"
    return "unresolved"


def pooled(groups):
    """One slope shared by several incarnations, each with its own level (within-group least squares)."""
    sxy = sxx = 0.0
    for xs, ys in groups:
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx += sum((x - mx) ** 2 for x in xs)
        sxy += sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / sxx if sxx else None


def late_slope(xs, ys):
    """The slope over the later half (in outer steps) of a fitted span, in MB per 100 outer steps: about the
    same as the whole span's for memory that grows without bound, smaller for a warm-up that levels off."""
    mid = (xs[0] + xs[-1]) / 2
    pts = [(x, y) for x, y in zip(xs, ys) if x >= mid]
    if len(pts) < MIN_POINTS // 2 or pts[-1][0] - pts[0][0] < MIN_SPAN // 2:
        return None
    r = fit([p[0] for p in pts], [p[1] for p in pts])
    return None if r is None else r[0] * 100


def floor_slope(xs, ys):
    """The slope of the RSS floor: the least-squares line through the lowest sample of each FLOOR_BIN outer
    steps, in MB per 100 outer steps. A leak raises the floor; memory used for a while and given back (the
    coordinator's held-out evaluations: ~140 MB of libtorch activations for a few seconds) does not."""
    bins = defaultdict(list)
    for x, y in zip(xs, ys):
        bins[(x - xs[0]) // FLOOR_BIN].append((y, x))
    low = [min(v) for _, v in sorted(bins.items())]
    if len(low) < 4:
        return None
    r = fit([x for _, x in low], [y for y, _ in low])
    return None if r is None else r[0] * 100


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GB" % (int(f.readline().split()[1]) / 1e6)
    except (OSError, ValueError, IndexError):
        pass
    java = "?"
    jh = os.environ.get("JAVA_HOME")
    jbin = os.path.join(jh, "bin", "java") if jh else shutil.which("java")
    if jbin:
        try:
            out = subprocess.run([jbin, "-version"], capture_output=True, text=True, timeout=20).stderr.splitlines()
            java = out[0] if out else "?"
        except (OSError, subprocess.SubprocessError):
            pass
    return "%d cores (%s), %s RAM, %s, %s" % (os.cpu_count() or 0, cpu, mem, platform.platform(), java)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--warmup", type=int, default=150)
    ap.add_argument("--command", default="scripts/soak")
    ap.add_argument("--config", default="")
    a = ap.parse_args()

    with open(os.path.join(a.dir, "samples.csv")) as f:
        samples = list(csv.DictReader(f))
    with open(os.path.join(a.dir, "events.csv")) as f:
        events = list(csv.DictReader(f))
    summary = {}
    try:
        with open(os.path.join(a.dir, "run", "summary.json")) as f:
            summary = json.load(f)
    except (OSError, ValueError):
        pass

    # A coordinator just started reports θ version 0 until it has resumed; samples taken then carry a
    # step that went backwards (a resume itself goes back at most --checkpoint-every steps): left out.
    valid, top = [], 0
    for s in samples:
        step = int(s["outer_step"])
        if step < top - 10:
            continue
        top = max(top, step)
        valid.append(s)
    samples_all, samples = samples, valid
    starts = {(e["role"], int(e["incarnation"])): int(e["outer_step"]) for e in events if e["event"] == "start"}
    # Incarnations, in order of their first sample.
    inc = defaultdict(list)
    for s in samples:
        inc[(s["role"], int(s["incarnation"]))].append(s)
    rows, by_role, worst = [], defaultdict(lambda: defaultdict(list)), {}
    for (role, n), ss in sorted(inc.items(), key=lambda kv: (kv[0][0] != "coordinator", kv[0][0], kv[0][1])):
        first, last = starts.get((role, n), int(ss[0]["outer_step"])), int(ss[-1]["outer_step"])
        kept = [s for s in ss if int(s["outer_step"]) >= first + a.warmup]
        row = {"role": role, "n": n, "pid": ss[0]["pid"], "steps": (first, last), "samples": len(ss), "kept": len(kept),
               "rss_first": int(ss[0]["rss_kb"]) / 1024, "rss_last": int(ss[-1]["rss_kb"]) / 1024,
               "rss_max": max(int(s["rss_kb"]) for s in ss) / 1024, "slopes": {}}
        for key, unit, _ in FIGURES:
            pts = [(int(s["outer_step"]), num(s.get(key))) for s in kept if num(s.get(key)) is not None]
            if len(pts) < MIN_POINTS or pts[-1][0] - pts[0][0] < MIN_SPAN:
                continue
            xs, ys = [p[0] for p in pts], [p[1] / unit for p in pts]
            r = fit(xs, ys)
            if r is None:
                continue
            row["slopes"][key] = r[0] * 100
            by_role[role][key].append((xs, ys))
            if key == "rss_kb":
                se = slope_se(xs, ys, r[0], r[1])
                row["se"] = None if se is None else se * 100
                row["verdict"] = verdict(r[0] * 100, row["se"])
                row["late"] = late_slope(xs, ys)
                row["floor"] = floor_slope(xs, ys)
        rows.append(row)
        if "rss_kb" in row["slopes"] and (role not in worst or row["slopes"]["rss_kb"] > worst[role][0]):
            worst[role] = (row["slopes"]["rss_kb"], n)

    # (A worker that exited by itself was noted at every pass of the sampling loop by older versions.)
    seen, unique = set(), []
    for e in events:
        key = (e["event"], e["role"], e["incarnation"], e["pid"])
        if e["event"] == "exit" and key in seen:
            continue
        seen.add(key)
        unique.append(e)
    events = unique
    kills = sum(1 for e in events if e["event"] == "kill-9")
    coord = [e for e in events if e["role"] == "coordinator" and e["event"].startswith("sig")]
    unexpected = [e for e in events if "not killed" in e["detail"]]
    final_exit = [e for e in events if e["event"] == "exit"]
    duration = float(samples_all[-1]["t"]) if samples_all else 0
    max_step = max((int(s["outer_step"]) for s in samples), default=0)

    def f(v, fmt="%+.2f"):
        return "—" if v is None else fmt % v

    out = []
    w = out.append
    w("# Soak: memory over a long networked run with faults")
    w("")
    w("Written by `scripts/soak` (its `--help` says what it does); the raw samples are in `soak.csv`, the faults in")
    w("`soak-events.csv`. A slope is the least-squares line of a figure against the run's outer step (the")
    w("coordinator's θ version), fitted per process incarnation after its first %d outer steps (warm-up, the same" % a.warmup)
    w("for every process), in MB per 100 outer steps; `—` where the incarnation covered fewer than %d outer steps" % MIN_SPAN)
    w("after warm-up. Target: RSS slope ≤ %.0f MB per 100 outer steps for every process, judged on its worst" % TARGET_MB)
    w("incarnation: within it when every incarnation's slope plus two standard errors is ≤ %.0f, beyond it when" % TARGET_MB)
    w("some incarnation's slope minus two standard errors is > %.0f, unresolved otherwise (± in the tables: one" % TARGET_MB)
    w("standard error). \"Later half\": the RSS slope over the later half of the fitted span — close to the whole")
    w("span's for memory that grows without bound, smaller for a warm-up that levels off. \"Floor\": the slope")
    w("through the lowest RSS of each %d outer steps, which memory used for a while and given back (the" % FLOOR_BIN)
    w("coordinator's held-out evaluations) does not move; a leak does. \"RSS anon\": the process's own pages")
    w("(RssAnon), without the file-backed ones (jars, libtorch) that the kernel drops and reads back under")
    w("memory pressure from other processes. Samples taken while a")
    w("restarted coordinator had not yet resumed (θ version 0 on its endpoint) are left out: %d of %d." % (
        len(samples_all) - len(samples), len(samples_all)))
    w("")
    w("- Command: `%s`" % a.command)
    w("- Settings: %s" % a.config)
    w("- Machine: %s (shared with other work while it ran)" % machine())
    w("- Run: %d outer steps (summary: %s), %s tokens, held-out loss %s, %.0f s; %d worker kills (kill -9), "
      "%d coordinator restarts (%s); %d exits the soak did not cause" % (
          max_step, summary.get("outer_steps", "?"), summary.get("tokens", "?"),
          "%s → %s" % (summary.get("initial_eval_loss", "?"), summary.get("final_eval_loss", "?")),
          duration, kills, len(coord), ", ".join(e["event"][3:] for e in coord) or "none", len(unexpected)))
    w("")
    w("## Per process: the worst incarnation decides")
    w("")
    w("| process | worst incarnation's RSS MB/100 steps | incarnations fitted | within target | worst RSS anon | pooled over incarnations: RSS | heap used | old gen after GC | non-heap used |")
    w("|---|---|---|---|---|---|---|---|---|")
    for role in sorted(by_role, key=lambda r: (r != "coordinator", r)):
        p = {k: pooled(v) for k, v in by_role[role].items()}
        ps = {k: (None if v is None else v * 100) for k, v in p.items()}
        fitted = sum(1 for r in rows if r["role"] == role and "rss_kb" in r["slopes"])
        total = sum(1 for r in rows if r["role"] == role)
        slope, which = worst.get(role, (None, None))
        vs = [r.get("verdict") for r in rows if r["role"] == role and r.get("verdict")]
        ok = "—" if not vs else "**no**" if "no" in vs else "unresolved" if "unresolved" in vs else "yes"
        anon = max((r["slopes"]["rss_anon_kb"] for r in rows if r["role"] == role and "rss_anon_kb" in r["slopes"]), default=None)
        w("| %s | %s | %d of %d | %s | %s | %s | %s | %s | %s |" % (
            role, "—" if slope is None else "%+.2f (#%d)" % (slope, which), fitted, total, ok, f(anon), f(ps.get("rss_kb")),
            f(ps.get("heap_used_bytes")), f(ps.get("old_after_gc_bytes")), f(ps.get("nonheap_used_bytes"))))
    w("")
    w("## Per incarnation")
    w("")
    w("| process | incarnation | outer steps | samples (fitted) | RSS first → last (max), MB | RSS MB/100 steps | later half | floor | RSS anon | heap used | old gen after GC | non-heap |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s = r["slopes"]
        w("| %s | %d | %d–%d | %d (%d) | %.0f → %.0f (%.0f) | %s | %s | %s | %s | %s | %s | %s |" % (
            r["role"], r["n"], r["steps"][0], r["steps"][1], r["samples"], r["kept"], r["rss_first"], r["rss_last"], r["rss_max"],
            f(s.get("rss_kb")) + ("" if r.get("se") is None else " ± %.2f" % r["se"]), f(r.get("late")), f(r.get("floor")), f(s.get("rss_anon_kb")), f(s.get("heap_used_bytes")), f(s.get("old_after_gc_bytes")), f(s.get("nonheap_used_bytes"))))
    w("")
    w("## Faults")
    w("")
    w("| t (s) | outer step | event | process | pid | detail |")
    w("|---|---|---|---|---|---|")
    for e in events:
        if e["event"] != "start" or e["incarnation"] != "0":
            w("| %s | %s | %s | %s#%s | %s | %s |" % (e["t"], e["outer_step"], e["event"], e["role"], e["incarnation"], e["pid"], e["detail"]))
    text = "\n".join(out) + "\n"

    if a.report == "-":
        dest = os.path.join(a.dir, "report.md")
    else:
        dest = a.report
        base = os.path.dirname(os.path.abspath(dest))
        shutil.copyfile(os.path.join(a.dir, "samples.csv"), os.path.join(base, "soak.csv"))
        shutil.copyfile(os.path.join(a.dir, "events.csv"), os.path.join(base, "soak-events.csv"))
    notes = ""
    if os.path.exists(dest):
        with open(dest) as f:
            old = f.read()
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER):]
    with open(dest, "w") as f:
        f.write(text + "\n" + (notes or NOTES_MARKER + "\n"))
    print(text)
    print("soak: report in %s" % dest, file=sys.stderr)


if __name__ == "__main__":
    main()
