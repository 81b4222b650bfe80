#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: ptlab's creation figures next to the peer tools' figures for
# the same operations, on this machine, in this run. A report, not a test:
# it exits 0 whatever the figures say (1 only when it cannot run at all).
#
#   bench/run.sh              # from the repository root or anywhere
#
# Environment:
#   BENCH_REPS=3        runs of each peer; the fastest run is kept
#   BENCH_TIMEOUT=5     seconds per peer run
#   BENCH_BUDGET=2s     ptlab's sampling time per figure (create.budget)
#
# See bench/README.md for what is compared and how to read it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
reps=${BENCH_REPS:-3}
peer_time=${BENCH_TIMEOUT:-5}
budget=${BENCH_BUDGET:-2s}

say() { printf 'bench: %s\n' "$*" >&2; }

# --- what we need -----------------------------------------------------------

# command:package pairs; python3 reads ptlab's JSON and stress-ng's YAML.
# shellcheck source=bench/tools.sh
. "$here/tools.sh"
need_tools stress-ng:stress-ng python3:python3 taskset:util-linux setpriv:util-linux \
	make:make cc:gcc

say "building ptlab (make ptlab)"
make -s -C "$root" ptlab >/dev/null
ptlab=$root/ptlab

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptlab-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# stress-ng writes scratch files into its working directory, and the spawn
# and exec stressors refuse to run as root (see below): give them a
# directory anyone may write.
chmod 0755 "$tmp"
mkdir -m 1777 "$tmp/work" "$tmp/peer"

# --- ptlab ------------------------------------------------------------------

# One ptlab run: label, then extra arguments. ptlab_env (NAME=VALUE words)
# goes into its environment. Its number of mappings is noted one second in.
ptlab_env=()
run_ptlab() {
	local label=$1
	shift
	say "ptlab run create ($label)"
	env "${ptlab_env[@]}" "$ptlab" run create --set create.extra=1MiB \
		--set create.budget="$budget" --set create.max_samples=100000 "$@" \
		--json "$tmp/ptlab-$label.json" >"$tmp/ptlab-$label.log" 2>&1 &
	local pid=$!
	sleep 1
	if [[ -r /proc/$pid/maps ]]; then
		wc -l <"/proc/$pid/maps" >"$tmp/ptlab-$label.maps" 2>/dev/null || true
	fi
	if ! wait "$pid"; then
		say "ptlab failed; its output:"
		cat "$tmp/ptlab-$label.log" >&2
		exit 1
	fi
}
run_ptlab same-cpu
# Unpinned, a run's figures depend on where the scheduler happens to put
# the children for its whole duration: ptlab gets the same best-of-N rule
# as the peers.
for ((rep = 1; rep <= reps; rep++)); do
	run_ptlab "unpinned.$rep" --set create.pin=no
done
# The same, pinned, with the libraries stress-ng links preloaded: ptlab's
# process then has as many mappings as stress-ng's, which is what fork
# copies and exit tears down. This is the like-for-like fork comparison.
preload=$(ldd "$(command -v stress-ng)" 2>/dev/null |
	awk '$2 == "=>" && $3 ~ /^\// && $3 !~ /\/lib(c|m)\.so/ { print $3 }' | paste -sd: -)
if [[ -n $preload ]]; then
	ptlab_env=("LD_PRELOAD=$preload")
	run_ptlab matched
	ptlab_env=()
fi

# The CPU ptlab pinned itself to: the peers get the same one.
cpu=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
cpu = "0"
for e in d["experiments"]:
    for o in e.get("observations", []) if e["name"] == "create" else []:
        v = o["values"][0] if o.get("key") == "pinned_cpu" and o.get("values") else {}
        cpu = str(v.get("count", cpu))
print(cpu)' "$tmp/ptlab-same-cpu.json")

# --- peers --------------------------------------------------------------------

# stress-ng's spawn and exec stressors skip themselves when run as root.
as_user=()
if [[ $(id -u) -eq 0 ]]; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# One stress-ng run: placement, label, rep, run-as-user (0/1), stressor args.
# The YAML it writes is named placement.label.rep.yaml.
run_sng() {
	local placement=$1 label=$2 rep=$3 unpriv=$4
	shift 4
	local cmd=()
	if [[ $unpriv == 1 ]]; then
		cmd+=("${as_user[@]}")
	fi
	if [[ $placement == same-cpu ]]; then
		cmd+=(taskset -c "$cpu")
	fi
	local yaml=$tmp/work/$placement.$label.$rep.yaml
	(
		cd "$tmp/work"
		exec "${cmd[@]}" stress-ng "$@" --timeout "${peer_time}s" --metrics-brief \
			--yaml "$yaml"
	) >"$tmp/peer/$placement.$label.$rep.log" 2>&1 &
	local pid=$!
	if [[ $label == fork && $rep == 1 ]]; then
		# The size of the process that forks: fork copies its page tables
		# and mappings, so it matters for the comparison.
		sleep 1
		local w
		w=$(pgrep -P "$pid" -x stress-ng-fork | head -n 1 || true)
		if [[ -n $w && -r /proc/$w/status ]]; then
			{
				awk '/^VmRSS:/ { print "rss_kib", $2 }' "/proc/$w/status"
				printf 'maps %s\n' "$(wc -l <"/proc/$w/maps")"
			} >"$tmp/peer/$placement.fork.size" 2>/dev/null || true
		fi
	fi
	wait "$pid" || true
	if [[ -s $yaml ]]; then
		mv "$yaml" "$tmp/peer/"
	fi
}

