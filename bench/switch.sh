#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/switch.sh: ptlab's switch figures (a ping-pong between two units)
# next to `perf bench sched pipe`, on this machine, in this run. A report,
# not a test: it exits 0 whatever the figures say (1 only when it cannot
# run at all).
#
#   bench/switch.sh           # from the repository root or anywhere
#
# Environment:
#   BENCH_REPS=3        runs of each side; the fastest run is kept
#   BENCH_LOOPS=200000  round trips per perf run (perf bench sched pipe -l)
#
# See bench/README.md ("The switch comparison") for what is compared and
# how to read it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
reps=${BENCH_REPS:-3}
loops=${BENCH_LOOPS:-200000}
# The CPU of the same-CPU figures: ptlab gets --cpus 0 and pins both sides
# of a same-cpu figure to the first CPU of that list; perf gets taskset -c 0.
cpu=0

say() { printf 'bench: %s\n' "$*" >&2; }

# --- what we need -----------------------------------------------------------

# command:package pairs; perf is Debian's linux-perf, python3 reads the JSON.
# shellcheck source=bench/tools.sh
. "$here/tools.sh"
need_tools perf:linux-perf python3:python3 taskset:util-linux make:make cc:gcc
if ! perf bench sched pipe -l 10 >/dev/null 2>&1; then
	say "'perf bench sched pipe' does not run here; its output:"
	perf bench sched pipe -l 10 >&2 || true
	exit 1
fi

say "building ptlab (make ptlab)"
make -s -C "$root" ptlab >/dev/null
ptlab=$root/ptlab

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptlab-bench-switch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the runs -----------------------------------------------------------------

# One ptlab run of the switch experiment: placement, rep. Same-CPU runs get
# --cpus CPU; unpinned runs get every CPU (no --cpus), so that the unpinned
# figures may move. Only the working-set-free figures are wanted (wset=0),
# and the allocation count is cut to its minimum.
run_ptlab() {
	local placement=$1 rep=$2
	local args=()
	if [[ $placement == same-cpu ]]; then
		args=(--cpus "$cpu")
	fi
	say "ptlab run switch ($placement, run $rep of $reps)"
	if ! "$ptlab" run switch "${args[@]}" --set switch.wset=0 \
		--set switch.alloc_switches=1000 \
		--json "$tmp/ptlab-$placement.$rep.json" >"$tmp/ptlab-$placement.$rep.log" 2>&1; then
		say "ptlab failed; its output:"
		cat "$tmp/ptlab-$placement.$rep.log" >&2
		exit 1
	fi
}

# One perf run: placement, label (process/thread), rep, extra perf args.
run_perf() {
	local placement=$1 label=$2 rep=$3
	shift 3
	local pre=()
	if [[ $placement == same-cpu ]]; then
		pre=(taskset -c "$cpu")
	fi
	say "perf bench sched pipe $* ($placement, run $rep of $reps)"
	"${pre[@]}" perf bench sched pipe -l "$loops" "$@" \
		>"$tmp/perf-$placement.$label.$rep.txt" 2>&1 || true
}

# The two sides take turns, run by run, so that a slow spell of the machine
# does not fall on one side only.
for placement in same-cpu unpinned; do
	for ((rep = 1; rep <= reps; rep++)); do
		run_ptlab "$placement" "$rep"
		run_perf "$placement" process "$rep"
		run_perf "$placement" thread "$rep" -T
	done
done

# --- the table ------------------------------------------------------------------

python3 - "$tmp" "$cpu" "$reps" "$loops" <<'PY'
import glob, json, os, re, sys

tmp, cpu, reps, loops = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
LIMIT = 1.05  # ptlab may be at most 5% above perf


def ptlab_figures(placement):
    """(mechanism, kind) -> (summary, switches per round trip) of the
    working-set-free figures at this placement, each from the run with the
    lowest median."""
    out = {}
    for path in sorted(glob.glob(os.path.join(tmp, "ptlab-%s.*.json" % placement))):
        d = json.load(open(path))
        for e in d["experiments"]:
            if e["name"] != "switch":
                continue
            obs = {o.get("key"): o for o in e.get("observations", [])}
            for m in e["metrics"]:
                p = m.get("params", {})
                if p.get("placement") != placement or p.get("working_set_bytes", 0) != 0:
                    continue
                key = (m["name"], p.get("kind"))
                # The first value of the count is the switches per round trip
                # (forms switch.per_switch and switch.not_two).
                o = obs.get("%s %s %s working_set_bytes=0" % (m["name"], p.get("kind"), placement))
                v = (o or {}).get("values") or [{}]
                spr = "%.2f" % v[0]["number"] if (o or {}).get("form", "").startswith(
                    ("switch.per_switch", "switch.not_two")) and v[0].get("number") is not None else None
                if key not in out or m["summary"]["median"] < out[key][0]["median"]:
                    out[key] = (m["summary"], spr)
    return out


