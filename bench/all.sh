#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/all.sh: every peer comparison of ptlab in one run and one table.
# Each trial runs ptlab and each peer once, the two sides taking turns
# (ptlab first in odd trials, the peers first in even ones), so that a slow
# spell of the machine falls on both; the table gives, per figure, the
# median over the trials of each side and the ratio ptlab/peer of each
# trial, as min-median-max.
#
#   pinned pipe round trip   ptlab switch (--cpus CPU)   perf bench sched pipe [-T]
#   memcpy, 1 MiB            ptlab ipc memcpy            perf bench mem memcpy -s 1MB
#   best shm stream, 1 MiB   ptlab ipc shm_*, cross-CPU  the same perf memcpy figure
#   fork, vfork              ptlab create                stress-ng --fork / --vfork
#   fork, fork_exec,         ptlab create                bench/exec_timer.c: the same
#     posix_spawn                                        operation on the same program
#                                                        (fork_exec also with the timer
#                                                        linked like ptlab)
#   switch (round trip / 2)  ptlab switch pipe           stress-ng --switch (context only)
#   HTTP keep-alive GET /    ptlab server's generator    wrk against `ptlab serve MODEL`
#
# A report, not a test: it exits 0 whatever the figures say (1 only when
# ptlab cannot be built). A peer that is missing (and cannot be installed:
# as root it installs Debian's linux-perf, stress-ng and wrk with apt-get)
# or does not run here is skipped, with the reason under the table.
#
# Environment:
#   BENCH_TRIALS=3      trials (at least 3 for a min-median-max)
#   BENCH_CPU=          the CPU of the pinned figures (default: the first allowed)
#   BENCH_PEER_TIME=2   seconds per stress-ng run
#   BENCH_LOOPS=100000  round trips per perf sched pipe run
#   BENCH_HTTP_TIME=1s  per load of ptlab's server run, and per wrk run
#
# About 2 to 4 minutes on a 2-vCPU VM. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
trials=${BENCH_TRIALS:-3}
peer_time=${BENCH_PEER_TIME:-2}
loops=${BENCH_LOOPS:-100000}
http_time=${BENCH_HTTP_TIME:-1s}
conns=8

say() { printf 'bench: %s\n' "$*" >&2; }

# shellcheck source=bench/tools.sh
. "$here/tools.sh"
need_tools python3:python3 taskset:util-linux make:make cc:gcc