for placement in same-cpu unpinned; do
	for ((rep = 1; rep <= reps; rep++)); do
		say "stress-ng ($placement, run $rep of $reps)"
		run_sng "$placement" fork "$rep" 0 --fork 1 --fork-max 1
		run_sng "$placement" vfork "$rep" 0 --vfork 1 --vfork-max 1
		run_sng "$placement" pthread "$rep" 0 --pthread 1 --pthread-max 1
		run_sng "$placement" spawn "$rep" 1 --spawn 1
		run_sng "$placement" exec "$rep" 1 --exec 1 --exec-max 1 --exec-no-pthread \
			--exec-fork-method fork --exec-method execve
	done
done

# perf bench: only newer perf has fork/execve benchmarks under 'syscall'.
if command -v perf >/dev/null 2>&1 &&
	perf bench syscall 2>&1 | grep -Eq '^[[:space:]]*fork:'; then
	for placement in same-cpu unpinned; do
		pre=()
		if [[ $placement == same-cpu ]]; then
			pre=(taskset -c "$cpu")
		fi
		for ((rep = 1; rep <= reps; rep++)); do
			say "perf bench syscall fork ($placement, run $rep of $reps)"
			"${pre[@]}" perf bench syscall fork -l 10000 \
				>"$tmp/peer/$placement.perf-fork.$rep.txt" 2>&1 || true
		done
	done
else
	: >"$tmp/peer/no-perf-fork"
fi

# --- the table ------------------------------------------------------------------

python3 - "$tmp" "$cpu" "$reps" "$peer_time" <<'PY'
import glob, json, os, re, sys

tmp, cpu, reps, peer_time = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def ptlab_figures(run):
    """op name -> summary and params of the figure with the least extra
    memory; over several runs (ptlab-RUN.N.json), the one with the lowest median."""
    paths = sorted(glob.glob(os.path.join(tmp, "ptlab-%s.json" % run)) +
                   glob.glob(os.path.join(tmp, "ptlab-%s.*.json" % run)))
    out = {}
    for path in paths:
        d = json.load(open(path))
        mine = {}
        for e in d["experiments"]:
            if e["name"] != "create":
                continue
            for m in e["metrics"]:
                p = m.get("params", {})
                old = mine.get(m["name"])
                if old is None or p.get("extra_bytes", 0) < old[1].get("extra_bytes", 0):
                    mine[m["name"]] = (m["summary"], p)
        for name, fig in mine.items():
            if name not in out or fig[0]["median"] < out[name][0]["median"]:
                out[name] = fig
    return out, len(paths)


def yaml_metrics(path):
    """The flat key: value pairs of stress-ng's metrics list."""
    vals, inside = {}, False
    for line in open(path):
        if line.startswith("metrics:"):
            inside = True
            continue
        if inside:
            if not line.startswith(" "):
                break
            m = re.match(r"\s*-?\s*([A-Za-z0-9_.-]+):\s*(\S+)", line)
            if m:
                vals[m.group(1)] = m.group(2)
    return vals


def peer_runs(placement, label, key="bogo-ops-per-second-real-time", per_op=True):
    """ns per op of each run of one stressor (from ops/s, or as reported)."""
    runs = []
    for path in sorted(glob.glob(os.path.join(tmp, "peer", "%s.%s.*.yaml" % (placement, label)))):
        try:
            v = float(yaml_metrics(path).get(key, "nan"))
        except ValueError:
            continue
        if v > 0:
            runs.append(1e9 / v if per_op else v)
    return runs


def perf_runs(placement):
    runs = []
    for path in sorted(glob.glob(os.path.join(tmp, "peer", "%s.perf-fork.*.txt" % placement))):
        m = re.search(r"([0-9.]+)\s+usecs/op", open(path).read())
        if m:
            runs.append(float(m.group(1)) * 1000.0)
    return runs


def skipped_reason(placement, label):
    for path in sorted(glob.glob(os.path.join(tmp, "peer", "%s.%s.*.log" % (placement, label)))):
        for line in open(path):
            if "skipping" in line or "not implemented" in line or "error" in line:
                return line.split("]", 1)[-1].strip()
    return "no figure"


def ns(v):
    return "{:,.0f}".format(v)