def perf_runs(placement, label):
    """ns per op (one op = one round trip) of each perf run."""
    runs = []
    for path in sorted(glob.glob(os.path.join(tmp, "perf-%s.%s.*.txt" % (placement, label)))):
        m = re.search(r"([0-9.]+)\s+usecs/op", open(path).read())
        if m:
            runs.append(float(m.group(1)) * 1000.0)
    return runs


def ns(v):
    return "{:,.0f}".format(v)


def fig(s):
    lo, hi = s["ci95"]
    return "%s [%s, %s]" % (ns(s["median"]), ns(lo), ns(hi))


head = "%-14s %-26s %-26s %-26s %-22s %s"
failed, checked = [], 0
SECTIONS = [
    ("same-cpu", "both sides on CPU %s: ptlab --cpus %s, perf under taskset -c %s"
     % (cpu, cpu, cpu), True),
    ("unpinned", "no pinning: ptlab on all CPUs (its 'unpinned' figures), perf without"
     " taskset; informational", False),
]
for placement, where, judged in SECTIONS:
    pt = ptlab_figures(placement)
    print()
    print("== %s: %s; each side best of %d runs" % (placement, where, reps))
    print(head % ("operation", "ptlab ns/round trip [CI]", "peer",
                  "peer ns/op (best, worst)", "ratio ptlab/peer",
                  "within 5%?" if judged else "(no target)"))
    for kind, label, peer in [("process", "process", "perf bench sched pipe"),
                              ("thread", "thread", "perf bench sched pipe -T")]:
        op = "pipe %s" % kind
        if ("pipe", kind) not in pt:
            print(head % (op, "(not measured)", peer, "", "", ""))
            continue
        s, spr = pt[("pipe", kind)]
        runs = perf_runs(placement, label)
        if not runs:
            print(head % (op, fig(s), peer, "-", "-", "n/a (perf gave no figure)"))
            continue
        best = min(runs)
        lo, hi = s["ci95"]
        r = s["median"] / best
        spread = ns(best) if len(runs) == 1 else "%s (worst %s)" % (ns(best), ns(max(runs)))
        ratio = "%.3f [%.3f, %.3f]" % (r, lo / best, hi / best)
        if not judged:
            verdict = "-"
        elif r > LIMIT:
            verdict = "NO: %.1f%% slower" % ((r - 1) * 100)
            failed.append("ptlab's %s pipe round trip (%s) is %.1f%% above %s: %s ns vs %s ns"
                          % (kind, placement, (r - 1) * 100, peer, ns(s["median"]), ns(best)))
        else:
            verdict = "yes" + (" (ptlab faster)" if hi < best else "")
        if judged:
            checked += 1
        print(head % (op, fig(s), peer, spread, ratio, verdict))
        if spr is not None:
            print("%-14s ptlab counted %s switches per round trip" % ("", spr))

    if not judged:
        continue
    # The second target: on one CPU, the futex ping-pong is no slower than the pipe one.
    print()
    print("   ptlab, same CPU: futex against pipe (the futex ping-pong should be no slower)")
    fhead = "   %-17s %-26s %-26s %-17s %s"
    print(fhead % ("kind", "futex ns/round trip [CI]", "pipe ns/round trip [CI]",
                   "ratio futex/pipe", "futex no slower?"))
    for kind, mech in [("process", "futex"), ("thread", "futex"), ("thread", "futex_private")]:
        if (mech, kind) not in pt or ("pipe", kind) not in pt:
            print(fhead % (kind, "(not measured)", "", "", ""))
            continue
        f, p = pt[(mech, kind)][0], pt[("pipe", kind)][0]
        r = f["median"] / p["median"]
        label = kind if mech == "futex" else kind + " (private)"
        if r <= 1.0:
            verdict = "yes" + (" (clearly: the CIs do not overlap)"
                               if f["ci95"][1] < p["ci95"][0] else " (the CIs overlap)")
        else:
            verdict = "NO: %.1f%% slower" % ((r - 1) * 100)
            if mech == "futex":
                failed.append("ptlab's same-CPU %s futex round trip is %.1f%% slower than its"
                              " pipe one: %s ns vs %s ns"
                              % (kind, (r - 1) * 100, ns(f["median"]), ns(p["median"])))
        if mech == "futex":
            checked += 1
        print(fhead % (label, fig(f), fig(p), "%.3f" % r, verdict))

print()
print("ptlab: median ns per round trip (A hands over to B and B back to A) with its 95%%"
      " CI. perf: 1000 x 'usecs/op' of 'perf bench sched pipe -l %s', where one op is"
      " one loop iteration: each side writes and reads once, i.e. one round trip."
      % loops)
for line in failed:
    print("MISSED: " + line)
if not failed:
    print("OK: both targets met in all %d judged comparisons." % checked)
PY
exit 0