say "building ptlab (make ptlab)"
make -s -C "$root" ptlab >/dev/null
ptlab=$root/ptlab
target=$root/build/ptlab-exec-target
[[ -x $target ]] || { say "no $target after make ptlab"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptlab-bench-all.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	serve_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/work"
rows=$tmp/rows # "figure side trial value" lines
skips=$tmp/skips

cc -O2 -o "$tmp/exec_timer" "$here/exec_timer.c"
# The same timer with ptlab's libraries mapped, as ptlab's are when it
# forks: the part of the fork_exec gap that is the parent's size.
read -ra jansson <<<"$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)"
cc -O2 -o "$tmp/exec_timer_linked" "$here/exec_timer.c" -Wl,--no-as-needed "${jansson[@]}" -lm \
	-pthread

cpu=${BENCH_CPU:-$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')}
ncpu=$(nproc)
if ((ncpu >= 2)); then
	all_cpus="0-$((ncpu - 1))" server_cpus="1-$((ncpu - 1))" ipc_cpus="0,1"
else
	all_cpus=0 server_cpus=0 ipc_cpus=
fi

# --- the peers there are --------------------------------------------------------

skip() { printf '%s\t%s\n' "$1" "$2" >>"$skips"; }
have_perf=0 have_sng=0 have_wrk=0
if want_tool perf linux-perf; then
	if perf bench sched pipe -l 10 >/dev/null 2>&1; then
		have_perf=1
	else
		tool_why="'perf bench sched pipe' does not run here ($(perf bench sched pipe -l 10 2>&1 | tail -n 1))"
	fi
fi
((have_perf)) || for f in pipe_process pipe_thread memcpy shm_stream; do skip "$f" "$tool_why"; done
if want_tool stress-ng stress-ng; then have_sng=1; else
	for f in fork_sng vfork_sng switch_sng; do skip "$f" "$tool_why"; done
fi
if want_tool wrk wrk; then have_wrk=1; else
	for f in http_prefork http_event_loop; do skip "$f" "$tool_why"; done
fi

# --- one trial of each side -------------------------------------------------------

put() { # figure side value (nothing when value is empty)
	[[ -n $3 ]] && printf '%s %s %s %s\n' "$1" "$2" "$trial" "$3" >>"$rows"
	return 0
}

# ptlab's figures from a run's JSON: "figure value" lines (see the Python).
ptlab_figures() { # json
	python3 - "$1" <<'PY'
import json, sys
MIB, GIB = 1 << 20, float(1 << 30)
d = json.load(open(sys.argv[1]))
out, best_shm = {}, None
for e in d["experiments"]:
    for m in e.get("metrics", []):
        p, med = m.get("params", {}), m["summary"]["median"]
        name = m["name"]
        if e["name"] == "switch" and name == "pipe" and p.get("placement") == "same-cpu" \
                and p.get("working_set_bytes", 0) == 0 and p.get("kind") in ("process", "thread"):
            out["pipe_" + p["kind"]] = med
            if p["kind"] == "process":
                out["switch_sng"] = med / 2
        elif e["name"] == "ipc" and p.get("measure") == "bandwidth" and p.get("bytes") == MIB:
            gibs = MIB / med * 1e9 / GIB
            if name == "memcpy":
                out["memcpy"] = gibs
            elif name.startswith("shm") and p.get("placement") == "cross-cpu":
                best_shm = max(best_shm or 0, gibs)
        elif e["name"] == "create" and p.get("extra_bytes") == 0:
            for fig, method in [("fork_sng", "fork"), ("fork_timer", "fork"),
                                ("vfork_sng", "vfork"), ("fork_exec", "fork_exec"),
                                ("fork_exec_linked", "fork_exec"),
                                ("posix_spawn", "posix_spawn")]:
                if name == method:
                    out[fig] = med
        elif e["name"] == "server" and name == "throughput" and p.get("load") == "keepalive" \
                and p.get("work_us") == 0 and p.get("model") in ("prefork", "event_loop"):
            out["http_" + p["model"]] = med
if best_shm is not None:
    out["shm_stream"] = best_shm
for k, v in out.items():
    print(k, "%.6g" % v)
PY
}

ptlab_run() { # label, ptlab run arguments...
	local label=$1
	shift
	say "trial $trial: ptlab run $label"
	if "$ptlab" run "$@" --json "$tmp/$label.json" >"$tmp/$label.log" 2>&1; then
		while read -r fig val; do put "$fig" ptlab "$val"; done < <(ptlab_figures "$tmp/$label.json")
	else
		say "ptlab run $label failed: $(tail -n 1 "$tmp/$label.log")"
	fi
}

ptlab_side() {
	ptlab_run switch switch --cpus "$cpu" --set switch.wset=0 --set switch.alloc_switches=1000
	if [[ -n $ipc_cpus ]]; then
		ptlab_run ipc ipc --cpus "$ipc_cpus" --set ipc.lat_sizes=4 --set ipc.bw_sizes=1MiB \
			--set ipc.budget=50ms
	fi
	ptlab_run create create --cpus "$cpu" --set create.extra=1MiB --set create.budget=300ms
	if ((have_wrk)); then
		ptlab_run server server --cpus "$all_cpus" --set server.duration="$http_time" \
			--set server.connections="$conns" --set server.workers="$conns" \
			--set server.poisons=1 --set server.window=100ms
	fi
}

perf_pipe() { # figure, extra args
	local fig=$1 out
	shift
	out=$(taskset -c "$cpu" perf bench sched pipe -l "$loops" "$@" 2>&1 || true)
	put "$fig" peer "$(sed -n 's/^ *\([0-9.]*\) usecs\/op.*/\1/p' <<<"$out" | awk '{ print $1 * 1000 }')"
}

# stress-ng: 1e9 / bogo ops per second (real time), or the metric named.
sng() { # figure, metric line pattern or "", stressor args...
	local fig=$1 pat=$2 yaml=$tmp/work/sng.yaml log
	shift 2
	rm -f "$yaml"
	log=$(
		cd "$tmp/work" || exit
		taskset -c "$cpu" stress-ng "$@" --timeout "${peer_time}s" --metrics-brief \
			--yaml "$yaml" 2>&1 || true
	)
	if [[ -n $pat ]]; then
		put "$fig" peer "$(sed -n "s/.* \([0-9.]*\) $pat.*/\1/p" <<<"$log" | head -n 1)"
	elif [[ -s $yaml ]]; then
		put "$fig" peer "$(awk '/bogo-ops-per-second-real-time:/ { if ($2 > 0) printf "%.1f", 1e9 / $2; exit }' "$yaml")"
	fi
}

# wrk against `ptlab serve MODEL` on the server CPUs, itself on CPU 0:
# the experiment's own placement.
wrk_model() { # model
	local model=$1
	if serve_start "$ptlab" "$model" "$server_cpus" "$conns" "$tmp/serve.out"; then
		put "http_$model" peer "$(taskset -c 0 wrk -t1 -c"$conns" -d"$http_time" \
			"http://127.0.0.1:$serve_port/" | awk '/^Requests\/sec:/ { print $2 }')"
	else
		say "ptlab serve $model did not start"
	fi
	serve_stop
}

peer_side() {
	say "trial $trial: the peers"
	if ((have_perf)); then
		perf_pipe pipe_process
		perf_pipe pipe_thread -T
		local gib
		# The median of 5 runs of 1000 copies: perf times all of them, a
		# preemption included, where ptlab takes the median of its samples.
		gib=$(for _ in 1 2 3 4 5; do
			taskset -c "$cpu" perf bench mem memcpy -f default -s 1MB -l 1000 2>&1 |
				awk '/GB\/sec/ { print $1; exit }'
		done | sort -g | sed -n 3p)
		put memcpy peer "$gib"
		put shm_stream peer "$gib"
	fi
	if ((have_sng)); then
		sng fork_sng "" --fork 1 --fork-max 1
		sng vfork_sng "" --vfork 1 --vfork-max 1
		sng switch_sng "nanosecs per context switch" --switch 1
	fi
	local method
	for method in fork fork_exec posix_spawn; do
		local fig=$method
		[[ $method == fork ]] && fig=fork_timer
		put "$fig" peer "$(taskset -c "$cpu" "$tmp/exec_timer" "$method" "$target" 500 || true)"
	done
	put fork_exec_linked peer "$(taskset -c "$cpu" "$tmp/exec_timer_linked" fork_exec "$target" 500 || true)"
	if ((have_wrk)); then
		wrk_model prefork
		wrk_model event_loop
	fi
}

started=$(date +%s)
for ((trial = 1; trial <= trials; trial++)); do
	if ((trial % 2)); then
		ptlab_side
		peer_side
	else
		peer_side
		ptlab_side
	fi
done
[[ -n $ipc_cpus ]] || { skip memcpy "ptlab's ipc streams need two CPUs"; skip shm_stream "ptlab's ipc streams need two CPUs"; }

# --- the table ----------------------------------------------------------------------

python3 - "$rows" "$skips" "$trials" "$cpu" "$(($(date +%s) - started))" "$(basename "$target")" \
	"$(stat -c %s "$target")" <<'PY'
import os, statistics, sys

rows_path, skips_path, trials, cpu, secs, target, target_bytes = sys.argv[1:8]
# figure, what it is, unit, peer, note
FIGURES = [
    ("pipe_process", "pipe round trip, processes", "ns", "perf bench sched pipe", ""),
    ("pipe_thread", "pipe round trip, threads", "ns", "perf bench sched pipe -T", ""),
    ("memcpy", "memcpy 1 MiB", "GiB/s", "perf bench mem memcpy -s 1MB", "one CPU"),
    ("shm_stream", "best shm stream 1 MiB", "GiB/s", "perf bench mem memcpy -s 1MB",
     "cross-CPU against a one-CPU ceiling"),
    ("fork_sng", "fork + exit + wait", "ns", "stress-ng --fork", "peer forks a bigger process"),
    ("vfork_sng", "vfork + exit + wait", "ns", "stress-ng --vfork", ""),
    ("switch_sng", "switch (pipe round trip / 2)", "ns", "stress-ng --switch", "context only"),
    ("fork_timer", "fork + exit + wait", "ns", "exec_timer fork", "same op, timed the same way"),
    ("fork_exec", "fork_exec of the target", "ns", "exec_timer fork_exec", "same program"),
    ("fork_exec_linked", "fork_exec of the target", "ns", "exec_timer fork_exec",
     "timer linked like ptlab"),
    ("posix_spawn", "posix_spawn of the target", "ns", "exec_timer posix_spawn", "same program"),
    ("http_prefork", "HTTP keep-alive, prefork", "req/s", "wrk -t1 -c8", ""),
    ("http_event_loop", "HTTP keep-alive, event_loop", "req/s", "wrk -t1 -c8", ""),
]
vals = {}
for line in open(rows_path) if os.path.exists(rows_path) else []:
    fig, side, trial, v = line.split()
    vals.setdefault((fig, side), {})[int(trial)] = float(v)
why = {}
if os.path.exists(skips_path):
    for line in open(skips_path):
        fig, reason = line.rstrip("\n").split("\t", 1)
        why.setdefault(fig, reason)


def num(v, unit):
    if unit == "GiB/s":
        return "%.2f" % v
    return "{:,.0f}".format(v)


head = "%-30s %-7s %14s %14s  %-22s %-30s %s"
print()
print("ptlab against its peers: %s trials, pinned figures on CPU %s, %s s in all; "
      "exec target %s (%s bytes)" % (trials, cpu, secs, target, target_bytes))
print(head % ("figure", "unit", "ptlab", "peer", "ratio min-med-max", "peer tool", "note"))
skipped = []
for fig, what, unit, peer, note in FIGURES:
    ours, theirs = vals.get((fig, "ptlab"), {}), vals.get((fig, "peer"), {})
    pairs = sorted(t for t in ours if t in theirs and theirs[t] > 0)
    if not pairs:
        reason = why.get(fig) or ("no ptlab figure" if not ours else "the peer gave no figure")
        skipped.append("%s (%s): %s" % (what, peer, reason))
        print(head % (what, unit, num(statistics.median(ours.values()), unit) if ours else "-",
                      "-", "skipped", peer, note))
        continue
    ratios = sorted(ours[t] / theirs[t] for t in pairs)
    ratio = "%.2f-%.2f-%.2f" % (ratios[0], statistics.median(ratios), ratios[-1])
    if len(pairs) < int(trials):
        ratio += " (%d)" % len(pairs)
    print(head % (what, unit, num(statistics.median(ours[t] for t in pairs), unit),
                  num(statistics.median(theirs[t] for t in pairs), unit), ratio, peer, note))
print()
print("ratio = ptlab / peer in each trial; below 1 is ptlab faster for ns, slower for "
      "GiB/s and req/s. ptlab and peer: medians over the trials.")
for line in skipped:
    print("SKIPPED: " + line)
PY
exit 0
