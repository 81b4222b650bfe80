#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/server.sh: ptlab's own load generator next to wrk, against the same
# server (ptlab's prefork and thread-pool models), for the same duration
# and connections, on this machine, in this run. A report, not a test: it
# exits 0 whatever the figures say (1 only when it cannot run at all).
#
#   bench/server.sh
#
# Environment:
#   BENCH_REPS=3          runs of each side; the best run is kept
#   BENCH_DURATION=3s     each load (ptlab's duration, wrk's -d)
#   BENCH_CONNECTIONS=8   keep-alive connections (and pool size)
#   BENCH_WORK_US=50      the second comparison's CPU work per request
#
# Placement is the experiment's: the generator (ptlab's or wrk) on CPU 0,
# the server on the other CPUs (on CPU 0 too when there is only one).
# See bench/README.md ("The server comparison").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
reps=${BENCH_REPS:-3}
duration=${BENCH_DURATION:-3s}
conns=${BENCH_CONNECTIONS:-8}
work=${BENCH_WORK_US:-50}

say() { printf 'bench: %s\n' "$*" >&2; }

# shellcheck source=bench/tools.sh
. "$here/tools.sh"
need_tools wrk:wrk python3:python3 taskset:util-linux make:make cc:gcc

say "building ptlab (make ptlab)"
make -s -C "$root" ptlab >/dev/null
ptlab=$root/ptlab

ncpu=$(nproc)
client_cpu=0
if ((ncpu >= 2)); then server_cpus="1-$((ncpu - 1))"; else server_cpus=0; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ptlab-bench-server.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	serve_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

# ptlab's figure: the median throughput per slice of the keep-alive load
# with work_us of work, for one model, from one run of the experiment.
ptlab_rps() { # model work_us json
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
model, work, path = sys.argv[1], sys.argv[2], sys.argv[3]
run = json.load(open(path))
for res in run["experiments"]:
    for m in res.get("metrics", []):
        p = m.get("params", {})
        if (m["name"] == "throughput" and str(p.get("model")) == model
                and str(p.get("load")) == "keepalive" and str(p.get("work_us")) == work):
            v = sorted(r / m["batch"] for r in m["raw"])
            print(f"{v[len(v) // 2]:.0f}")
            sys.exit(0)
sys.exit(1)
PY
}

# wrk's figures against `ptlab serve MODEL` on the server CPUs: GET / and
# GET /work?us=$work, one line each.
wrk_rps() { # model
	local path
	serve_start "$ptlab" "$1" "$server_cpus" "$conns" "$tmp/serve.out" ||
		{ say "ptlab serve $1 did not start"; return 1; }
	for path in / "/work?us=$work"; do
		taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"$duration" \
			"http://127.0.0.1:$serve_port$path" | awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }'
	done
	serve_stop
}

best() { sort -n | tail -1; }

models=(prefork thread_pool)
declare -A ours theirs
for model in "${models[@]}"; do
	for w in 0 "$work"; do
		ours[$model,$w]=0
		theirs[$model,$w]=0
	done
done
for rep in $(seq "$reps"); do
	say "run $rep of $reps: ptlab run server"
	"$ptlab" run server --cpus "0-$((ncpu - 1))" --set server.duration="$duration" \
		--set server.connections="$conns" --set server.workers="$conns" \
		--set server.work_us="$work" --set server.poisons=1 --json "$tmp/run.json" >/dev/null
	for model in "${models[@]}"; do
		for w in 0 "$work"; do
			ours[$model,$w]=$(printf '%s\n%s\n' "${ours[$model,$w]}" \
				"$(ptlab_rps "$model" "$w" "$tmp/run.json")" | best)
		done
		say "run $rep of $reps: wrk against ptlab serve $model"
		mapfile -t got < <(wrk_rps "$model")
		theirs[$model,0]=$(printf '%s\n%s\n' "${theirs[$model,0]}" "${got[0]}" | best)
		theirs[$model,$work]=$(printf '%s\n%s\n' "${theirs[$model,$work]}" "${got[1]}" | best)
	done
done

printf '\nkeep-alive, %s connections, %s, best of %s; generator on CPU %s, server on CPU %s\n' \
	"$conns" "$duration" "$reps" "$client_cpu" "$server_cpus"
printf '%-12s %-16s %14s %14s %8s\n' model request "ptlab req/s" "wrk req/s" "ratio"
for model in "${models[@]}"; do
	for w in 0 "$work"; do
		if ((w == 0)); then path=/; else path="/work?us=$w"; fi
		a=${ours[$model,$w]} b=${theirs[$model,$w]}
		ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
		verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.9 && r <= 1.1) ? "within 10%" : "APART" }')
		printf '%-12s %-16s %14s %14s %8s  %s\n' "$model" "$path" "$a" "$b" "$ratio" "$verdict"
	done
done