# operation, ptlab metric, peer name, peer label, source, comparable, note
ROWS = [
    ("fork", "fork", "stress-ng --fork 1 --fork-max 1", "fork", "ops", True, None),
    ("fork", "fork", "perf bench syscall fork", "perf-fork", "perf", True, None),
    ("vfork", "vfork", "stress-ng --vfork 1 --vfork-max 1", "vfork", "ops", True, None),
    ("pthread_create", "pthread_create", "stress-ng --pthread 1 --pthread-max 1",
     "pthread", "ops", False, "a bogo op adds ~20 syscalls, a cond wait, a signal, an mmap'd stack"),
    ("pthread_create", "pthread_create", "stress-ng pthread start latency", "pthread",
     "start", "bound", "create until the thread runs: only part of ptlab's create+join"),
    ("posix_spawn", "posix_spawn", "stress-ng --spawn 1", "spawn", "ops", False,
     "execs stress-ng (8 MiB, ~25 libraries), ptlab execs itself"),
    ("fork_exec", "fork_exec", "stress-ng --exec 1 --exec-max 1", "exec", "ops", False,
     "execs stress-ng (8 MiB, ~25 libraries), ptlab execs itself"),
]

slower, checked = [], 0
head = "%-15s %-30s %-38s %-30s %-20s %s"
# ptlab's run, the peers' placement, what it is
SECTIONS = [
    ("same-cpu", "same-cpu", "parent and child on CPU %s; peers under taskset -c %s" % (cpu, cpu)),
    ("unpinned", "unpinned", "no pinning for ptlab (create.pin=no) nor the peers"),
    ("matched", "same-cpu", "as same-cpu, ptlab with stress-ng's libraries preloaded"
     " (as many mappings as stress-ng)"),
]
for run, placement, where in SECTIONS:
    pt, nruns = ptlab_figures(run)
    if not nruns:
        continue
    print()
    print("== %s: %s%s" % (run, where, "; ptlab best of %d runs" % nruns if nruns > 1 else ""))
    print(head % ("operation", "ptlab ns/op [95% CI]", "peer", "peer ns/op (best of %d)" % reps,
                  "ratio ptlab/peer", "within 10%?"))
    for op, metric, peer, label, source, comparable, note in ROWS:
        if source == "perf":
            if os.path.exists(os.path.join(tmp, "peer", "no-perf-fork")):
                continue
            runs = perf_runs(placement)
        elif source == "start":
            runs = peer_runs(placement, label, "nanosecs-to-start-a-pthread", per_op=False)
        else:
            runs = peer_runs(placement, label)
        if metric not in pt:
            print(head % (op, "(not measured)", peer, "", "", ""))
            continue
        s, params = pt[metric]
        lo, hi = s["ci95"]
        mine = "%s [%s, %s]" % (ns(s["median"]), ns(lo), ns(hi))
        if not runs:
            print(head % (op, mine, peer, "-", "-", "n/a (%s)" % skipped_reason(placement, label)))
            continue
        best = min(runs)
        spread = ns(best) if len(runs) == 1 else "%s (worst %s)" % (ns(best), ns(max(runs)))
        r = s["median"] / best
        ratio = "%.2f [%.2f, %.2f]" % (r, lo / best, hi / best)
        if comparable is True:
            checked += 1
            if r > 1.10:
                verdict = "NO: %.0f%% slower" % ((r - 1) * 100)
                slower.append((run, op, peer, s["median"], best, r))
            else:
                verdict = "yes" + (" (ptlab faster)" if hi < best else "")
        elif comparable == "bound":
            verdict = ("yes (bound: %s)" % note) if r <= 1.10 else "n/c (%s)" % note
        else:
            verdict = "n/c (%s)" % note
        print(head % (op, mine, peer, spread, ratio, verdict))
    size = os.path.join(tmp, "peer", "%s.fork.size" % placement)
    maps = (glob.glob(os.path.join(tmp, "ptlab-%s.maps" % run)) +
            glob.glob(os.path.join(tmp, "ptlab-%s.*.maps" % run)) + [""])[0]
    if os.path.exists(size) and "fork" in pt:
        sz = dict(line.split() for line in open(size) if line.strip())
        mine = open(maps).read().strip() if os.path.exists(maps) else "?"
        print("   fork's parent: ptlab %.1f MiB resident, %s mappings; stress-ng's fork worker"
              " %.1f MiB resident, %s mappings"
              % (pt["fork"][1].get("parent_rss_bytes", 0) / 2**20, mine,
                 int(sz.get("rss_kib", 0)) / 1024.0, sz.get("maps", "?")))

print()
if os.path.exists(os.path.join(tmp, "peer", "no-perf-fork")):
    print("perf bench: this perf has no fork benchmark ('perf bench syscall'); skipped.")
print("Peer ns/op = 1e9 / stress-ng's 'bogo ops/s (real time)', fastest of %d runs of %ss;"
      " n/c = not comparable (the peer's op is a different operation)." % (reps, peer_time))
for placement, op, peer, mine, best, r in slower:
    print("SLOWER: ptlab %s (%s) is %.0f%% slower than %s: %s ns vs %s ns per op"
          % (op, placement, (r - 1) * 100, peer, ns(mine), ns(best)))
if not slower:
    print("OK: ptlab is within 10%% of (or faster than) the fastest peer in all %d comparable pairs."
          % checked)
PY
exit 0
